"""The profiled criterion is lme4's devfun (tests/reference/profile_reference.R), its minimum is the
fit's, and the optimiser's path from the trace ends at the estimate, for LMMs and a GLMM."""
import json
from pathlib import Path

import numpy as np
import pytest

from estimator.fit import fit
from estimator.presets import load_preset
from estimator.profile import optimiser_path, profiled_deviance
from estimator.simulate import simulate

FIXTURE = Path(__file__).parents[1] / "reference" / "profile" / "sleepstudy_devfun.json"


@pytest.mark.parametrize("index", range(4))
def test_profiled_deviance_is_lme4s_devfun(index):
    reference = json.loads(FIXTURE.read_text())
    case = reference["cases"][index]
    ours = profiled_deviance(case["formula"], reference["data"], case["thetas"], method=case["method"])
    assert ours == pytest.approx(case["values"], rel=1e-9, abs=1e-7)


def test_the_curve_and_path_end_at_the_fit():
    scenario = load_preset("default")
    table = simulate(scenario).table
    result = fit(scenario.formula, table)
    path = optimiser_path(result, scenario.formula, table)
    assert path.one_theta and path.criterion == "REML criterion"
    grid, values = path.curve
    assert values.min() >= result.objective - 1e-9
    assert grid[np.argmin(values)] == pytest.approx(result.theta[0], abs=grid[1] - grid[0])
    last = path.improving[-1]
    assert path.values[last] == pytest.approx(result.objective, abs=1e-8)
    assert path.thetas[last][0] == pytest.approx(result.theta[0], abs=1e-6)
    # every evaluation lies on the curve: the re-evaluated criterion at the path's theta
    mid = len(path.values) // 2
    assert profiled_deviance(scenario.formula, table, path.thetas[mid]) == pytest.approx(path.values[mid])


@pytest.mark.parametrize("preset", ["fan-in", "poisson"])
def test_paths_with_several_parameters_or_a_glmm_converge_by_evaluation(preset):
    scenario = load_preset(preset)
    table = simulate(scenario).table
    result = fit(scenario.formula, table, family=scenario.family, trials=scenario.trials_column)
    path = optimiser_path(result, scenario.formula, table, scenario.trials_column)
    assert path.curve is None or scenario.family == "gaussian"
    assert path.criterion == ("REML criterion" if scenario.family == "gaussian" else "Laplace deviance")
    assert np.min(path.values) == pytest.approx(result.objective, abs=1e-6)
    assert np.all(np.diff(path.values[list(path.improving)]) < 0)
    assert path.thetas[path.improving[-1]] == pytest.approx(result.theta, abs=1e-4)
