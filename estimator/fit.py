"""fit(): formula + table -> FitResult. The four stages, each callable alone:
parse the formula -> build the design -> optimise the model's objective -> package the result.
"""
from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np

from estimator.data_checks import check_design
from estimator.design import Design, build_design
from estimator.held import held_lines, plotted_predictor
from estimator.errors import InputError
from estimator.families import get_family
from estimator.formula import INTERCEPT, parse_formula
from estimator.glm import fit_glm
from estimator.glmm import MAX_NAGQ, fit_glmm
from estimator.lmm import fit_lmm
from estimator.pooling import Pooling, pool
from estimator.result import FitResult

METHODS = ("reml", "ml")


def fit(formula: str, table: dict, family: str = "gaussian", method: str = "reml", nagq: int = 1,
        trials: str | None = None) -> FitResult:
    """Fit the mixed model `formula` to `table` (dict of columns) the way lme4 would."""
    fam = _family(family)
    spec = parse_formula(formula)
    _check_options(fam, spec, method, nagq, trials)
    design = build_design(spec, table, trials=trials)
    if design.trials is not None and not trials and fam.name != "binomial":
        raise InputError(f"a cbind(successes, failures) response is for --family binomial, not {fam.name}")
    if design.response_levels and fam.name != "binomial":
        a, b = design.response_levels
        raise InputError(f"the response '{spec.response}' is text ('{a}'/'{b}'): use --family binomial "
                         f"('{a}' = 0, '{b}' = 1, as R codes it) or a numeric response")
    check_design(design, spec, fam.name)  # lme4's own refusals (estimator/data_checks.py)
    y, weights = _response(design, fam)
    if fam.name == "gaussian" and design.offset is not None:
        y = y - design.offset        # an offset of a Gaussian model shifts the response
    start = time.perf_counter()
    if fam.name == "gaussian":
        solution = fit_lmm(y, design.X, design.Z, design.group, design.n_groups,
                           reml=method.lower() == "reml", diagonal=spec.uncorrelated)
        method_label = method.upper()
        complete = None
    else:
        complete = fit_glm(y, design.X, fam, weights=weights)   # the GLMM's start and complete pooling
        solution = fit_glmm(y, design.X, design.Z, design.group, design.n_groups, fam,
                            weights=weights, nagq=nagq, diagonal=spec.uncorrelated, offset=design.offset,
                            complete=complete)
        method_label = "Laplace" if nagq == 1 else f"AGQ({nagq})"
    pooling = pool(replace(design, y=y), fam, complete=complete,
                   start_eta=None if complete is None else _linear_predictor(design, solution.beta, solution.ranef))
    seconds = time.perf_counter() - start
    result = _package(spec.text, design, fam, solution, pooling, method_label, nagq, seconds,
                      plotted=plotted_predictor(spec, design))
    return replace(result, held=held_lines(spec, table, design))  # where plots hold the others


def _family(name: str):
    try:
        return get_family(name)
    except (KeyError, ValueError, InputError):
        raise InputError(f"family '{name}' is unknown: use gaussian, poisson, binomial or gamma") from None


def _check_options(fam, spec, method: str, nagq: int, trials: str | None) -> None:
    if fam.name == "gaussian" and method.lower() not in METHODS:
        raise InputError(f"method '{method}' is unknown: use reml or ml")
    if not isinstance(nagq, int) or not 1 <= nagq <= MAX_NAGQ:
        raise InputError(f"--nagq {nagq} is out of range: use 1 (Laplace) to {MAX_NAGQ}")
    if nagq > 1 and fam.name == "gaussian":
        raise InputError("--nagq applies to GLMMs only: drop it for the gaussian family (lmer is exact)")
    if nagq > 1 and spec.re_names != [INTERCEPT]:
        raise InputError(f"--nagq {nagq} needs a single random intercept '(1 | {spec.group})': use "
                         "--nagq 1 (Laplace) with random slopes")
    if spec.uncorrelated and len(spec.re_names) < 2:
        raise InputError(f"'||' in '{spec.text}' needs two or more random terms: use '|'")
    if trials and fam.name != "binomial":
        raise InputError(f"--trials is for the binomial family only, not {fam.name}: drop --trials "
                         "or use --family binomial")


def _response(design: Design, fam):
    """Binomial with trials is fitted as proportions with prior weights = trials, like lme4."""
    y = design.y
    if design.trials is not None:
        fam.validate(y, design.trials)
        return y / design.trials, design.trials
    fam.validate(y, None)
    return y, None


def _package(formula: str, design: Design, fam, sol, pooling: Pooling, method: str, nagq: int,
             seconds: float, plotted: str | None = None) -> FitResult:
    labels = design.group_labels
    terms = list(design.re_names)
    re_cov = np.asarray(sol.re_cov, float)
    re_sd = np.sqrt(np.clip(np.diag(re_cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        re_corr = re_cov / np.outer(re_sd, re_sd)
    re_corr[~np.isfinite(re_corr)] = 0.0
    np.fill_diagonal(re_corr, 1.0)
    fixef_names = list(design.fixef_names)
    beta = np.asarray(sol.beta, float)
    se = np.sqrt(np.clip(np.diag(np.asarray(sol.beta_cov, float)), 0, None))
    shape = getattr(sol, "dispersion", None) if fam.name == "gamma" else None
    sigma = _residual_sigma(fam, sol, shape)
    ranef = np.asarray(sol.ranef, float)
    condvar = np.asarray(sol.ranef_condvar, float)
    sizes = design.group_sizes
    return FitResult(
        family=fam.name, link=fam.link_name, method=method, n_obs=design.n_obs,
        n_groups=design.n_groups, fixef=dict(zip(fixef_names, beta.tolist())),
        fixef_se=dict(zip(fixef_names, se.tolist())), re_terms=terms, re_cov=re_cov.tolist(),
        sigma=sigma, loglik=float(sol.loglik), aic=float(sol.aic), bic=float(sol.bic),
        ranef={label: ranef[j].tolist() for j, label in enumerate(labels)},
        icc=_icc(fam, terms, re_cov, sigma, beta, fixef_names, shape),
        shrinkage=_shrinkage(fam, terms, re_cov, condvar, labels, sigma, sizes),
        singular=bool(sol.singular), converged=bool(sol.converged), fit_seconds=float(seconds),
        formula=formula, deviance=float(-2 * sol.loglik), objective=float(sol.objective),
        re_sd=dict(zip(terms, re_sd.tolist())), re_corr=re_corr.tolist(),
        ranef_condvar={label: condvar[j].tolist() for j, label in enumerate(labels)},
        group_sizes={label: int(n) for label, n in zip(labels, sizes)},
        shrinkage_ratio=_shrinkage_ratio(design, pooling, beta, ranef),
        complete_pooling={"fixef": dict(zip(fixef_names, pooling.complete.beta.tolist())),
                          "fixef_se": dict(zip(fixef_names, pooling.complete.se.tolist()))},
        no_pooling=_no_pooling(design, pooling),
        simpson=_simpson(design, pooling, beta, plotted),
        shape=None if shape is None else float(shape), theta=np.asarray(sol.theta).tolist(),
        n_evals=int(sol.n_evals), trace=[list(params) + [obj] for params, obj in sol.trace],
        message=str(sol.message), nagq=nagq, n_dropped=design.n_dropped,
        warnings=list(design.warnings),
        scaled_residuals=_scaled_residuals(design, fam, beta, ranef, sigma),
        fixef_corr=_correlation(np.asarray(sol.beta_cov, float)).tolist())


def _linear_predictor(design: Design, beta, ranef, offset=True):
    """X beta + Z b (+ the offset) per row."""
    eta = design.X @ np.asarray(beta, float) + np.einsum("iq,iq->i", design.Z, np.asarray(ranef, float)[design.group])
    return eta + design.offset if offset and design.offset is not None else eta


def _scaled_residuals(design: Design, fam, beta, ranef, sigma) -> dict:
    """Quantiles of lme4's residuals(fit, "pearson", scaled = TRUE): (y - mu) sqrt(w) / sqrt(V(mu)),
    divided by sigma where the family has one (Gaussian; Gamma's sigma = sqrt(dispersion))."""
    eta = _linear_predictor(design, beta, ranef)
    mu = fam.linkinv(eta)
    y, w = design.y, np.ones(len(design.y))
    if design.trials is not None:
        y, w = design.y / design.trials, design.trials
    with np.errstate(invalid="ignore", divide="ignore"):
        resid = (y - mu) * np.sqrt(w) / np.sqrt(fam.variance(mu))
        if sigma:
            resid = resid / sigma
    resid = resid[np.isfinite(resid)]
    if not len(resid):
        return {}
    names = ("Min", "1Q", "Median", "3Q", "Max")
    return dict(zip(names, np.quantile(resid, [0, 0.25, 0.5, 0.75, 1]).tolist()))


def _correlation(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    corr[~np.isfinite(corr)] = 0.0
    np.fill_diagonal(corr, 1.0)
    return corr


def _residual_sigma(fam, sol, shape) -> float | None:
    if fam.name == "gaussian":
        return float(sol.sigma)
    if fam.name == "gamma" and shape:
        return float(1.0 / math.sqrt(shape))
    return None


def _icc(fam, terms, re_cov, sigma, beta, fixef_names, shape) -> float | None:
    """ICC at x = 0: intercept variance over intercept plus (latent) residual variance."""
    if INTERCEPT not in terms:
        return None
    k = terms.index(INTERCEPT)
    tau2 = float(re_cov[k, k])
    intercept = float(beta[fixef_names.index(INTERCEPT)]) if INTERCEPT in fixef_names else 0.0
    residual = float(fam.latent_residual_variance(sigma=sigma, intercept=intercept, shape=shape))
    total = tau2 + residual
    return tau2 / total if total > 0 else 0.0


def _shrinkage(fam, terms, re_cov, condvar, labels, sigma=None, sizes=None) -> dict:
    """lambda_j = 1 - Var(b_j | y) / tau^2 for the random intercept (else the first random term),
    with Var(b_j | y) the marginal conditional variance of that term: the diagonal entry of
    lme4's ranef(condVar = TRUE) block, never the variance given the other terms. For a Gaussian
    random intercept alone this is exactly tau0^2 / (tau0^2 + sigma^2 / n_j)."""
    k = terms.index(INTERCEPT) if INTERCEPT in terms else 0
    tau2 = float(re_cov[k, k])
    if tau2 <= 0:
        return {label: 0.0 for label in labels}
    if fam.name == "gaussian" and terms == [INTERCEPT] and sigma and sizes is not None:
        # the same value in closed form, free of 1 - (1 - eps) cancellation near a singular fit
        values = tau2 / (tau2 + sigma ** 2 / np.asarray(sizes, float))
        return {label: float(v) for label, v in zip(labels, values)}
    values = np.clip(1.0 - condvar[:, k, k] / tau2, 0.0, 1.0)
    return {label: float(v) for label, v in zip(labels, values)}


def _no_pooling_by_term(design: Design, pooling: Pooling) -> np.ndarray:
    """(J, q) no-pooling estimates matching each random term: from the common-slope fit for an
    intercept-only model, from the separate per-group fits when slopes vary."""
    J, terms, fixef_names = design.n_groups, list(design.re_names), list(design.fixef_names)
    out = np.full((J, len(terms)), np.nan)
    if terms == [INTERCEPT]:
        out[:, 0] = pooling.group_intercepts
        return out
    for j, coefs in enumerate(pooling.separate):
        if coefs.ok:
            out[j] = [coefs.beta[fixef_names.index(t)] if t in fixef_names else np.nan for t in terms]
    return out


def _shrinkage_ratio(design: Design, pooling: Pooling, beta, ranef) -> dict:
    fixef_names = list(design.fixef_names)
    fixed = np.array([beta[fixef_names.index(t)] if t in fixef_names else 0.0 for t in design.re_names])
    nopool = _no_pooling_by_term(design, pooling)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = ranef / (nopool - fixed)
    return {label: {term: (float(r) if np.isfinite(r) else None) for term, r in zip(design.re_names, row)}
            for label, row in zip(design.group_labels, ratio)}


def _no_pooling(design: Design, pooling: Pooling) -> dict:
    names = list(design.fixef_names)
    slope_names = names[1:] if names and names[0] == INTERCEPT else names
    common = {}
    for j, label in enumerate(design.group_labels):
        common[label] = {INTERCEPT: _finite_or_none(pooling.group_intercepts[j]),
                         **{n: _finite_or_none(v) for n, v in zip(slope_names, pooling.common_slopes)}}
    separate = {label: (dict(zip(names, c.beta.tolist())) if c.ok else None)
                for label, c in zip(design.group_labels, pooling.separate)}
    return {"common_slope": common, "separate": separate,
            "not_estimable": [label for label, c in zip(design.group_labels, pooling.separate) if not c.ok]}


def _finite_or_none(value) -> float | None:
    """A number that cannot be estimated (an intercept at +-infinity, an unidentified fit) is
    null in the JSON, never NaN or a huge number standing for infinity."""
    value = float(value)
    return value if math.isfinite(value) else None


def _simpson(design: Design, pooling: Pooling, beta, plotted: str | None = None) -> dict:
    """Pooled slope vs within-group slope of the plotted predictor (the first slope when it has
    no coefficient of its own): opposite signs = reversal."""
    names = list(design.fixef_names)
    slopes = [n for n in names if n != INTERCEPT]
    if not slopes:
        return {}
    predictor = plotted if plotted in slopes else slopes[0]
    k = names.index(predictor)
    pooled = float(pooling.complete.beta[k])
    within = float(pooling.common_slopes[slopes.index(predictor)])
    mixed = float(beta[k])
    return {"predictor": predictor, "pooled_slope": pooled, "within_slope": within,
            "mixed_slope": mixed, "reversed": bool(pooled * within < 0)}
