"""A model on the scale of its outcome: the range the outcome can take, each group's line pushed
through the family's inverse link, and the family's own distribution of one observation around
its mean (a Poisson pmf, a Bernoulli/binomial pmf, a Gamma or normal density).

The scenes draw these (the data-generation noise step, pooling curves on the response scale) and
never evaluate a link, a pmf or a density themselves. The distributions are the ones the
simulator draws from (estimator/simulate.py): Poisson(mu), Binomial(trials, p) / trials, Gamma
with shape and mean mu, Normal(mu, sigma^2).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import expit

# The range each family's outcome can take (None = unbounded): axes start and end here.
RESPONSE_BOUNDS = {"gaussian": (None, None), "poisson": (0.0, None), "binomial": (0.0, 1.0),
                   "gamma": (0.0, None)}
# What the linear predictor eta is on each family's link scale, for axis titles.
LINK_SCALE_NAMES = {"gaussian": "identity link: the response scale", "poisson": "log-rate",
                    "binomial": "log-odds", "gamma": "log-mean"}
LINK_TEX = {"gaussian": r"\mu_{ij} = \eta_{ij}", "poisson": r"\mu_{ij} = e^{\eta_{ij}}",
            "binomial": r"p_{ij} = \frac{1}{1 + e^{-\eta_{ij}}}", "gamma": r"\mu_{ij} = e^{\eta_{ij}}"}


def inverse_link(family: str, eta) -> np.ndarray:
    """mu = g^-1(eta) for the family's canonical lecture link (identity, log, logit, log)."""
    eta = np.asarray(eta, float)
    if family == "gaussian":
        return eta
    if family == "binomial":
        return expit(np.clip(eta, -30, 30))
    return np.exp(np.clip(eta, -30, 20))


def response_curves(family: str, pairs, xs) -> np.ndarray:
    """(J, len(xs)) of mu_j(x) = g^-1(a_j + b_j x) for each (a_j, b_j) in `pairs`; a pair that is
    None (a group no pooling cannot estimate) gives a row of NaN."""
    xs = np.asarray(xs, float)
    rows = []
    for pair in pairs:
        if pair is None or pair[0] is None or pair[1] is None:
            rows.append(np.full(len(xs), np.nan))
        else:
            rows.append(inverse_link(family, pair[0] + pair[1] * xs))
    return np.array(rows).reshape(len(rows), len(xs))


def clamp_to_outcome(family: str, lo: float, hi: float) -> tuple[float, float]:
    """An axis range inside what the outcome can take: counts and Gamma values from 0,
    probabilities exactly 0 to 1."""
    low, high = RESPONSE_BOUNDS[family]
    if family == "binomial":
        return 0.0, 1.0
    if low is not None:
        lo = max(lo, low)
    if high is not None:
        hi = min(hi, high)
    return lo, hi


@dataclass(frozen=True)
class OutcomeDistribution:
    """One observation's distribution around mean `mean`. kind "pmf": `values` are the possible
    outcomes (counts, or proportions k/trials) and `weights` their probabilities; kind "density":
    `values` a grid and `weights` the density there."""

    kind: str
    values: np.ndarray
    weights: np.ndarray
    mean: float


def outcome_distribution(family: str, mu: float, sigma: float | None = None,
                         shape: float | None = None, trials: int = 1,
                         coverage: float = 0.995, grid: int = 80) -> OutcomeDistribution:
    """The distribution the simulator draws y_ij from at mean `mu`: Poisson(mu) over the counts
    holding `coverage` of its mass; Binomial(trials, mu) / trials (Bernoulli: the two bars 0 and
    1); Gamma(shape, scale mu / shape) and Normal(mu, sigma^2) as densities over their central
    `coverage`."""
    mu = float(mu)
    if family == "poisson":
        top = int(stats.poisson.ppf(coverage, mu)) + 1
        k = np.arange(0, max(top, 2) + 1)
        return OutcomeDistribution("pmf", k.astype(float), stats.poisson.pmf(k, mu), mu)
    if family == "binomial":
        k = np.arange(0, int(trials) + 1)
        return OutcomeDistribution("pmf", k / float(trials), stats.binom.pmf(k, int(trials), mu), mu)
    tail = (1.0 - coverage) / 2
    if family == "gamma":
        if not shape or shape <= 0:
            raise ValueError("the Gamma distribution needs its shape (> 0)")
        law = stats.gamma(shape, scale=mu / shape)
        xs = np.linspace(law.ppf(tail / 10), law.ppf(1 - tail), grid)
        return OutcomeDistribution("density", xs, law.pdf(xs), mu)
    if sigma is None or sigma <= 0:
        raise ValueError("the normal distribution needs sigma (> 0)")
    law = stats.norm(mu, sigma)
    xs = np.linspace(law.ppf(tail), law.ppf(1 - tail), grid)
    return OutcomeDistribution("density", xs, law.pdf(xs), mu)

