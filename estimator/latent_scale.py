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
ICC = tau0^2 / (tau0^2 + residual), at x = 0 (the intercept's variance only). Each family object
computes its residual (`latent_residual_variance`); estimator/family_descriptions.py writes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import polygamma

from estimator.families import get_family
from estimator.family_descriptions import describe_family

INTERCEPT = "(Intercept)"


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
        return describe_family(self.family).latent_variance_tex

    @property
    def residual_words(self) -> str:
        return describe_family(self.family).latent_variance_words

    @property
    def scale_words(self) -> str:
        return describe_family(self.family).latent_scale_words


def latent_split(fit) -> LatentSplit:
    """tau0^2, the latent residual variance and the ICC of a FitResult with a random intercept."""
    if INTERCEPT not in fit.re_terms:
        raise ValueError("the ICC needs a random intercept in the model: add (1 | group)")
    k = fit.re_terms.index(INTERCEPT)
    tau2 = float(fit.re_cov[k][k])
    intercept = float(fit.fixef.get(INTERCEPT, 0.0))
    residual = get_family(fit.family).latent_residual_variance(sigma=fit.sigma, intercept=intercept,
                                                               shape=fit.shape)
    total = tau2 + residual
    icc = tau2 / total if total > 0 else 0.0
    mu = math.exp(intercept) if fit.family == "poisson" else None
    alternative = float(polygamma(1, fit.shape)) if fit.family == "gamma" and fit.shape else None
    return LatentSplit(fit.family, tau2, residual, icc, mu=mu,
                       shape=fit.shape if fit.family == "gamma" else None, alternative=alternative)
