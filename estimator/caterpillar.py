"""The caterpillar plot's numbers: each group's conditional mode b̂_j with a 95 % interval from its
conditional variance, sorted, per random term; and what a singular fit means.

The interval is lme4's dotplot(ranef(fit, condVar = TRUE)) interval: b̂_j ± 1.96 sqrt(Var(b_j | y)),
with Var(b_j | y) the diagonal entry of the group's conditional covariance block (FitResult
ranef_condvar; for GLMMs the Laplace approximation's). It describes the prediction of b_j given the
estimated variances, not a confidence interval that carries their uncertainty.

A fit is singular (FitResult.singular, lme4's isSingular) when a variance parameter sits on its
boundary: an SD of 0 or a correlation of ±1. Then the conditional modes of that term are all 0
(or lie on a line), and lme4 prints the words kept in LME4_WARNING.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054      # qnorm(0.975)
LME4_WARNING = "boundary (singular) fit: see help('isSingular')"
BOUNDARY_SD = 1e-4           # an SD this small relative to the residual scale counts as 0 on screen
BOUNDARY_CORR = 0.9999


@dataclass(frozen=True)
class CaterpillarRow:
    """One group's conditional mode, its conditional SD, the interval and the group's size."""

    group: str
    mode: float
    sd: float
    lower: float
    upper: float
    n: int

    @property
    def half_width(self) -> float:
        return self.upper - self.mode

    @property
    def covers_zero(self) -> bool:
        return self.lower <= 0.0 <= self.upper


@dataclass(frozen=True)
class CaterpillarPanel:
    """The rows of one random term, sorted by the conditional mode (lowest first); tau is the
    term's estimated SD."""

    term: str
    tau: float
    rows: tuple[CaterpillarRow, ...]

    @property
    def n_covering_zero(self) -> int:
        return sum(row.covers_zero for row in self.rows)

    @property
    def widest(self) -> CaterpillarRow:
        return max(self.rows, key=lambda row: (row.half_width, -row.n))

    @property
    def narrowest(self) -> CaterpillarRow:
        return min(self.rows, key=lambda row: (row.half_width, -row.n))


def caterpillar(fit, z: float = Z95) -> list[CaterpillarPanel]:
    """One panel per random term of `fit` (a FitResult), rows sorted by mode."""
    panels = []
    for k, term in enumerate(fit.re_terms):
        rows = []
        for label, modes in fit.ranef.items():
            var = float(fit.ranef_condvar[label][k][k])
            sd = math.sqrt(max(var, 0.0))
            mode = float(modes[k])
            rows.append(CaterpillarRow(label, mode, sd, mode - z * sd, mode + z * sd,
                                       int(fit.group_sizes.get(label, 0))))
        rows.sort(key=lambda row: (row.mode, row.group))
        panels.append(CaterpillarPanel(term, float(fit.re_sd[term]), tuple(rows)))
    return panels


@dataclass(frozen=True)
class Boundary:
    """What a singular fit has on its boundary: `zero_sd` terms whose SD is (numerically) 0,
    `unit_corr` pairs of terms whose correlation is ±1."""

    singular: bool
    zero_sd: tuple[str, ...]
    unit_corr: tuple[tuple[str, str], ...]

    @property
    def warning(self) -> str:
        """lme4's own message for this fit ('' when it would print none)."""
        return LME4_WARNING if self.singular else ""

    @property
    def meaning(self) -> str:
        if not self.singular:
            return ("Not singular: every variance is estimated away from its boundary.")
        parts = []
        if self.zero_sd:
            names = ", ".join(_readable(t) for t in self.zero_sd)
            parts.append(f"the SD of {names} is estimated as 0: the data show no "
                         "variation between groups beyond what the residual noise explains, so "
                         "every group's effect is shrunk all the way to the fixed effect")
        if self.unit_corr:
            pairs = "; ".join(f"{_readable(a)} and {_readable(b)}" for a, b in self.unit_corr)
            parts.append(f"the correlation of {pairs} is ±1: the two effects lie on one line")
        text = "; ".join(parts) + "."
        return text[0].upper() + text[1:]


def _readable(term: str) -> str:
    return "the intercept" if term == "(Intercept)" else f"the slope of {term}"


def boundary(fit) -> Boundary:
    """Which variance parameters of `fit` sit on their boundary (see the module doc)."""
    terms = list(fit.re_terms)
    scale = fit.sigma if fit.sigma else 1.0
    zero = tuple(t for t in terms if fit.re_sd.get(t, 0.0) < BOUNDARY_SD * scale)
    unit = []
    for a in range(len(terms)):
        for b in range(a + 1, len(terms)):
            if terms[a] in zero or terms[b] in zero:
                continue
            if abs(fit.re_corr[a][b]) > BOUNDARY_CORR:
                unit.append((terms[a], terms[b]))
    return Boundary(bool(fit.singular), zero, tuple(unit))


REMEDIES = (
    "Simplify the random part: drop the term whose variance is 0 (or the correlation, with ||).",
    "Check the data: enough groups? groups with one row? a grouping column coded right?",
    "Or keep the term with a weak prior that holds τ₀ off 0 (blme, brms, glmmTMB with priors).",
)
