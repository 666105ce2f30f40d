"""Group-mean centring: the within and between slopes and the contextual effect against lme4
(tests/reference/centring_reference.R on the simpson preset's data), and what they explain."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from estimator.centring import centred_table, decompose
from estimator.errors import InputError
from estimator.fit import fit
from estimator.presets import load_preset
from estimator.simulate import simulate
from estimator.table import read_csv

REFERENCE = Path(__file__).resolve().parents[1] / "reference"


def test_the_decomposition_matches_lme4_on_the_simpson_preset():
    expected = json.loads((REFERENCE / "centring" / "simpson_preset.json").read_text())
    table = read_csv(str(REFERENCE / "data" / "simpson_preset.csv"))
    result = decompose("y ~ x + (1 | group)", table)
    assert result.formula == expected["formula"]
    assert result.within_slope == pytest.approx(expected["fixef"]["x_within"], abs=1e-6)
    assert result.between_slope == pytest.approx(expected["fixef"]["x_mean"], abs=1e-6)
    assert result.intercept == pytest.approx(expected["fixef"]["(Intercept)"], abs=1e-5)
    assert result.within_se == pytest.approx(expected["fixef_se"]["x_within"], rel=1e-5)
    assert result.between_se == pytest.approx(expected["fixef_se"]["x_mean"], rel=1e-5)
    assert result.contextual == pytest.approx(expected["contextual"], abs=1e-6)
    assert result.contextual_se == pytest.approx(expected["contextual_se"], rel=1e-5)
    assert result.pooled_slope == pytest.approx(expected["pooled_slope"], abs=1e-9)
    assert result.mixed_slope == pytest.approx(expected["mixed_slope"], abs=1e-6)


def test_the_fixture_data_are_the_simpson_preset_the_scene_shows():
    table = read_csv(str(REFERENCE / "data" / "simpson_preset.csv"))
    simulated = simulate(load_preset("simpson")).table
    assert table["group"] == simulated["group"]
    for column in ("x", "y"):
        assert np.allclose(np.asarray(table[column], float), simulated[column], rtol=1e-12)


def test_the_reversal_is_the_between_slope_winning_the_pooled_mix():
    result = decompose("y ~ x + (1 | group)", simulate(load_preset("simpson")).table)
    assert result.reversed
    assert result.within_slope > 0 > result.between_slope
    assert np.sign(result.pooled_slope) == np.sign(result.between_slope)
    # the contextual effect is what a group's mean x adds beyond the individual x
    assert result.contextual == pytest.approx(result.between_slope - result.within_slope)
    # each group's line has the within slope and, at the group's mean x, the centred model's
    # level for that group: gamma00 + between * mean x + u0j (lme4's coef at x_within = 0)
    table = centred_table(simulate(load_preset("simpson")).table, "x", "group")
    centred = fit(result.formula, table)
    for label, (a, b) in result.within_lines.items():
        mean_x = result.group_means[label][0]
        assert b == result.within_slope
        assert a + b * mean_x == pytest.approx(result.intercept + result.between_slope * mean_x
                                               + centred.ranef[label][0])
    no_reversal = decompose("y ~ x + (1 | group)", simulate(load_preset("default")).table)
    assert not no_reversal.reversed


def test_centring_adds_r_like_columns():
    table = {"g": ["a", "a", "b", "b", "b"], "x": [1.0, 3.0, 0.0, 3.0, 6.0], "y": [0, 0, 0, 0, 0]}
    out = centred_table(table, "x", "g")
    assert out["x_mean"] == [2.0, 2.0, 3.0, 3.0, 3.0]
    assert out["x_within"] == [-1.0, 1.0, -3.0, 0.0, 3.0]
    assert "x_mean" not in table          # the caller's table is left alone


def test_an_expression_as_response_is_refused_in_one_line():
    table = simulate(load_preset("default")).table
    with pytest.raises(InputError, match="response column"):
        decompose("log(y) ~ x + (1 | group)", table)
