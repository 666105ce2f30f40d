"""The GLMM's inner problem: conditional modes by penalised IRLS, the Laplace (or adaptive
Gauss-Hermite) deviance at them, and the Laplace deviance's exact gradient.

Everything here is a pure function of its arguments: the conditional modes come back as a
`Modes` value and a warm start goes in as an explicit `start`, so the standard errors read the
modes computed at the optimum, never whatever a line search left behind. The per-family
likelihood (log-likelihood and its eta-derivatives) comes from the family module
(`family.likelihood(y, w)`); this module only sums it over groups.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from estimator.lmm import ThetaLayout, batched_cholesky

PIRLS_TOL = 1e-10


def _solve_blocks(H, g):
    """Solve H_j s_j = g_j for every group; a scalar random effect needs only a division."""
    if H.shape[-1] == 1:
        return g / H[:, :, 0]
    return np.linalg.solve(H, g[..., None])[..., 0]


def _inv_blocks(H):
    if H.shape[-1] == 1:
        return 1.0 / H
    return np.linalg.inv(H)


class Groups:
    """Group sums without touching (n, q, q) arrays: one sum per entry. A column of ones (the
    random intercept) is never multiplied in: these sums are the GLMM's inner loop. Rows sorted
    by group with no empty group (LaplaceModel sorts them) are summed by contiguous segments
    (np.add.reduceat, ~3x faster than bincount) and spread back by np.repeat."""

    def __init__(self, Z, group, n_groups):
        self.Z, self.group, self.J = Z, group, n_groups
        self.q = Z.shape[1]
        self.sizes = np.bincount(group, minlength=n_groups)
        self.segments = None
        if len(group) and np.all(self.sizes > 0) and np.all(np.diff(group) >= 0):
            self.segments = np.concatenate([[0], np.cumsum(self.sizes)[:-1]])
        self.columns = [None if np.all(Z[:, a] == 1.0) else Z[:, a] for a in range(self.q)]
        self.pairs = [(a, b) for a in range(self.q) for b in range(a, self.q)]
        self.ZZ = [_times(self.columns[a], self.columns[b]) for a, b in self.pairs]

    def _sum(self, v):
        if self.segments is not None:
            return np.add.reduceat(v, self.segments)
        return np.bincount(self.group, v, self.J)

    def _rows(self, b):
        """Per-group values b (J, ...) repeated onto the rows."""
        if self.segments is not None:
            return np.repeat(b, self.sizes, axis=0)
        return b[self.group]

    def sum_vec(self, v):
        return np.stack([self._sum(_times(z, v)) for z in self.columns], 1)

    def sum_mat(self, v):
        out = np.empty((self.J, self.q, self.q))
        for (a, b), zz in zip(self.pairs, self.ZZ):
            out[:, a, b] = out[:, b, a] = self._sum(_times(zz, v))
        return out

    def sum_rows(self, v):
        return self._sum(v)

    def sum_cross(self, v, X):
        """(J, q, p): per-group sums of v_i z_ia x_ic."""
        return np.stack([np.stack([self._sum(_times(z, X[:, c] * v)) for c in range(X.shape[1])], 1)
                         for z in self.columns], 1)

    def spread(self, b):
        """Z_i . b_{group i} for (J, q) per-group effects b."""
        rows = self._rows(b)
        if self.q == 1:
            return rows[:, 0] if self.columns[0] is None else self.Z[:, 0] * rows[:, 0]
        return np.einsum("iq,iq->i", self.Z, rows)


def _times(z, v):
    """z * v, where z None stands for a column of ones."""
    if z is None:
        return v
    return z if v is None else z * v


@dataclass(frozen=True)
class Modes:
    """Conditional modes u (J, q) for one (theta, beta, shape), with what the deviance, its
    gradient and the standard errors need there: M = Z'WZ per group, s = Z' dll/deta per group,
    H = Lambda' M Lambda + I, the per-group log-likelihood and the linear predictor."""

    u: np.ndarray
    H: np.ndarray
    M: np.ndarray
    s: np.ndarray
    ll_groups: np.ndarray
    eta: np.ndarray


class LaplaceModel:
    """y, X, Z (standardised columns), group, the family's row likelihood and prior weights."""

    def __init__(self, y, X, Z, group, n_groups, family, weights, nagq, diagonal, offset=None):
        order = np.argsort(group, kind="stable")     # rows by group: group sums are segments
        y, X, Z, group, weights = y[order], X[order], Z[order], np.asarray(group)[order], np.asarray(weights)[order]
        self.y, self.X, self.Z, self.group = y, X, Z, group
        self.offset = np.zeros(len(y)) if offset is None else np.asarray(offset, float)[order]
        self.family = family
        self.rows = family.likelihood(y, weights)
        self.groups = Groups(Z, group, n_groups)
        self.layout = ThetaLayout(Z.shape[1], diagonal)
        self.nagq = nagq
        self.has_shape = family.has_dispersion
        nodes, weights_gh = np.polynomial.hermite_e.hermegauss(nagq)
        self.nodes, self.gh_log_weights = nodes, np.log(weights_gh / np.sqrt(2 * np.pi))

    def laplace(self) -> "LaplaceModel":
        """The same model with the Laplace approximation (nagq = 1): AGQ starts at its optimum."""
        twin = copy.copy(self)
        twin.nagq = 1
        return twin

    def zeros(self) -> np.ndarray:
        return np.zeros((self.groups.J, self.groups.q))

    def fixed_part(self, beta):
        return self.X @ beta + self.offset

    def eta(self, fixed, lam, u):
        """The linear predictor from its fixed part X beta + offset (constant within PIRLS)."""
        return fixed + self.groups.spread(u @ lam.T)

    def _state(self, fixed, lam, u, shape):
        """Everything one Newton step needs at u: per-group penalised log-likelihood, gradient
        and the penalised information H = Lambda' Z'WZ Lambda + I (W = -d2 loglik/d eta2)."""
        eta = self.eta(fixed, lam, u)
        terms = self.rows.terms(eta, shape)
        ll_groups = self.groups.sum_rows(terms.loglik)
        objective = ll_groups - 0.5 * np.sum(u * u, axis=1)
        s = self.groups.sum_vec(terms.d1)
        M = self.groups.sum_mat(terms.curvature)
        H = lam.T @ M @ lam + np.eye(u.shape[1])
        return objective, s @ lam - u, Modes(u, H, M, s, ll_groups, eta)

    def modes(self, beta, lam, shape, start) -> Modes:
        """Conditional modes for fixed (theta, beta) from `start`: Newton steps, halved group by
        group where a step would lower that group's penalised log-likelihood. A start that is not
        finite is replaced by zeros (a wild line-search point must not poison the next one)."""
        u = start if start is not None and np.all(np.isfinite(start)) else self.zeros()
        fixed = self.fixed_part(beta)
        objective, grad, state = self._state(fixed, lam, u, shape)
        for _ in range(60):
            step = _solve_blocks(state.H, grad)
            if np.max(np.abs(step)) < PIRLS_TOL:
                break        # at the mode already: the state there is the answer, no re-evaluation
            scale = np.ones(len(u))
            for _ in range(30):
                trial = u + scale[:, None] * step
                new = self._state(fixed, lam, trial, shape)
                worse = new[0] < objective - 1e-12 * (1.0 + np.abs(objective))
                if not worse.any():
                    break
                scale[worse] *= 0.5
            if worse.any():   # keep those groups where they were; recompute once
                trial = np.where(worse[:, None], u, trial)
                new = self._state(fixed, lam, trial, shape)
            u = trial
            objective, grad, state = new
            if np.max(np.abs(scale[:, None] * step)) < PIRLS_TOL:
                break
        return state

    def deviance(self, theta, beta, shape, start=None):
        """(deviance, modes): -2 log of the Laplace (nagq = 1) or AGQ approximation."""
        lam = self.layout.matrix(theta)
        modes = self.modes(beta, lam, shape, start)
        L = batched_cholesky(modes.H)
        log_det = 2.0 * np.sum(np.log(np.diagonal(L, axis1=1, axis2=2)), axis=1)
        u = modes.u
        if self.nagq == 1:
            return float(np.sum(-2.0 * modes.ll_groups + np.sum(u * u, axis=1) + log_det)), modes
        return self._agq_deviance(beta, lam, u, L[:, 0, 0], shape), modes

    def _agq_deviance(self, beta, lam, u, sd_inv, shape):
        """Adaptive Gauss-Hermite for a scalar random intercept: nodes u_j + z_k / L_j."""
        fixed = self.fixed_part(beta)
        logs = []
        for z, log_w in zip(self.nodes, self.gh_log_weights):
            uk = u + (z / sd_inv)[:, None]
            ll = self.rows.terms(self.eta(fixed, lam, uk), shape).loglik
            logs.append(self.groups.sum_rows(ll) - 0.5 * uk[:, 0] ** 2 + 0.5 * z * z + log_w)
        logs = np.array(logs)
        top = logs.max(axis=0)
        per_group = top + np.log(np.exp(logs - top).sum(axis=0)) - np.log(sd_inv)
        return float(-2.0 * np.sum(per_group))

    def laplace_gradient(self, theta, beta, shape, modes: Modes):
        """(gradient, mode slopes): the exact gradient of the Laplace deviance in (theta, beta[,
        log shape]) at the modes, and d u / d(those) (`_mode_slopes`).

        D = -2 sum ll + |u|^2 + sum_j log|H_j| with u = u(theta, beta) the mode. The first two
        terms are stationary in u (envelope theorem); log|H_j| moves with Lambda directly and with
        W_i through eta_i, which moves with beta, Lambda and the mode itself:
        du = H^-1 [dLambda' Z'd1 - Lambda' Z'W (X dbeta + Z dLambda u)]. With c_i = z_i' Lambda
        H^-1 Lambda' z_i and h_i = W'_i c_i, every piece is a group sum (no (n, q, q) array)."""
        lam = self.layout.matrix(theta)
        g, X, u, M, s = self.groups, self.X, modes.u, modes.M, modes.s
        terms = self.rows.terms(modes.eta, shape, slope=True)
        H_inv = _inv_blocks(modes.H)
        P = lam @ H_inv @ lam.T                                   # (J, q, q)
        if g.q == 1:
            c = self.Z[:, 0] ** 2 * g._rows(P[:, 0, 0])
        else:
            c = np.einsum("ia,iab,ib->i", self.Z, g._rows(P), self.Z)
        h = terms.curvature_slope * c
        v = g.sum_vec(h) @ lam                                    # Lambda' sum h z, (J, q)
        a = (H_inv @ v[..., None])[..., 0]                        # H^-1 v
        ZtWX = g.sum_cross(terms.curvature, X)                    # (J, q, p)
        grad_beta = X.T @ (h - 2.0 * terms.d1) - np.einsum("jb,jbc->c", a @ lam.T, ZtWX)
        t = g.sum_vec(h)
        MLa = (M @ (a @ lam.T)[..., None])[..., 0]
        G = M @ lam @ H_inv
        by_entry = (np.einsum("jr,jc->rc", t - 2.0 * s - MLa, u) + 2.0 * G.sum(axis=0)
                    + np.einsum("jr,jc->rc", s, a))
        grad = [by_entry[self.layout.rows, self.layout.cols], grad_beta]
        if self.has_shape:
            score = g.sum_rows(self.rows.shape_score(modes.eta, shape))
            trace = np.trace(H_inv, axis1=1, axis2=2)
            grad.append([np.sum(-2.0 * score + g.q - trace + np.sum(a * u, axis=1))])
        return np.concatenate(grad), self._mode_slopes(lam, modes, H_inv, ZtWX)

    def _mode_slopes(self, lam, modes: Modes, H_inv, ZtWX):
        """(J, q, k) d u / d(theta, beta[, log shape]) at the mode (implicit differentiation of
        Lambda' Z' d1 = u): the next evaluation's PIRLS starts from u + slopes @ step, a first-order
        prediction of its mode, and so needs fewer Newton steps."""
        u, M, s = modes.u, modes.M, modes.s
        columns = []
        for r, c in zip(self.layout.rows, self.layout.cols):
            rhs = -(M[:, :, r] @ lam) * u[:, c, None]
            rhs[:, c] += s[:, r]
            columns.append(rhs)
        columns.extend(-np.moveaxis(lam.T @ ZtWX, 2, 0))
        if self.has_shape:
            columns.append(u)
        return H_inv @ np.stack(columns, axis=2)

    def rx_covariance(self, beta, lam, modes: Modes, shape):
        """(X'WX - X'WZ Lambda H^-1 Lambda' Z'WX)^-1 at the modes: the fixed-effects block of the
        inverse penalised information, as lme4's RX-based vcov."""
        X = self.X
        W = self.rows.terms(modes.eta, shape).curvature
        XtWX = X.T @ (X * W[:, None])
        LZX = np.einsum("ba,jbc->jac", lam, self.groups.sum_cross(W, X))
        correction = np.einsum("jap,jab,jbq->pq", LZX, _inv_blocks(modes.H), LZX)
        try:
            return np.linalg.inv(XtWX - correction)
        except np.linalg.LinAlgError:
            p = X.shape[1]
            return np.full((p, p), np.nan)
