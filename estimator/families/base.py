"""What a GLM family is to the estimator and to the scenes: a link, its inverse, the variance
function, deviance residuals and the log-likelihood, in the mean (`loglik`) and as a function of
the linear predictor with its eta-derivatives (`likelihood(y, w)`, for the GLMM's conditional
modes and its Laplace gradient). Scenes draw these same functions."""
from __future__ import annotations

from typing import NamedTuple

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

    def likelihood(self, y, w) -> "RowLikelihood":
        """The per-row log-likelihood of response y (prior weights w) as a function of eta."""
        raise InputError(f"family '{self.name}' is not a GLMM family here: use gaussian for lmer")

    def validate(self, y, trials=None) -> None:
        if not np.all(np.isfinite(y)):
            raise InputError(f"the response has non-finite values: fix them for the {self.name} family")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None) -> float:
        raise NotImplementedError

    def start_mu(self, y, w):
        """A safe starting mean for IRLS (inside the family's domain)."""
        return np.asarray(y, float)


def y_log_ratio(y, mu):
    """y log(y / mu), 0 where y = 0 (scipy's xlogy semantics): the saturated-centred core of the
    Poisson and binomial deviance, with no cancellation between y log y and y log mu. Plain
    numpy: xlogy is several times slower, and IRLS calls this every iteration."""
    y, mu = np.asarray(y, float), np.asarray(mu, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = y * np.log(y / mu)
    return np.where(y == 0, 0.0, out)


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


class RowTerms(NamedTuple):
    """Per-row log-likelihood at eta and its eta-derivatives: d1 = d ll/d eta, curvature
    W = -d2 ll/d eta2 (the observed information: the GLMM's PIRLS weight) and, when asked for,
    W_slope = d W/d eta (the Laplace gradient needs it: log|H| moves with W)."""

    loglik: np.ndarray
    d1: np.ndarray
    curvature: np.ndarray
    curvature_slope: np.ndarray | None = None


class RowLikelihood:
    """A family's log-likelihood for one response vector y with prior weights w, as a function of
    the linear predictor: the constants that depend on y only are computed once, here, because the
    GLMM evaluates `terms` hundreds of times per fit. Families with a dispersion take it as
    `shape` (Gamma); `shape_score` is d ll/d log(shape) per row."""

    R_LIMIT = 60.0        # |eta - log y| beyond this is never an optimum; keeps exp() finite

    def __init__(self, y, w):
        self.y = np.asarray(y, float)
        self.w = np.asarray(w, float)

    def terms(self, eta, shape=None, slope=False) -> RowTerms:
        raise NotImplementedError

    def shape_score(self, eta, shape):
        raise NotImplementedError
