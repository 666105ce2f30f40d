"""fit() refuses exactly what lme4 refuses (lme4_rules.json, written by lme4_rules.R with lme4
1.1-31), and says why in one line; scenario validation applies the same rules to the groups a
scenario draws."""
import json
from pathlib import Path

import numpy as np
import pytest

from estimator.data_checks import lme4_count_rule
from estimator.errors import InputError
from estimator.fit import fit
from estimator.scenario import Scenario, drawn_group_sizes
from estimator.simulate import simulate
from tests.badinput.conftest import assert_user_error, run

CASES = json.loads((Path(__file__).with_name("lme4_rules.json")).read_text())
# lme4 fits these but the result is unusable; we refuse with a message that says what lme4 does:
# lmer on a constant response (sigma = 0, vcov not positive definite) and a constant predictor
# (lme4 silently drops the coefficient, which a scene cannot show).
STRICTER = {"lmer_constant_y", "lmer_constant_x_slope"}  # a constant fixed x is dropped, as lme4 does
LME4_PHRASES = ("grouping factors must have > 1 sampled level",
                "number of levels of each grouping factor must be < number of observations",
                "number of observations", "Response is constant")


def _table(case):
    return {"g": [str(v) for v in case["g"]], "x": [repr(float(v)) for v in case["x"]],
            "y": [repr(float(v)) for v in case["y"]]}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fit_refuses_what_lme4_refuses(case):
    lme4_refuses = case["result"].startswith("error")
    if not lme4_refuses and case["id"] not in STRICTER:
        result = fit(case["formula"], _table(case), family=case["family"])
        assert np.isfinite(result.loglik)
        return
    with pytest.raises(InputError) as info:
        fit(case["formula"], _table(case), family=case["family"])
    message = str(info.value)
    assert "\n" not in message and ": " in message
    if lme4_refuses and "one group" not in message:
        assert any(phrase in message for phrase in LME4_PHRASES), message


COUNT_CASES = [c for c in CASES if not c["id"].endswith(("constant_y", "constant_x", "_x_slope",
                                                             "all_ones", "all_zeros"))]


@pytest.mark.parametrize("case", COUNT_CASES, ids=[c["id"] for c in COUNT_CASES])
def test_count_rule_matches_lme4(case):
    n, groups = len(case["g"]), len(set(case["g"]))
    per_group = 2 if "(1 + x | g)" in case["formula"] else 1  # lme4 splits || into terms of 1
    rule = lme4_count_rule(n, groups, case["family"], per_group)
    assert (rule is not None) == case["result"].startswith("error"), (rule, case["result"])
    if rule:
        assert rule.split(" (=")[0] in case["result"]


def test_groups_of_one_row_through_the_cli(tmp_path):
    path = tmp_path / "ones.csv"
    path.write_text("g,x,y\n" + "".join(f"s{j},{j % 5},{(j * 37) % 11}\n" for j in range(20)))
    assert_user_error(run("fit", path, "--formula", "y ~ x + (1 | g)"),
                      "number of levels of each grouping factor must be < number of observations")
    ok = run("fit", path, "--formula", "y ~ x + (1 | g)", "--family", "poisson", "--json")
    assert ok.exit_code == 0, ok.output  # glmer fits an observation-level random effect
    assert_user_error(run("fit", path, "--formula", "y ~ x + (1 + x | g)", "--family", "poisson"),
                      "number of observations (=20) < number of random effects (=40)")


def test_constant_response_and_predictor_through_the_cli(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("g,x,y,k\n" + "".join(f"s{j % 4},{j},{j % 3 + 1},2\n" for j in range(20)))
    assert_user_error(run("fit", path, "--formula", "k ~ x + (1 | g)"), "response 'k' has the same value (2)")
    assert_user_error(run("fit", path, "--formula", "k ~ x + (1 | g)", "--family", "poisson"),
                      "Response is constant")
    assert_user_error(run("fit", path, "--formula", "y ~ 1 + (1 + k | g)"),
                      "so (1 + k | g) is the same as (1 | g) with a singular covariance: use (1 | g)")


def test_a_constant_fixed_predictor_is_dropped_as_lme4_does(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("g,x,y,k\n" + "".join(f"s{j % 4},{j},{(j * 7) % 5 + j / 3},2\n" for j in range(20)))
    result = run("fit", path, "--formula", "y ~ x + k + (1 | g)", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload["fixef"]) == ["(Intercept)", "x"]
    assert any("rank deficient" in warning and "k" in warning for warning in payload["warnings"])


def test_render_with_data_refuses_before_rendering(tmp_path):
    from scripts.pipeline.inputs import resolve_input

    path = tmp_path / "ones.csv"
    path.write_text("g,x,y\n" + "".join(f"s{j},{j % 5},{(j * 37) % 11 + 0.5}\n" for j in range(12)))
    with pytest.raises(InputError, match="number of levels"):
        resolve_input(data=str(path), formula="y ~ x + (1 | g)")
    assert resolve_input(data=str(path), formula="y ~ x + (1 | g)", family="poisson").data_csv


def test_scenario_draws_the_sizes_the_simulator_draws():
    for seed in range(5):
        s = Scenario(seed=seed, group_size_min=2, group_size_max=9, n_groups=7)
        assert list(drawn_group_sizes(s)) == list(simulate(s).group_sizes)


@pytest.mark.parametrize("settings, fragment", [
    ({"group_size_min": 1, "group_size_max": 1}, "use group_size_max >= 2"),
    ({"group_size_min": 1, "group_size_max": 2, "tau1": 1.0}, "use group_size_max >= 3 or tau1 = 0"),
    ({"group_size_min": 1, "group_size_max": 1, "tau1": 1.0, "family": "poisson"}, "glmer refuses"),
    ({"group_size_min": 1, "group_size_max": 2, "n_groups": 2, "seed": 11}, "with seed = 11"),
])
def test_scenarios_lme4_would_refuse(settings, fragment):
    with pytest.raises(InputError) as info:
        Scenario(**settings)
    assert fragment in str(info.value)


def test_glmer_scenarios_with_single_rows_are_allowed():
    data = simulate(Scenario(family="poisson", gamma00=1.0, gamma10=0.1, tau0=0.5,
                             group_size_min=1, group_size_max=1, n_groups=30))
    assert fit("y ~ x + (1 | group)", data.table, family="poisson").n_obs == 30
