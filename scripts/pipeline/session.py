"""One command's run: choose scenes, get their products from the cache or the workers, place
them in the output tree and record them in the manifest.

Nothing here imports manim: a run served entirely from the cache never does.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from scenes.pacing import DEFAULT_PACE
from scripts.errors import Interrupted, PipelineError
from scripts.pipeline import catalog as catalog_mod
from scripts.pipeline import manifest, tools
from scripts.pipeline.cache import Cache, CacheObject, naming, place
from scripts.pipeline.catalog import SceneInfo
from scripts.pipeline.inputs import RunInput
from scripts.pipeline.jobs import SceneJob, plan_jobs
from scripts.pipeline.layout import QUALITIES, Quality, cache_root, run_dir
from scripts.pipeline.progress import Reporter


@dataclass
class Settings:
    out: Path
    quality: Quality
    theme: str
    parallel: int
    reporter: Reporter
    pace: str | None = None  # videos: "reading" or "brisk"; None for commands without video
    voice: object = None  # videos: a voices.Voice that speaks the narration; None: silent
    recordings: Path | None = None  # videos: the lecturer's recordings replace the voice

    @classmethod
    def make(cls, out, quality: str, theme: str, parallel: int | None, reporter: Reporter,
             pace: str | None = None):
        # Absolute from here on: worker processes run in another current directory, so a
        # relative --out (the default `media`) must never reach them as it was typed.
        return cls(Path(os.path.abspath(out)), QUALITIES[quality], theme,
                   parallel or os.cpu_count() or 1, reporter, pace)


@dataclass
class Outcome:
    scene: str
    status: str  # cached | rendered | failed | skipped
    detail: str = ""


@dataclass
class Session:
    settings: Settings
    run_input: RunInput
    command: str
    started: float = field(default_factory=time.perf_counter)

    def __post_init__(self):
        self.out = self.settings.out
        problem = tools.output_problem(self.out)  # creates nothing: see _open_output
        if problem:
            raise PipelineError(f"{problem}: choose another folder with --out")
        self.cache = Cache(cache_root(self.out))
        self._catalog_pending: dict = {}  # scene descriptions, written by _open_output
        self._output_open = False
        self.catalog = catalog_mod.load(self.cache, self._catalog_pending)
        q = self.settings.quality
        self.folder = run_dir(self.out, self.run_input.name, self.run_input.digest, q.name,
                              self.settings.theme, self.settings.pace)
        self.outcomes: dict[str, Outcome] = {}
        self.entries: list[dict] = []
        self.failures = []
        self.interrupted = False
        self._interrupt: KeyboardInterrupt | None = None
        self._sources: dict[str, Path] = {}  # relative path -> cache file, placed by finish()
        self._jobs: list[SceneJob] = []      # every job realised, for the screen-numbers sidecar
        self.reporter = self.settings.reporter

    # ---- choosing scenes
    def select(self, names: tuple[str, ...]) -> list[SceneInfo]:
        known = {scene.name: scene for scene in self.catalog}
        if not known:
            raise PipelineError("no scenes found: the lecture's scene modules (scenes/*.py) are missing")
        unknown = [name for name in names if name not in known]
        if unknown:
            raise PipelineError(f"scene '{unknown[0]}' is unknown: use one of {', '.join(known)} "
                                "(see `glmm-explainer list`)")
        chosen = [known[name] for name in dict.fromkeys(names)] if names else list(self.catalog)
        keep = []
        for scene in chosen:
            reason = scene.skip_reason(self.run_input.has_truth, self.run_input.family)
            if reason:
                self.outcomes[scene.name] = Outcome(scene.name, "skipped", reason)
                self.reporter.note(f"skipped {scene.name}: {reason}")
            else:
                keep.append(scene)
        if not keep:
            raise PipelineError("nothing to render: every chosen scene was skipped (see above)")
        return keep

    # ---- getting products
    def realise(self, scenes: list[SceneInfo], kind: str, products: tuple[str, ...],
                transparent: bool = False, then: str | None = None) -> list[SceneJob]:
        """Every scene's products, from the cache or rendered now. Raises PipelineError after
        the run if a scene failed (what finished is kept and placed first by the caller's
        `finish`). `then` names the job that follows (tools.NEEDS, e.g. "lecture"), whose tools
        are checked now too. Nothing is created under --out before every check passed."""
        jobs = plan_jobs(scenes, kind, self.settings.quality, self.settings.theme, products,
                         transparent, self.cache, self.run_input.digest,
                         self.settings.pace or DEFAULT_PACE, self.run_input.lecture_presets,
                         self._speech_plan)
        todo = [job for job in jobs if job.missing]
        self._jobs.extend(jobs)
        self._cached_count = len(jobs) - len(todo)
        for job in jobs:
            if not job.missing:
                self.outcomes.setdefault(job.scene.name, Outcome(job.scene.name, "cached"))
        needs = (tools.NEEDS[kind] if todo else ()) + (tools.NEEDS[then] if then else ())
        problems = tools.check(*needs)
        if todo and kind == "video" and self.settings.voice is not None and self.settings.recordings is None:
            problems += self.settings.voice.problems()  # the voice that speaks the narration
        if problems:
            raise tools.MissingTool(problems)  # a PipelineError: one line for all, exit 2
        self._open_output()
        if todo:
            self._render(todo)
        return jobs

    def _speech_plan(self, scene: SceneInfo):
        from scripts.pipeline import speech

        return speech.plan(scene, self.settings.voice, self.settings.recordings, self.cache.root)

    def _open_output(self) -> None:
        """Create the output folder and its cache, once every input, scene name and tool has
        been checked (a bad one leaves nothing behind)."""
        if self._output_open:
            return
        _check_writable(self.out)
        self.cache.sweep_stale()
        catalog_mod.save(self.cache, self._catalog_pending)
        self._output_open = True

    def _render(self, todo: list[SceneJob]) -> None:
        from scripts.pipeline.runner import Runner

        expected = {}
        for job in todo:
            record = self.cache.json_record("durations", _duration_key(job))
            if record:
                expected[job.scene.name] = float(record.get("seconds", 0.0))
        workdir = Path(tempfile.mkdtemp(prefix="input-", dir=_mkdir(self.cache.root / "tmp")))
        try:
            input_file = workdir / "input.json"
            with naming(input_file):
                self.run_input.write(input_file)
            env = {"GLMM_EXPLAINER_INPUT": str(input_file),
                   "GLMM_EXPLAINER_THEME": self.settings.theme}
            runner = Runner(self.cache, self.reporter, self.settings.parallel, self.run_input.digest, env)
            self.reporter.begin(len(todo), self._cached_count)
            try:
                failures = runner.run(todo, expected)
            except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM: workers are stopped; keep what finished
                self.interrupted = True
                self._interrupt = exc
                failures = []
            finally:
                self.reporter.end()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        for job in todo:
            if not job.missing:
                self.outcomes[job.scene.name] = Outcome(job.scene.name, "rendered")
                meta = next(iter(job.found.values())).meta
                if job.kind == "video":
                    self.cache.set_json_record("durations", _duration_key(job),
                                               {"seconds": meta.get("duration", 0.0)})
        self.failures = failures
        for failure in failures:
            self.outcomes[failure.scene] = Outcome(failure.scene, "failed", failure.message)

    def raise_failures(self) -> None:
        if self.interrupted:
            signum = getattr(self._interrupt, "signum", signal.SIGINT)
            done = sum(outcome.status == "rendered" for outcome in self.outcomes.values())
            raise Interrupted(signum, f"{done} scene(s) finished and are kept in the cache; run the "
                                      "same command again to finish the rest")
        failures = self.failures
        if not failures:
            return
        first = failures[0]
        more = f" (and {len(failures) - 1} more scene(s) failed)" if len(failures) > 1 else ""
        raise PipelineError(f"scene {first.scene} failed: {first.message}{more}; full log: {first.log}")

    # ---- placing files
    def place(self, relative: str, obj: CacheObject, name: str, kind: str, scene: str | None,
              fmt: str) -> Path:
        """Record a file to place at `relative`; `finish()` places them all (and the manifest)."""
        target = self.folder / relative
        self._sources[relative] = obj.file(name)
        info = obj.meta["files"][name]
        self.entries.append({"path": relative, "kind": kind, "scene": scene,
                             "scenario_hash": self.run_input.digest,
                             "quality": self.settings.quality.name, "theme": self.settings.theme,
                             "format": fmt, "sha256": info["sha256"], "bytes": info["bytes"],
                             "cache_key": obj.key})
        return target

    def finish(self) -> Path | None:
        """Place the files and record them in the manifest, as one step under the folder's lock
        (two commands writing into the same folder never interleave their files and manifests)."""
        if not self.entries:
            return None
        q = self.settings.quality
        header = {"tool": f"glmm-explainer {_version()}", "input": self.run_input.describe(),
                  "scenario_hash": self.run_input.digest,
                  "quality": {"name": q.name, "width": q.width, "height": q.height, "fps": q.fps},
                  "theme": self.settings.theme}
        if self.settings.pace:
            header["pace"] = self.settings.pace
            header["voice"] = self.voice_label
        path = manifest.update(self.folder, header, self.entries, place=self._place_file)
        self._write_reproduce_kit(header)
        return path

    def _write_reproduce_kit(self, header: dict) -> None:
        """The data, the same model for lme4 & co., and every number on screen (scripts/reproduce).
        A by-product: a full disk here is one warning line, never the run's failure."""
        from scripts.reproduce import kit_folder, write_kits
        from scripts.reproduce.screen import write_screen_numbers

        try:
            write_kits(self.folder, self.run_input, self._jobs)
            write_screen_numbers(kit_folder(self.folder), self._jobs, header)
        except OSError as exc:
            self.reporter.note(f"the reproduce kit was not written ({exc.strerror or exc})")

    def _place_file(self, entry: dict) -> None:
        place(self._sources[entry["path"]], self.folder / entry["path"])

    def summary(self, manifest_path: Path | None) -> dict:
        return {"command": self.command, "folder": str(self.folder),
                "manifest": str(manifest_path) if manifest_path else None,
                "scenario": {"name": self.run_input.name, "hash": self.run_input.digest},
                "quality": self.settings.quality.name, "theme": self.settings.theme,
                "pace": self.settings.pace, "voice": self.voice_label if self.settings.pace else None,
                "scenes": [vars(outcome) for outcome in self.outcomes.values()],
                "files": [str(self.folder / entry["path"]) for entry in self.entries],
                "seconds": round(time.perf_counter() - self.started, 3)}


    @property
    def voice_label(self) -> str:
        """What speaks the videos: a voice's name, 'recordings' or 'none'."""
        if self.settings.recordings is not None:
            return "recordings"
        return self.settings.voice.name if self.settings.voice is not None else "none"


def _duration_key(job: SceneJob) -> str:
    """A scene's last video length (for the progress bar's estimate) depends on the pace."""
    return f"{job.scene.name}-{job.pace}"


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except FileExistsError:
        raise PipelineError(f"output folder '{out}' is a file: choose another folder with --out") from None
    except OSError as exc:
        raise PipelineError(f"output folder '{out}' is not writable ({exc.strerror}): choose another "
                            "folder with --out") from None


def _version() -> str:
    from scripts.pipeline.sources import library_versions

    return library_versions().get("glmm-explainer", "unknown")
