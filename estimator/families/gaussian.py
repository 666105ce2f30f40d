"""Gaussian family, identity link: the LMM's own family."""
from __future__ import annotations

import numpy as np

from estimator.families.base import Family


class Gaussian(Family):
    name = "gaussian"
    link_name = "identity"
    has_dispersion = True

    def link(self, mu):
        return np.asarray(mu, float)

    def linkinv(self, eta):
        return np.asarray(eta, float)

    def mu_eta(self, eta):
        return np.ones_like(np.asarray(eta, float))

    def variance(self, mu):
        return np.ones_like(np.asarray(mu, float))

    def dev_resids(self, y, mu, w):
        return w * (y - mu) ** 2

    def loglik(self, y, mu, w, dispersion=None):
        sigma2 = dispersion
        return float(np.sum(-0.5 * w * (y - mu) ** 2 / sigma2 - 0.5 * np.log(2 * np.pi * sigma2 / w)))

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None):
        return float(sigma) ** 2
