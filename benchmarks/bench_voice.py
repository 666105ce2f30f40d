"""What the voice costs: `glmm-explainer lecture` silent against narrated, in one run.

    .venv/bin/python benchmarks/bench_voice.py                      # 3 short scenes at -q low
    .venv/bin/python benchmarks/bench_voice.py --scenes TitleCard --repeats 3

Every timed run is the CLI as a user types it, from an empty object cache (TeX caches warm for
all, after one untimed warm-up), at the reading pace:
  silent        `lecture SCENES -q low --voice none`
  narrated      `lecture SCENES -q low` (the default voice, slt), speech cache empty too
  narrated, speech cached   the same with the speech files of an earlier run kept (a re-render
                after a scene's code or the scenario changed: the words did not)
The goal (issue 14): narrated <= 1.2 x silent. The runs alternate, best of --repeats each; wall
and CPU time (of the CLI and every process it started) are both given: on a shared machine the
CPU ratio is the one that does not drift with the other load.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
DEFAULT_SCENES = ("TitleCard", "DataGeneration", "SimpsonReversal")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every waited-for descendant
    return usage.ru_utime + usage.ru_stime


def lecture(out: Path, scenes: list[str], *extra: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the CLI and everything it started)."""
    cpu = _cpu()
    argv = [PY, "-c", "from scripts.cli import cli; cli()", "lecture", *scenes, "-q", "low",
            "--out", str(out), "--quiet", *extra]
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started, _cpu() - cpu


def forget(out: Path, speech: bool) -> None:
    names = ["objects", "deps", "durations"] + (["speech"] if speech else [])
    for name in names:
        shutil.rmtree(out / ".cache" / name, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", nargs="+", default=list(DEFAULT_SCENES))
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        out = Path(tmp, "media")
        lecture(out, args.scenes, "--voice", "none")  # warm-up: TeX caches, catalog
        times: dict[str, list[tuple[float, float]]] = {"silent": [], "narrated": [],
                                                       "narrated, speech cached": []}
        load = os.getloadavg()[0]
        for _ in range(args.repeats):
            forget(out, speech=True)
            times["silent"].append(lecture(out, args.scenes, "--voice", "none"))
            forget(out, speech=True)
            times["narrated"].append(lecture(out, args.scenes))
            forget(out, speech=False)
            times["narrated, speech cached"].append(lecture(out, args.scenes))
        end_load = os.getloadavg()[0]
    best = {name: min(values) for name, values in times.items()}  # by wall time
    cpu = {name: min(c for _, c in values) for name, values in times.items()}
    print(f"lecture {' '.join(args.scenes)} -q low, reading pace, {os.cpu_count()} cores, "
          f"best of {args.repeats}; 1-min load average start/end {load:.2f}/{end_load:.2f}\n")
    print("| run | wall s | / silent | CPU s | / silent |")
    print("|---|---|---|---|---|")
    for name, (wall, _) in best.items():
        print(f"| {name} | {wall:.1f} | {wall / best['silent'][0]:.2f} | {cpu[name]:.1f} | "
              f"{cpu[name] / cpu['silent']:.2f} |")
    print(f"\nratio narrated / silent: {best['narrated'][0] / best['silent'][0]:.2f} wall, "
          f"{cpu['narrated'] / cpu['silent']:.2f} CPU (goal <= 1.2)")


if __name__ == "__main__":
    main()
