"""Gamma family, log link: positive, right-skewed outcomes. The dispersion is 1/shape; glmmTMB's
sigma for this family is the coefficient of variation 1/sqrt(shape)."""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from estimator.errors import InputError
from estimator.families.base import Family, LogLink


class Gamma(LogLink, Family):
    name = "gamma"
    has_dispersion = True
    icc_definition = "tau0^2 / (tau0^2 + log(1 + 1/shape)) (lognormal approximation)"

    def variance(self, mu):
        return np.asarray(mu, float) ** 2

    def dev_resids(self, y, mu, w):
        return 2 * w * (-np.log(y / mu) + (y - mu) / mu)

    def loglik(self, y, mu, w, dispersion=None):
        """dispersion = 1/shape; y ~ Gamma(shape, scale = mu/shape)."""
        shape = w / dispersion
        return float(np.sum(shape * np.log(shape * y / mu) - shape * y / mu - np.log(y) - gammaln(shape)))

    def validate(self, y, trials=None):
        super().validate(y)
        if np.any(y <= 0):
            raise InputError(f"the gamma family needs positive responses, but the response has "
                             f"{y[y <= 0][0]:g}: use positive values, or another family")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None):
        return float(np.log1p(1.0 / shape)) if shape else float("nan")
