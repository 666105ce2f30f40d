"""Why partial pooling wins, measured: simulate many data sets from one scenario, fit each through
the public `fit()` (which returns complete, no and partial pooling in one call), and collect each
group's estimation error of its own intercept (link scale) by method and group size.

The expected error of each method is the root mean squared error over all groups of all data
sets, with its Monte Carlo standard error (delta method on the mean squared error), so one draw
is never presented as proof: the bias-variance claim of the seeds becomes a measured number with
its uncertainty. Groups whose no-pooling estimate does not exist (all-0 or all-1 outcomes, zero
counts) are counted, not silently dropped from the no-pooling RMSE without a word.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from estimator.fit import fit
from estimator.plotted import coef_pairs
from estimator.scenario import Scenario
from estimator.simulate import simulate

METHODS = ("complete", "no_pool", "partial")


@dataclass(frozen=True)
class RepeatedSampling:
    """errors[method]: (D, J) intercept error (estimate - truth) per data set and group, NaN where
    the method has no estimate; sizes: (D, J) group sizes; rmse / rmse_se by method; n_missing by
    method (group estimates that do not exist); seconds: fitting time of all data sets;
    size_edges: group-size bins (small, medium, large thirds of the sizes drawn) and
    rmse_by_size[method]: the RMSE within each bin (where each method gains or loses)."""

    scenario: Scenario
    n_datasets: int
    errors: dict
    sizes: np.ndarray
    rmse: dict
    rmse_se: dict
    n_missing: dict
    seconds: float
    size_edges: tuple
    rmse_by_size: dict

    def best(self) -> str:
        return min(METHODS, key=lambda m: self.rmse[m])

    def clearly_best(self) -> str | None:
        """The method whose RMSE is lowest by more than two Monte Carlo SEs of the gap to each
        other method's, else None (the data sets do not separate them)."""
        best = self.best()
        for other in METHODS:
            if other != best and self.rmse[other] - self.rmse[best] <= 2 * math.hypot(
                    self.rmse_se[other], self.rmse_se[best]):
                return None
        return best


def _rmse(errors: np.ndarray) -> tuple[float, float]:
    finite = errors[np.isfinite(errors)]
    if finite.size < 2:
        return float("nan"), float("nan")
    sq = finite ** 2
    mse = float(sq.mean())
    se_mse = float(sq.std(ddof=1) / math.sqrt(sq.size))
    rmse = math.sqrt(mse)
    return rmse, se_mse / (2 * rmse) if rmse > 0 else 0.0


def repeated_sampling(scenario: Scenario, n_datasets: int = 200) -> RepeatedSampling:
    """Fit `n_datasets` simulations of `scenario` (seeds seed, seed + 1, ...) three ways."""
    if n_datasets < 2:
        raise ValueError("repeated sampling needs at least 2 data sets")
    J = scenario.n_groups
    errors = {m: np.full((n_datasets, J), np.nan) for m in METHODS}
    sizes = np.zeros((n_datasets, J), int)
    seconds = 0.0
    for d in range(n_datasets):
        data = simulate(scenario.replace(seed=scenario.seed + d))
        start = time.perf_counter()
        result = fit(scenario.formula, data.table, family=scenario.family, trials=scenario.trials_column)
        seconds += time.perf_counter() - start
        truth = data.truth["intercepts"]
        sizes[d] = data.group_sizes
        for method in METHODS:
            kind = "no_pool" if method == "no_pool" else method
            pairs = coef_pairs(result, kind)
            estimate = np.array([np.nan if a is None else a for a, _ in pairs], float)
            if method == "no_pool":
                missing = {label for label, own in result.no_pooling.get("common_slope", {}).items()
                           if not own or own.get("(Intercept)") is None}
                for j, label in enumerate(result.group_labels):
                    if label in missing:
                        estimate[j] = np.nan
            errors[method][d] = estimate - truth
    rmse, rmse_se, n_missing = {}, {}, {}
    for method in METHODS:
        rmse[method], rmse_se[method] = _rmse(errors[method])
        n_missing[method] = int(np.sum(~np.isfinite(errors[method])))
    edges = _size_edges(sizes)
    by_size = {method: [_rmse(errors[method][(sizes >= lo) & (sizes <= hi)])[0] for lo, hi in edges]
               for method in METHODS}
    return RepeatedSampling(scenario, n_datasets, errors, sizes, rmse, rmse_se, n_missing, seconds,
                            edges, by_size)


def _size_edges(sizes: np.ndarray) -> tuple:
    """Up to three group-size bins (lo, hi), inclusive, at the thirds of the sizes drawn."""
    lo, hi = int(sizes.min()), int(sizes.max())
    if hi - lo < 2:
        return ((lo, hi),)
    cut1, cut2 = (int(round(q)) for q in np.quantile(sizes, [1 / 3, 2 / 3]))
    cut1 = min(max(cut1, lo), hi - 2)
    cut2 = min(max(cut2, cut1 + 1), hi - 1)
    return ((lo, cut1), (cut1 + 1, cut2), (cut2 + 1, hi))
