"""The objective the optimiser sees, and the path it took: the profiled REML criterion (or ML
deviance) of a Gaussian LMM at any θ, and a fit's evaluations from its trace, on the user's scale.

θ is lme4's: the entries of the lower-triangular relative covariance factor Λ (column-major),
so for a random intercept alone θ = τ₀/σ, and `profiled_deviance` is lme4's
`lmer(..., devFunOnly = TRUE)` (tests/reference/profile_reference.R checks it). β and σ are
profiled out: each θ has one best β and σ, so the criterion is a function of θ alone, the curve
the optimiser walks down.

The optimiser works on standardised columns (estimator/lmm.py), so a trace records θ of the
standardised random-effect columns; `optimiser_path` maps every evaluation back to the user's θ
(Λ = A_Z Λ_s, refactored lower-triangular) and, for an LMM, re-evaluates the criterion there, so
the path's points lie on the curve `profiled_deviance` draws. A GLMM's Laplace deviance depends
on θ and β jointly (glmer optimises both), so its path is given by evaluation only, with the
deviance the optimiser saw.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.design import build_design
from estimator.formula import parse_formula
from estimator.lmm import GroupStats, ThetaLayout, profiled_pieces, standardising_map

CURVE_POINTS = 161


def _design(formula: str, table: dict, trials: str | None = None):
    spec = parse_formula(formula)
    return spec, build_design(spec, table, trials=trials)


def _stats(design) -> GroupStats:
    y = np.asarray(design.y, float)
    if design.offset is not None:
        y = y - design.offset
    return GroupStats(y, np.asarray(design.X, float), np.asarray(design.Z, float), design.group,
                      design.n_groups)


def profiled_deviance(formula: str, table: dict, thetas, method: str = "reml") -> np.ndarray:
    """lme4's profiled criterion of the Gaussian LMM `formula` on `table` at each θ in `thetas`
    (one θ vector per row, or scalars for a single random intercept): the REML criterion
    (method "reml") or the ML deviance ("ml"), as devfun(θ) returns it. A θ where the criterion
    is undefined gives inf."""
    spec, design = _design(formula, table)
    layout = ThetaLayout(design.Z.shape[1], spec.uncorrelated)
    stats = _stats(design)
    reml = method.lower() == "reml"
    grid = np.atleast_1d(np.asarray(thetas, float))
    if grid.ndim == 1:
        grid = grid[:, None] if len(layout.rows) == 1 else grid[None, :]
    out = np.empty(len(grid))
    for i, theta in enumerate(grid):
        out[i] = _criterion(stats, layout.matrix(theta), reml)
    return out


def _criterion(stats: GroupStats, lam: np.ndarray, reml: bool) -> float:
    try:
        return float(profiled_pieces(stats, lam, reml)["objective"])
    except np.linalg.LinAlgError:
        return float("inf")


def _user_theta(layout: ThetaLayout, lam_user: np.ndarray) -> np.ndarray:
    """lme4's θ for Λ Λ' = lam_user lam_user': the lower factor with a non-negative diagonal."""
    R = np.linalg.qr(lam_user.T, mode="r")
    F = R.T * np.where(np.diag(R.T) < 0, -1.0, 1.0)[None, :]
    return layout.entries(F)


@dataclass(frozen=True)
class OptimiserPath:
    """criterion: what is minimised ("REML criterion", "ML deviance", "Laplace deviance");
    theta_names: names of θ's entries; thetas (n_evals, k) and values (n_evals,): every
    evaluation with a finite criterion, in order, on the user's scale; improving: indices of the
    evaluations that beat every earlier one (the path drawn as a line); estimate/minimum: the
    fit's θ̂ and criterion; curve: (θ grid, criterion) for a single θ of an LMM, else None."""

    family: str
    criterion: str
    theta_names: tuple[str, ...]
    thetas: np.ndarray
    values: np.ndarray
    improving: tuple[int, ...]
    estimate: tuple[float, ...]
    minimum: float
    curve: tuple[np.ndarray, np.ndarray] | None

    @property
    def n_evals(self) -> int:
        return len(self.values)

    @property
    def one_theta(self) -> bool:
        return len(self.theta_names) == 1


def theta_names(re_terms, uncorrelated: bool) -> tuple[str, ...]:
    """θ's entries named by their place in Λ, column-major as lme4 orders them: a diagonal entry
    by its term ('Intercept', 'x'), an off-diagonal one by its row and column ('x, Intercept')."""
    layout = ThetaLayout(len(re_terms), uncorrelated)
    short = ["Intercept" if t == "(Intercept)" else t for t in re_terms]
    return tuple(short[r] if r == c else f"{short[r]}, {short[c]}"
                 for r, c in zip(layout.rows, layout.cols))


def optimiser_path(fit, formula: str, table: dict, trials: str | None = None) -> OptimiserPath:
    """The optimiser's evaluations of `fit` (a FitResult of `formula` on `table`) on the user's
    scale; for a single-θ LMM also the profiled criterion over a θ grid covering the path."""
    spec, design = _design(formula, table, trials)
    q = design.Z.shape[1]
    layout = ThetaLayout(q, spec.uncorrelated)
    k = len(layout.rows)
    AZ = standardising_map(np.asarray(design.Z, float), centre=not spec.uncorrelated)
    trace = [(np.asarray(point[:k], float), float(point[-1])) for point in fit.trace]
    lams = [AZ @ layout.matrix(theta_s) for theta_s, _ in trace]
    thetas = np.array([_user_theta(layout, lam) for lam in lams]).reshape(-1, k)
    gaussian = fit.family == "gaussian"
    if gaussian:
        reml = fit.method.upper() == "REML"
        stats = _stats(design)
        values = np.array([_criterion(stats, lam, reml) for lam in lams])
        criterion = "REML criterion" if reml else "ML deviance"
    else:
        values = np.array([value for _, value in trace])
        criterion = "Laplace deviance" if fit.nagq == 1 else f"AGQ deviance ({fit.nagq} points)"
    keep = np.isfinite(values)
    thetas, values = thetas[keep], values[keep]
    improving, best = [], np.inf
    for i, value in enumerate(values):
        if value < best:
            improving.append(i)
            best = value
    curve = None
    if gaussian and k == 1:
        top = max(float(np.max(thetas)) if len(thetas) else 1.0, 2.0 * float(fit.theta[0]), 0.5)
        grid = np.linspace(0.0, top * 1.05, CURVE_POINTS)
        curve = (grid, profiled_deviance(formula, table, grid, method=fit.method))
    return OptimiserPath(fit.family, criterion, theta_names(design.re_names, spec.uncorrelated),
                         thetas, values, tuple(improving), tuple(float(t) for t in fit.theta),
                         float(fit.objective), curve)
