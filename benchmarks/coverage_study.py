"""Coverage study: do simulated data recover their true parameters at the rates theory expects?

For each configuration, many seeds: simulate a data set from known parameters (estimator/simulate.py),
fit it with `estimator.fit.fit` as a user would, and count how often the Wald interval
estimate +- 1.96 SE covers the true fixed effect (theory: about 95 %; a little less with few
groups, since the SE is itself estimated). The Monte Carlo error of a rate p over N seeds is
sqrt(p (1 - p) / N), about 1 percentage point for N = 500. The bias of the random-intercept SD tau
and of the residual SD sigma (Gaussian) is reported with its Monte Carlo error too: REML tau is
biased a little low with few groups, Laplace tau for binary data more so (a known property of the
Laplace approximation, Breslow & Lin 1995). Not part of the quick test suite: it takes minutes.

    .venv/bin/python benchmarks/coverage_study.py [--seeds 500] [--only gaussian,poisson]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's estimator

from estimator.fit import fit  # noqa: E402
from estimator.scenario import Scenario  # noqa: E402
from estimator.simulate import simulate  # noqa: E402

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Config:
    label: str
    scenario: Scenario


CONFIGS = (
    Config("Gaussian LMM, REML, 20 groups x 5-15",
           Scenario(family="gaussian", n_groups=20, group_size_min=5, group_size_max=15,
                    gamma00=50.0, gamma10=2.0, tau0=6.0, sigma=5.0, x_min=0.0, x_max=10.0)),
    Config("Poisson GLMM, Laplace, 20 groups x 10-20",
           Scenario(family="poisson", n_groups=20, group_size_min=10, group_size_max=20,
                    gamma00=1.0, gamma10=0.3, tau0=0.5, x_min=-1.0, x_max=1.0)),
    Config("Logistic GLMM, Laplace, 30 groups x 20-40",
           Scenario(family="binomial", n_groups=30, group_size_min=20, group_size_max=40,
                    gamma00=-0.5, gamma10=0.8, tau0=1.0, x_min=-1.0, x_max=1.0)),
)


def run_config(config: Config, seeds: int, first_seed: int = 1) -> dict:
    s = config.scenario
    truth = {"(Intercept)": s.gamma00, "x": s.gamma10}
    covered = {name: [] for name in truth}
    tau_hat, sigma_hat = [], []
    converged = singular = failed = 0
    start = time.perf_counter()
    for seed in range(first_seed, first_seed + seeds):
        data = simulate(s.replace(seed=seed))
        try:
            result = fit(s.formula, data.table, family=s.family, trials=s.trials_column)
        except Exception:   # counted, never hidden: a study of robustness must not skip them
            failed += 1
            continue
        converged += result.converged
        singular += result.singular
        for name, value in truth.items():
            covered[name].append(abs(result.fixef[name] - value) <= Z95 * result.fixef_se[name])
        tau_hat.append(result.re_sd["(Intercept)"])
        if s.family == "gaussian":
            sigma_hat.append(result.sigma)
    return {"config": config, "seeds": seeds, "seconds": time.perf_counter() - start,
            "coverage": {name: np.array(hits, float) for name, hits in covered.items()},
            "tau": np.array(tau_hat), "sigma": np.array(sigma_hat), "converged": converged,
            "singular": singular, "failed": failed}


def rate(hits: np.ndarray) -> str:
    p = float(hits.mean())
    return f"{100 * p:.1f} ± {100 * math.sqrt(p * (1 - p) / len(hits)):.1f} %"


def bias(estimates: np.ndarray, true: float) -> str:
    if len(estimates) == 0:
        return "—"
    mean = float(estimates.mean())
    mc = float(estimates.std(ddof=1) / math.sqrt(len(estimates)))
    return f"{mean - true:+.3f} ± {mc:.3f} ({100 * (mean - true) / true:+.1f} %)"


def markdown(results: list[dict]) -> str:
    lines = ["| Model | Seeds | Coverage of γ00 (95 % Wald) | Coverage of γ10 | Bias of τ0 (true) | "
             "Bias of σ (true) | Converged | Singular | Seconds |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        s = r["config"].scenario
        fitted = len(r["tau"])
        failures = f" ({r['failed']} raised)" if r["failed"] else ""
        sigma = f"{bias(r['sigma'], s.sigma)} ({s.sigma:g})" if s.family == "gaussian" else "—"
        lines.append(
            f"| {r['config'].label} | {r['seeds']} | {rate(r['coverage']['(Intercept)'])} | "
            f"{rate(r['coverage']['x'])} | {bias(r['tau'], s.tau0)} ({s.tau0:g}) | {sigma} | "
            f"{r['converged']}/{fitted}{failures} | "
            f"{r['singular']} | {r['seconds']:.0f} |")
    return "\n".join(lines)


def expected_note(results: list[dict]) -> str:
    """The intercept's SE rests on tau estimated from J groups, so its Wald interval behaves like
    a t interval with J - 1 degrees of freedom read off the normal: below 95 % by design."""
    from scipy.stats import t
    parts = sorted({r["config"].scenario.n_groups for r in results})
    rates = ", ".join(f"{100 * (2 * t.cdf(Z95, J - 1) - 1):.1f} % for J = {J}" for J in parts)
    return (f"Expected coverage of the intercept's ±1.96 SE interval, P(|t(J−1)| < 1.96): {rates}; "
            "the within-group slope has many degrees of freedom: 95 %.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=500, help="data sets per configuration")
    parser.add_argument("--only", default="", help="comma-separated families to run (default: all)")
    args = parser.parse_args(argv)
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    start = time.perf_counter()
    results = []
    for config in CONFIGS:
        if wanted and config.scenario.family not in wanted:
            continue
        results.append(run_config(config, args.seeds))
        print(f"{config.label}: {results[-1]['seconds']:.0f} s", file=sys.stderr, flush=True)
    print(markdown(results))
    print("\n" + expected_note(results))
    print(f"\nTotal runtime: {time.perf_counter() - start:.0f} s for "
          f"{sum(r['seeds'] for r in results)} fits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
