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
from scipy.special import expit, gammaln, xlogy

from estimator.errors import InputError
from estimator.glm import DIVERGED_ETA, fit_glm
from estimator.lmm import (SINGULAR_TOL, ThetaLayout, _lower_factor, batched_cholesky, escape_boundary,
                           projected_gradient, standardising_map)

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
    singular; n_evals; trace ((parameters...), objective) per evaluation with a finite objective
    (theta on the standardised scale, beta on the user's, log shape); message.
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
    the conditional modes can use the exact (observed) curvature.

    Log-link families are written around the saturated fit, r = eta - log y: y eta - mu is a
    difference of numbers ~1e7 for counts ~1e6 (and its rounding noise then swamps the PIRLS
    step-halving test), while y (r - expm1(r)) ~ -y r^2 / 2 keeps every digit."""

    R_LIMIT = 60.0        # |eta - log y| beyond this is never an optimum; keeps exp() finite

    def __init__(self, family, y, w):
        self.family, self.y, self.w = family, y, w
        name = family.name
        if name == "poisson":
            self.positive = y > 0
            self.log_y = np.log(np.where(self.positive, y, 1.0))
            self.const = w * (xlogy(y, y) - y - gammaln(y + 1))
        elif name == "binomial":
            k = np.round(y * w)
            self.const = gammaln(w + 1) - gammaln(k + 1) - gammaln(w - k + 1)
        elif name == "gamma":
            self.log_y = np.log(y)
            self.const = -self.log_y
        else:
            raise InputError(f"family '{name}' is not a GLMM family here: use gaussian for lmer")

    def terms(self, eta, shape=None):
        """(loglik per row, d loglik/d eta, -d2 loglik/d eta2)."""
        y, w, name = self.y, self.w, self.family.name
        if name == "poisson":
            r = np.clip(eta - self.log_y, -self.R_LIMIT, self.R_LIMIT)
            mu_ratio = np.exp(r)                       # mu / y (mu itself where y = 0)
            mu = np.where(self.positive, y * mu_ratio, mu_ratio)
            core = np.where(self.positive, y * (r - np.expm1(r)), -mu)
            return w * core + self.const, w * (y - mu), w * mu
        if name == "binomial":
            # k log p + (w - k) log(1 - p) = k eta - w log(1 + e^eta), with a stable softplus.
            eta = np.clip(eta, -30, 30)
            softplus = np.maximum(eta, 0) + np.log1p(np.exp(-np.abs(eta)))
            p = expit(eta)
            return w * (y * eta - softplus) + self.const, w * (y - p), w * p * (1 - p)
        a = shape * w
        s = np.clip(self.log_y - eta, -self.R_LIMIT, self.R_LIMIT)   # log(y / mu)
        ratio = np.exp(s)
        ll = a * np.log(a) - a - gammaln(a) - a * (np.expm1(s) - s) + self.const
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
        a step would lower that group's penalised log-likelihood. Warm-started from the last
        modes, unless those are not finite (a wild line-search point must not poison the next
        evaluation: that once turned a converged fit's log-likelihood into NaN)."""
        u = self.u.copy() if np.all(np.isfinite(self.u)) else np.zeros_like(self.u)
        objective, grad, H, ll = self._state(beta, lam, u, shape)
        for _ in range(60):
            step = _solve_blocks(H, grad)
            scale = np.ones(len(u))
            for _ in range(30):
                trial = u + scale[:, None] * step
                state = self._state(beta, lam, trial, shape)
                worse = state[0] < objective - 1e-12 * (1.0 + np.abs(objective))
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
        self.u = u if np.all(np.isfinite(u)) else np.zeros_like(u)
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


def _whitening(glm, p: int) -> np.ndarray:
    """C with beta = beta0 + C z and z of order one: the Cholesky factor of the GLM's covariance.
    Counts in the millions make the deviance a needle in beta (curvature ~ n mu), x in the
    millions a needle in its slope; in z it is a round bowl for the optimiser."""
    cov = np.asarray(glm.beta_cov, float)[:p, :p]  # an offset's start column last
    if np.all(np.isfinite(cov)) and not glm.diverged:
        try:
            return np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            pass
    return np.eye(p)


def fit_glmm(y, X, Z, group, n_groups, family, weights=None, nagq=1, diagonal=False,
             offset=None) -> GlmmSolution:
    """Fit a GLMM with one grouping factor the way glmer (glmmTMB for Gamma) does; `offset` is
    added to the linear predictor unchanged (offset(log(exposure))).

    Works on standardised columns X AX and Z AZ (as the LMM does) with whitened fixed effects,
    then maps every result back to the user's columns exactly."""
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
    AX, AZ = standardising_map(X, centre=True), standardising_map(Z, centre=not diagonal)
    model = _Model(y, X @ AX, Z @ AZ, group, n_groups, family, w, nagq, diagonal, offset)
    layout = model.layout
    k_theta = len(layout.start)
    # Start from the GLM; with an offset, the GLM with the offset as one more column (a start only).
    glm = fit_glm(y, model.X if offset is None else np.column_stack([model.X, offset]), family,
                  weights=w)
    beta0 = glm.beta[:p] if np.all(np.isfinite(glm.beta)) else np.zeros(p)
    C = _whitening(glm, p)
    shape0 = 1.0 / glm.dispersion if model.has_shape and np.isfinite(glm.dispersion) else 1.0
    trace: list = []
    evaluations = [0]

    def unpack(params):
        theta = params[:k_theta]
        beta = beta0 + C @ params[k_theta:k_theta + p]
        shape = float(np.exp(np.clip(params[-1], -700.0, 700.0))) if model.has_shape else None
        return theta, beta, shape

    def objective(params):
        theta, beta, shape = unpack(params)
        try:
            with np.errstate(all="ignore"):    # a wild line-search point is simply rejected
                value = model.deviance(theta, beta, shape)
        except (np.linalg.LinAlgError, FloatingPointError):
            value = np.inf
        evaluations[0] += 1
        if np.isfinite(value):      # the trace is drawn: only points with a deviance
            shown = np.concatenate([theta, AX @ beta, params[k_theta + p:]])
            trace.append((tuple(float(v) for v in shown), float(value)))
        return value if np.isfinite(value) else 1e300

    # Stage 1 (glmer's nAGQ = 0 pass, simplified): theta with beta and shape held at the GLM's.
    fixed = np.concatenate([np.zeros(p), [np.log(shape0)] if model.has_shape else []])
    stage1 = minimize(lambda t: objective(np.concatenate([t, fixed])), layout.start,
                      method="L-BFGS-B", bounds=layout.bounds, options={"ftol": 1e-8, "maxiter": 100})
    # Stage 2: everything jointly, restarting until it stops improving.
    bounds = layout.bounds + [(None, None)] * (p + model.has_shape)

    def joint(start, attempt=1):
        return minimize(objective, start, method="L-BFGS-B", bounds=bounds,
                        jac="2-point" if attempt == 0 else "3-point",
                        options={"ftol": 1e-12 if attempt == 0 else 1e-15, "gtol": 1e-9,
                                 "maxiter": 400})

    start = np.concatenate([stage1.x, fixed])
    best = None
    for attempt in range(4):
        if attempt == 1 and np.max(np.abs(projected_gradient(objective, best.x, bounds, step=1e-5))) < GRADIENT_TOL / 10:
            break  # the first pass already meets the convergence check with room: no polish needed
        result = joint(start, attempt)
        # another pass only for a real gain: below 1e-6 in deviance the estimates move by
        # ~1e-3 of their standard errors, and each pass costs a whole optimisation
        if best is None or result.fun < best.fun - 1e-6:
            best, start = result, result.x
        else:
            if result.fun < best.fun:
                best = result
            break
    best = escape_boundary(joint, best, layout.on_diagonal, objective)
    params = np.asarray(best.x)
    theta_s, beta_s, shape = unpack(params)
    gradient = projected_gradient(objective, params, bounds, step=1e-5)
    converged = bool(np.isfinite(best.fun) and np.max(np.abs(gradient)) < GRADIENT_TOL)
    deviance = model.deviance(theta_s, beta_s, shape)
    lam_s = layout.matrix(theta_s)
    u, H, _ = model.pirls(beta_s, lam_s, shape)
    H_inv = np.linalg.inv(H)
    beta_cov_s = _rx_covariance(model, beta_s, lam_s, H_inv, shape)
    # Back to the user's columns: X beta = (X AX) beta_s, b = AZ b_s.
    lam_user = AZ @ lam_s
    theta = layout.entries(_lower_factor(lam_user))
    k = k_theta + p + model.has_shape
    # Singular judged on the standardised scale, as for the LMM.
    singular = bool(np.any(theta_s[layout.on_diagonal] < SINGULAR_TOL))
    message = "converged" if converged else f"gradient {np.max(np.abs(gradient)):.3g} at the end: {best.message}"
    beta = AX @ beta_s
    if not (np.isfinite(deviance) and np.all(np.isfinite(beta_cov_s)) and np.all(np.isfinite(u))):
        converged = False
        message = "the Laplace deviance is not finite at the end point: " + message
    if glm.diverged and _fixed_part_diverged(family, X @ beta):
        converged = False
        message = SEPARATION_MESSAGE
    return GlmmSolution(beta=beta, beta_cov=AX @ beta_cov_s @ AX.T, theta=theta,
                        re_cov=lam_user @ lam_user.T, ranef=u @ lam_user.T,
                        ranef_condvar=np.einsum("ab,jbc,dc->jad", lam_user, H_inv, lam_user),
                        dispersion=shape, objective=deviance, loglik=-deviance / 2, n_params=k,
                        aic=deviance + 2 * k, bic=deviance + k * np.log(n), converged=converged,
                        singular=singular, n_evals=evaluations[0], trace=tuple(trace), message=message)


SEPARATION_MESSAGE = ("fitted probabilities (or means) of 0 or 1 from the fixed effects alone: the "
                      "outcome is perfectly separated (or all one value), so the fixed-effect "
                      "estimates run off to infinity; drop or merge the predictor that separates "
                      "it, or use data where both outcomes occur")


def _fixed_part_diverged(family, fixed_eta) -> bool:
    """glm's "fitted probabilities numerically 0 or 1": when the pooled GLM diverged too, the
    optimiser stopped on a plateau on the way to infinity, not at an optimum."""
    if family.name == "binomial":
        return bool(np.max(np.abs(fixed_eta)) > DIVERGED_ETA)
    if family.name == "poisson":
        return bool(np.min(fixed_eta) < -DIVERGED_ETA)
    return False


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
