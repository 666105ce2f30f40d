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
from estimator.glm import boundary_groups, fit_glm, fit_glm_by_group, fit_glm_group_intercepts
from estimator.grouped import GroupIntercepts, SeparateFits


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


def pool(design: Design, family, complete=None, start_eta=None) -> Pooling:
    """The three fits, each in one vectorised pass (no loop over groups): complete pooling,
    group intercepts with common slopes, and a separate fit per group. `complete`: the
    complete-pooling GLM (fit_glm of design.y on design.X) when the caller already has it;
    `start_eta`: where the GLM no-pooling fits start IRLS (the mixed model's linear predictor)."""
    y, X, g, J = design.y, design.X, design.group, design.n_groups
    has_intercept = design.fixef_names[0] == "(Intercept)"
    shared_X = X[:, 1:] if has_intercept else X
    if family.name == "gaussian":
        complete = _coefs(*_least_squares(y, X, np.zeros(len(y), int), 1), 0)
        common = _least_squares_group_intercepts(y, shared_X, g, J)
        separate = _least_squares(y, X, g, J)
    else:
        single = complete if complete is not None else fit_glm(y, X, family, weights=design.trials)
        complete = _glm_coefs(single.beta, single.beta_cov, single.converged and not single.diverged)
        fitted = fit_glm_group_intercepts(y, shared_X, g, J, family, weights=design.trials, start_eta=start_eta)
        common = (fitted.beta[0], bool(fitted.converged[0] and not fitted.diverged[0]))
        by_group = fit_glm_by_group(y, X, g, J, family, weights=design.trials, start_eta=start_eta)
        separate = (by_group.beta, by_group.beta_cov, by_group.converged & ~by_group.diverged)
    beta, ok = common
    if len(y) <= J + shared_X.shape[1]:  # one row per group: the fit has no numbers, not zeros
        beta, ok = np.full(J + shared_X.shape[1], np.nan), False
    elif family.name != "gaussian":
        beta = np.array(beta, float)
        beta[:J][boundary_groups(y, g, J, family.name)] = np.nan  # their estimate is +-inf
    return Pooling(complete=complete, group_intercepts=beta[:J], common_slopes=beta[J:],
                   common_ok=ok, separate=_all_coefs(*separate))


def _all_coefs(beta, cov, ok) -> tuple[Coefs, ...]:
    """One Coefs per unit; standard errors NaN where the fit is not usable."""
    se = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    se = np.where(np.asarray(ok)[:, None], se, np.nan)
    return tuple(Coefs(b, s, bool(k)) for b, s, k in zip(np.asarray(beta, float), se, ok))


def _coefs(beta, cov, ok, j) -> Coefs:
    return _all_coefs(beta[j:j + 1], cov[j:j + 1], ok[j:j + 1])[0]


def _glm_coefs(beta, cov, ok) -> Coefs:
    p = len(beta)
    if not ok:
        return Coefs(np.asarray(beta, float), np.full(p, np.nan), False)
    return Coefs(np.asarray(beta, float), np.sqrt(np.clip(np.diag(cov), 0, None)), True)


def _least_squares(y, X, group, n_groups):
    """Ordinary least squares in every group at once: (beta (J, p), cov (J, p, p), ok (J,)).
    A group needs more rows than coefficients (a residual variance) and full-rank columns."""
    n, p = X.shape
    model = SeparateFits(X, group, n_groups)
    ok = model.independent() & (model.sizes > p)
    beta, inv, solved = model.solve(np.ones(n), y)
    ok &= solved
    resid = y - model.eta(np.where(ok[:, None], beta, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma2 = np.bincount(group, resid ** 2, n_groups) / (model.sizes - p)
    cov = sigma2[:, None, None] * inv
    beta = np.where(ok[:, None], beta, np.nan)
    cov = np.where(ok[:, None, None], cov, np.nan)
    return beta, cov, ok


def _least_squares_group_intercepts(y, S, group, n_groups):
    """y ~ 0 + group + S by least squares (the within estimator): ([J intercepts, shared], ok)."""
    model = GroupIntercepts(S, group, n_groups)
    ok = bool(model.independent()[0] and len(y) > model.p)
    beta, _, solved = model.solve(np.ones(len(y)), y)
    ok = ok and bool(solved[0])
    return (beta[0] if ok else np.full(model.p, np.nan)), ok
