"""The repeated-sampling demonstration's fitting time (RepeatedSampling: 200 data sets, each fitted
three ways through the public fit()), per preset, and the scene's whole render through the CLI.

    .venv/bin/python benchmarks/bench_repeated.py [--datasets 200] [--presets default small-groups]

Goal (issue 13): the demo's fitting under 5 s on this machine for the lecture's Gaussian scenario.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from estimator.presets import load_preset  # noqa: E402
from estimator.repeated import repeated_sampling  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--presets", nargs="+", default=["default", "small-groups", "poisson", "logistic"])
    parser.add_argument("--no-render", action="store_true", help="skip the CLI render of the scene")
    args = parser.parse_args()
    print(f"{'preset':14s} {'rows/set':>8s} {'fit() s':>8s} {'per fit ms':>10s}  RMSE complete / no / partial")
    for name in args.presets:
        scenario = load_preset(name)
        result = repeated_sampling(scenario, args.datasets)
        rows = int(result.sizes.sum(axis=1).mean())
        rmse = " / ".join(f"{result.rmse[m]:.3f}" for m in ("complete", "no_pool", "partial"))
        print(f"{name:14s} {rows:8d} {result.seconds:8.2f} {1000 * result.seconds / args.datasets:10.1f}  {rmse}")
    if not args.no_render:
        cli = Path(sys.executable).with_name("glmm-explainer")
        with tempfile.TemporaryDirectory() as scratch:
            start = time.perf_counter()
            subprocess.run([str(cli), "stills", "RepeatedSampling", "-q", "low", "--out", scratch],
                           check=True, capture_output=True, env={**os.environ})
            print(f"CLI `stills RepeatedSampling -q low` (default preset): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
