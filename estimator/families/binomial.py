"""Binomial family, logit link: 0/1 outcomes, or a proportion of successes with prior weights =
trials (lme4's cbind(successes, failures) form)."""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln, logit, xlogy

from estimator.errors import InputError
from estimator.families.base import Family, RowLikelihood, RowTerms, clip_eta, y_log_ratio


class Binomial(Family):
    name = "binomial"
    link_name = "logit"

    def link(self, mu):
        return logit(mu)

    def linkinv(self, eta):
        return 1.0 / (1.0 + np.exp(-clip_eta(np.asarray(eta, float))))   # expit, 3x faster here

    def mu_eta(self, eta):
        p = self.linkinv(eta)
        return np.maximum(p * (1 - p), np.finfo(float).eps)

    def variance(self, mu):
        return mu * (1 - mu)

    def dev_resids(self, y, mu, w):
        return 2 * w * (y_log_ratio(y, mu) + y_log_ratio(1 - y, 1 - mu))

    def loglik(self, y, mu, w, dispersion=None):
        """Including the binomial coefficients, as lme4 reports it."""
        k = np.round(y * w)
        return float(np.sum(log_choose(y, w) + xlogy(k, mu) + xlogy(w - k, 1 - mu)))

    def likelihood(self, y, w):
        return BinomialLikelihood(y, w)

    def validate(self, y, trials=None):
        super().validate(y)
        if trials is None:
            if not np.all((y == 0) | (y == 1)):
                bad = y[(y != 0) & (y != 1)][0]
                raise InputError(f"the binomial family needs 0/1 responses, but the response has {bad:g}: "
                                 "recode it to 0/1, or give the trials column with --trials")
            return
        if np.any(trials < 1) or np.any(trials != np.round(trials)):
            raise InputError("the trials column needs whole numbers >= 1: fix the trials column")
        if np.any(y < 0) or np.any(y != np.round(y)) or np.any(y > trials):
            bad = y[(y < 0) | (y != np.round(y)) | (y > trials)][0]
            raise InputError(f"binomial successes must be whole numbers from 0 to the trials, but the "
                             f"response has {bad:g}: fix the response or the trials column")

    def latent_residual_variance(self, sigma=None, intercept=0.0, shape=None):
        return float(np.pi ** 2 / 3)

    def start_mu(self, y, w):
        return (np.asarray(w, float) * y + 0.5) / (np.asarray(w, float) + 1)


def log_choose(y, w):
    """log C(w, k), k = y w successes of w trials (0 for 0/1 data)."""
    k = np.round(y * w)
    return gammaln(w + 1) - gammaln(k + 1) - gammaln(w - k + 1)


class BinomialLikelihood(RowLikelihood):
    """k log p + (w - k) log(1 - p) = w (y eta - log(1 + e^eta)), with eta clipped to +-30 (so
    e^eta cannot overflow) and p from the same e^eta: one exp and one log per row, the GLMM's
    innermost loop."""

    ETA_LIMIT = 30.0

    def __init__(self, y, w):
        super().__init__(y, w)
        self.choose = log_choose(self.y, self.w)
        self.unit = bool(np.all(self.w == 1.0))
        self.wy = self.w * self.y

    def terms(self, eta, shape=None, slope=False):
        eta = np.clip(eta, -self.ETA_LIMIT, self.ETA_LIMIT)
        odds = np.exp(eta)                 # at most e^30: no overflow
        one_plus = 1.0 + odds
        softplus = np.log(one_plus)        # log(1 + e^eta), to an absolute 1e-16
        p = odds / one_plus
        curvature = p * (1 - p)
        if self.unit:
            loglik, d1 = self.wy * eta - softplus + self.choose, self.wy - p
        else:
            loglik, d1 = self.wy * eta - self.w * softplus + self.choose, self.wy - self.w * p
            curvature = self.w * curvature
        return RowTerms(loglik, d1, curvature, curvature * (1 - 2 * p) if slope else None)
