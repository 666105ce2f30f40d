"""The GLMM deviance as the optimiser sees it, and the two ways of minimising it.

Parameters x = (theta, z[, log shape]) with beta = beta0 + C z: a whitening frame (beta0, C) in
which the deviance is a round bowl in z, so counts in the millions or x in the millions do not
make it a needle. The frame starts from the GLM's covariance and, for the Laplace fit, is
re-fitted to the GLMM's own curvature (its RX covariance) after the theta-only stage: the GLM's
ignores the between-group variance, which leaves the intercept's scale off by sqrt(n_j tau^2 + 1).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from estimator.laplace import LaplaceModel
from estimator.lmm import escape_boundary, projected_gradient

GRADIENT_TOL = 5e-2
JOINT_FTOL = 1e-13
PREDICTION_LIMIT = 0.5   # largest predicted change of a mode (u is on the N(0, 1) scale)


class DevianceObjective:
    """Call with x (and with_gradient) for (deviance, gradient in x or None); non-finite points
    give 1e300. Every finite evaluation is kept in `trace` ((theta, beta on the user's columns
    via AX, log shape), deviance). Its one memory between calls is `warm`: the modes of the
    previous finite evaluation and their slopes, from which the next PIRLS starts (a first-order
    prediction of its mode). Results never read `warm`: the caller recomputes the modes at the
    optimum."""

    def __init__(self, model: LaplaceModel, beta0, C, AX):
        self.model, self.beta0, self.C, self.AX = model, np.asarray(beta0, float), C, AX
        self.k = len(model.layout.start)
        self.p = len(beta0)
        self.trace: list = []
        self.n_evals = 0
        self.warm = {"at": None, "u": model.zeros(), "slopes": None}

    def natural(self, x):
        """(theta, beta, shape) on the standardised columns."""
        k, p = self.k, self.p
        beta = self.beta0 + self.C @ x[k:k + p]
        shape = float(np.exp(np.clip(x[-1], -700.0, 700.0))) if self.model.has_shape else None
        return x[:k], beta, shape

    def reframe(self, x, C):
        """Whiten with C from now on, centred at the point x; returns x in the new frame."""
        theta, beta, _ = self.natural(x)
        self.beta0, self.C = beta, C
        return np.concatenate([theta, np.zeros(self.p), x[self.k + self.p:]])

    def _start(self, at):
        warm = self.warm
        if warm["slopes"] is None:
            return warm["u"]
        moved = warm["slopes"] @ (at - warm["at"])   # trusted for short moves only
        return warm["u"] + moved if np.max(np.abs(moved)) < PREDICTION_LIMIT else warm["u"]

    def __call__(self, x, with_gradient=False):
        theta, beta, shape = self.natural(x)
        at = np.concatenate([theta, beta, x[self.k + self.p:]])
        gradient = None
        try:
            with np.errstate(all="ignore"):    # a wild line-search point is simply rejected
                value, modes = self.model.deviance(theta, beta, shape, start=self._start(at))
                if np.all(np.isfinite(modes.u)):
                    self.warm = {"at": at, "u": modes.u, "slopes": None}
                if with_gradient and np.isfinite(value):
                    g, slopes = self.model.laplace_gradient(theta, beta, shape, modes)
                    k, p = self.k, self.p
                    gradient = np.concatenate([g[:k], self.C.T @ g[k:k + p], g[k + p:]])
                    if np.all(np.isfinite(slopes)) and self.warm["u"] is modes.u:
                        self.warm["slopes"] = slopes
        except (np.linalg.LinAlgError, FloatingPointError):
            value = np.inf
        self.n_evals += 1
        if not np.isfinite(value):
            return 1e300, np.zeros(len(x))
        self.trace.append((tuple(float(v) for v in np.concatenate([theta, self.AX @ beta, x[self.k + self.p:]])),
                           float(value)))
        return value, (None if gradient is None else np.nan_to_num(gradient, posinf=1e300, neginf=-1e300))

    def value(self, x):
        return self(x)[0]

    def rx_whitening(self, x):
        """Cholesky factor of the RX covariance of beta at x, or None where it is not usable."""
        theta, beta, shape = self.natural(x)
        with np.errstate(all="ignore"):
            _, modes = self.model.deviance(theta, beta, shape, start=self._start(
                np.concatenate([theta, beta, x[self.k + self.p:]])))
            cov = self.model.rx_covariance(beta, self.model.layout.matrix(theta), modes, shape)
        if not np.all(np.isfinite(cov)):
            return None
        try:
            return np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            return None


def optimise_exact(objective: DevianceObjective, start, bounds):
    """Laplace: L-BFGS-B on the exact gradient, first over theta with beta (and the Gamma shape)
    held at the start (glmer's nAGQ = 0 pass, simplified; only a start, so loose), then over
    everything jointly in the re-fitted frame, once more from the end point only when the
    gradient there is not yet well inside the convergence check. (best, projected gradient)."""
    layout = objective.model.layout
    k = len(layout.start)
    rest = start[k:]

    def theta_only(t):
        value, gradient = objective(np.concatenate([t, rest]), True)
        return value, gradient[:k]

    stage1 = minimize(theta_only, start[:k], jac=True, method="L-BFGS-B", bounds=layout.bounds,
                      options={"ftol": 1e-6, "gtol": 1e-2, "maxiter": 100})
    x = np.concatenate([stage1.x, rest])
    C = objective.rx_whitening(x)
    if C is not None:
        x = objective.reframe(x, C)

    def joint(x0):
        return minimize(lambda x: objective(x, True), x0, jac=True, method="L-BFGS-B", bounds=bounds,
                        options={"ftol": JOINT_FTOL, "gtol": 1e-9, "maxiter": 400})

    best = joint(x)
    for _ in range(3):
        if np.max(np.abs(_projected(best.x, best.jac, bounds))) < GRADIENT_TOL / 10:
            break
        again = joint(best.x)
        improved = again.fun < best.fun - 1e-6
        if again.fun < best.fun:
            best = again
        if not improved:
            break
    best = escape_boundary(joint, best, layout.on_diagonal, objective.value)
    return best, _projected(best.x, best.jac, bounds)


def _projected(x, gradient, bounds):
    """The gradient with a component pushing against its active lower bound counted as 0."""
    out = np.array(gradient, float)
    for i, (lower, _) in enumerate(bounds):
        if lower is not None and x[i] <= lower and out[i] > 0:
            out[i] = 0.0
    return out


def optimise_numeric(objective: DevianceObjective, start, bounds):
    """AGQ: no closed-form gradient here, so L-BFGS-B on differences, started at the Laplace
    optimum (found with the exact gradient, in its re-fitted frame: AGQ moves the estimates by
    a fraction of a standard error), restarting until it stops improving. (best, projected
    gradient)."""
    laplace = DevianceObjective(objective.model.laplace(), objective.beta0, objective.C, objective.AX)
    first, _ = optimise_exact(laplace, start, bounds)
    objective.beta0, objective.C = laplace.beta0, laplace.C
    objective.n_evals += laplace.n_evals
    layout = objective.model.layout
    value = objective.value

    def joint(x0, attempt=1):
        return minimize(value, x0, method="L-BFGS-B", bounds=bounds,
                        jac="2-point" if attempt == 0 else "3-point",
                        options={"ftol": 1e-12 if attempt == 0 else 1e-15, "gtol": 1e-9,
                                 "maxiter": 400})

    x = np.asarray(first.x)
    best = None
    for attempt in range(4):
        if attempt == 1 and np.max(np.abs(projected_gradient(value, best.x, bounds, step=1e-5))) < GRADIENT_TOL / 10:
            break  # the first pass already meets the convergence check with room: no polish needed
        result = joint(x, attempt)
        # another pass only for a real gain: below 1e-6 in deviance the estimates move by
        # ~1e-3 of their standard errors, and each pass costs a whole optimisation
        if best is None or result.fun < best.fun - 1e-6:
            best, x = result, result.x
        else:
            if result.fun < best.fun:
                best = result
            break
    best = escape_boundary(joint, best, layout.on_diagonal, value)
    return best, projected_gradient(value, np.asarray(best.x), bounds, step=1e-5)
