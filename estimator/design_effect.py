"""The design effect of clustering: how much information the groups cost, and what ignoring them
does to a standard error.

  deff = 1 + (n̄ − 1) · ICC          (Kish 1965), n̄ = N / J the mean group size
  N_eff = N / deff                  the number of independent observations worth as much

With unequal group sizes the formula is an approximation; n̄ here is the plain mean N / J (some
texts use n₀ = (N − Σ n_j² / N) / (J − 1), which is smaller; both are reported). For a GLMM the
ICC is on the latent (link) scale (estimator/latent_scale.py), so deff is that scale's
approximation too.

What ignoring the groups does: complete pooling's standard error of the intercept (the GLM that
treats all N rows as independent) against the mixed model's; for a balanced random-intercept
model with no predictors their ratio is √deff. Both come from the FitResult (complete_pooling
["fixef_se"] and fixef_se), nothing is refitted here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from estimator.latent_scale import latent_split

INTERCEPT = "(Intercept)"


@dataclass(frozen=True)
class DesignEffect:
    """icc, tau2 and residual (latent scale for GLMMs), N, J, the mean group size n_bar (and n0,
    n_min, n_max), deff, n_eff = N / deff; se_complete / se_mixed: the intercept's standard error
    ignoring the groups and from the mixed model; se_ratio = se_mixed / se_complete."""

    family: str
    icc: float
    tau2: float
    residual: float
    n_obs: int
    n_groups: int
    n_bar: float
    n0: float
    n_min: int
    n_max: int
    deff: float
    n_eff: float
    se_complete: float | None
    se_mixed: float | None
    scale_words: str

    @property
    def balanced(self) -> bool:
        return self.n_min == self.n_max

    @property
    def latent(self) -> bool:
        return self.family != "gaussian"

    @property
    def se_ratio(self) -> float | None:
        if not self.se_complete or self.se_mixed is None:
            return None
        return self.se_mixed / self.se_complete

    @property
    def sqrt_deff(self) -> float:
        return math.sqrt(self.deff)


def design_effect(fit) -> DesignEffect:
    """The design effect of `fit` (a FitResult with a random intercept; ValueError otherwise)."""
    split = latent_split(fit)        # raises ValueError without a random intercept
    sizes = [int(n) for n in fit.group_sizes.values()]
    N, J = sum(sizes), len(sizes)
    n_bar = N / J
    n0 = (N - sum(n * n for n in sizes) / N) / (J - 1) if J > 1 else float(N)
    deff = 1.0 + (n_bar - 1.0) * split.icc
    se_c = fit.complete_pooling.get("fixef_se", {}).get(INTERCEPT)
    se_m = fit.fixef_se.get(INTERCEPT)
    return DesignEffect(fit.family, split.icc, split.tau2, split.residual, N, J, n_bar, n0,
                        min(sizes), max(sizes), deff, N / deff,
                        None if se_c is None else float(se_c), None if se_m is None else float(se_m),
                        split.scale_words)
