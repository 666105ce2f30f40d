"""Estimator speed in one run: our LMM and GLMM fits against lme4 (when Rscript is on PATH) and,
for the LMM, statsmodels MixedLM. Ratios matter, not absolute seconds (the machine is shared).

    .venv/bin/python benchmarks/estimator_speed.py [--repeats 5]

LMM: 20,000 rows, 200 groups, y ~ x + (1 + x | g), REML.
GLMM: 10,000 rows, 500 groups, Poisson and Bernoulli random intercept, Laplace.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np

from estimator.families import get_family
from estimator.glmm import fit_glmm
from estimator.lmm import fit_lmm
from estimator.table import write_csv


def lmm_data(rng):
    n, J = 20_000, 200
    g = rng.integers(0, J, n)
    x = rng.uniform(0, 10, n)
    u = rng.normal(0, [2.0, 0.5], (J, 2))
    y = 1 + u[g, 0] + (2 + u[g, 1]) * x + rng.normal(0, 1, n)
    return y, x, g, J


def glmm_data(rng, family):
    n, J = 10_000, 500
    g = rng.integers(0, J, n)
    x = rng.normal(size=n)
    eta = -0.3 + 0.5 * x + rng.normal(0, 0.7, J)[g]
    y = rng.poisson(np.exp(eta)) if family == "poisson" else (rng.random(n) < 1 / (1 + np.exp(-eta)))
    return y.astype(float), x, g, J


def best_time(func, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def r_time(csv, call, repeats):
    """Seconds of the best of `repeats` calls, timed inside R (startup excluded)."""
    script = f"""suppressPackageStartupMessages(library(lme4))
d <- read.csv("{csv}"); d$g <- factor(d$g)
t <- sapply(1:{repeats}, function(i) system.time(f <<- {call})[["elapsed"]])
cat(jsonlite::toJSON(list(t = min(t), fixef = unname(fixef(f))), digits = NA, auto_unbox = TRUE))"""
    out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    has_r = shutil.which("Rscript") is not None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # LMM
        y, x, g, J = lmm_data(rng)
        X = np.column_stack([np.ones_like(x), x])
        ours, sol = best_time(lambda: fit_lmm(y, X, X, g, J, reml=True), args.repeats)
        entry = {"model": "LMM (1 + x | g), 20k rows, 200 groups", "ours": ours, "ours_fixef": sol.beta.tolist()}
        import statsmodels.api as sm

        sm_time, sm_fit = best_time(lambda: sm.MixedLM(y, X, groups=g, exog_re=X).fit(reml=True), 1)
        entry.update(statsmodels=sm_time, statsmodels_fixef=np.asarray(sm_fit.fe_params).tolist())
        if has_r:
            csv = os.path.join(tmp, "lmm.csv")
            write_csv({"g": g.tolist(), "x": x.tolist(), "y": y.tolist()}, csv)
            r = r_time(csv, "lmer(y ~ x + (1 + x | g), d, REML = TRUE)", args.repeats)
            entry.update(lme4=r["t"], lme4_fixef=r["fixef"])
        rows.append(entry)
        # GLMMs
        for family in ("poisson", "binomial"):
            y, x, g, J = glmm_data(rng, family)
            X = np.column_stack([np.ones_like(x), x])
            Z = np.ones((len(y), 1))
            ours, sol = best_time(lambda: fit_glmm(y, X, Z, g, J, get_family(family)), max(1, args.repeats // 2))
            entry = {"model": f"GLMM {family} (1 | g), 10k rows, 500 groups", "ours": ours,
                     "ours_fixef": sol.beta.tolist()}
            if has_r:
                csv = os.path.join(tmp, f"{family}.csv")
                write_csv({"g": g.tolist(), "x": x.tolist(), "y": y.tolist()}, csv)
                r = r_time(csv, f"glmer(y ~ x + (1 | g), d, family = {family})", max(1, args.repeats // 2))
                entry.update(lme4=r["t"], lme4_fixef=r["fixef"])
            rows.append(entry)
    print(f"{'model':<44} {'ours s':>8} {'lme4 s':>8} {'ours/lme4':>10} {'statsmodels s':>14} {'sm/ours':>8}")
    for e in rows:
        lme4 = e.get("lme4")
        sm_t = e.get("statsmodels")
        print(f"{e['model']:<44} {e['ours']:>8.3f} {lme4 if lme4 else float('nan'):>8.3f} "
              f"{(e['ours'] / lme4) if lme4 else float('nan'):>10.3f} "
              f"{sm_t if sm_t else float('nan'):>14.3f} {(sm_t / e['ours']) if sm_t else float('nan'):>8.1f}")
        for key in ("lme4_fixef", "statsmodels_fixef"):
            if key in e:
                diff = np.max(np.abs(np.array(e[key]) - np.array(e["ours_fixef"])))
                print(f"    max |fixef difference| vs {key.split('_')[0]}: {diff:.2e}")


if __name__ == "__main__":
    main()
