from dataclasses import replace

import numpy as np
import pytest

from estimator.errors import InputError
from estimator.fit import fit
from estimator.scenario import Scenario, apply_overrides, load_scenario
from estimator.simulate import simulate
from estimator.presets import load_preset, preset_names


def test_presets_load_and_simulate():
    assert {"default", "simpson", "small-groups", "fan-in", "fan-out", "poisson", "logistic",
            "gamma"} <= set(preset_names())
    for name in preset_names():
        scenario = load_preset(name)
        data = simulate(scenario)
        assert len(data.group_labels) == scenario.n_groups
        assert data.group_sizes.min() >= scenario.group_size_min
        assert data.group_sizes.max() <= scenario.group_size_max
        assert len(data.table["y"]) == data.group_sizes.sum()


def test_simulation_is_deterministic_for_a_seed():
    a, b = simulate(Scenario(seed=5)), simulate(Scenario(seed=5))
    assert a.table == b.table
    assert simulate(Scenario(seed=6)).table["y"] != a.table["y"]


def test_families_draw_valid_responses():
    for family, check in [("poisson", lambda y: np.all(y >= 0) and np.all(y == np.round(y))),
                          ("binomial", lambda y: set(np.unique(y)) <= {0.0, 1.0}),
                          ("gamma", lambda y: np.all(y > 0))]:
        y = np.array(simulate(Scenario(family=family, gamma00=0.5, gamma10=0.1, tau0=0.5)).table["y"])
        assert check(y), family
    trials = simulate(Scenario(family="binomial", trials=10, gamma00=0.0, gamma10=0.1, tau0=0.5))
    assert max(trials.table["y"]) <= 10 and trials.table["trials"][0] == 10


def test_simpson_preset_reverses_the_pooled_slope():
    data = simulate(load_preset("simpson"))
    x, y = np.array(data.table["x"]), np.array(data.table["y"])
    assert np.polyfit(x, y, 1)[0] < 0 < data.scenario.gamma10


SIMPSON_PRESETS = ("simpson", "poisson-simpson", "logistic-simpson", "gamma-simpson")


@pytest.mark.parametrize("preset", SIMPSON_PRESETS)
@pytest.mark.parametrize("changes", [{}, {"n_groups": 30}, {"n_groups": 30, "seed": 5},
                                     {"n_groups": 100, "seed": 6}], ids=str)
def test_each_familys_simpson_preset_reverses_at_any_number_of_groups(preset, changes):
    """The groups' windows move with their u0j (not their rank), so the between-group slope is
    gamma10 - tau0 / x_group_offset whatever the number of groups or the seed."""
    scenario = replace(load_preset(preset), **changes)
    result = fit("y ~ x + (1 | group)", simulate(scenario).table, family=scenario.family)
    assert result.simpson["reversed"], (preset, changes, result.simpson)
    assert result.simpson["pooled_slope"] < 0 < result.fixef["x"]


def test_windows_move_by_the_offset_per_tau0_of_u0():
    data = simulate(replace(load_preset("simpson"), n_groups=12))
    s = data.scenario
    assert np.allclose(data.centres, -s.x_group_offset * data.true_u[:, 0] / s.tau0)
    x, groups = np.array(data.table["x"]), np.array(data.table["group"])
    for label, centre in zip(data.group_labels, data.centres):
        inside = x[groups == label] - (s.x_min + s.x_max) / 2 - centre
        assert np.all(np.abs(inside) <= (s.x_max - s.x_min) / 2)


def test_the_outlier_shift_moves_y_not_the_windows():
    base = replace(load_preset("simpson"), outlier_shift=0.0)
    plain, shifted = simulate(base), simulate(replace(base, outlier_shift=3.0))
    assert np.array_equal(plain.centres, shifted.centres)
    assert plain.table["x"] == shifted.table["x"]


def test_balanced_groups_when_min_equals_max():
    data = simulate(Scenario(group_size_min=7, group_size_max=7))
    assert set(data.group_sizes) == {7}


def test_overrides_are_typed():
    s = apply_overrides(Scenario(), ["tau0=3", "n_groups=12", "family=poisson"])
    assert s.tau0 == 3.0 and s.n_groups == 12 and s.family == "poisson"


@pytest.mark.parametrize("assignment, fragment", [
    ("tau0=-1", "cannot be negative"), ("rho=1", "strictly between"), ("n_groups=0", "out of range"),
    ("bogus=1", "unknown key 'bogus'"), ("n_groups=two", "whole number"), ("tau0", "key=value"),
    ("family=weibull", "unknown"), ("group_size_max=1", "below group_size_min"),
    ("x_max=-5", "greater than x_min"), ("sigma=nan", "finite"),
])
def test_bad_values_are_one_line_errors(assignment, fragment):
    with pytest.raises(InputError) as info:
        apply_overrides(Scenario(), [assignment])
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_toml_file_unknown_key_and_syntax(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('n_groups = 5\ntau0 = 2\nname = "mine"\n')
    assert load_scenario(good).n_groups == 5
    bad = tmp_path / "bad.toml"
    bad.write_text("n_grups = 5\n")
    with pytest.raises(InputError, match="unknown key 'n_grups'"):
        load_scenario(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("n_groups = = 5\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_scenario(broken)
    with pytest.raises(InputError, match="does not exist"):
        load_scenario(tmp_path / "missing.toml")


def test_scenario_round_trips_through_toml(tmp_path):
    s = load_preset("fan-in")
    path = tmp_path / "s.toml"
    path.write_text(s.to_toml())
    assert load_scenario(path) == s
