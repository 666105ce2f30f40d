"""GLMMs against glmer at its true optimum (glmmTMB for Gamma); fixtures from
tests/reference/glmm_reference.R."""
from pathlib import Path

import numpy as np
import pytest

from estimator.fit import fit
from tests.estimator.support import formula_of, load

CASES = sorted((Path(__file__).parents[1] / "reference" / "glmm").glob("*.json"))


def full_loglik(case):
    """lme4's nAGQ > 1 logLik omits the saturated log-likelihood; ours (like its Laplace logLik
    and glmmTMB's) is the full marginal log-likelihood, so add the constant back."""
    return case["loglik"] + (case["loglik_saturated"] if case["nagq"] > 1 else 0.0)


def fitted(case):
    return fit(formula_of(case), case["data"], family=case["family"], nagq=case["nagq"],
               trials=case.get("trials"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_matches_reference(path):
    case = load(path)
    result = fitted(case)
    for name, value in case["fixef"].items():
        assert result.fixef[name] == pytest.approx(value, rel=2e-3, abs=2e-4), name
        assert result.fixef_se[name] == pytest.approx(case["se_rx"][name], rel=2e-2), name
    q = len(result.re_terms)
    ref_sd = np.sqrt(np.diag(np.array(case["re_cov"], float).reshape(q, q)))
    ours_sd = np.array([result.re_sd[t] for t in result.re_terms])
    assert np.allclose(ours_sd, ref_sd, rtol=1e-2, atol=1e-3)
    assert result.loglik == pytest.approx(full_loglik(case), abs=2e-2)
    assert result.aic == pytest.approx(-2 * full_loglik(case) + (case["aic"] + 2 * case["loglik"]), abs=4e-2)
    assert result.converged
    if case["family"] == "gamma":
        assert result.sigma == pytest.approx(case["sigma"], rel=1e-2)
    ours = np.array([result.ranef[g] for g in case["ranef"]])
    ref = np.array(list(case["ranef"].values()), float).reshape(ours.shape)
    assert np.abs(ours - ref).max() <= 2e-2 * (np.abs(ref).max() + 0.1)


def test_at_least_as_good_as_glmer_defaults():
    for case in map(load, CASES):
        if case.get("default_loglik") is not None and case["family"] != "gamma":
            saturated = case["loglik_saturated"] if case["nagq"] > 1 else 0.0
            assert fitted(case).loglik >= case["default_loglik"] + saturated - 1e-3


def test_laplace_and_agq_differ_as_lme4_does():
    by_name = {p.stem: load(p) for p in CASES}
    lap, agq = fitted(by_name["cbpp_laplace"]), fitted(by_name["cbpp_agq25"])
    assert agq.method == "AGQ(25)" and lap.method == "Laplace"
    ref_gap = full_loglik(by_name["cbpp_agq25"]) - full_loglik(by_name["cbpp_laplace"])
    assert agq.loglik - lap.loglik == pytest.approx(ref_gap, abs=2e-2)


def test_all_zero_group_is_flagged_in_no_pooling_not_crashed():
    rng = np.random.default_rng(9)
    groups = np.repeat(["a", "b", "c", "d", "e", "f"], 25)
    x = rng.normal(size=len(groups))
    p = 1 / (1 + np.exp(-(0.3 + 0.8 * x + np.repeat(rng.normal(0, 0.8, 6), 25))))
    y = (rng.random(len(groups)) < p).astype(float)
    y[groups == "c"] = 0.0
    table = {"g": list(groups), "x": x.tolist(), "y": y.tolist()}
    result = fit("y ~ x + (1 | g)", table, family="binomial")
    assert result.converged
    assert "c" in result.no_pooling["not_estimable"]
    assert result.ranef["c"][0] < 0
