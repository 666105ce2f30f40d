"""Gaussian linear mixed model by lme4's profiled REML/ML, over per-group sufficient statistics.

Notation as in Bates et al. (2015): b = Lambda(theta) u, u ~ N(0, sigma^2 I); theta holds the
lower-triangular entries of the q x q relative covariance factor (column-major, as lme4), whose
diagonal is bounded below by 0. With one grouping factor every piece splits by group, so after
one pass over the rows (Z_j'Z_j, Z_j'X_j, Z_j'y_j) each deviance evaluation costs O(J q^3),
vectorised over groups; beta and sigma are profiled out and never reach the optimiser.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import OptimizeResult, minimize, minimize_scalar

SINGULAR_TOL = 1e-4      # lme4's isSingular tolerance on bounded theta entries
GRADIENT_TOL = 2e-2      # deviance units per unit theta: far below any visible change


@dataclass(frozen=True)
class LmmSolution:
    """The fitted LMM on the user's scale.

    beta (p,), beta_cov (p,p) = sigma^2 (RX'RX)^-1 (lme4's vcov); sigma: residual SD;
    theta: relative covariance factor entries (lme4's getME(fit, "theta")); re_cov (q,q) =
    sigma^2 Lambda Lambda'; ranef (J,q): conditional modes b_j; ranef_condvar (J,q,q):
    conditional covariances (lme4's condVar, given beta); objective: REML criterion (REML) or
    deviance (ML); loglik = -objective/2; n_params = p + len(theta) + 1; aic/bic as lme4;
    converged: optimiser finished with a vanishing projected gradient; singular: a bounded
    theta entry below 1e-4 (on the standardised scale); n_evals; trace ((theta...), objective)
    per evaluation with a finite objective.
    """

    beta: np.ndarray
    beta_cov: np.ndarray
    sigma: float
    theta: np.ndarray
    re_cov: np.ndarray
    ranef: np.ndarray
    ranef_condvar: np.ndarray
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


class GroupStats:
    """Per-group cross-products, computed once; nothing later touches the n rows again."""

    def __init__(self, y, X, Z, group, n_groups):
        self.n, self.p = X.shape
        self.q = Z.shape[1]
        ZXy = np.column_stack([X, y])

        def by_group(values):
            return np.bincount(group, values, n_groups)

        self.ZtZ = np.empty((n_groups, self.q, self.q))
        for a in range(self.q):
            for b in range(a, self.q):
                self.ZtZ[:, a, b] = self.ZtZ[:, b, a] = by_group(Z[:, a] * Z[:, b])
        self.ZtXy = np.stack([np.stack([by_group(Z[:, a] * ZXy[:, c]) for c in range(self.p + 1)], 1)
                              for a in range(self.q)], 1)     # (J, q, p + 1): [Z'X | Z'y]
        self.XtX = X.T @ X
        self.Xty = X.T @ y
        self.yty = float(y @ y)

    def transformed(self, AX: np.ndarray, AZ: np.ndarray) -> "GroupStats":
        """The same statistics for columns X @ AX and Z @ AZ, without another pass over rows."""
        new = object.__new__(GroupStats)
        new.n, new.p, new.q = self.n, self.p, self.q
        new.ZtZ = AZ.T @ self.ZtZ @ AZ
        AXy = np.eye(self.p + 1)
        AXy[:self.p, :self.p] = AX
        new.ZtXy = AZ.T @ self.ZtXy @ AXy
        new.XtX = AX.T @ self.XtX @ AX
        new.Xty = AX.T @ self.Xty
        new.yty = self.yty
        return new


class ThetaLayout:
    """Where theta's entries sit in Lambda: all lower-triangular entries, or the diagonal only
    for uncorrelated terms ('||')."""

    def __init__(self, q: int, diagonal: bool = False):
        self.q = q
        rows, cols = np.tril_indices(q)
        order = np.lexsort((rows, cols))          # column-major, like lme4
        rows, cols = rows[order], cols[order]
        keep = rows == cols if diagonal else np.ones(len(rows), bool)
        self.rows, self.cols = rows[keep], cols[keep]
        self.on_diagonal = self.rows == self.cols

    def matrix(self, theta) -> np.ndarray:
        lam = np.zeros((self.q, self.q))
        lam[self.rows, self.cols] = theta
        return lam

    def entries(self, lam) -> np.ndarray:
        return lam[self.rows, self.cols]

    @property
    def bounds(self):
        return [(0.0, None) if d else (None, None) for d in self.on_diagonal]

    @property
    def start(self) -> np.ndarray:
        return self.on_diagonal.astype(float)


def profiled_pieces(stats: GroupStats, lam: np.ndarray, reml: bool) -> dict:
    """Set theta -> update the blocked Cholesky factor L -> profiled deviance, and the pieces
    (beta, r^2, RZX, cu) the results need. Matmuls, not einsum: this is the hot path."""
    q, p, n = stats.q, stats.p, stats.n
    L = batched_cholesky(lam.T @ stats.ZtZ @ lam + np.eye(q))
    solved = forward_substitution(L, lam.T @ stats.ZtXy)     # (J, q, p + 1): [RZX | cu]
    flat = solved.reshape(-1, p + 1)
    cross = flat.T @ flat                                     # sums over groups at once
    RZX, cu = solved[..., :p], solved[..., p]
    XtX = stats.XtX - cross[:p, :p]
    Xty = stats.Xty - cross[:p, p]
    RX = np.linalg.cholesky(XtX)
    beta = np.linalg.solve(XtX, Xty)
    r2 = max(stats.yty - float(cross[p, p]) - float(beta @ Xty), 1e-300)
    logdet_L = 2.0 * float(np.sum(np.log(np.diagonal(L, axis1=1, axis2=2))))
    dof = n - p if reml else n
    objective = logdet_L + dof * (1.0 + np.log(2.0 * np.pi * r2 / dof))
    if reml:
        objective += 2.0 * float(np.sum(np.log(np.diag(RX))))
    return {"L": L, "cu": cu, "RZX": RZX, "XtX": XtX, "beta": beta, "r2": r2, "dof": dof,
            "objective": float(objective)}


def batched_cholesky(M: np.ndarray) -> np.ndarray:
    """Cholesky factors of J small q x q blocks, written out over q so each step is one
    vectorised operation across groups (q is 1-3 here; LAPACK's per-call overhead dominates)."""
    q = M.shape[-1]
    L = np.zeros_like(M)
    for i in range(q):
        for k in range(i + 1):
            partial = M[:, i, k] - np.einsum("jm,jm->j", L[:, i, :k], L[:, k, :k])
            if i == k:
                if np.any(partial <= 0):
                    raise np.linalg.LinAlgError("block is not positive definite")
                L[:, i, i] = np.sqrt(partial)
            else:
                L[:, i, k] = partial / L[:, k, k]
    return L


def forward_substitution(L: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Solve L V = R for lower-triangular (J, q, q) L and (J, q, m) R, row by row."""
    V = np.empty_like(R)
    for i in range(L.shape[-1]):
        V[:, i] = (R[:, i] - np.einsum("jk,jkm->jm", L[:, i, :i], V[:, :i])) / L[:, i, i, None]
    return V


def standardising_map(M: np.ndarray, centre: bool) -> np.ndarray:
    """A with M @ A centred (when M has an intercept column and centring is allowed) and scaled:
    the optimiser then sees x in the thousands as x of order one, and maps back exactly."""
    k = M.shape[1]
    A = np.eye(k)
    intercepts = [j for j in range(k) if np.all(M[:, j] == 1.0)]
    shift = centre and bool(intercepts)
    for j in range(k):
        if j in intercepts:
            continue
        mid = M[:, j].mean() if shift else 0.0
        scale = np.sqrt(np.mean((M[:, j] - mid) ** 2))
        if not np.isfinite(scale) or scale <= 0:
            continue
        A[j, j] = 1.0 / scale
        if shift:
            A[intercepts[0], j] = -mid / scale
    return A


def _lower_factor(M: np.ndarray) -> np.ndarray:
    """Lower-triangular F with F F' = M M' and a non-negative diagonal (QR, so a singular
    M is fine)."""
    R = np.linalg.qr(M.T, mode="r")
    F = R.T
    signs = np.where(np.diag(F) < 0, -1.0, 1.0)
    return F * signs[None, :]


def projected_gradient(objective, theta, bounds, step=1e-5) -> np.ndarray:
    """Central differences; a component pushing against its active lower bound counts as 0."""
    grad = np.zeros_like(theta)
    for i, (lower, _) in enumerate(bounds):
        e = np.zeros_like(theta)
        e[i] = step
        if lower is not None and theta[i] - step < lower:
            grad[i] = min((objective(theta + e) - objective(theta)) / step, 0.0)
        else:
            grad[i] = (objective(theta + e) - objective(theta - e)) / (2 * step)
    return grad


def _optimise_scalar(objective):
    """One variance parameter (a random intercept): Brent's bounded search on theta in [0, hi]
    (hi grown until the minimum is inside), then the boundary theta = 0 itself, which a
    bounded search only approaches. About 15-25 deviance evaluations instead of ~45 with
    L-BFGS-B's difference gradients; the same optimum (theta to ~1e-9)."""
    f = lambda value: float(objective(np.array([value])))  # noqa: E731
    hi = 4.0
    while hi < 1e4 and f(hi) <= f(hi / 2):
        hi *= 4.0
    found = minimize_scalar(f, bounds=(0.0, hi), method="bounded", options={"xatol": 1e-10, "maxiter": 500})
    best_x, best_f = float(found.x), float(found.fun)
    at_zero = f(0.0)
    if at_zero <= best_f:
        best_x, best_f = 0.0, at_zero
    return OptimizeResult(x=np.array([best_x]), fun=best_f, success=True, nit=int(found.nfev))


def _optimise(objective, layout: ThetaLayout):
    """L-BFGS-B with central-difference gradients, then restarts from the end point with a
    tighter tolerance until the deviance stops improving (guards against an early stop).
    A single variance parameter takes the scalar search instead."""
    if len(layout.rows) == 1:
        return _optimise_scalar(objective)

    def run(start, ftol, gtol):
        return minimize(objective, start, method="L-BFGS-B", jac="3-point", bounds=layout.bounds,
                        options={"ftol": ftol, "gtol": gtol, "maxiter": 300})

    best = run(layout.start, 1e-11, 1e-8)
    for _ in range(4):
        again = run(best.x, 1e-13, 1e-9)
        improved = again.fun < best.fun - 1e-8
        if again.fun <= best.fun:
            best = again
        if not improved:
            break
    return escape_boundary(lambda start: run(start, 1e-13, 1e-9), best, layout.on_diagonal, objective)


BOUNDARY_RESTARTS = (0.05, 0.3, 1.0)


def escape_boundary(run, best, on_diagonal, objective=None, tol=SINGULAR_TOL):
    """A variance parameter that ended at its bound 0 may be a false stop: the deviance is a
    function of theta^2 there, so its gradient vanishes at 0 whether or not 0 is the minimum,
    and a first line search that overshoots onto the bound never leaves it. Probe points with
    those entries moved off the bound and restart from the best probe that beats the end point
    (lme4's BOBYQA, being derivative free, does not stall this way). A true boundary optimum
    costs only the probes."""
    x = np.asarray(best.x, float)
    n_theta = len(on_diagonal)
    at_bound = np.zeros(len(x), bool)
    at_bound[:n_theta] = on_diagonal & (x[:n_theta] < tol)
    if not at_bound.any():
        return best
    probes = []
    for value in BOUNDARY_RESTARTS:
        start = x.copy()
        start[at_bound] = value
        probes.append(start)
    if objective is not None:
        values = [objective(start) for start in probes]
        lower = [(v, start) for v, start in zip(values, probes) if v < best.fun]
        probes = [min(lower, key=lambda pair: pair[0])[1]] if lower else []
    for start in probes:
        trial = run(start)
        if trial.fun < best.fun - 1e-9:
            best = trial
    return best


def response_map(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, float]:
    """(c, s) with y_w = (y - X c) / s of order one: y in the millions (or shifted by a million)
    would otherwise lose digits in r^2 = y'y - ..., a difference of two huge numbers. The map is
    exact: beta = c + s beta_w, every variance scales by s^2, theta and the likelihood's shape
    do not change."""
    c, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ c
    s = float(np.sqrt(np.mean(resid ** 2)))
    if not np.isfinite(s) or s <= 0:
        s = 1.0
    return c, s


def fit_lmm(y, X, Z, group, n_groups, reml=True, diagonal=False) -> LmmSolution:
    """Fit y = X beta + Z b + e with b_j ~ N(0, Sigma) per group, as lme4's lmer does."""
    y, X, Z = (np.asarray(a, float) for a in (y, X, Z))
    group = np.asarray(group)
    n, p = X.shape
    layout = ThetaLayout(Z.shape[1], diagonal)
    # Optimise on standardised columns (centring Z would correlate '||' terms: scale only) and
    # a residualised, scaled response; everything is mapped back exactly at the end.
    AX, AZ = standardising_map(X, centre=True), standardising_map(Z, centre=not diagonal)
    c, s = response_map(y, X)
    y_work = (y - X @ c) / s
    # Sums of the transformed columns themselves: transforming sums of x in the millions
    # (sum x^2 - 2 m sum x + n m^2) would cancel away the digits centring is meant to keep.
    scaled_stats = GroupStats(y_work, X @ AX, Z @ AZ, group, n_groups)
    trace: list = []
    evaluations = [0]

    def objective(theta):
        try:
            value = profiled_pieces(scaled_stats, layout.matrix(theta), reml)["objective"]
        except np.linalg.LinAlgError:
            value = np.inf
        evaluations[0] += 1
        if np.isfinite(value):      # the trace is drawn: only points with a deviance
            trace.append((tuple(float(t) for t in theta), float(value)))
        return value if np.isfinite(value) else 1e300

    best = _optimise(objective, layout)
    lam_s = layout.matrix(best.x)
    pieces = profiled_pieces(scaled_stats, lam_s, reml)
    # Judge convergence where the optimiser worked: on the standardised scale theta is O(1).
    gradient = projected_gradient(
        lambda t: profiled_pieces(scaled_stats, layout.matrix(t), reml)["objective"],
        np.asarray(best.x), layout.bounds)
    converged = bool(np.isfinite(best.fun) and np.max(np.abs(gradient), initial=0.0) < GRADIENT_TOL)
    # Back to the user's columns and response, exactly: X beta = (X AX) beta_s, b = s AZ b_s,
    # so Lambda Lambda' = AZ Lambda_s Lambda_s' AZ' (a lower factor of it is lme4's theta).
    lam = _lower_factor(AZ @ lam_s)
    theta = layout.entries(lam)
    sigma2 = pieces["r2"] / pieces["dof"] * s ** 2
    L = pieces["L"]
    beta = c + s * (AX @ pieces["beta"])
    beta_cov = sigma2 * AX @ np.linalg.inv(pieces["XtX"]) @ AX.T
    u = np.linalg.solve(np.transpose(L, (0, 2, 1)),
                        (pieces["cu"] - pieces["RZX"] @ pieces["beta"])[..., None])[..., 0]
    ranef = s * (u @ lam_s.T) @ AZ.T
    L_inv = np.linalg.inv(L)
    lam_user = AZ @ lam_s
    condvar = sigma2 * np.einsum("ab,jcb,jcd,ed->jae", lam_user, L_inv, L_inv, lam_user)
    # The criterion on the user's scale: r^2 scales by s^2, and REML's log|RX|^2 by |AX|^-2.
    objective_value = pieces["objective"] + pieces["dof"] * np.log(s ** 2)
    if reml:
        objective_value -= 2.0 * np.linalg.slogdet(AX)[1]
    k = p + len(theta) + 1
    # Singular on the standardised scale too: there a zero variance is a zero, whereas on the
    # user's scale x in the millions makes a healthy slope SD look like 1e-6.
    singular = bool(np.any(np.asarray(best.x)[layout.on_diagonal] < SINGULAR_TOL))
    message = "converged" if converged else f"gradient {np.max(np.abs(gradient)):.3g} at the end: {best.message}"
    return LmmSolution(beta=beta, beta_cov=beta_cov,
                       sigma=float(np.sqrt(sigma2)), theta=theta, re_cov=sigma2 * lam @ lam.T,
                       ranef=ranef, ranef_condvar=condvar, objective=objective_value,
                       loglik=-objective_value / 2.0, n_params=k, aic=objective_value + 2 * k,
                       bic=objective_value + k * np.log(n), converged=converged, singular=singular,
                       n_evals=evaluations[0], trace=tuple(trace), message=message)
