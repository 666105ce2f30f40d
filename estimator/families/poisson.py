"""Poisson family, log link: counts.

The eta form is written around the saturated fit, r = eta - log y: y eta - mu is a difference of
numbers ~1e7 for counts ~1e6 (its rounding noise then swamps the PIRLS step-halving test), while
y (r - expm1(r)) ~ -y r^2 / 2 keeps every digit."""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln, xlogy

from estimator.errors import InputError
from estimator.families.base import Family, LogLink, RowLikelihood, RowTerms, y_log_ratio


class Poisson(LogLink, Family):
    name = "poisson"

    def variance(self, mu):
        return np.asarray(mu, float)

    def dev_resids(self, y, mu, w):
        return 2 * w * (y_log_ratio(y, mu) - (y - mu))

    def loglik(self, y, mu, w, dispersion=None):
        return float(np.sum(w * (xlogy(y, mu) - mu - gammaln(y + 1))))

    def likelihood(self, y, w):
        return PoissonLikelihood(y, w)

    def validate(self, y, trials=None):
        super().validate(y)
        if np.any(y < 0) or np.any(y != np.round(y)):
            bad = y[(y < 0) | (y != np.round(y))][0]
            raise InputError(f"the poisson family needs non-negative whole counts, but the response has "
                             f"{bad:g}: use counts, or another family")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None):
        # log(1 + 1/mu) = softplus(-intercept), without overflow for an intercept of -1e5.
        return float(np.logaddexp(0.0, -intercept))

    def start_mu(self, y, w):
        return np.asarray(y, float) + 0.1


def saturated_loglik(y, w):
    """Per-row log-likelihood of the saturated fit mu = y: w (y log y - y - log y!)."""
    return w * (xlogy(y, y) - y - gammaln(y + 1))


class PoissonLikelihood(RowLikelihood):
    """loglik = w (y eta - e^eta - log y!) = saturated + w y (r - expm1(r)), r = eta - log y
    (for y = 0: saturated - w e^eta). One transcendental per row per call: this is the GLMM's
    innermost loop."""

    def __init__(self, y, w):
        super().__init__(y, w)
        positive = self.y > 0
        self.y_or_1 = np.where(positive, self.y, 1.0)
        self.log_y = np.log(self.y_or_1)
        self.saturated = saturated_loglik(self.y, self.w)
        self.unit = bool(np.all(self.w == 1.0))
        self.wy, self.w_zero = self.w * self.y, self.w * ~positive

    def terms(self, eta, shape=None, slope=False):
        r = np.clip(eta - self.log_y, -self.R_LIMIT, self.R_LIMIT)
        e = np.expm1(r)
        mu = (e + 1.0) * self.y_or_1
        wmu = mu if self.unit else self.w * mu
        loglik = self.wy * (r - e) - self.w_zero * mu + self.saturated
        return RowTerms(loglik, self.wy - wmu, wmu, wmu if slope else None)
