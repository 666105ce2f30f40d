"""Generalised linear mixed models: Laplace approximation and adaptive Gauss-Hermite quadrature.

For given covariance parameters theta and fixed effects beta, penalised IRLS finds the
conditional modes u (b = Lambda u) by Newton steps that are independent between groups, so one
step is a batched (J, q, q) solve, with per-group step halving. The Laplace deviance is
-2 sum loglik(y | u) + |u|^2 + log|L|^2 with L L' = Lambda' Z' W Z Lambda + I at the mode; like
glmer it is minimised first over theta alone (beta from the GLM), then over (theta, beta)
jointly. With nagq > 1 (one random intercept) each group's integral uses Gauss-Hermite nodes
centred at its mode and scaled by its conditional SD. Gamma: the shape is a further parameter of
the joint optimisation, and W is the observed information, as in glmmTMB.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, gammaln

from estimator.errors import InputError
from estimator.glm import fit_glm
from estimator.lmm import (SINGULAR_TOL, ThetaLayout, batched_cholesky, projected_gradient,
                           standardising_map)

MAX_NAGQ = 25
PIRLS_TOL = 1e-10
GRADIENT_TOL = 5e-2


@dataclass(frozen=True)
class GlmmSolution:
    """The fitted GLMM.

    beta, beta_cov: fixed effects and lme4's RX-based covariance (glmer's vcov with
    use.hessian = FALSE: the Schur complement of the penalised information at the mode; lme4's
    default Hessian-based one and glmmTMB's differ from it by a few percent); theta;
    re_cov (q,q) = Lambda Lambda' (link scale); ranef (J,q) conditional modes;
    ranef_condvar (J,q,q) = Lambda (L L')^-1 Lambda'; dispersion: Gamma shape (None otherwise);
    objective = deviance = -2 loglik (Laplace or AGQ); loglik; n_params; aic; bic; converged;
    singular; n_evals; trace ((parameters...), objective) per evaluation; message.
    """

    beta: np.ndarray
    beta_cov: np.ndarray
    theta: np.ndarray
    re_cov: np.ndarray
    ranef: np.ndarray
    ranef_condvar: np.ndarray
    dispersion: float | None
    objective: float
    loglik: float
    n_params: int
    aic: float
    bic: float
    converged: bool
    singular: bool
    n_evals: int
    trace: tuple
    message: str


def _solve_blocks(H, g):
    """Solve H_j s_j = g_j for every group; a scalar random effect needs only a division."""
    if H.shape[-1] == 1:
        return g / H[:, :, 0]
    return np.linalg.solve(H, g[..., None])[..., 0]


class _Response:
    """Per-row log-likelihood and its first two eta-derivatives for one family, written out so
    the conditional modes can use the exact (observed) curvature."""

    def __init__(self, family, y, w):
        self.family, self.y, self.w = family, y, w
        name = family.name
        if name == "poisson":
            self.const = -w * gammaln(y + 1)
        elif name == "binomial":
            k = np.round(y * w)
            self.const = gammaln(w + 1) - gammaln(k + 1) - gammaln(w - k + 1)
        elif name == "gamma":
            self.const = -np.log(y)
        else:
            raise InputError(f"family '{name}' is not a GLMM family here: use gaussian for lmer")

    def terms(self, eta, shape=None):
        """(loglik per row, d loglik/d eta, -d2 loglik/d eta2)."""
        y, w, name = self.y, self.w, self.family.name
        eta = np.clip(eta, -30, 30)
        if name == "poisson":
            mu = np.exp(eta)
            return w * (y * eta - mu) + self.const, w * (y - mu), w * mu
        if name == "binomial":
            # k log p + (w - k) log(1 - p) = k eta - w log(1 + e^eta), with a stable softplus.
            softplus = np.maximum(eta, 0) + np.log1p(np.exp(-np.abs(eta)))
            p = expit(eta)
            return w * (y * eta - softplus) + self.const, w * (y - p), w * p * (1 - p)
        mu = np.exp(eta)
        a = shape * w
        ratio = y / mu
        ll = a * np.log(a) + a * (np.log(y) - eta) - a * ratio - gammaln(a) + self.const
        return ll, a * (ratio - 1), a * ratio


class _Groups:
    """Group sums without touching (n, q, q) arrays: one bincount per entry."""

    def __init__(self, Z, group, n_groups):
        self.Z, self.group, self.J = Z, group, n_groups
        self.q = Z.shape[1]
        self.pairs = [(a, b) for a in range(self.q) for b in range(a, self.q)]
        self.ZZ = [Z[:, a] * Z[:, b] for a, b in self.pairs]

    def sum_vec(self, v):
        return np.stack([np.bincount(self.group, self.Z[:, a] * v, self.J) for a in range(self.q)], 1)

    def sum_mat(self, v):
        out = np.empty((self.J, self.q, self.q))
        for (a, b), zz in zip(self.pairs, self.ZZ):
            out[:, a, b] = out[:, b, a] = np.bincount(self.group, zz * v, self.J)
        return out

    def sum_rows(self, v):
        return np.bincount(self.group, v, self.J)


class _Model:
    def __init__(self, y, X, Z, group, n_groups, family, weights, nagq, diagonal, offset=None):
        self.y, self.X, self.Z, self.group = y, X, Z, group
        self.offset = np.zeros(len(y)) if offset is None else np.asarray(offset, float)
        self.resp = _Response(family, y, weights)
        self.groups = _Groups(Z, group, n_groups)
        self.layout = ThetaLayout(Z.shape[1], diagonal)
        self.nagq = nagq
        self.has_shape = family.name == "gamma"
        self.u = np.zeros((n_groups, Z.shape[1]))
        nodes, weights_gh = np.polynomial.hermite_e.hermegauss(nagq)
        self.nodes, self.gh_log_weights = nodes, np.log(weights_gh / np.sqrt(2 * np.pi))

    def eta(self, beta, lam, u):
        b = (u @ lam.T)[self.group]
        if b.shape[1] == 1:
            return self.X @ beta + self.offset + self.Z[:, 0] * b[:, 0]
        return self.X @ beta + self.offset + np.einsum("iq,iq->i", self.Z, b)

    def _state(self, beta, lam, u, shape):
        """Everything one Newton step needs at u: per-group penalised log-likelihood, gradient
        and the penalised information H = Lambda' Z'WZ Lambda + I (W = -d2 loglik/d eta2)."""
        ll, d1, d2 = self.resp.terms(self.eta(beta, lam, u), shape)
        objective = self.groups.sum_rows(ll) - 0.5 * np.sum(u * u, axis=1)
        grad = self.groups.sum_vec(d1) @ lam - u
        H = lam.T @ self.groups.sum_mat(d2) @ lam + np.eye(u.shape[1])
        return objective, grad, H, ll

    def pirls(self, beta, lam, shape):
        """Conditional modes for fixed (theta, beta): Newton steps, halved group by group where
        a step would lower that group's penalised log-likelihood."""
        u = self.u.copy()
        objective, grad, H, ll = self._state(beta, lam, u, shape)
        for _ in range(60):
            step = _solve_blocks(H, grad)
            scale = np.ones(len(u))
            for _ in range(30):
                trial = u + scale[:, None] * step
                state = self._state(beta, lam, trial, shape)
                worse = state[0] < objective - 1e-12
                if not worse.any():
                    break
                scale[worse] *= 0.5
            if worse.any():   # keep those groups where they were; recompute once
                trial = np.where(worse[:, None], u, trial)
                state = self._state(beta, lam, trial, shape)
            u = trial
            objective, grad, H, ll = state
            if np.max(np.abs(scale[:, None] * step)) < PIRLS_TOL:
                break
        self.u = u
        return u, H, self.groups.sum_rows(ll)

    def deviance(self, theta, beta, shape):
        lam = self.layout.matrix(theta)
        u, H, ll_groups = self.pirls(beta, lam, shape)
        L = batched_cholesky(H)
        log_det = 2.0 * np.sum(np.log(np.diagonal(L, axis1=1, axis2=2)), axis=1)
        if self.nagq == 1:
            return float(np.sum(-2.0 * ll_groups + np.sum(u * u, axis=1) + log_det))
        return self._agq_deviance(beta, lam, u, L[:, 0, 0], shape)

    def _agq_deviance(self, beta, lam, u, sd_inv, shape):
        """Adaptive Gauss-Hermite for a scalar random intercept: nodes u_j + z_k / L_j."""
        total = 0.0
        logs = []
        for z, log_w in zip(self.nodes, self.gh_log_weights):
            uk = u + (z / sd_inv)[:, None]
            ll, _, _ = self.resp.terms(self.eta(beta, lam, uk), shape)
            logs.append(self.groups.sum_rows(ll) - 0.5 * uk[:, 0] ** 2 + 0.5 * z * z + log_w)
        logs = np.array(logs)
        top = logs.max(axis=0)
        per_group = top + np.log(np.exp(logs - top).sum(axis=0)) - np.log(sd_inv)
        total = -2.0 * np.sum(per_group)
        return float(total)


def fit_glmm(y, X, Z, group, n_groups, family, weights=None, nagq=1, diagonal=False,
             offset=None) -> GlmmSolution:
    """Fit a GLMM with one grouping factor the way glmer (glmmTMB for Gamma) does; `offset` is
    added to the linear predictor unchanged (offset(log(exposure)))."""
    y, X, Z = (np.asarray(a, float) for a in (y, X, Z))
    group = np.asarray(group)
    n, p = X.shape
    q = Z.shape[1]
    if nagq > 1 and q != 1:
        raise InputError(f"nagq = {nagq} needs a single random intercept: use nagq = 1 (Laplace) "
                         "with random slopes")
    if not 1 <= nagq <= MAX_NAGQ:
        raise InputError(f"nagq = {nagq} is out of range: use 1 (Laplace) to {MAX_NAGQ}")
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    # Optimise over fixed effects of centred, scaled columns (x in the thousands would make the
    # joint optimisation crawl); beta and its covariance are mapped back at the end.
    A = standardising_map(X, centre=True)
    X = X @ A
    model = _Model(y, X, Z, group, n_groups, family, w, nagq, diagonal, offset)
    layout = model.layout
    k_theta = len(layout.start)
    # Start from the GLM; with an offset, the GLM with the offset as one more column (a start only).
    glm = fit_glm(y, X if offset is None else np.column_stack([X, offset]), family, weights=w)
    beta0 = glm.beta[:p] if np.all(np.isfinite(glm.beta)) else np.zeros(p)
    shape0 = 1.0 / glm.dispersion if model.has_shape and np.isfinite(glm.dispersion) else 1.0
    trace: list = []

    def unpack(params):
        theta = params[:k_theta]
        beta = params[k_theta:k_theta + p]
        shape = float(np.exp(params[-1])) if model.has_shape else None
        return theta, beta, shape

    def objective(params):
        theta, beta, shape = unpack(params)
        try:
            value = model.deviance(theta, beta, shape)
        except (np.linalg.LinAlgError, FloatingPointError):
            value = np.inf
        trace.append((tuple(float(v) for v in params), float(value)))
        return value if np.isfinite(value) else 1e300

    # Stage 1 (glmer's nAGQ = 0 pass, simplified): theta with beta and shape held at the GLM's.
    fixed = np.concatenate([beta0, [np.log(shape0)] if model.has_shape else []])
    stage1 = minimize(lambda t: objective(np.concatenate([t, fixed])), layout.start,
                      method="L-BFGS-B", bounds=layout.bounds, options={"ftol": 1e-8, "maxiter": 100})
    # Stage 2: everything jointly, restarting until it stops improving.
    bounds = layout.bounds + [(None, None)] * (p + model.has_shape)
    start = np.concatenate([stage1.x, fixed])
    best = None
    for attempt in range(4):
        result = minimize(objective, start, method="L-BFGS-B", bounds=bounds,
                          jac="2-point" if attempt == 0 else "3-point",
                          options={"ftol": 1e-12 if attempt == 0 else 1e-15, "gtol": 1e-9,
                                   "maxiter": 400})
        if best is None or result.fun < best.fun - 1e-9:
            best, start = result, result.x
        else:
            if result.fun < best.fun:
                best = result
            break
    params = np.asarray(best.x)
    theta, beta, shape = unpack(params)
    gradient = projected_gradient(objective, params, bounds, step=1e-5)
    converged = bool(np.isfinite(best.fun) and np.max(np.abs(gradient)) < GRADIENT_TOL)
    deviance = model.deviance(theta, beta, shape)
    lam = layout.matrix(theta)
    u, H, _ = model.pirls(beta, lam, shape)
    H_inv = np.linalg.inv(H)
    beta_cov = A @ _rx_covariance(model, beta, lam, H_inv, shape) @ A.T
    beta = A @ beta
    k = k_theta + p + model.has_shape
    singular = bool(np.any(theta[layout.on_diagonal] < SINGULAR_TOL))
    message = "converged" if converged else f"gradient {np.max(np.abs(gradient)):.3g} at the end: {best.message}"
    return GlmmSolution(beta=beta, beta_cov=beta_cov, theta=theta, re_cov=lam @ lam.T,
                        ranef=u @ lam.T, ranef_condvar=np.einsum("ab,jbc,dc->jad", lam, H_inv, lam),
                        dispersion=shape, objective=deviance, loglik=-deviance / 2, n_params=k,
                        aic=deviance + 2 * k, bic=deviance + k * np.log(n), converged=converged,
                        singular=singular, n_evals=len(trace), trace=tuple(trace), message=message)


def _rx_covariance(model: _Model, beta, lam, H_inv, shape):
    """(X'WX - X'WZ Lambda H^-1 Lambda' Z'WX)^-1 at the mode: the fixed-effects block of the
    inverse penalised information, as lme4's RX-based vcov."""
    X, groups = model.X, model.groups
    _, _, d2 = model.resp.terms(model.eta(beta, lam, model.u), shape)
    XtWX = X.T @ (X * d2[:, None])
    p = X.shape[1]
    ZtWX = np.stack([np.stack([np.bincount(model.group, model.Z[:, a] * X[:, c] * d2, groups.J)
                               for c in range(p)], 1) for a in range(groups.q)], 1)   # (J, q, p)
    LZX = np.einsum("ba,jbc->jac", lam, ZtWX)
    correction = np.einsum("jap,jab,jbq->pq", LZX, H_inv, LZX)
    try:
        return np.linalg.inv(XtWX - correction)
    except np.linalg.LinAlgError:
        return np.full((p, p), np.nan)
