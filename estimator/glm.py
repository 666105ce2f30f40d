"""Generalised linear models by iteratively reweighted least squares: complete pooling, the
per-group no-pooling fits and the group-intercept (common slope) fit, all from one IRLS loop.

The loop runs over "units" of a linear model from estimator/grouped.py: one unit for a single
fit, one per group for the separate fits, where every IRLS step is one batched solve across all
groups still iterating (weights and working responses are elementwise). Each unit stops on its
own deviance criterion, exactly as a loop of single fits would. Separation (an all-0 or all-1
group under logit) makes estimates run off to infinity; it is flagged per unit, never looped on
or crashed on.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from estimator.grouped import GroupIntercepts, SeparateFits
from estimator.lmm import standardising_map

MAX_ITER = 100
DIVERGED_ETA = 25.0   # |eta| beyond this means a fitted probability of 0 or 1 (or exp overflow)
DEVIANCE_TOL = 1e-10


@dataclass(frozen=True)
class GlmSolution:
    """beta, beta_cov (dispersion x (X'WX)^-1), dispersion (Pearson estimate; 1 for Poisson and
    binomial; for Gamma 1/shape), loglik, converged, diverged (separation or overflow)."""

    beta: np.ndarray
    beta_cov: np.ndarray
    dispersion: float
    loglik: float
    converged: bool
    diverged: bool


@dataclass(frozen=True)
class GroupGlm:
    """Per-unit results: beta (U, p), beta_cov (U, p, p) (None for the group-intercept fit),
    converged (U,), diverged (U,)
    (converged is False wherever diverged is True); mu (n,) the fitted means."""

    beta: np.ndarray
    beta_cov: np.ndarray
    dispersion: np.ndarray
    converged: np.ndarray
    diverged: np.ndarray
    mu: np.ndarray


def _unit_max(unit_of_row, n_units, values):
    out = np.full(n_units, -np.inf)
    np.maximum.at(out, unit_of_row, values)
    return out


def irls(model, y, family, w, estimable, start_eta=None) -> GroupGlm:
    """IRLS for every unit of `model` at once; units not `estimable` are left out (diverged).
    `start_eta`: a linear predictor to start from (fit() passes the mixed model's, which is
    close to the no-pooling fits', so they need fewer passes); else the family's start."""
    units, U = model.unit_of_row, model.n_units
    if start_eta is not None and np.all(np.isfinite(start_eta)):
        eta = np.array(start_eta, float)              # a copy: rows are updated in place
        mu = np.array(family.linkinv(eta), float)
    else:
        mu = np.array(family.start_mu(y, w), float)
        eta = np.array(family.link(mu), float)
    beta = np.zeros((U, model.p))
    deviance = np.full(U, np.inf)
    converged = np.zeros(U, bool)
    active = np.asarray(estimable, bool).copy()
    rows, part = np.arange(len(y)), model
    for _ in range(MAX_ITER):
        if not active.any():
            break
        if len(rows) > 2 * np.count_nonzero(active[units]):   # most units have stopped
            rows = np.flatnonzero(active[units])
            part = model.subset(rows)
        y_r, w_r, eta_r, mu_r = y[rows], w[rows], eta[rows], mu[rows]
        d = family.mu_eta(eta_r)
        working = eta_r + (y_r - mu_r) / d
        weight = w_r * d ** 2 / family.variance(mu_r)
        new_beta, _, solved = part.solve(weight, working, refine=False)
        active &= solved                       # a singular system stops that unit, unconverged
        beta[active] = new_beta[active]
        moved = active[units[rows]]
        eta_r = np.where(moved, part.eta(beta), eta_r)
        mu_r = np.where(moved, family.linkinv(eta_r), mu_r)
        eta[rows], mu[rows] = eta_r, mu_r
        new_deviance = np.bincount(units[rows], family.dev_resids(y_r, mu_r, w_r), U)
        done = active & (np.abs(new_deviance - deviance) <= DEVIANCE_TOL * (np.abs(new_deviance) + 0.1))
        deviance = np.where(active, new_deviance, deviance)
        converged |= done
        active &= ~done
        if isinstance(model, SeparateFits) and U > 1:   # a group past DIVERGED_ETA is flagged diverged at
            with np.errstate(invalid="ignore"):   # the end anyway: stop iterating it now
                active &= ~(_unit_max(units[rows], U, np.abs(eta_r)) > DIVERGED_ETA)
    with np.errstate(invalid="ignore"):
        diverged = (_unit_max(units, U, np.abs(eta)) > DIVERGED_ETA) | ~np.all(np.isfinite(beta), axis=1)
    diverged |= ~np.asarray(estimable, bool)
    d = family.mu_eta(eta)
    weight = w * d ** 2 / family.variance(mu)
    dispersion = np.ones(U)
    if family.has_dispersion:
        pearson = np.bincount(units, w * (y - mu) ** 2 / family.variance(mu), U)
        dispersion = pearson / np.maximum(model.sizes - model.p, 1)
    if isinstance(model, SeparateFits):
        _, inv, inv_ok = model.solve(weight, eta)
        cov = dispersion[:, None, None] * inv
        diverged |= ~inv_ok
    else:   # the group-intercept fit reports coefficients only (its J + k square is not needed)
        cov = None
    return GroupGlm(beta, cov, dispersion, converged & ~diverged, diverged, mu)


def fit_glm(y, X, family, weights=None) -> GlmSolution:
    """One GLM on all rows (complete pooling; the GLMM's starting values): IRLS on standardised columns, mapped back exactly: with x in the millions X'WX has a
    condition number ~1e13 and the normal equations lose every digit of the slope."""
    y, X = np.asarray(y, float), np.asarray(X, float)
    A = standardising_map(X, centre=True)
    fitted = _fit_glm(y, X @ A, family, weights)
    return replace(fitted, beta=A @ fitted.beta, beta_cov=A @ fitted.beta_cov @ A.T)


def _fit_glm(y, X, family, weights=None) -> GlmSolution:
    n, p = X.shape
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    model = SeparateFits(X, np.zeros(n, int), 1)
    estimable = model.independent() & (n >= p)
    if not estimable[0]:
        nan = np.full(p, np.nan)
        return GlmSolution(nan, np.full((p, p), np.nan), np.nan, np.nan, False, True)
    sol = irls(model, y, family, w, estimable)
    mu = sol.mu
    loglik = family.loglik(y, mu, w, float(sol.dispersion[0])) if np.all(np.isfinite(mu)) else np.nan
    return GlmSolution(sol.beta[0], sol.beta_cov[0], float(sol.dispersion[0]), float(loglik),
                       bool(sol.converged[0]), bool(sol.diverged[0]))


def fit_glm_by_group(y, X, group, n_groups, family, weights=None, start_eta=None) -> GroupGlm:
    """A separate GLM in every group (no pooling); groups with fewer rows than coefficients or
    collinear columns are not estimable (diverged, not converged), and so are groups at the
    boundary (all 0 / all 1 / zero counts: their intercept is +-infinity), which would
    otherwise iterate ~25 more times on their way out."""
    y, X = np.asarray(y, float), np.asarray(X, float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    model = SeparateFits(X, group, n_groups)
    estimable = model.independent() & (model.sizes >= X.shape[1])
    estimable &= ~boundary_groups(y, np.asarray(group), n_groups, family.name)
    return irls(model, y, family, w, estimable, start_eta)


def boundary_groups(y, group, n_groups, family_name: str) -> np.ndarray:
    """(J,) groups whose own intercept runs off to +-infinity: every outcome 0 or every outcome 1
    (binomial, as a proportion of its trials), every count 0 (Poisson). `y` is the response as
    fitted: proportions for a binomial with trials."""
    p = np.asarray(y, float)
    low = np.bincount(group, weights=(p <= 0).astype(float), minlength=n_groups)
    high = np.bincount(group, weights=(p >= 1).astype(float), minlength=n_groups)
    sizes = np.bincount(group, minlength=n_groups)
    if family_name == "binomial":
        return (low == sizes) | (high == sizes)
    if family_name == "poisson":
        return low == sizes
    return np.zeros(n_groups, bool)


def fit_glm_group_intercepts(y, S, group, n_groups, family, weights=None, start_eta=None) -> GroupGlm:
    """y ~ 0 + group + S as a GLM: beta (1, J + k) = [group intercepts, shared coefficients].

    A group at the boundary (boundary_groups: its intercept is +-infinity) is fitted without its
    rows and its intercept is NaN: in the limit its rows weigh nothing in the shared
    coefficients, and with them IRLS iterates over every row until that intercept has crawled
    out to ~-25 (16 passes instead of 6 for a Poisson data set with a few all-zero groups)."""
    y, S = np.asarray(y, float), np.asarray(S, float)
    group = np.asarray(group)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    edge = boundary_groups(y, group, n_groups, family.name)
    if not edge.any() or edge.all():
        return _group_intercepts(y, S, group, n_groups, family, w, start_eta)
    keep = ~edge[group]
    renumber = np.cumsum(~edge) - 1
    inner = _group_intercepts(y[keep], S[keep], renumber[group[keep]], int(np.sum(~edge)), family, w[keep],
                              None if start_eta is None else np.asarray(start_eta)[keep])
    beta = np.full((1, n_groups + S.shape[1]), np.nan)
    beta[0, :n_groups][~edge] = inner.beta[0, :-S.shape[1] or None]
    beta[0, n_groups:] = inner.beta[0, inner.beta.shape[1] - S.shape[1]:]
    mu = y.copy()   # the boundary rows' limit
    mu[keep] = inner.mu
    return replace(inner, beta=beta, mu=mu)


def _group_intercepts(y, S, group, n_groups, family, w, start_eta=None) -> GroupGlm:
    model = GroupIntercepts(S, group, n_groups)
    estimable = model.independent() & (len(y) >= model.p)
    return irls(model, y, family, w, estimable, start_eta)
