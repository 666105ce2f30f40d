"""What to render: one job per scene and product (a video, or stills in some formats), and the
cache keys that say whether it is already done.

Cache key of a scene product = sha256 of
  kind (video | still), format (mp4 | png | svg | pdf), transparency,
  scene name + hash of its module's source closure (the module, scenes/base.py, theme,
  context, common and every estimator file it imports),
  hash of the pipeline's own worker/capture/encode code and the encoder settings,
  theme, pixel size and frame rate, and for videos the pace (holds for reading, or brisk),
  versions of manim, numpy, scipy, pycairo, ManimPango, Pillow, this package, and
  fingerprints of the ffmpeg/latex/dvisvgm binaries,
  and the input digest (scenario digest; for --data also the CSV's sha256, formula, family,
  trials) - but only for scenes that read their input. Whether a scene does is recorded the
  first time it renders (deps/), so a scene that draws no data (a pure concept scene) is not
  re-rendered when a scenario value changes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scenes.pacing import DEFAULT_PACE, PACE_ENV, STILLS_PACE
from scripts.pipeline.cache import Cache, CacheObject, make_key
from scripts.pipeline.catalog import SceneInfo
from scripts.pipeline.layout import Quality
from scripts.pipeline.sources import files_hash, library_versions

PIPELINE_DIR = Path(__file__).resolve().parent
PIPELINE_FILES = ("worker.py", "capture.py", "encode.py")


@lru_cache(maxsize=1)
def pipeline_hash() -> str:
    from scenes import lecture

    return files_hash(*(PIPELINE_DIR / name for name in PIPELINE_FILES), lecture.__file__)


@dataclass
class SceneJob:
    """One scene's products at one quality/theme: `products` are 'mp4' (video, with PNG stills
    captured in the same pass) or still formats 'png'/'svg'/'pdf'."""

    scene: SceneInfo
    kind: str  # "video" | "stills"
    quality: Quality
    theme: str
    products: tuple[str, ...]
    transparent: bool = False
    pace: str = DEFAULT_PACE  # videos only (stills render at STILLS_PACE)
    found: dict[str, CacheObject] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.scene.name}-{self.kind}" + ("" if self.kind == "video" else
                                                   "-" + "-".join(self.missing or self.products))

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p in self.products if p not in self.found)

    def stage_parts(self, product: str) -> dict:
        from scripts.pipeline.encode import encoder_fingerprint

        parts = {"kind": self.kind, "product": product, "scene": self.scene.name,
                 "sources": self.scene.source_hash, "pipeline": pipeline_hash(),
                 "theme": self.theme, "size": [self.quality.width, self.quality.height],
                 "transparent": self.transparent, "versions": library_versions()}
        if self.kind == "video":
            parts["fps"] = self.quality.fps
            parts["pace"] = self.pace
            parts["encoder"] = encoder_fingerprint()
        return parts

    def deps_key(self) -> str:
        return make_key({"scene": self.scene.name, "sources": self.scene.source_hash,
                         "pipeline": pipeline_hash(), "versions": library_versions()})

    def key(self, product: str, uses_input: bool, input_digest: str) -> str:
        return make_key({**self.stage_parts(product), "input": input_digest if uses_input else None})

    def lookup(self, cache: Cache, input_digest: str) -> None:
        deps = cache.deps(self.deps_key())
        if deps is None:
            return
        for product in self.products:
            obj = cache.get(self.key(product, deps["uses_input"], input_digest))
            if obj is not None:
                self.found[product] = obj

    def worker_spec(self) -> dict:
        """The job file's content, minus the folders the runner adds."""
        formats = ["png"] if self.kind == "video" else list(self.missing)
        return {"scene": self.scene.name, "module": self.scene.module,
                "module_path": self.scene.module_path, "kind": self.kind,
                "width": self.quality.width, "height": self.quality.height, "fps": self.quality.fps,
                "theme": self.theme, "formats": formats, "transparent": self.transparent,
                "env": {PACE_ENV: self.pace if self.kind == "video" else STILLS_PACE}}

    def commit(self, cache: Cache, input_digest: str, workdir: Path, meta: dict) -> None:
        """Store a finished worker's outputs: one cache object per product."""
        uses_input = bool(meta["uses_input"])
        cache.set_deps(self.deps_key(), {"uses_input": uses_input})
        out = workdir / "out"
        record = {k: meta[k] for k in ("scene", "frames", "fps", "duration", "marks", "numbers",
                                       "uses_input", "render_seconds")}
        for product in self.missing:
            if product == "mp4":
                files = {f"{self.scene.name}.mp4": out / f"{self.scene.name}.mp4"}
                files.update({Path(p).name: out / p for p in meta["stills"] if p.startswith("stills/png/")})
            else:
                files = {Path(p).name: out / p for p in meta["stills"]
                         if p.startswith(f"stills/{product}/")}
            key = self.key(product, uses_input, input_digest)
            self.found[product] = cache.commit(key, workdir, files, {**record, "product": product})


def plan_jobs(scenes: list[SceneInfo], kind: str, quality: Quality, theme: str,
              products: tuple[str, ...], transparent: bool, cache: Cache,
              input_digest: str, pace: str = DEFAULT_PACE) -> list[SceneJob]:
    jobs = []
    for scene in scenes:
        job = SceneJob(scene, kind, quality, theme, products, transparent, pace)
        job.lookup(cache, input_digest)
        jobs.append(job)
    return jobs
