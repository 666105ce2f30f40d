"""The lecture's own scenes: `glmm-explainer` against plain Manim rendering the same scenes.

    .venv/bin/python benchmarks/bench_lecture.py                      # low and medium, ~15 min
    .venv/bin/python benchmarks/bench_lecture.py --qualities low --slowest 2

Per quality, in one run (TeX caches warm for both, every render from an empty object cache):
  lecture j1   `glmm-explainer lecture -q Q -j 1` (the whole lecture: every scene, the concat with
               chapters, captions, handout; CLI start included)
  lecture j2   the same with -j 2 (the default on this 2-core machine)
  plain seq    `python -m manim render -qX --disable_caching scenes/<module>.py <Scene>` for every
               scene, one after another (plain Manim has no lecture: its sum is the fair floor
               of what a user would otherwise run; caching off only so that it really renders)
  plain j2     the same scenes as two parallel streams of manim processes
  slowest      the --slowest scenes by plain Manim's time, each rendered alone by both
               (`glmm-explainer render SCENE -j 1` vs plain Manim)
Both make the same videos: the scenes read the default preset either way, at the same pace.
Results: a Markdown table on stdout, JSON with --json FILE.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MANIM_FLAGS = {"low": "l", "medium": "m", "high": "h", "4k": "k"}


def timed(argv: list[str], cwd: Path, env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def ours(*args: str, env: dict) -> float:
    return timed([PY, "-c", "from scripts.cli import cli; cli()", *args], ROOT, env)


def forget_renders(out: Path) -> None:
    """Empty the object cache, keep the TeX caches warm (as plain Manim's are)."""
    for name in ("objects", "deps", "durations"):
        shutil.rmtree(out / ".cache" / name, ignore_errors=True)


def lecture_scenes(env: dict) -> list[tuple[str, str]]:
    """(module file, scene name) of every lecture scene, in order."""
    listing = subprocess.run([PY, "-c", "from scripts.cli import cli; cli()", "list", "--json"],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    scenes = json.loads(listing.stdout)["scenes"]
    return [(str(ROOT / "scenes" / (s["module"].split(".")[-1] + ".py")), s["name"]) for s in scenes]


def plain(module: str, scene: str, quality: str, media: Path, env: dict) -> float:
    return timed([PY, "-m", "manim", "render", f"-q{MANIM_FLAGS[quality]}", "--disable_caching",
                  "--media_dir", str(media), module, scene], media, env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--qualities", default="low,medium")
    parser.add_argument("--slowest", type=int, default=3)
    parser.add_argument("--pace", choices=("reading", "brisk"), default="reading")
    parser.add_argument("--json", dest="json_file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-lecture-"))
    env = {**os.environ, "GLMM_EXPLAINER_THEME": "dark", "GLMM_EXPLAINER_PACE": args.pace}
    env.pop("GLMM_EXPLAINER_SCENE_MODULES", None)
    env.pop("GLMM_EXPLAINER_INPUT", None)
    scenes = lecture_scenes(env)
    out, media = work / "ours", work / "plain"
    media.mkdir()
    results = {"cores": os.cpu_count(), "pace": args.pace, "scenes": [s for _, s in scenes],
               "load_average_start": os.getloadavg(), "qualities": {}}
    print(f"# bench_lecture: {len(scenes)} scenes, work {work}", file=sys.stderr)
    ours("stills", "-q", "low", "--out", str(out), "--quiet", env=env)  # warm our TeX caches
    for module, scene in scenes:  # warm plain Manim's TeX cache
        plain(module, scene, "low", media, env)
    for quality in [q for q in args.qualities.split(",") if q]:
        row: dict = {}
        for jobs in (1, 2):
            forget_renders(out)
            row[f"lecture_j{jobs}"] = ours("lecture", "-q", quality, "-j", str(jobs), "--pace",
                                           args.pace, "--out", str(out), "--quiet", env=env)
        per_scene = {scene: plain(module, scene, quality, media, env) for module, scene in scenes}
        row["plain_seq"] = sum(per_scene.values())
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda s: plain(s[0], s[1], quality, media, env), scenes))
        row["plain_j2"] = time.perf_counter() - started
        slowest = sorted(per_scene, key=per_scene.get, reverse=True)[:args.slowest]
        row["slowest"] = []
        for scene in slowest:
            forget_renders(out)
            mine = ours("render", scene, "-q", quality, "-j", "1", "--pace", args.pace, "--out",
                        str(out), "--quiet", env=env)
            row["slowest"].append({"scene": scene, "ours": mine, "plain": per_scene[scene]})
        results["qualities"][quality] = row
        print(f"  {quality}: {row}", file=sys.stderr)
    results["load_average_end"] = os.getloadavg()
    print(table(results))
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True)


def table(results: dict) -> str:
    load = results["load_average_start"][0], results["load_average_end"][0]
    lines = [f"The lecture's {len(results['scenes'])} scenes at the {results['pace']} pace, "
             f"{results['cores']} cores, one run; 1-min load average start/end {load[0]:.2f}/{load[1]:.2f}.",
             "", "| quality | ours, lecture -j 1 | plain Manim, scenes in sequence | ours / plain | "
             "ours, lecture -j 2 | plain Manim, 2 at a time | ours / plain |", "|---|---|---|---|---|---|---|"]
    for quality, row in results["qualities"].items():
        lines.append(f"| {quality} | {row['lecture_j1']:.1f} s | {row['plain_seq']:.1f} s | "
                     f"{row['lecture_j1'] / row['plain_seq']:.2f} | {row['lecture_j2']:.1f} s | "
                     f"{row['plain_j2']:.1f} s | {row['lecture_j2'] / row['plain_j2']:.2f} |")
    lines += ["", "| quality | scene (slowest in plain Manim) | ours, render -j 1 | plain Manim | ours / plain |",
              "|---|---|---|---|---|"]
    for quality, row in results["qualities"].items():
        for item in row["slowest"]:
            lines.append(f"| {quality} | {item['scene']} | {item['ours']:.1f} s | {item['plain']:.1f} s | "
                         f"{item['ours'] / item['plain']:.2f} |")
    lines.append("")
    lines.append("Ours includes what plain Manim does not make: the joined lecture with chapters, "
                 "captions and the PDF handout.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
