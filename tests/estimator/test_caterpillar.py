"""Caterpillar intervals are lme4's dotplot(ranef(fit, condVar = TRUE)) intervals: the modes and
b̂ ± 1.96 √postVar of the fixtures from tests/reference/condvar_reference.R; a singular fit is
recognised with its boundary named."""
from pathlib import Path

import numpy as np
import pytest

from estimator.caterpillar import LME4_WARNING, Z95, boundary, caterpillar
from estimator.fit import fit
from estimator.presets import load_preset
from estimator.simulate import simulate
from tests.estimator.support import formula_of, load

REFERENCE = Path(__file__).parents[1] / "reference" / "condvar"


@pytest.mark.parametrize("name", ["sleepstudy_slope", "sleepstudy_intercept", "grouseticks_poisson",
                                  "cbpp_binomial"])
def test_intervals_match_lme4_condvar(name):
    case = load(REFERENCE / f"{name}.json")
    result = fit(formula_of(case), case["data"], family=case["family"], trials=case.get("trials"))
    panels = caterpillar(result)
    q = len(case["re_terms"])
    assert [p.term for p in panels] == case["re_terms"]
    for k, panel in enumerate(panels):
        modes = [row.mode for row in panel.rows]
        assert modes == sorted(modes) and len(modes) == len(case["ranef"])
        for row in panel.rows:
            ref_mode = np.atleast_1d(case["ranef"][row.group])[k]
            ref_sd = np.sqrt(np.array(case["condvar"][row.group], float).reshape(q, q)[k, k])
            scale = max(abs(ref_mode), ref_sd)
            assert row.mode == pytest.approx(ref_mode, abs=2e-3 * scale)
            assert row.lower == pytest.approx(ref_mode - 1.959964 * ref_sd, abs=5e-3 * scale)
            assert row.upper == pytest.approx(ref_mode + 1.959964 * ref_sd, abs=5e-3 * scale)
            assert row.half_width == pytest.approx(Z95 * row.sd)
    if name == "sleepstudy_slope":    # 18 subjects of 10 days: equal n, similar widths
        assert not boundary(result).singular


def test_the_singular_preset_is_singular_with_zero_modes():
    scenario = load_preset("singular")
    result = fit(scenario.formula, simulate(scenario).table)
    found = boundary(result)
    assert result.singular and found.singular and found.zero_sd == ("(Intercept)",)
    assert found.warning == LME4_WARNING == "boundary (singular) fit: see help('isSingular')"
    [panel] = caterpillar(result)
    assert all(abs(row.mode) < 1e-4 and row.half_width < 1e-3 for row in panel.rows)


def test_a_healthy_fit_is_not_singular_and_small_groups_get_wider_intervals():
    scenario = load_preset("default")
    result = fit(scenario.formula, simulate(scenario).table)
    assert not boundary(result).singular and boundary(result).warning == ""
    [panel] = caterpillar(result)
    assert panel.widest.n < panel.narrowest.n
