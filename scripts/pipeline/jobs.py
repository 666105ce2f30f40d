"""What to render: one job per scene and product (a video, or stills in some formats), and the
cache keys that say whether it is already done.

Cache key of a scene product = sha256 of
  kind (video | still), format (mp4 | png | svg | pdf), transparency,
  scene name + hash of its module's source closure (the module, scenes/base.py, theme,
  context, the vocab package and every estimator file it imports),
  hash of the pipeline's own worker/capture/encode code and the encoder settings,
  theme, pixel size and frame rate, and for videos the pace (holds for reading, or brisk),
  versions of manim, numpy, scipy, pycairo, ManimPango, Pillow, this package, and
  fingerprints of the ffmpeg/latex/dvisvgm binaries,
  and what the scene declares it reads (scenes/reads.py, via the catalog, without importing it):
  the input digest (scenario digest; for --data also the CSV's sha256, formula, family, trials)
  if it declares `reads_input`, the sha256 of each file of its declared `presets` (the ones it
  falls back to, e.g. fan-out.toml), and of each declared data file.
So a scene that draws no data (a pure concept scene) is not re-rendered when a scenario value
changes, and editing a preset re-renders exactly the scenes that declare it. The declaration
cannot be wrong silently: a scene reading something it did not declare fails in the worker.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from scenes.pacing import DEFAULT_PACE, PACE_ENV, STILLS_PACE
from scripts.pipeline.cache import Cache, CacheObject, make_key
from scripts.pipeline.catalog import SceneInfo
from scripts.pipeline.layout import Quality
from scripts.pipeline.sources import content_digest, files_hash, library_versions
from scenes.reads import STRICT_ENV

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
    _reads: dict | None = field(default=None, repr=False)

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

    def reads_parts(self, input_digest: str) -> dict:
        """The digests of everything the scene declares it reads, taken once when the run plans
        (lookup and commit use the same key; a preset edited while its scene renders is not
        told apart)."""
        if self._reads is None:
            from estimator.presets import preset_path

            scene = self.scene
            self._reads = {
                "input": input_digest if scene.reads_input else None,
                "presets": {name: content_digest(preset_path(name)) for name in scene.presets},
                "data_files": {rel: content_digest(path)
                               for rel, path in scene.data_file_paths().items()}}
        return self._reads

    def key(self, product: str, input_digest: str) -> str:
        return make_key({**self.stage_parts(product), "reads": self.reads_parts(input_digest)})

    def lookup(self, cache: Cache, input_digest: str) -> None:
        for product in self.products:
            obj = cache.get(self.key(product, input_digest))
            if obj is not None:
                self.found[product] = obj

    def worker_spec(self) -> dict:
        """The job file's content, minus the folders the runner adds."""
        formats = ["png"] if self.kind == "video" else list(self.missing)
        return {"scene": self.scene.name, "module": self.scene.module,
                "module_path": self.scene.module_path, "kind": self.kind,
                "width": self.quality.width, "height": self.quality.height, "fps": self.quality.fps,
                "theme": self.theme, "formats": formats, "transparent": self.transparent,
                "env": {PACE_ENV: self.pace if self.kind == "video" else STILLS_PACE,
                        STRICT_ENV: "1"}}

    def commit(self, cache: Cache, input_digest: str, workdir: Path, meta: dict) -> None:
        """Store a finished worker's outputs: one cache object per product."""
        out = workdir / "out"
        record = {k: meta[k] for k in ("scene", "frames", "fps", "duration", "marks", "numbers",
                                       "render_seconds")}
        record["narration_values"] = meta.get("narration_values", {})
        record["reads"] = self.reads_parts(input_digest)
        for product in self.missing:
            if product == "mp4":
                files = {f"{self.scene.name}.mp4": out / f"{self.scene.name}.mp4"}
                files.update({Path(p).name: out / p for p in meta["stills"] if p.startswith("stills/png/")})
            else:
                files = {Path(p).name: out / p for p in meta["stills"]
                         if p.startswith(f"stills/{product}/")}
            key = self.key(product, input_digest)
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
