"""When does partial pooling win? Complete pooling, no pooling and the mixed model side by side
(log-likelihood, parameters, AIC, BIC, all by maximum likelihood), and the likelihood-ratio test
of the random-effect variance with its boundary correction.

- complete pooling: the GLM of the fixed part (one line for every group);
- no pooling: the fixed part plus every random-effect column as a fixed coefficient per group
  (lm(y ~ x + factor(g) [+ factor(g):x]) in R), collinear columns dropped as lm does;
- mixed model: fit(..., method="ml") for Gaussian models (AIC needs the likelihood, not REML's
  criterion), Laplace for GLMMs (glmer's logLik).
Gaussian and Gamma models count their dispersion as a parameter (sigma; the ML shape).

The test of tau0^2 = 0 puts the null on the boundary of the parameter space, so the statistic is
not chi-square with 1 df but a 50:50 mixture of chi-square(0) (a point mass at 0) and
chi-square(1) (Self & Liang 1987): the naive p-value is twice too large. For a correlated random
slope tested against the random intercept the mixture is of chi-square(1) and chi-square(2)
(Stram & Lee 1994); for an uncorrelated one, of chi-square(0) and chi-square(1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import qr
from scipy.optimize import minimize_scalar
from scipy.stats import chi2

from estimator.design import build_design
from estimator.errors import InputError
from estimator.families import get_family
from estimator.fit import fit
from estimator.formula import INTERCEPT, parse_formula
from estimator.glm import fit_glm

RANK_TOL = 1e-9


@dataclass(frozen=True)
class ModelRow:
    """One model's maximum-likelihood fit: loglik, n_params (R's logLik df), aic, bic."""

    loglik: float
    n_params: int
    aic: float
    bic: float


@dataclass(frozen=True)
class LikelihoodRatio:
    """2 (loglik(mixed) - loglik(null)); p_value from the boundary mixture of chi-squares with
    `df_mixture` = (d1, d2) degrees of freedom, 50:50; p_naive from chi-square(d2) alone."""

    null: str            # "complete" or "random_intercept"
    null_formula: str
    statistic: float
    df_mixture: tuple[int, int]
    p_value: float
    p_naive: float


@dataclass(frozen=True)
class PoolingComparison:
    complete: ModelRow
    no_pooling: ModelRow
    mixed: ModelRow
    lrt: LikelihoodRatio | None
    lrt_note: str        # why there is no test, when there is none
    random_intercept: ModelRow | None = None

    def rows(self) -> dict[str, ModelRow]:
        return {"complete": self.complete, "no_pooling": self.no_pooling, "mixed": self.mixed}

    def best(self, criterion: str = "aic") -> str:
        """The model with the lowest AIC (or BIC)."""
        return min(self.rows(), key=lambda name: getattr(self.rows()[name], criterion))


def _row(loglik: float, k: int, n: int) -> ModelRow:
    return ModelRow(float(loglik), int(k), -2 * loglik + 2 * k, -2 * loglik + k * math.log(n))


def mixture_p_value(statistic: float, df_mixture: tuple[int, int]) -> float:
    """P(T >= t) under 0.5 chi2(d1) + 0.5 chi2(d2), with chi2(0) a point mass at zero."""
    def tail(df: int) -> float:
        return float(statistic <= 0) if df == 0 else float(chi2.sf(statistic, df))

    return 0.5 * tail(df_mixture[0]) + 0.5 * tail(df_mixture[1])


def _independent_columns(X: np.ndarray) -> np.ndarray:
    """X without the columns that are linear combinations of earlier ones (as lm's pivoting)."""
    scale = np.linalg.norm(X, axis=0)
    scale[scale == 0] = 1.0
    _, R, pivot = qr(X / scale, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > RANK_TOL * max(diag[0], 1e-300))) if diag.size else 0
    return X[:, np.sort(pivot[:rank])]


def _flat_fit(y, X, fam, weights) -> tuple[float, int]:
    """(loglik, n_params) of the GLM (lm) of y on X's independent columns, by ML."""
    X = _independent_columns(X)
    n, p = X.shape
    if fam.name == "gaussian":
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        rss = float(np.sum((y - X @ beta) ** 2))
        return -0.5 * n * (math.log(2 * math.pi * rss / n) + 1), p + 1
    solution = fit_glm(y, X, fam, weights)
    if not math.isfinite(solution.loglik):
        raise InputError("the model comparison cannot fit these data: a pooled GLM did not converge")
    if fam.name != "gamma":
        return solution.loglik, p
    mu = fam.linkinv(X @ solution.beta)     # the GLM's beta does not depend on the shape
    w = np.ones(n) if weights is None else weights
    best = minimize_scalar(lambda log_shape: -fam.loglik(y, mu, w, math.exp(-log_shape)),
                           bounds=(-10, 15), method="bounded", options={"xatol": 1e-10})
    return -float(best.fun), p + 1


def _no_pooling_matrix(design) -> np.ndarray:
    """The fixed columns plus each random-effect column once per group."""
    J, q = design.n_groups, design.Z.shape[1]
    per_group = np.zeros((design.n_obs, J * q))
    rows = np.arange(design.n_obs)
    for k in range(q):
        per_group[rows, design.group * q + k] = design.Z[:, k]
    return np.column_stack([design.X, per_group])


def _mixed_row(formula: str, table: dict, family: str, trials: str | None, n: int) -> ModelRow:
    options = {"method": "ml"} if family == "gaussian" else {}
    result = fit(formula, table, family=family, trials=trials, **options)
    k = round((result.aic + 2 * result.loglik) / 2)
    return _row(result.loglik, k, n)


def _random_intercept_formula(spec) -> str:
    text = spec.text
    for term in dict.fromkeys(term.text for term in spec.random_terms):
        text = text.replace(term, "")
    lhs, rhs = text.split("~", 1)
    pieces = [piece.strip() for piece in rhs.split("+") if piece.strip()]
    group = spec.random_terms[0].group.key
    group_text = group if group.isidentifier() else f"`{group}`"
    return f"{lhs.strip()} ~ {' + '.join(pieces) or '1'} + (1 | {group_text})"


def compare_pooling(formula: str, table: dict, family: str = "gaussian",
                    trials: str | None = None) -> PoolingComparison:
    """The three models of `formula` fitted to `table` by ML, and the LRT of its random part."""
    fam = get_family(family)
    spec = parse_formula(formula)
    design = build_design(spec, table, trials=trials)
    if design.offset is not None:
        raise InputError("the model comparison does not take an offset() yet: drop it from the formula")
    y, weights = design.y, None
    if design.trials is not None:
        y, weights = design.y / design.trials, np.asarray(design.trials, float)
    n = design.n_obs
    complete = _row(*_flat_fit(y, design.X, fam, weights), n)
    no_pooling = _row(*_flat_fit(y, _no_pooling_matrix(design), fam, weights), n)
    mixed = _mixed_row(formula, table, fam.name, trials, n)
    terms = list(design.re_names)
    if terms == [INTERCEPT]:
        statistic = max(0.0, 2 * (mixed.loglik - complete.loglik))
        null_formula = spec.text.split("~", 1)[0].strip() + " ~ (fixed part only)"
        lrt = LikelihoodRatio("complete", null_formula, statistic, (0, 1),
                              mixture_p_value(statistic, (0, 1)), float(chi2.sf(statistic, 1)))
        return PoolingComparison(complete, no_pooling, mixed, lrt, "")
    if len(terms) == 2 and terms[0] == INTERCEPT:
        null_formula = _random_intercept_formula(spec)
        null = _mixed_row(null_formula, table, fam.name, trials, n)
        statistic = max(0.0, 2 * (mixed.loglik - null.loglik))
        df = (0, 1) if spec.uncorrelated else (1, 2)
        lrt = LikelihoodRatio("random_intercept", null_formula, statistic, df,
                              mixture_p_value(statistic, df), float(chi2.sf(statistic, df[1])))
        return PoolingComparison(complete, no_pooling, mixed, lrt, "", random_intercept=null)
    return PoolingComparison(complete, no_pooling, mixed, None,
                             "the boundary-corrected test is built for a random intercept, or a random "
                             "intercept and one slope")


def mixture_density(x, df_mixture: tuple[int, int]) -> np.ndarray:
    """The continuous part of the 50:50 chi-square mixture at x > 0 (a chi2(0) part is the point
    mass 0.5 at zero, drawn apart): for the scene that draws the null distribution."""
    x = np.asarray(x, float)
    return sum(0.5 * chi2.pdf(x, df) for df in df_mixture if df > 0)


def mixture_critical_value(alpha: float, df_mixture: tuple[int, int]) -> float:
    """The statistic beyond which the boundary-corrected test rejects at level alpha."""
    from scipy.optimize import brentq

    return float(brentq(lambda t: mixture_p_value(t, df_mixture) - alpha, 1e-9, 200.0))
