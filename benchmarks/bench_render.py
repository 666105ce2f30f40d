"""Render speed of the pipeline against plain Manim and the encode floor, on this machine.

    .venv/bin/python benchmarks/bench_render.py                 # all sections, about 10 minutes
    .venv/bin/python benchmarks/bench_render.py --qualities low,medium --repeat 1 --skip-stills

Per quality, for one scene (default: SweepDemo of tests/pipeline/sample_scenes.py, a lecture-like
scene with 8 groups, morphing lines and two live DecimalNumber readouts; --scene/--module for
another), all with a warm TeX cache and best of --repeat runs:
  pipeline    `glmm-explainer render SCENE -j 1` with an empty object cache (CLI start included)
  plain       `python -m manim render -q? --disable_caching` (CLI start included; caching off
              only so that repeats really render - it also spares manim its hashing)
  floor       ffmpeg/libx264 encoding the same number of frames at that size from raw RGBA
              (frames decoded from the pipeline's video at its frame rate in a second process,
              holds as repeated frames, as Manim encodes them): manim's default settings
              (crf 23, preset medium) and the pipeline's (veryfast, crf 20)
Every render runs at --pace (default reading, the CLI's default), plain Manim's too, so both
make the same video.
RTF = wall time / video duration. Then:
  stills      every slide point of the scene set as PNG (and SVG+PDF), warm TeX, per still
  cached      `glmm-explainer lecture` a second time (whole scene set), checking manim is not
              imported (python -X importtime)
  workers     the scene set rendered with -j 1 and -j 2
  identity    the frames with and without the worker's DecimalNumber speed-up, hashed
The scene set is the lecture's scenes when scenes/*.py has them, else the sample scenes.
Results: a Markdown table on stdout, and JSON with --json FILE.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "pipeline" / "sample_scenes.py"
PY = sys.executable
MANIM_FLAGS = {"low": "l", "medium": "m", "high": "h", "4k": "k"}
SIZES = {"low": (854, 480, 15), "medium": (1280, 720, 30), "high": (1920, 1080, 60), "4k": (3840, 2160, 60)}


def cli(*args, env=None, check=True) -> float:
    started = time.perf_counter()
    result = subprocess.run([PY, "-c", "from scripts.cli import cli; cli()", *map(str, args)], cwd=ROOT,
                            env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        raise SystemExit(f"failed: glmm-explainer {' '.join(map(str, args))}\n{result.stderr[-2000:]}")
    return elapsed


def cold(out: Path) -> None:
    """Forget rendered objects (keep the TeX caches warm)."""
    for name in ("objects", "deps", "durations"):
        shutil.rmtree(out / ".cache" / name, ignore_errors=True)


def duration_of(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=nw=1:nk=1", str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def frames_of(path: Path, quality: str) -> int:
    """Frames the video shows (a hold is stored as two frames, shown for its whole length)."""
    return round(duration_of(path) * SIZES[quality][2])


def encode_floor(video: Path, quality: str, x264: list[str]) -> tuple[float, float]:
    """(wall, cpu) of one ffmpeg encoding the video's frames (decoded by another process)."""
    w, h, fps = SIZES[quality]
    decoder = subprocess.Popen(["ffmpeg", "-v", "error", "-i", str(video), "-vf", f"fps={fps}", "-f",
                                "rawvideo", "-pix_fmt", "rgba", "-"], stdout=subprocess.PIPE)
    started = time.perf_counter()
    encoder = subprocess.Popen(["ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgba", "-s",
                                f"{w}x{h}", "-framerate", str(fps), "-i", "-", *x264, "-pix_fmt", "yuv420p",
                                "-f", "mp4", "-y", os.devnull], stdin=decoder.stdout)
    decoder.stdout.close()
    _, _, usage = os.wait4(encoder.pid, 0)
    wall = time.perf_counter() - started
    encoder.returncode = 0
    decoder.wait()
    return wall, usage.ru_utime + usage.ru_stime


def frame_hash(module: str, scene: str, quality: str, speedups: bool) -> str:
    code = f"""
import hashlib, os, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ['GLMM_EXPLAINER_SPEEDUPS'] = {'1' if speedups else '0'!r}
from scripts.pipeline import worker
w, h, fps = {SIZES[quality]!r}
job = dict(width=w, height=h, fps=fps, kind='video', out_dir={tempfile.mkdtemp()!r}, tex_dir={tempfile.mkdtemp()!r})
worker.configure_manim(job)
if {speedups!r}:
    worker.install_speedups()
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from scenes.lecture import import_module, module_ref
digest = hashlib.sha256()
class HashWriter(SceneFileWriter):
    def begin_animation(self, allow_write=False, **kw): pass
    def end_animation(self, allow_write=False): pass
    def write_frame(self, pixels, *, repeat=1): digest.update(pixels.tobytes() * repeat)
    def finish(self): pass
module = import_module(module_ref({module!r}))
getattr(module, {scene!r})(renderer=CairoRenderer(file_writer_class=HashWriter)).render()
print(digest.hexdigest())
"""
    env = {**os.environ, "GLMM_EXPLAINER_THEME": "dark"}
    out = subprocess.run([PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    return out.stdout.strip().splitlines()[-1]


def scene_set(env, choice: str) -> tuple[list[str], bool]:
    """Names of the scene set: the lecture's scenes (choice 'lecture', or 'auto' when the lecture
    has more than the title card), else the sample scenes."""
    if choice != "samples":
        lecture_env = {k: v for k, v in env.items() if k != "GLMM_EXPLAINER_SCENE_MODULES"}
        out = subprocess.run([PY, "-c", "from scripts.cli import cli; cli()", "list", "--json", "--out",
                              tempfile.mkdtemp()], cwd=ROOT, env=lecture_env, capture_output=True, text=True)
        if out.returncode == 0:
            names = [s["name"] for s in json.loads(out.stdout)["scenes"]]
            if len(names) > 1 or choice == "lecture":
                return names, True
        elif choice == "lecture":
            raise SystemExit(f"the lecture's scenes cannot be listed: {out.stderr.strip()}")
    return ["TinyCard", "SweepDemo", "SweepDemoB"], False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qualities", default="low,medium,high")
    parser.add_argument("--scene", default="SweepDemo")
    parser.add_argument("--module", default=str(SAMPLES), help="module file of --scene")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--skip-stills", action="store_true")
    parser.add_argument("--stills-quality", default="high")
    parser.add_argument("--workers-quality", default="low,medium", help="comma-separated")
    parser.add_argument("--scene-set", choices=("auto", "lecture", "samples"), default="auto",
                        help="scenes for the stills/workers/cached sections")
    parser.add_argument("--skip-rtf", action="store_true")
    parser.add_argument("--pace", choices=("reading", "brisk"), default="reading",
                        help="pace of every render, ours and plain Manim's (same video length)")
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    qualities = [q for q in args.qualities.split(",") if q]
    work = Path(tempfile.mkdtemp(prefix="bench-render-"))
    base_env = {**os.environ, "GLMM_EXPLAINER_THEME": "dark", "GLMM_EXPLAINER_PACE": args.pace}
    scene_env = {**base_env, "GLMM_EXPLAINER_SCENE_MODULES": args.module}
    results: dict = {"machine": {"cores": os.cpu_count()}, "scene": args.scene, "pace": args.pace, "rtf": {},
                     "load_average_start": os.getloadavg()}
    print(f"# bench_render: {args.scene} ({Path(args.module).name}), {os.cpu_count()} cores, work {work}",
          file=sys.stderr)

    # ---- RTF per quality
    ours_out, plain_media = work / "ours", work / "plain"
    cli("stills", args.scene, "-q", "low", "--out", ours_out, "--quiet", env=scene_env)  # warm TeX
    if args.skip_rtf:
        qualities = []
    if not args.skip_plain and qualities:
        subprocess.run([PY, "-m", "manim", "render", "-ql", "--disable_caching", "--media_dir",
                        str(plain_media), args.module, args.scene], cwd=work, env=base_env,
                       capture_output=True, check=True)
    for quality in qualities:
        ours = []
        for _ in range(args.repeat):
            cold(ours_out)
            ours.append(cli("render", args.scene, "-q", quality, "-j", "1", "--pace", args.pace, "--out",
                            ours_out, "--quiet", env=scene_env))
        variant = "" if args.pace == "reading" else f"-{args.pace}"
        [video] = list(ours_out.glob(f"*/{quality}-dark{variant}/videos/{args.scene}.mp4"))
        duration, frames = duration_of(video), frames_of(video, quality)
        row = {"duration": duration, "frames": frames, "pipeline_wall": min(ours)}
        if not args.skip_plain:
            plain = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                subprocess.run([PY, "-m", "manim", "render", f"-q{MANIM_FLAGS[quality]}", "--disable_caching",
                                "--media_dir", str(plain_media), args.module, args.scene], cwd=work,
                               env=base_env, capture_output=True, check=True)
                plain.append(time.perf_counter() - started)
            row["plain_wall"] = min(plain)
        floors_default = [encode_floor(video, quality, ["-c:v", "libx264", "-crf", "23", "-preset", "medium"])
                          for _ in range(args.repeat)]
        floors_ours = [encode_floor(video, quality, ["-c:v", "libx264", "-crf", "20", "-preset", "veryfast"])
                       for _ in range(args.repeat)]
        row["floor_manim_settings_wall"], row["floor_manim_settings_cpu"] = min(floors_default)
        row["floor_pipeline_settings_wall"], row["floor_pipeline_settings_cpu"] = min(floors_ours)
        for key in list(row):
            if key.endswith("_wall"):
                row[key.replace("_wall", "_rtf")] = row[key] / duration
        results["rtf"][quality] = row
        print(f"  {quality}: pipeline RTF {row['pipeline_rtf']:.2f}"
              + (f", plain {row['plain_rtf']:.2f}" if "plain_rtf" in row else "")
              + f", floor {row['floor_manim_settings_rtf']:.2f}/{row['floor_pipeline_settings_rtf']:.2f}",
              file=sys.stderr)

    # ---- the scene set: stills, workers, cached lecture
    names, is_lecture = scene_set(base_env, args.scene_set)
    set_env = base_env if is_lecture else scene_env
    results["scene_set"] = {"lecture": is_lecture, "scenes": names}
    set_out = work / "set"
    cli("stills", *names, "-q", "low", "--out", set_out, "--quiet", env=set_env)  # warm TeX
    if not args.skip_stills:
        per = {}
        for formats in ("png", "svg,pdf"):
            times = []
            for _ in range(args.repeat):
                cold(set_out)
                times.append(cli("stills", *names, "-q", args.stills_quality, "-f", formats, "--out", set_out,
                                 "--quiet", env=set_env))
            count = len(list(set_out.glob(f"*/{args.stills_quality}-dark/stills/{formats.split(',')[0]}/*")))
            per[formats] = {"wall": min(times), "stills": count, "per_still": min(times) / max(1, count)}
        results["stills"] = per
        print(f"  stills: {per}", file=sys.stderr)

    results["workers"] = []
    for quality in args.workers_quality.split(","):
        workers = {}
        for jobs in (1, 2):
            times = []
            for _ in range(args.repeat):
                cold(set_out)
                times.append(cli("render", *names, "-q", quality, "-j", jobs, "--pace", args.pace,
                                 "--out", set_out, "--quiet", env=set_env))
            workers[jobs] = min(times)
        row = {"quality": quality, "j1": workers[1], "j2": workers[2], "speedup": workers[1] / workers[2]}
        results["workers"].append(row)
        print(f"  workers: {row}", file=sys.stderr)

    cli("lecture", *names, "-q", "low", "--pace", args.pace, "--out", set_out, "--quiet", env=set_env)
    cached = [cli("lecture", *names, "-q", "low", "--pace", args.pace, "--out", set_out, "--quiet",
                  env=set_env)
              for _ in range(max(2, args.repeat))]
    probe = subprocess.run([PY, "-X", "importtime", "-c", "from scripts.cli import cli; cli()", "lecture", *names,
                            "-q", "low", "--pace", args.pace, "--out", str(set_out), "--quiet"], cwd=ROOT, env=set_env,
                           capture_output=True, text=True)
    imported_manim = any(line.rsplit("|", 1)[-1].strip() == "manim" for line in probe.stderr.splitlines())
    results["cached_lecture"] = {"wall": min(cached), "imports_manim": imported_manim,
                                 "scenes": len(names)}
    print(f"  cached lecture: {results['cached_lecture']}", file=sys.stderr)

    # ---- identity of the DecimalNumber speed-up
    same = frame_hash(args.module, args.scene, "low", True) == frame_hash(args.module, args.scene, "low", False)
    results["speedup_frames_identical"] = same

    results["load_average_end"] = os.getloadavg()
    print(table(results))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True)


def table(results: dict) -> str:
    load = results["load_average_start"][0], results["load_average_end"][0]
    lines = [f"Scene {results['scene']} at the {results['pace']} pace, {results['machine']['cores']} cores; RTF = wall / video duration "
             f"(lower is faster); 1-min load average at start/end: {load[0]:.2f}/{load[1]:.2f} "
             "(above ~0.3 other processes were competing)", "",
             "| quality | video | pipeline RTF | plain Manim RTF | encode floor, Manim settings | "
             "encode floor, pipeline settings |", "|---|---|---|---|---|---|"]
    for quality, row in results.get("rtf", {}).items():
        w, h, fps = SIZES[quality]
        plain = f"{row['plain_rtf']:.2f}" if "plain_rtf" in row else "-"
        lines.append(f"| {quality} ({h}p{fps}) | {row['duration']:.1f} s, {row['frames']} frames | "
                     f"{row['pipeline_rtf']:.2f} | {plain} | {row['floor_manim_settings_rtf']:.2f} "
                     f"(cpu {row['floor_manim_settings_cpu']:.1f} s) | {row['floor_pipeline_settings_rtf']:.2f} "
                     f"(cpu {row['floor_pipeline_settings_cpu']:.1f} s) |")
    lines.append("")
    if "stills" in results:
        for formats, s in results["stills"].items():
            lines.append(f"- stills ({formats}, {len(results['scene_set']['scenes'])} scenes): {s['stills']} "
                         f"stills in {s['wall']:.1f} s = {s['per_still']:.2f} s per still")
    for wk in results["workers"]:
        lines.append(f"- scene set at {wk['quality']}: -j 1 {wk['j1']:.1f} s, -j 2 {wk['j2']:.1f} s, "
                     f"speed-up {wk['speedup']:.2f}x")
    c = results["cached_lecture"]
    lines.append(f"- cached `lecture` re-run ({c['scenes']} scenes): {c['wall']:.2f} s, manim imported: "
                 f"{c['imports_manim']}")
    lines.append(f"- frames identical with the DecimalNumber speed-up: {results['speedup_frames_identical']}")
    lines.append(f"- scene set: {'the lecture' if results['scene_set']['lecture'] else 'sample scenes'}: "
                 f"{', '.join(results['scene_set']['scenes'])}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
