"""Render scenes in this process: `python -m scripts.pipeline.worker JOB.json`, or
`python -m scripts.pipeline.worker --serve` reading one job-file path per line on stdin (the
runner keeps one such process per core, so manim, the estimator and the scene modules are
imported once per worker, not once per scene).

A job file (written by the runner) says which scene, what to make (a video, or stills only),
the size, theme, where to write (a fresh temp folder), the job's log file, and which TeX/text
cache folders to use: each scene has its own, locked while it renders, so two workers never
compile into the same folder (manim's TeX cache is not safe to share between processes).
Each job runs under manim's tempconfig, so nothing a scene changes in the config leaks into
the next one.

Progress goes to the runner as JSON lines on the file descriptor GLMM_EXPLAINER_PROGRESS_FD:
{"event": "frames", "seconds": s}, {"event": "slide", "index": i}, and at the end of each job
{"event": "done"} or {"event": "error", "message": "..."}; after an error the worker exits.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

PROGRESS_FD_ENV = "GLMM_EXPLAINER_PROGRESS_FD"


class Reporter:
    def __init__(self):
        fd = os.environ.get(PROGRESS_FD_ENV)
        self.stream = os.fdopen(int(fd), "w", buffering=1) if fd else None

    def send(self, **event) -> None:
        if self.stream is not None:
            try:
                self.stream.write(json.dumps(event) + "\n")
            except (BrokenPipeError, OSError):
                self.stream = None


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def configure_manim(job: dict) -> None:
    from manim import config

    config.pixel_width = int(job["width"])
    config.pixel_height = int(job["height"])
    config.frame_rate = int(job["fps"])
    config.media_dir = str(Path(job["out_dir"], "manim"))
    config.tex_dir = str(Path(job["tex_dir"], "Tex"))
    config.text_dir = str(Path(job["tex_dir"], "texts"))
    config.disable_caching = True
    config.verbosity = "WARNING"
    config.progress_bar = "none"
    config.write_to_movie = job["kind"] == "video"
    config.save_last_frame = False
    config.format = "mp4" if job["kind"] == "video" else "none"
    if job.get("transparent"):
        config.background_opacity = 0.0
    from manim import logger

    logger.setLevel("WARNING")


def install_speedups() -> None:
    """DecimalNumber.set_value rebuilds its digits from cached glyph templates with a deepcopy
    per glyph: a quarter and more of the main thread in scenes with live readouts. The glyphs
    are copied here structurally instead: new mobjects, copied point/colour arrays, lists, dicts
    and sets; immutable parts (colours, TeX templates, parsed SVG paths, numbers) shared. The
    frames are byte-identical (benchmarks/bench_render.py checks); GLMM_EXPLAINER_SPEEDUPS=0
    turns it off."""
    import copy

    import numpy as np
    from manim.mobject.mobject import Mobject
    from manim.mobject.text import numbers

    def copied(value, memo: dict):
        kind = type(value)
        if kind is np.ndarray:
            return value.copy()
        if kind is list:
            return [copied(item, memo) for item in value]
        if kind is dict:
            return {key: copied(item, memo) for key, item in value.items()}
        if kind is set:
            return set(value)
        if isinstance(value, Mobject):
            clone = memo.get(id(value))
            return clone if clone is not None else glyph_copy(value, memo)
        return value

    def glyph_copy(mobject, memo: dict):
        """A mobject reached twice (a glyph's paths are also listed in its id_to_vgroup_dict)
        is copied once and shared, as deepcopy's memo does (18 -> 11 mobject copies per digit)."""
        clone = copy.copy(mobject)
        memo[id(mobject)] = clone
        clone.__dict__.update({key: copied(value, memo) for key, value in mobject.__dict__.items()})
        return clone

    def string_to_mob(self, string, mob_class=None, **kwargs):
        if mob_class is None:
            mob_class = self.mob_class
        cache = numbers.string_to_mob_map
        if string not in cache:
            cache[string] = mob_class(string, **kwargs)
        mob = glyph_copy(cache[string], {})
        mob.font_size = self._font_size
        return mob

    numbers.DecimalNumber._string_to_mob = string_to_mob


_speedups_installed = False


def run(job: dict, reporter: Reporter) -> dict:
    global _speedups_installed
    from manim import tempconfig

    with tempconfig({}):  # restores whatever the job or its scene changes in the config
        configure_manim(job)
        if not _speedups_installed and os.environ.get("GLMM_EXPLAINER_SPEEDUPS", "1") != "0":
            install_speedups()
            _speedups_installed = True
        return _render(job, reporter)


def _input_calls() -> int:
    context = sys.modules.get("scenes.context")
    if context is None:
        return 0
    info = context.lecture_input.cache_info()
    return info.hits + info.misses


def _stills_renderer_class():
    from manim.renderer.cairo_renderer import CairoRenderer

    class StillsRenderer(CairoRenderer):
        """Skips animations and draws nothing on its own: manim would still draw the static
        mobjects and the frozen frame once per play; the slide points draw what they need."""

        def update_frame(self, scene, mobjects=None, include_submobjects=True,
                         ignore_skipping=True, **kwargs):
            return None

        def save_static_frame_data(self, scene, static_mobjects):
            self.static_image = None
            return None

        def get_frame(self):
            return self.camera.pixel_array

    return StillsRenderer


def _render(job: dict, reporter: Reporter) -> dict:
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes import base
    from scenes.lecture import SceneModule, import_module
    from scripts.pipeline.capture import StillWriter
    from scripts.pipeline.encode import pipe_writer_class

    StillsRenderer = _stills_renderer_class()
    out_dir = Path(job["out_dir"])
    fps = int(job["fps"])
    stills = StillWriter(out_dir / "stills", formats=job.get("formats", ["png"]),
                         transparent=bool(job.get("transparent")),
                         on_still=lambda index, name: reporter.send(event="slide", index=index))
    base.set_still_writer(stills if job.get("formats") else None)
    calls_before = _input_calls()

    module = import_module(SceneModule(job["module"], Path(job["module_path"])))
    cls = getattr(module, job["scene"])
    if job["kind"] == "video":
        target = out_dir / f"{job['scene']}.mp4"
        writer = pipe_writer_class(target, on_frames=lambda n: reporter.send(event="frames",
                                                                               seconds=n / fps))
        renderer = CairoRenderer(file_writer_class=writer)
    else:
        renderer = StillsRenderer(skip_animations=True)
    scene = cls(renderer=renderer)
    started = time.perf_counter()
    try:
        scene.render()
    except BaseException:  # stop this scene's ffmpeg and drop its partial file, whatever stopped us
        pipe = getattr(getattr(renderer, "file_writer", None), "pipe", None)
        if pipe is not None:
            pipe.abort()
        raise
    finally:
        base.set_still_writer(None)
    seconds = time.perf_counter() - started
    frames = getattr(renderer.file_writer, "frames", 0)
    if job["kind"] == "video" and not frames:
        raise RuntimeError("the scene plays nothing and waits no time: there is no video to make")
    return {"scene": job["scene"], "frames": frames, "fps": fps,
            "duration": frames / fps if frames else float(renderer.time),
            "marks": scene.marks, "numbers": scene.displayed,
            "narration_values": {k: str(v) for k, v in scene.narration_values().items()},
            "uses_input": _input_calls() > calls_before, "render_seconds": seconds,
            "stills": sorted(str(Path(p).relative_to(out_dir)) for p in stills.written)}


def handle(job_file: str, reporter: Reporter) -> bool:
    """Run one job with its output (and anything the scene prints) going to the job's log."""
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    for key, value in job.get("env", {}).items():
        os.environ[key] = value
    log = job.get("log")
    saved = None
    if log:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = (os.dup(1), os.dup(2))
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    try:
        lock_path = Path(job["tex_dir"], ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one renderer per scene's TeX folder at a time
            try:
                in_progress = recover_tex_dir(Path(job["tex_dir"]))
                meta = run(job, reporter)
                Path(job["out_dir"], "meta.json").write_text(json.dumps(meta), encoding="utf-8")
                in_progress.unlink()
            except BaseException as exc:  # noqa: BLE001 - every failure becomes one line
                if isinstance(exc, SystemExit) and exc.code in (0, None):
                    raise
                try:
                    traceback.print_exc()
                except OSError:
                    pass  # the log's disk is full: the error event still says what happened
                reporter.send(event="error", message=_one_line(exc))
                return False
        reporter.send(event="done")
        return True
    finally:
        if saved:
            _flush_quietly()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


IN_PROGRESS = ".rendering"


def recover_tex_dir(tex_dir: Path) -> Path:
    """Called holding the scene's TeX lock. manim reuses a formula's .svg if the file exists, so a
    file cut short (a full disk, a killed worker) would break every later render of the scene.
    A job marks the folder while it renders and unmarks it only when it succeeded; a marked
    folder lost its job: what that job wrote (files newer than the mark) goes. Returns the mark."""
    marker = tex_dir / IN_PROGRESS
    try:
        since = marker.stat().st_mtime_ns
    except FileNotFoundError:
        since = None
    if since is not None:
        for path in tex_dir.rglob("*"):
            try:
                if path.is_file() and path.name not in (".lock", IN_PROGRESS) and \
                        path.stat().st_mtime_ns >= since:
                    path.unlink()
            except OSError:
                pass
    marker.touch()
    return marker


def _flush_quietly() -> None:
    """Flush what the job printed to its log; a full disk must not turn into a second error."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            pass


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    reporter = Reporter()
    if argv[:1] != ["--serve"]:
        return 0 if handle(argv[0], reporter) else 1
    for line in sys.stdin:
        if line.strip() and not handle(line.strip(), reporter):
            return 1  # a fresh process for whatever comes next
    return 0


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return "stopped"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
