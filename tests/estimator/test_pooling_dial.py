"""The pooling dial: w = 0 is complete pooling, w = 1 no pooling, each group's mixed-model position
is its reliability lambda_j; and the group-size sweep re-simulates one group and refits."""
from __future__ import annotations

import numpy as np
import pytest

from estimator.fit import fit
from estimator.plotted import coef_pairs
from estimator.pooling_dial import group_size_sweep, pooling_dial, with_group_size
from estimator.presets import load_preset
from estimator.simulate import simulate


def _fit(preset):
    scenario = load_preset(preset)
    data = simulate(scenario)
    return scenario, data, fit(scenario.formula, data.table, family=scenario.family,
                               trials=scenario.trials_column)


@pytest.mark.parametrize("preset", ["default", "poisson"])
def test_the_ends_of_the_dial_are_complete_and_no_pooling(preset):
    _, _, result = _fit(preset)
    dial = pooling_dial(result)
    assert dial.lines_at(0.0) == [dial.complete] * len(dial.labels)
    assert np.allclose(dial.lines_at(1.0), coef_pairs(result, "no_pool"))
    half = np.array(dial.lines_at(0.5))
    assert np.allclose(half, (np.array(dial.lines_at(0.0)) + np.array(dial.lines_at(1.0))) / 2)


def test_each_group_sits_at_its_reliability_near_its_mixed_model_estimate():
    _, _, result = _fit("default")
    dial = pooling_dial(result)
    assert dial.reliability == tuple(result.shrinkage[label] for label in dial.labels)
    at_own = np.array(dial.mixed_lines())[:, 0]
    own = np.array([p[0] for p in dial.no_pool])
    partial = np.array([p[0] for p in dial.partial])
    # the dial at lambda_j lands close to the mixed model's intercept: much closer than no pooling
    assert np.all(np.abs(at_own - partial) < 0.5 * np.abs(own - dial.complete[0]) + 0.2)
    assert dial.focus == min(dial.labels, key=lambda label: result.group_sizes[label])


def test_a_group_without_its_own_estimate_has_no_line_off_complete_pooling():
    _, _, result = _fit("logistic")
    dial = pooling_dial(result)
    missing = [j for j, own in enumerate(dial.no_pool) if own is None]
    assert missing, "the logistic preset has an all-0 or all-1 group"
    assert all(dial.lines_at(0.5)[j] is None for j in missing)
    assert all(dial.lines_at(0.0)[j] == dial.complete for j in missing)


def test_resizing_one_group_keeps_the_others_and_nests_the_rows():
    scenario = load_preset("default")
    base = simulate(scenario)
    small = with_group_size(scenario, 2, 4, base=base, max_n=16)
    large = with_group_size(scenario, 2, 16, base=base, max_n=16)
    label = base.group_labels[2]
    rows = lambda data: [(x, y) for g, x, y in zip(data.table["group"], data.table["x"], data.table["y"])  # noqa: E731
                         if g == label]
    others = lambda data: [(g, x, y) for g, x, y in zip(data.table["group"], data.table["x"], data.table["y"])  # noqa: E731
                           if g != label]
    assert len(rows(small)) == 4 and len(rows(large)) == 16
    assert rows(large)[:4] == rows(small)
    assert others(small) == others(base) == others(large)
    assert small.group_sizes[2] == 4


@pytest.mark.parametrize("preset", ["default", "binomial-trials"])
def test_reliability_grows_with_the_swept_group_size(preset):
    scenario, _, result = _fit(preset)
    label = pooling_dial(result).focus
    points = group_size_sweep(scenario, label, sizes=(1, 4, 16, 64))
    lambdas = [p.reliability for p in points]
    assert [p.n for p in points] == [1, 4, 16, 64]
    assert all(0 <= v <= 1 for v in lambdas)
    assert lambdas == sorted(lambdas) and lambdas[-1] - lambdas[0] > 0.3
    # each point is a real refit: the same lambda as fitting that data set by hand
    data = with_group_size(scenario, list(result.group_labels).index(label), 16, max_n=64)
    again = fit(scenario.formula, data.table, family=scenario.family, trials=scenario.trials_column)
    assert again.shrinkage[label] == pytest.approx(points[2].reliability)
