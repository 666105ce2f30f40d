"""Variance components on the latent (link) scale, for the ICC of every family.

A GLMM has no residual variance on the scale of its linear predictor, so the ICC borrows one:
the variance of the latent residual that would give the observed outcome's spread (Nakagawa,
Johnson & Schielzeth 2017):
  Gaussian  sigma^2 (the model's own residual variance);
  binomial  pi^2 / 3 (the variance of the standard logistic distribution: the latent-variable
            view of the logit link, exact);
  Poisson   log(1 + 1/mu), mu = exp(gamma00) (lognormal approximation, at x = 0);
  Gamma     log(1 + 1/shape) = log(1 + CV^2) (lognormal approximation). The alternative
            trigamma(shape), the exact variance of log y under the Gamma, is given beside it
            (`alternative`) but not used, so the ICC here equals FitResult.icc.
ICC = tau0^2 / (tau0^2 + residual), at x = 0 (the intercept's variance only).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import polygamma

INTERCEPT = "(Intercept)"

# How each family's residual variance is written and named on screen and in narration.
RESIDUAL_TEX = {"gaussian": r"\hat\sigma^2", "binomial": r"\pi^2/3",
                "poisson": r"\log(1 + 1/\hat\mu)", "gamma": r"\log(1 + 1/\hat\nu)"}
RESIDUAL_WORDS = {
    "gaussian": "the residual variance σ̂²",
    "binomial": "π²/3, the variance of the logistic distribution (logit link)",
    "poisson": "log(1 + 1/μ̂), μ̂ = exp(γ̂₀₀): lognormal approximation",
    "gamma": "log(1 + 1/ν̂), ν̂ the Gamma shape: lognormal approximation",
}
SCALE_WORDS = {"gaussian": "the outcome's scale", "binomial": "the latent log-odds scale",
               "poisson": "the latent log-rate scale", "gamma": "the latent log scale"}


@dataclass(frozen=True)
class LatentSplit:
    """tau2: the random intercept's variance. residual: the family's residual variance on the
    latent scale (see the module doc). icc = tau2 / (tau2 + residual). mu: exp(gamma00) for
    Poisson (else None); shape: the Gamma shape (else None); alternative: trigamma(shape) for
    Gamma (else None)."""

    family: str
    tau2: float
    residual: float
    icc: float
    mu: float | None = None
    shape: float | None = None
    alternative: float | None = None

    @property
    def residual_tex(self) -> str:
        return RESIDUAL_TEX[self.family]

    @property
    def residual_words(self) -> str:
        return RESIDUAL_WORDS[self.family]

    @property
    def scale_words(self) -> str:
        return SCALE_WORDS[self.family]


def residual_variance(family: str, sigma: float | None = None, intercept: float = 0.0,
                      shape: float | None = None) -> float:
    """The family's latent residual variance (module doc)."""
    if family == "gaussian":
        return float(sigma) ** 2
    if family == "binomial":
        return math.pi ** 2 / 3
    if family == "poisson":
        return float(np.logaddexp(0.0, -intercept))    # log(1 + exp(-b0)), no overflow
    if family == "gamma":
        return float(np.log1p(1.0 / shape)) if shape else math.nan
    raise ValueError(f"family '{family}' is unknown: use gaussian, poisson, binomial or gamma")


def latent_split(fit) -> LatentSplit:
    """tau0^2, the latent residual variance and the ICC of a FitResult with a random intercept."""
    if INTERCEPT not in fit.re_terms:
        raise ValueError("the ICC needs a random intercept in the model: add (1 | group)")
    k = fit.re_terms.index(INTERCEPT)
    tau2 = float(fit.re_cov[k][k])
    intercept = float(fit.fixef.get(INTERCEPT, 0.0))
    residual = residual_variance(fit.family, sigma=fit.sigma, intercept=intercept, shape=fit.shape)
    total = tau2 + residual
    icc = tau2 / total if total > 0 else 0.0
    mu = math.exp(intercept) if fit.family == "poisson" else None
    alternative = float(polygamma(1, fit.shape)) if fit.family == "gamma" and fit.shape else None
    return LatentSplit(fit.family, tau2, residual, icc, mu=mu,
                       shape=fit.shape if fit.family == "gamma" else None, alternative=alternative)
