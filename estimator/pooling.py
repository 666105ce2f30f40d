"""Complete pooling and no pooling: the two reference fits partial pooling sits between.

Complete pooling ignores the groups (one GLM on all rows). No pooling comes in two forms the
lecture needs: group intercepts with a common slope (the within-group estimator, dummy coded),
and fully separate per-group fits. Groups whose own fit cannot be estimated (too few rows, a
constant predictor, or separation under logit) are flagged, never crashed on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.design import Design
from estimator.glm import fit_glm


@dataclass(frozen=True)
class Coefs:
    """One fitted coefficient vector: estimates, standard errors, and whether it diverged."""

    beta: np.ndarray
    se: np.ndarray
    ok: bool


@dataclass(frozen=True)
class Pooling:
    """complete: one fit on all rows (columns = design.fixef_names).
    common_slope: per-group intercepts (J,) and the shared non-intercept coefficients.
    separate: one Coefs per group over the full fixed design, ok=False where not estimable.
    """

    complete: Coefs
    group_intercepts: np.ndarray
    common_slopes: np.ndarray
    common_ok: bool
    separate: tuple[Coefs, ...]


def _fit(y, X, family, weights) -> Coefs:
    if family.name == "gaussian":
        return _least_squares(y, X)
    solution = fit_glm(y, X, family, weights=weights)
    ok = bool(solution.converged and not solution.diverged)
    se = np.sqrt(np.clip(np.diag(solution.beta_cov), 0, None)) if ok else np.full(X.shape[1], np.nan)
    return Coefs(np.asarray(solution.beta, float), se, ok)


def _least_squares(y, X) -> Coefs:
    n, p = X.shape
    if n <= p or np.linalg.matrix_rank(X) < p:
        return Coefs(np.full(p, np.nan), np.full(p, np.nan), False)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    sigma2 = resid @ resid / (n - p)
    cov = sigma2 * np.linalg.inv(X.T @ X)
    return Coefs(beta, np.sqrt(np.diag(cov)), True)


def pool(design: Design, family) -> Pooling:
    y, X, g, J = design.y, design.X, design.group, design.n_groups
    weights = design.trials
    complete = _fit(y, X, family, weights)
    has_intercept = design.fixef_names[0] == "(Intercept)"
    slopes_X = X[:, 1:] if has_intercept else X
    dummies = (g[:, None] == np.arange(J)[None, :]).astype(float)
    common = _fit(y, np.column_stack([dummies, slopes_X]), family, weights)
    separate = []
    for j in range(J):
        rows = g == j
        w = None if weights is None else weights[rows]
        separate.append(_fit(y[rows], X[rows], family, w))
    return Pooling(complete=complete, group_intercepts=common.beta[:J],
                   common_slopes=common.beta[J:], common_ok=common.ok, separate=tuple(separate))
