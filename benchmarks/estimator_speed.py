"""Speed of the public entry points beside lme4, in one run. Ratios matter, not absolute seconds
(the machine is shared): every row times ours and lme4 on the same CSV, back to back.

    .venv/bin/python benchmarks/estimator_speed.py [--repeats 3] [--markdown]

Timed for each data set:
- fit(): the Python call users and the scenes make (formula parse, design, mixed model,
  complete and no pooling), wall time, best of --repeats;
- fit_seconds: what `glmm-explainer fit --json` reports (mixed model + pooling fits);
- CLI: `glmm-explainer fit CSV --json` as a new process, as a user types it: its `fit_seconds`
  (best of --repeats) and its wall time (start, import, read; the first run);
- lme4: lmer/glmer inside R (system.time, best of --repeats, startup excluded) and the
  wall time of one Rscript run doing the same (start, library(lme4), read.csv, fit).
Data: a 20,000-row random-slope LMM (200 groups, REML) and 10,000-row Poisson and Bernoulli
random-intercept GLMMs (500 groups, Laplace), each at the benchmark's own scale and seed and at
other scales (x multiplied by 1000 and shifted, or by 0.01) and seeds.
Goals (issue 11): ours / lme4 <= 0.25 for the LMM and <= 0.2 for the GLMMs, for fit() and for
the CLI's fit_seconds; the table prints both ratios (and the in-process fit_seconds one).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import estimator  # noqa: E402  first, as the CLI does: it settles BLAS threading before numpy loads
import numpy as np  # noqa: E402

from estimator.fit import fit  # noqa: E402
from estimator.table import write_csv  # noqa: E402

GOALS = {"gaussian": 0.25, "poisson": 0.2, "binomial": 0.2}
R_FAMILY = {"gaussian": None, "poisson": "poisson", "binomial": "binomial"}


def lmm_table(seed, scale=1.0, shift=0.0, n=20_000, J=200):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, J, n)
    x = rng.uniform(0, 10, n)
    u = rng.normal(0, [2.0, 0.5], (J, 2))
    y = 1 + u[g, 0] + (2 + u[g, 1]) * x + rng.normal(0, 1, n)
    return {"g": [f"g{v:03d}" for v in g], "x": (shift + scale * x).tolist(), "y": y.tolist()}


def glmm_table(seed, family, scale=1.0, shift=0.0, n=10_000, J=500):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, J, n)
    x = rng.normal(size=n)
    eta = -0.3 + 0.5 * x + rng.normal(0, 0.7, J)[g]
    y = rng.poisson(np.exp(eta)) if family == "poisson" else (rng.random(n) < 1 / (1 + np.exp(-eta)))
    return {"g": [f"g{v:03d}" for v in g], "x": (shift + scale * x).tolist(), "y": y.astype(float).tolist()}


CASES = [
    # (label, family, formula, table builder)
    ("LMM `y ~ x + (1 + x | g)`, 20,000 rows, 200 groups, REML", "gaussian", "y ~ x + (1 + x | g)",
     lambda: lmm_table(2024)),
    ("  same, other seed, x * 1000 + 5000", "gaussian", "y ~ x + (1 + x | g)",
     lambda: lmm_table(7, scale=1000.0, shift=5000.0)),
    ("  same, other seed, x * 0.01", "gaussian", "y ~ x + (1 + x | g)", lambda: lmm_table(99, scale=0.01)),
    ("Poisson GLMM `y ~ x + (1 | g)`, 10,000 rows, 500 groups", "poisson", "y ~ x + (1 | g)",
     lambda: glmm_table(2024, "poisson")),
    ("  same, other seed, x * 1000 + 5000", "poisson", "y ~ x + (1 | g)",
     lambda: glmm_table(7, "poisson", scale=1000.0, shift=5000.0)),
    ("Bernoulli GLMM `y ~ x + (1 | g)`, 10,000 rows, 500 groups", "binomial", "y ~ x + (1 | g)",
     lambda: glmm_table(2024, "binomial")),
    ("  same, other seed, x * 0.01", "binomial", "y ~ x + (1 | g)",
     lambda: glmm_table(99, "binomial", scale=0.01)),
]


def best_of(func, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def cli_run(csv, formula, family):
    """One `glmm-explainer fit --json` as a user runs it (this checkout's code): (wall, JSON)."""
    command = [sys.executable, "-c", "import sys; from scripts.cli import cli; sys.exit(cli())",
               "fit", str(csv), "--formula", formula, "--family", family, "--json"]
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return time.perf_counter() - start, json.loads(out.stdout)


def r_run(csv, formula, family, repeats):
    """lme4 on the same CSV: in-R best-of time, fixed effects, and the whole Rscript's wall time."""
    call = (f"lmer({formula}, d, REML = TRUE)" if family == "gaussian"
            else f"glmer({formula}, d, family = {R_FAMILY[family]})")
    script = f"""suppressPackageStartupMessages(library(lme4))
d <- read.csv("{csv}"); d$g <- factor(d$g)
t <- sapply(1:{repeats}, function(i) system.time(f <<- {call})[["elapsed"]])
cat(jsonlite::toJSON(list(t = min(t), fixef = unname(fixef(f)), loglik = as.numeric(logLik(f))),
                     digits = NA, auto_unbox = TRUE))"""
    single = script.replace(f"1:{repeats}", "1:1")
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    start = time.perf_counter()
    subprocess.run(["Rscript", "-e", single], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def measure(repeats):
    has_r = shutil.which("Rscript") is not None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, family, formula, build) in enumerate(CASES):
            table = build()
            csv = Path(tmp) / f"case{k}.csv"
            write_csv(table, csv)
            runs = [best_of(lambda: fit(formula, table, family=family), 1) for _ in range(repeats)]
            call, result = min(runs, key=lambda run: run[0])
            seconds = min(run[1].fit_seconds for run in runs)
            cli_runs = [cli_run(csv, formula, family) for _ in range(repeats)]
            cli_wall = cli_runs[0][0]
            row = {"label": label, "family": family, "fit_call": call, "fit_seconds": seconds,
                   "cli_fit_seconds": min(run[1]["fit_seconds"] for run in cli_runs), "cli_wall": cli_wall,
                   "loglik": result.loglik, "fixef": list(result.fixef.values())}
            if has_r:
                r = r_run(csv, formula, family, repeats)
                row.update(lme4=r["t"], lme4_wall=r["wall"], lme4_loglik=r["loglik"],
                           fixef_diff=float(np.max(np.abs(np.array(r["fixef"]) - np.array(row["fixef"])))))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    return rows


def markdown(rows, repeats) -> str:
    """The README table: every time is the best of `repeats` (the CLI wall: its first run); the
    ratios divide ours by lme4's in-R time from the same run."""
    head = ("| model | `fit()` | `fit_seconds` | CLI `fit_seconds` | lme4 | fit() / lme4 | "
            "CLI fit_seconds / lme4 | fit_seconds / lme4 | goal | CLI wall | Rscript wall | "
            "logLik ours - lme4 |\n" + "| --- " * 12 + "|")
    lines = [head]
    for r in rows:
        label = r["label"].replace("|", "\\|")
        lme4 = r.get("lme4")

        def ratio(ours):
            return f"**{ours / lme4:.2f}**" if lme4 else "n/a"

        cells = [label, f"{r['fit_call']:.3f} s", f"{r['fit_seconds']:.3f} s", f"{r['cli_fit_seconds']:.3f} s",
                 f"{lme4:.3f} s" if lme4 else "n/a", ratio(r["fit_call"]), ratio(r["cli_fit_seconds"]),
                 ratio(r["fit_seconds"]), f"{GOALS[r['family']]}", f"{r['cli_wall']:.2f} s",
                 f"{r['lme4_wall']:.2f} s" if lme4 else "n/a",
                 f"{r['loglik'] - r['lme4_loglik']:+.1e}" if lme4 else "n/a"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", help="also write the measurements to this file")
    parser.add_argument("--from-json", help="print the table of an earlier --json run, measure nothing")
    args = parser.parse_args()
    if args.from_json:
        print(markdown(json.loads(Path(args.from_json).read_text()), args.repeats))
        return
    load = os.getloadavg()[0]
    rows = measure(args.repeats)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    print(markdown(rows, args.repeats))
    print(f"\n{os.cpu_count()} cores, 1-min load average start/end {load:.2f}/{os.getloadavg()[0]:.2f}; "
          f"best of {args.repeats}.")


if __name__ == "__main__":
    main()
