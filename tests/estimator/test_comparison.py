"""Model comparison against R (tests/reference/comparison_reference.R): complete pooling (lm/glm),
no pooling (every random column per group), the mixed model by ML, and the boundary-corrected LRT
of the random part, on real data sets and every family."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from estimator.comparison import compare_pooling, mixture_p_value
from estimator.table import read_csv

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
CASES = sorted((REFERENCE / "comparison").glob("*.json"))


@pytest.fixture(scope="module", params=CASES, ids=lambda p: p.stem)
def case(request):
    ref = json.loads(request.param.read_text())
    table = read_csv(REFERENCE / "data" / ref["csv"])
    return ref, compare_pooling(ref["formula"], table, ref["family"], ref.get("trials"))


def test_each_model_matches_r(case):
    ref, ours = case
    for name, row in ours.rows().items():
        expected = ref[name]
        if expected["converged"]:
            assert row.loglik == pytest.approx(expected["loglik"], abs=1e-4), name
            assert row.n_params == expected["n_params"], name
            assert row.aic == pytest.approx(expected["aic"], abs=2e-4), name
            assert row.bic == pytest.approx(expected["bic"], abs=2e-4), name
        else:   # R's glm stopped short of the supremum (a group's estimate runs off to infinity)
            assert row.loglik >= expected["loglik"] - 1e-6, name
            assert row.n_params <= expected["n_params"], name


def test_the_likelihood_ratio_test_matches_r(case):
    ref, ours = case
    lrt = ref["lrt"]
    assert ours.lrt.null == lrt["null"]
    assert tuple(ours.lrt.df_mixture) == tuple(lrt["df"])
    assert ours.lrt.statistic == pytest.approx(lrt["statistic"], abs=2e-4)
    assert ours.lrt.p_value == pytest.approx(lrt["p_value"], rel=1e-3, abs=1e-12)
    assert ours.lrt.p_naive >= ours.lrt.p_value


def test_the_boundary_mixture():
    # a point mass at 0 and chi2(1): half the naive p-value for T > 0, 1 at T = 0
    assert mixture_p_value(0.0, (0, 1)) == 1.0
    assert mixture_p_value(2.706, (0, 1)) == pytest.approx(0.05, abs=1e-3)
    assert mixture_p_value(5.138, (1, 2)) == pytest.approx(0.05, abs=1e-3)
