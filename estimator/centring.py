"""Simpson's reversal explained by group-mean centring (the within-between, or Mundlak, model).

x_ij is split into its group mean and the deviation from it,

    x_mean_j = mean of x in group j,    x_within_ij = x_ij - x_mean_j

(in R: `d$x_mean <- ave(d$x, d$g); d$x_within <- d$x - d$x_mean`), and the mixed model

    y ~ x_within + x_mean + (1 | g)

is fitted through the public fit(). Its x_within coefficient is the within-group slope (how y
changes when x changes inside a group), its x_mean coefficient the between-group slope (how the
groups' levels change with their mean x), and their difference the contextual effect (what a
group's mean x adds beyond the individual x): the coefficient of x_mean in y ~ x + x_mean + (1 | g),
which is the same model written differently, fitted as well so its standard error is lme4's.
The naive pooled slope (lm(y ~ x)) mixes the within and the between slopes; when the groups'
mean x carries the opposite trend, the mix points the wrong way: Simpson's reversal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.fit import fit
from estimator.formula import INTERCEPT, parse_formula
from estimator.errors import InputError

MEAN_SUFFIX, WITHIN_SUFFIX = "_mean", "_within"


def _name(text: str, table: dict | None = None) -> str:
    """A column name as a formula writes it (backticks around one with spaces); an expression
    that is not a column, such as log(Reaction), as written."""
    if text.isidentifier() or (table is not None and text not in table):
        return text
    return f"`{text}`"


def centred_table(table: dict, x: str, group: str) -> dict:
    """`table` plus the columns `{x}_mean` (x's mean in each row's group) and `{x}_within`
    (x minus that mean), as R's ave() makes them; rows with a missing x get missing values."""
    values = np.array([np.nan if v is None or v == "" else float(v) for v in table[x]], float)
    groups = [str(g) for g in table[group]]
    means = {}
    for label in dict.fromkeys(groups):
        own = values[[g == label for g in groups]]
        own = own[np.isfinite(own)]
        means[label] = float(own.mean()) if own.size else np.nan
    mean_col = np.array([means[g] for g in groups])
    out = dict(table)
    out[x + MEAN_SUFFIX] = mean_col.tolist()
    out[x + WITHIN_SUFFIX] = (values - mean_col).tolist()
    return out


@dataclass(frozen=True)
class SimpsonDecomposition:
    """pooled_slope: lm(y ~ x); mixed_slope: gamma10-hat of y ~ x + (1 | g); within_slope and
    between_slope (with SEs): the x_within and x_mean coefficients of the centred model;
    contextual = between - within (SE from y ~ x + x_mean + (1 | g)); intercept: the centred model's
    gamma00-hat; group_means {group: (mean x, mean y)}; within_lines {group: (intercept, slope)}:
    each group's line in the centred model (slope within_slope through its own level);
    pooled_line (intercept, slope); reversed: pooled and within slopes of opposite sign.
    Slopes and lines are on the link scale for a GLMM; group_means hold the raw mean response."""

    predictor: str
    group: str
    formula: str
    pooled_slope: float
    pooled_line: tuple[float, float]
    mixed_slope: float
    within_slope: float
    within_se: float
    between_slope: float
    between_se: float
    contextual: float
    contextual_se: float
    intercept: float
    group_means: dict
    within_lines: dict
    reversed: bool

    @property
    def between_line(self) -> tuple[float, float]:
        """gamma00-hat + between_slope * x: the line through the groups' levels."""
        return self.intercept, self.between_slope


def decompose(formula: str, table: dict, family: str = "gaussian",
              trials: str | None = None) -> SimpsonDecomposition:
    """The within-between decomposition of `formula`'s first predictor (a random intercept model
    of the same response and grouping factor) for `table`."""
    spec = parse_formula(formula)
    x = next((name for name in (*spec.fixed, *spec.random) if name != INTERCEPT and name in table), None)
    if x is None:
        raise InputError("the within-between decomposition needs a numeric predictor in the formula "
                         "(e.g. y ~ x + (1 | g))")
    group, response = spec.group, spec.response
    if response not in table:
        raise InputError(f"the within-between decomposition plots the response column itself: write "
                         f"'{response}' as a column of the data, not an expression")
    data = centred_table(table, x, group)
    x_mean, x_within = x + MEAN_SUFFIX, x + WITHIN_SUFFIX
    random = f"(1 | {_name(group)})"
    lhs = _name(response, table)
    centred_formula = f"{lhs} ~ {_name(x_within)} + {_name(x_mean)} + {random}"
    options = dict(family=family, trials=trials)
    centred = fit(centred_formula, data, **options)
    contextual = fit(f"{lhs} ~ {_name(x)} + {_name(x_mean)} + {random}", data, **options)
    plain = fit(f"{lhs} ~ {_name(x)} + {random}", data, **options)
    beta = centred.fixef
    within, between = float(beta[x_within]), float(beta[x_mean])
    pooled = plain.complete_pooling["fixef"]
    pooled_line = (float(pooled[INTERCEPT]), float(pooled[x]))
    means_x = {}
    for label, value in zip(data[group], data[x_mean]):
        means_x.setdefault(str(label), value)
    ys = {}
    for label, value in zip(data[group], data[response]):
        ys.setdefault(str(label), []).append(float(value))
    group_means = {label: (float(means_x[label]), float(np.mean(ys[label]))) for label in centred.group_labels}
    lines = {}
    for label in centred.group_labels:
        level = beta[INTERCEPT] + centred.ranef[label][0] + between * means_x[label]
        lines[label] = (float(level - within * means_x[label]), within)
    return SimpsonDecomposition(
        predictor=x, group=group, formula=centred_formula, pooled_slope=pooled_line[1],
        pooled_line=pooled_line, mixed_slope=float(plain.fixef[x]), within_slope=within,
        within_se=float(centred.fixef_se[x_within]), between_slope=between,
        between_se=float(centred.fixef_se[x_mean]), contextual=between - within,
        contextual_se=float(contextual.fixef_se[x_mean]), intercept=float(beta[INTERCEPT]),
        group_means=group_means, within_lines=lines,
        reversed=bool(np.sign(pooled_line[1]) != np.sign(within) and pooled_line[1] != 0 and within != 0))
