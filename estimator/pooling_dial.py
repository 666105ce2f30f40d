"""The pooling dial: complete, partial and no pooling as one continuum.

A weight w in [0, 1] on the group deviations turns complete pooling (w = 0) into no pooling
(w = 1): every group's (intercept, slope) on the link scale is

    line_j(w) = complete + w * (no_pool_j - complete).

The mixed model is not one setting of this dial: each group sits at its own w_j, its shrinkage
reliability lambda_j = 1 - Var(b_j | y) / tau0^2 (FitResult.shrinkage), which is large for a big
group and small for a small one. `group_size_sweep` shows the cause: it re-simulates the scenario
with one group's size changed (the other groups' rows unchanged, the swept group's rows nested,
so a larger n only adds rows), refits through the public fit() and reads that group's lambda_j.

Everything here is arithmetic on what fit() reports; scenes draw it and compute nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from estimator.fit import fit
from estimator.plotted import INTERCEPT_TERM, coef_pairs, focus_group
from estimator.pooling_view import LINK_UNITS, method_lines
from estimator.scenario import Scenario
from estimator.simulate import SimulatedData, _draw_response, simulate

SWEEP_SIZES = (1, 2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class PoolingDial:
    """One fit seen as a dial. complete: the pooled (intercept, slope); no_pool[j]: group j's own
    (intercept, slope) or None where no pooling has no number (all-0/all-1 outcomes, zero
    counts); reliability[j]: lambda_j, where the mixed model puts group j on the dial; partial[j]:
    the mixed model's own (intercept, slope) (lme4's coef()), to compare with the dial's line at
    w = lambda_j; scale: the link scale's name ("" for Gaussian: the outcome's own scale)."""

    labels: tuple[str, ...]
    sizes: tuple[int, ...]
    complete: tuple[float, float]
    no_pool: tuple
    reliability: tuple[float, ...]
    partial: tuple
    focus: str
    family: str
    scale: str
    closed_form: bool = False   # Gaussian, random intercept only: lambda_j = tau0^2 / (tau0^2 + sigma^2 / n_j)

    def lines_at(self, w) -> list[tuple[float, float] | None]:
        """Every group's (intercept, slope) at weight w: one number for all groups, or one per
        group (e.g. the reliabilities, to put each group where the mixed model does). A group
        without a no-pooling estimate has a line only at w = 0 (None otherwise)."""
        weights = np.broadcast_to(np.asarray(w, float), (len(self.labels),))
        a0, b0 = self.complete
        out = []
        for own, wj in zip(self.no_pool, weights):
            if own is None:
                out.append((a0, b0) if wj == 0 else None)
            else:
                out.append((a0 + wj * (own[0] - a0), b0 + wj * (own[1] - b0)))
        return out

    def mixed_lines(self) -> list[tuple[float, float] | None]:
        """Each group's line at its own reliability: line_j(lambda_j)."""
        return self.lines_at(self.reliability)

    @property
    def focus_index(self) -> int:
        return self.labels.index(self.focus)


def pooling_dial(result) -> PoolingDial:
    """The dial for one FitResult (any family; lines on the link scale)."""
    labels = tuple(result.group_labels)
    complete = coef_pairs(result, "complete")[0]
    return PoolingDial(labels=labels, sizes=tuple(int(result.group_sizes[label]) for label in labels),
                       complete=(float(complete[0]), float(complete[1])),
                       no_pool=tuple(method_lines(result, "no_pool")),
                       reliability=tuple(float(result.shrinkage[label]) for label in labels),
                       partial=tuple(coef_pairs(result, "partial")), focus=focus_group(result),
                       family=result.family, scale=LINK_UNITS.get(result.family, ""),
                       closed_form=result.family == "gaussian" and list(result.re_terms) == [INTERCEPT_TERM])


@dataclass(frozen=True)
class SweepPoint:
    """One refit of the sweep: the swept group's size n, its reliability lambda_j, and the fit's
    between-group SD tau0-hat (lambda_j depends on it too)."""

    n: int
    reliability: float
    tau0: float


def with_group_size(scenario: Scenario, group: int, n: int, base: SimulatedData | None = None,
                    max_n: int | None = None) -> SimulatedData:
    """The scenario's simulation with group `group` redrawn at size n: the same true effects and x
    centre, new rows from the scenario's own response distribution (estimator.simulate), the first
    n of `max_n` rows drawn once from a generator seeded by (seed, group), so sizes are nested."""
    data = base if base is not None else simulate(scenario)
    s = scenario
    max_n = max(n, max_n or n)
    rng = np.random.default_rng([s.seed, group, 7919])
    centre = data.centres[group]
    half_width = (s.x_max - s.x_min) / 2
    x = (s.x_min + s.x_max) / 2 + centre + rng.uniform(-half_width, half_width, size=max_n)
    u0, u1 = data.true_u[group]
    eta = s.gamma00 + u0 + (s.gamma10 + u1) * x
    y, extra = _draw_response(s, eta, rng)
    label = data.group_labels[group]
    keep = [i for i, g in enumerate(data.table["group"]) if g != label]
    table = {column: [values[i] for i in keep] + list(_new_column(column, x, y, extra, label)[:n])
             for column, values in data.table.items()}
    sizes = data.group_sizes.copy()
    sizes[group] = n
    return SimulatedData(scenario=s, table=table, group_labels=data.group_labels, group_sizes=sizes,
                         true_u=data.true_u, centres=data.centres,
                         true_eta=np.concatenate([np.asarray(data.true_eta)[keep], eta[:n]]))


def _new_column(column: str, x, y, extra: dict, label: str):
    if column == "group":
        return [label] * len(x)
    if column == "x":
        return np.asarray(x).tolist()
    if column == "y":
        return np.asarray(y).tolist()
    return list(extra[column])


def group_size_sweep(scenario: Scenario, label: str, sizes=SWEEP_SIZES) -> list[SweepPoint]:
    """lambda_j of group `label` as its size runs through `sizes` (every other group unchanged),
    each from a refit of the scenario's model through fit()."""
    base = simulate(scenario)
    group = list(base.group_labels).index(label)
    points = []
    for n in sizes:
        data = with_group_size(scenario, group, int(n), base=base, max_n=max(sizes))
        result = fit(scenario.formula, data.table, family=scenario.family, trials=scenario.trials_column)
        points.append(SweepPoint(int(n), float(result.shrinkage[label]),
                                 float(result.re_sd.get(INTERCEPT_TERM, 0.0))))
    return points
