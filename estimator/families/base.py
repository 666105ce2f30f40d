"""What a GLM family is to the estimator and to the scenes: a link, its inverse, the variance
function, deviance residuals and the log-likelihood. Scenes draw these same functions."""
from __future__ import annotations

import numpy as np

from estimator.errors import InputError


class Family:
    """name, link_name; link/linkinv/mu_eta (d mu / d eta), variance(mu), dev_resids(y, mu, w)
    (unit deviances times prior weights), loglik(y, mu, w, dispersion), validate(y, trials),
    latent_residual_variance (the residual variance on the link scale used for the ICC),
    has_dispersion (Gaussian and Gamma estimate one; Poisson and binomial fix it at 1)."""

    name = ""
    link_name = ""
    has_dispersion = False
    icc_definition = ""

    def link(self, mu):
        raise NotImplementedError

    def linkinv(self, eta):
        raise NotImplementedError

    def mu_eta(self, eta):
        raise NotImplementedError

    def variance(self, mu):
        raise NotImplementedError

    def dev_resids(self, y, mu, w):
        raise NotImplementedError

    def loglik(self, y, mu, w, dispersion=None):
        raise NotImplementedError

    def validate(self, y, trials=None) -> None:
        if not np.all(np.isfinite(y)):
            raise InputError(f"the response has non-finite values: fix them for the {self.name} family")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None) -> float:
        raise NotImplementedError

    def start_mu(self, y, w):
        """A safe starting mean for IRLS (inside the family's domain)."""
        return np.asarray(y, float)


def clip_eta(eta, low=-30.0, high=30.0):
    """exp() of a wild linear predictor overflows; the fit never needs values beyond these."""
    return np.clip(eta, low, high)


class LogLink:
    """The log link shared by Poisson and Gamma: mu = exp(eta) keeps the mean positive."""

    link_name = "log"

    def link(self, mu):
        return np.log(mu)

    def linkinv(self, eta):
        return np.exp(clip_eta(np.asarray(eta, float)))

    def mu_eta(self, eta):
        return np.exp(clip_eta(np.asarray(eta, float)))
