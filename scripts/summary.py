"""A FitResult printed the way lme4's summary() lays it out, so lecturers recognise it."""
from __future__ import annotations

import math

from estimator.result import FitResult

_FAMILY_TITLE = {"gaussian": "Linear mixed model fit by {method}",
                 "poisson": "Generalized linear mixed model fit by maximum likelihood ({method})",
                 "binomial": "Generalized linear mixed model fit by maximum likelihood ({method})",
                 "gamma": "Generalized linear mixed model fit by maximum likelihood ({method})"}


def _num(value, digits=4) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "NA"
    return f"{value:.{digits}g}" if abs(value) < 1e5 else f"{value:.4e}"


def format_summary(fit: FitResult) -> str:
    method = "REML" if fit.method == "REML" else ("maximum likelihood" if fit.method == "ML" else fit.method)
    lines = [_FAMILY_TITLE[fit.family].format(method=method)]
    if fit.family != "gaussian":
        lines.append(f" Family: {fit.family}  ( {fit.link} )")
    lines.append(f"Formula: {fit.formula}")
    lines.append("")
    if fit.method == "REML":
        lines.append(f"REML criterion at convergence: {fit.objective:.4f}")
    else:
        lines.append(f"{'AIC':>10} {'BIC':>10} {'logLik':>10} {'deviance':>10}")
        lines.append(f"{fit.aic:>10.1f} {fit.bic:>10.1f} {fit.loglik:>10.1f} {fit.deviance:>10.1f}")
    lines += ["", "Random effects:", f" {'Groups':<10} {'Name':<12} {'Variance':>10} {'Std.Dev.':>10} Corr"]
    for k, term in enumerate(fit.re_terms):
        corr = " ".join(f"{fit.re_corr[k][m]:5.2f}" for m in range(k))
        group = "group" if k == 0 else ""
        lines.append(f" {group:<10} {term:<12} {fit.re_cov[k][k]:>10.4g} {fit.re_sd[term]:>10.4g} {corr}")
    if fit.family == "gaussian":
        lines.append(f" {'Residual':<10} {'':<12} {fit.sigma ** 2:>10.4g} {fit.sigma:>10.4g}")
    elif fit.family == "gamma" and fit.sigma is not None:
        lines.append(f" Residual CV (sigma) {fit.sigma:.4g}  (shape {fit.shape:.4g})")
    lines.append(f"Number of obs: {fit.n_obs}, groups: {fit.n_groups}")
    if fit.n_dropped:
        plural = "s" if fit.n_dropped > 1 else ""
        lines.append(f"({fit.n_dropped} observation{plural} deleted due to missingness)")
    lines += ["", "Fixed effects:", f" {'':<12} {'Estimate':>10} {'Std. Error':>10} {'t/z value':>10}"]
    for name, value in fit.fixef.items():
        se = fit.fixef_se[name]
        stat = value / se if se else math.nan
        lines.append(f" {name:<12} {value:>10.4g} {se:>10.4g} {_num(stat):>10}")
    lines += ["", f"ICC: {_num(fit.icc, 3)}   singular: {'yes' if fit.singular else 'no'}   "
              f"converged: {'yes' if fit.converged else 'NO'}"]
    if fit.simpson and fit.simpson.get("reversed"):
        s = fit.simpson
        lines.append(f"Simpson's reversal: pooled slope of {s['predictor']} is {s['pooled_slope']:.3g} "
                     f"but the within-group slope is {s['within_slope']:.3g}")
    lines += [f"WARNING: {warning}" for warning in fit.warnings]
    if not fit.converged:
        lines.append(f"WARNING: the optimizer did not converge: {fit.message}")
    if fit.no_pooling.get("not_estimable"):
        lines.append("No-pooling fit not estimable for: " + ", ".join(fit.no_pooling["not_estimable"]))
    return "\n".join(lines)
