"""The numbers a lecturer reads off a fitted (G)LMM on the response scale, per family: a rate
ratio exp(gamma10) for counts, an odds ratio and where the S-curve is steepest for binary data,
the multiplicative effect and the coefficient of variation for Gamma, and the latent residual
variance behind the ICC. They are arithmetic on the fit, done here (beside the estimator) so
scenes and narration only show them.
"""
from __future__ import annotations

import math

from estimator.plotted import INTERCEPT_TERM, slope_term


def _exp(value: float) -> float:
    return math.exp(value) if value < 700 else float("inf")


def latent_variance(fit) -> float | None:
    """The residual variance on the latent (link) scale the fit's ICC used: sigma^2, pi^2/3,
    log(1 + 1/mu) at mu = exp(fixed intercept), or log(1 + 1/shape)."""
    from estimator.families import get_family

    family = get_family(fit.family)
    value = family.latent_residual_variance(sigma=fit.sigma, intercept=fit.fixef.get(INTERCEPT_TERM, 0.0),
                                            shape=getattr(fit, "shape", None))
    return None if value is None or value != value else float(value)


def family_effects(fit) -> dict[str, float | None]:
    """{name: value} for the fit's family. Always: gamma00, gamma10 (0 without a predictor),
    tau0_sq (None without a random intercept), icc, latent_variance. Then per family:
    poisson: mean_at_zero (exp(gamma00)), rate_ratio (exp(gamma10)), percent_per_unit;
    binomial: p_at_zero, odds_ratio, steepest_x (-gamma00/gamma10: where a typical group's curve
    crosses p = 0.5; None for a zero slope), steepest_slope (gamma10/4, dp/dx there);
    gamma: mean_at_zero, mean_ratio, percent_per_unit, shape, cv (1/sqrt(shape));
    gaussian: sigma_sq."""
    term = slope_term(fit)
    g00 = float(fit.fixef.get(INTERCEPT_TERM, 0.0))
    g10 = float(fit.fixef.get(term, 0.0)) if term else 0.0
    tau0_sq = (float(fit.re_cov[0][0]) if fit.re_terms and fit.re_terms[0] == INTERCEPT_TERM else None)
    out: dict[str, float | None] = {"gamma00": g00, "gamma10": g10, "tau0_sq": tau0_sq,
                                    "icc": fit.icc, "latent_variance": latent_variance(fit)}
    if fit.family == "poisson":
        out.update(mean_at_zero=_exp(g00), rate_ratio=_exp(g10), percent_per_unit=100 * (_exp(g10) - 1))
    elif fit.family == "binomial":
        out.update(p_at_zero=1 / (1 + _exp(-g00)), odds_ratio=_exp(g10),
                   steepest_x=(-g00 / g10 if g10 != 0 else None), steepest_slope=g10 / 4)
    elif fit.family == "gamma":
        shape = getattr(fit, "shape", None)
        out.update(mean_at_zero=_exp(g00), mean_ratio=_exp(g10), percent_per_unit=100 * (_exp(g10) - 1),
                   shape=shape, cv=(1 / math.sqrt(shape) if shape else None))
    else:
        out.update(sigma_sq=(fit.sigma ** 2 if fit.sigma is not None else None))
    return out
