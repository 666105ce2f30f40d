"""Poisson family, log link: counts."""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln, xlogy

from estimator.errors import InputError
from estimator.families.base import Family, LogLink


class Poisson(LogLink, Family):
    name = "poisson"
    icc_definition = "tau0^2 / (tau0^2 + log(1 + 1/mu)), mu = exp(fixed intercept) (Nakagawa et al. 2017)"

    def variance(self, mu):
        return np.asarray(mu, float)

    def dev_resids(self, y, mu, w):
        return 2 * w * (xlogy(y, y) - xlogy(y, mu) - (y - mu))

    def loglik(self, y, mu, w, dispersion=None):
        return float(np.sum(w * (xlogy(y, mu) - mu - gammaln(y + 1))))

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
