"""Scenario -> grouped data set, plus the true random effects for the scenes' "truth" overlays.

Deterministic for a seed: every random draw comes from one numpy Generator seeded by the
scenario, in a fixed order (group sizes, random effects, x, noise). outlier_shift moves the
smallest group's drawn u0j without drawing anything, so the rest of the data set is unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.scenario import Scenario


@dataclass(frozen=True)
class SimulatedData:
    """A simulated data set.

    table: columns group, x, y (and trials for binomial with trials > 1), ready for `fit`.
    group_labels: labels in group order. group_sizes: n_j per group.
    true_u: (J, 2) true random effects (u0j, u1j) on the link scale.
    true_eta: the true linear predictor per row (link scale), for truth overlays.
    centres: each group's x window centre (see x_centres), for redrawing a group's rows.
    """

    scenario: Scenario
    table: dict
    group_labels: tuple[str, ...]
    group_sizes: np.ndarray
    true_u: np.ndarray
    true_eta: np.ndarray
    centres: np.ndarray

    @property
    def truth(self) -> dict:
        """The true fixed effects and per-group intercepts/slopes (link scale)."""
        s = self.scenario
        return {"gamma00": s.gamma00, "gamma10": s.gamma10,
                "intercepts": s.gamma00 + self.true_u[:, 0],
                "slopes": s.gamma10 + self.true_u[:, 1]}


def group_labels(n_groups: int) -> tuple[str, ...]:
    """Short labels that sort in group order and fit on screen: G01, G02, ..."""
    width = max(2, len(str(n_groups)))
    return tuple(f"G{j + 1:0{width}d}" for j in range(n_groups))


def simulate(scenario: Scenario) -> SimulatedData:
    s = scenario
    rng = np.random.default_rng(s.seed)
    J = s.n_groups
    sizes = rng.integers(s.group_size_min, s.group_size_max + 1, size=J)
    cov = np.array([[s.tau0 ** 2, s.rho * s.tau0 * s.tau1],
                    [s.rho * s.tau0 * s.tau1, s.tau1 ** 2]])
    u = rng.multivariate_normal(np.zeros(2), cov, size=J, method="eigh")
    u[:, 0] *= s.tau0 > 0
    u[:, 1] *= s.tau1 > 0
    centres = x_centres(s, u[:, 0])   # before the outlier's shift: it moves y, not x
    if s.outlier_shift:   # after every draw, so the other groups' data stay the same
        u[outlier_group(sizes), 0] += s.outlier_shift * s.tau0
    group = np.repeat(np.arange(J), sizes)
    half_width = (s.x_max - s.x_min) / 2
    x = (s.x_min + s.x_max) / 2 + centres[group] + rng.uniform(-half_width, half_width, size=len(group))
    eta = s.gamma00 + u[group, 0] + (s.gamma10 + u[group, 1]) * x
    y, extra = _draw_response(s, eta, rng)
    labels = group_labels(J)
    table = {"group": [labels[j] for j in group], "x": x.tolist(), "y": y.tolist(), **extra}
    return SimulatedData(scenario=s, table=table, group_labels=labels, group_sizes=sizes,
                         true_u=u, true_eta=eta, centres=centres)


def outlier_group(sizes) -> int:
    """The index of the group outlier_shift moves: the smallest, the first of equally small ones
    (estimator.plotted.focus_group picks the same group of a fit of these data)."""
    return min(range(len(sizes)), key=lambda j: (int(sizes[j]), j))


def x_centres(s: Scenario, u0: np.ndarray) -> np.ndarray:
    """Each group's x window centre: moved by x_group_offset per tau0 of its u0j, the other way
    (centre = -offset * u0j / tau0). The between-group slope on the link scale is then -tau0 /
    offset for any number of groups and any seed, so Simpson's reversal does not fade as groups
    are added (spacing by rank made it fade: 30 groups spread x five times wider, u0j not)."""
    if s.x_group_offset == 0 or s.tau0 == 0:
        return np.zeros(len(u0))
    return -s.x_group_offset * np.asarray(u0, dtype=float) / s.tau0


def _draw_response(s: Scenario, eta: np.ndarray, rng: np.random.Generator):
    if s.family == "gaussian":
        return eta + rng.normal(0.0, s.sigma, size=eta.shape), {}
    if s.family == "poisson":
        return rng.poisson(np.exp(np.clip(eta, -30, 20))).astype(float), {}
    if s.family == "binomial":
        p = 1.0 / (1.0 + np.exp(-eta))
        successes = rng.binomial(s.trials, p).astype(float)
        extra = {"trials": [s.trials] * len(eta)} if s.trials > 1 else {}
        return successes, extra
    mu = np.exp(np.clip(eta, -30, 20))
    return rng.gamma(s.gamma_shape, mu / s.gamma_shape), {}
