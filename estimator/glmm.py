"""Generalised linear mixed models: Laplace approximation and adaptive Gauss-Hermite quadrature.

For given covariance parameters theta and fixed effects beta, penalised IRLS finds the
conditional modes u (b = Lambda u) by Newton steps that are independent between groups, so one
step is a batched (J, q, q) solve, with per-group step halving. The Laplace deviance is
-2 sum loglik(y | u) + |u|^2 + log|L|^2 with L L' = Lambda' Z' W Z Lambda + I at the mode; like
glmer it is minimised first over theta alone (beta from the GLM), then over (theta, beta)
jointly, here by L-BFGS-B on its exact gradient (estimator/laplace.py). With nagq > 1 (one
random intercept) each group's integral uses Gauss-Hermite nodes centred at its mode and scaled
by its conditional SD, optimised by differences from the Laplace optimum. Gamma: the shape is a
further parameter of the joint optimisation, and W is the observed information, as in glmmTMB.

Module map: the families own the likelihood (estimator/families/), estimator/laplace.py the
inner problem (modes, deviance, gradient), estimator/glmm_objective.py the optimiser's view;
this module sets up the standardised problem and maps the optimum back to the user's columns.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from estimator.errors import InputError
from estimator.glm import DIVERGED_ETA, fit_glm
from estimator.glmm_objective import GRADIENT_TOL, DevianceObjective, optimise_exact, optimise_numeric
from estimator.laplace import LaplaceModel
from estimator.lmm import SINGULAR_TOL, _lower_factor, standardising_map

MAX_NAGQ = 25


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


def _start_glm(y, X_s, AX, offset, family, w, complete):
    """The GLM the optimisation starts from, on the standardised columns X_s = X AX: the
    caller's complete-pooling fit mapped there, or (with an offset, the offset as one more
    column: a start only) fitted here."""
    if complete is None or offset is not None:
        return fit_glm(y, X_s if offset is None else np.column_stack([X_s, offset]), family, weights=w)
    A_inv = np.linalg.inv(AX)
    return replace(complete, beta=A_inv @ complete.beta, beta_cov=A_inv @ complete.beta_cov @ A_inv.T)


def fit_glmm(y, X, Z, group, n_groups, family, weights=None, nagq=1, diagonal=False,
             offset=None, complete=None) -> GlmmSolution:
    """Fit a GLMM with one grouping factor the way glmer (glmmTMB for Gamma) does; `offset` is
    added to the linear predictor unchanged (offset(log(exposure))). `complete`: the caller's
    complete-pooling GLM of y on X (fit() has it for the pooling fits), so it is not fitted twice.

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
    model = LaplaceModel(y, X @ AX, Z @ AZ, group, n_groups, family, w, nagq, diagonal, offset)
    layout = model.layout
    k_theta = len(layout.start)
    # Start from the GLM; with an offset, the GLM with the offset as one more column (a start only).
    glm = _start_glm(y, model.X, AX, offset, family, w, complete)
    beta0 = glm.beta[:p] if np.all(np.isfinite(glm.beta)) else np.zeros(p)
    C = _whitening(glm, p)
    shape0 = 1.0 / glm.dispersion if model.has_shape and np.isfinite(glm.dispersion) else 1.0
    objective = DevianceObjective(model, beta0, C, AX)
    start = np.concatenate([layout.start, np.zeros(p), [np.log(shape0)] if model.has_shape else []])
    bounds = layout.bounds + [(None, None)] * (p + model.has_shape)
    optimise = optimise_exact if nagq == 1 else optimise_numeric
    best, gradient = optimise(objective, start, bounds)
    theta_s, beta_s, shape = objective.natural(np.asarray(best.x))
    converged = bool(np.isfinite(best.fun) and np.max(np.abs(gradient)) < GRADIENT_TOL)
    # The modes at the optimum, from a defined start (zeros), not from the last line-search point.
    deviance, modes = model.deviance(theta_s, beta_s, shape, start=None)
    lam_s = layout.matrix(theta_s)
    u = modes.u
    H_inv = np.linalg.inv(modes.H)
    beta_cov_s = model.rx_covariance(beta_s, lam_s, modes, shape)
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
                        singular=singular, n_evals=objective.n_evals, trace=tuple(objective.trace),
                        message=message)


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
