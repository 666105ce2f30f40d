"""Warnings about scenarios that are valid but whose data cannot show what the lecture is about.

Computed from the scenario's parameters (the model's expected outcome distribution), not from one
simulated draw, so the warning does not depend on the seed: a logistic scenario whose outcomes
are 99 % ones, a Poisson scenario of almost only zeros, groups that do not differ at all.
Each warning is one line that names the setting to change. They are warnings (stderr), not
errors: a lecturer may want to show a degenerate case on purpose.
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from estimator.scenario import Scenario
from estimator.simulate import x_centres

EXTREME_RATE = 0.05      # a binomial rate below 5 % or above 95 % leaves almost nothing to plot
MOSTLY_ZEROS = 0.90      # a Poisson scenario with over 90 % zero counts
SIMULATOR_ETA_CAP = 20.0  # estimator.simulate clips the log-link predictor at 20 (exp(20) ~ 5e8)

_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(20)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def scenario_warnings(s: Scenario) -> list[str]:
    """One line per problem; an empty list for a scenario whose data can show the lecture."""
    out = []
    if s.tau0 == 0 and s.tau1 == 0:
        out.append("tau0 = 0 and tau1 = 0: the groups do not differ, so every fit is singular and "
                   "there is nothing to shrink; raise tau0 (e.g. --set tau0=3)")
    if s.family == "binomial":
        rate = expected_mean(s, lambda eta: 1.0 / (1.0 + np.exp(-eta)))
        if rate > 1 - EXTREME_RATE or rate < EXTREME_RATE:
            value, fix = (1, "lower") if rate > 0.5 else (0, "raise")
            share = rate if value == 1 else 1 - rate
            out.append(f"{_about(share)} of the outcomes will be {value} (expected from gamma00 = "
                       f"{s.gamma00:g}, gamma10 = {s.gamma10:g}, tau0 = {s.tau0:g} over x in "
                       f"[{s.x_min:g}, {s.x_max:g}]), so the plots show almost only {value}s: {fix} "
                       "gamma00 until the expected rate lies between 5% and 95%")
    if s.family == "poisson":
        zeros = expected_mean(s, lambda eta: np.exp(-np.exp(np.clip(eta, None, SIMULATOR_ETA_CAP))))
        if zeros > MOSTLY_ZEROS:
            out.append(f"{_about(zeros)} of the counts will be 0 (expected from gamma00 = "
                       f"{s.gamma00:g}, gamma10 = {s.gamma10:g}): raise gamma00 so the counts vary")
    if s.family in ("poisson", "gamma") and _eta_reach(s) > SIMULATOR_ETA_CAP:
        out.append(f"gamma00 + gamma10 x (+ 3 tau) reaches {_eta_reach(s):.3g} on the log scale, "
                   f"above the simulator's cap of {SIMULATOR_ETA_CAP:g} (a mean of ~5e8), so the "
                   "largest values are clipped: lower gamma00 or gamma10")
    return out


def _about(share: float) -> str:
    return "over 99%" if share >= 0.995 else f"about {share:.0%}"


def expected_mean(s: Scenario, response) -> float:
    """E[response(eta)] over the scenario's x design and its random effects.

    x: uniform within each group's window, the windows spread by x_group_offset as in the
    simulator (the link between a group's window and its u0j is ignored: it moves which groups sit
    where, hardly the overall rate). Given x, eta ~ N(gamma00 + gamma10 x, var(u0 + u1 x)),
    integrated by 20-point Gauss-Hermite quadrature.
    """
    x = _x_grid(s)
    mean = s.gamma00 + s.gamma10 * x
    var = s.tau0 ** 2 + 2 * s.rho * s.tau0 * s.tau1 * x + s.tau1 ** 2 * x ** 2
    sd = np.sqrt(np.clip(var, 0.0, None))
    eta = mean[:, None] + sd[:, None] * _NODES[None, :]
    with np.errstate(over="ignore", under="ignore"):
        values = response(eta)
    return float(np.mean(values @ _WEIGHTS))


def _x_grid(s: Scenario, points: int = 21) -> np.ndarray:
    """x values standing for the design: `points` per group window; the windows' centres at
    -x_group_offset * z for z the groups' u0j / tau0 at evenly spaced normal quantiles (at most
    16 stand for any number of groups), as estimator.simulate.x_centres places them."""
    half = (s.x_max - s.x_min) / 2
    count = min(s.n_groups, 16)
    centres = x_centres(s, s.tau0 * ndtri((np.arange(count) + 0.5) / count))
    within = np.linspace(-half, half, points)
    return ((s.x_min + s.x_max) / 2 + centres[:, None] + within[None, :]).ravel()


def _eta_reach(s: Scenario) -> float:
    x = _x_grid(s, points=2)
    spread = 3 * np.sqrt(s.tau0 ** 2 + s.tau1 ** 2 * x ** 2)
    return float(np.max(s.gamma00 + s.gamma10 * x + spread))
