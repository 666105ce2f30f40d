"""Gamma family, log link: positive, right-skewed outcomes. The dispersion is 1/shape; glmmTMB's
sigma for this family is the coefficient of variation 1/sqrt(shape).

The log-likelihood is written around the saturated fit, s = log(y / mu): a (s - expm1(s)) keeps
every digit where a log(y/mu) - a y/mu + a would cancel."""
from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from estimator.errors import InputError
from estimator.families.base import Family, LogLink, RowLikelihood, RowTerms


class Gamma(LogLink, Family):
    name = "gamma"
    has_dispersion = True

    def variance(self, mu):
        return np.asarray(mu, float) ** 2

    def dev_resids(self, y, mu, w):
        return 2 * w * (-np.log(y / mu) + (y - mu) / mu)

    def loglik(self, y, mu, w, dispersion=None):
        """dispersion = 1/shape; y ~ Gamma(shape, scale = mu/shape)."""
        return float(np.sum(_rows(np.log(y) - np.log(mu), w / dispersion, np.log(y))))

    def likelihood(self, y, w):
        return GammaLikelihood(y, w)

    def validate(self, y, trials=None):
        super().validate(y)
        if np.any(y <= 0):
            raise InputError(f"the gamma family needs positive responses, but the response has "
                             f"{y[y <= 0][0]:g}: use positive values, or another family")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None):
        return float(np.log1p(1.0 / shape)) if shape else float("nan")


def _rows(s, a, log_y):
    """Per-row log density of y ~ Gamma(a, scale = mu / a) with s = log(y / mu)."""
    return a * np.log(a) - a - gammaln(a) - a * (np.expm1(s) - s) - log_y


class GammaLikelihood(RowLikelihood):
    """a = shape w; W is the observed information a y / mu (as glmmTMB's Laplace uses)."""

    def __init__(self, y, w):
        super().__init__(y, w)
        self.log_y = np.log(self.y)

    def _s(self, eta):
        return np.clip(self.log_y - eta, -self.R_LIMIT, self.R_LIMIT)   # log(y / mu)

    def terms(self, eta, shape=None, slope=False):
        a = shape * self.w
        s = self._s(eta)
        ratio = np.exp(s)
        curvature = a * ratio
        return RowTerms(_rows(s, a, self.log_y), a * (ratio - 1), curvature, -curvature if slope else None)

    def shape_score(self, eta, shape):
        a = shape * self.w
        s = self._s(eta)
        return a * (np.log(a) - digamma(a) - (np.expm1(s) - s))
