"""The LMM against lme4 at its true optimum (fixtures written by tests/reference/lmm_reference.R)."""
import json
from pathlib import Path

import numpy as np
import pytest

from estimator.fit import fit
from estimator.lmm import GroupStats, ThetaLayout, fit_lmm, profiled_pieces

CASES = sorted((Path(__file__).parents[1] / "reference" / "lmm").glob("*.json"))


def load(path):
    return json.loads(path.read_text())


def fitted(case):
    method = "reml" if case["reml"] else "ml"
    return fit(case["formula"], case["data"], method=method)


def close_sd(ours, ref, rel=1e-3, floor=1e-3):
    return abs(ours - ref) <= rel * abs(ref) + floor * rel


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_matches_lme4(path):
    case = load(path)
    result = fitted(case)
    for name, value in case["fixef"].items():
        assert result.fixef[name] == pytest.approx(value, rel=1e-4, abs=1e-8), name
        assert result.fixef_se[name] == pytest.approx(case["se"][name], rel=1e-3), name
    ref_cov = np.array(case["re_cov"], float).reshape(len(result.re_terms), -1)
    ref_sd = np.sqrt(np.diag(ref_cov))
    ours_sd = np.array([result.re_sd[t] for t in result.re_terms])
    assert np.allclose(ours_sd, ref_sd, rtol=1e-3, atol=1e-3 * max(1.0, case["sigma"]) * 1e-1)
    if len(ref_sd) == 2 and ref_sd.min() > 1e-3 * case["sigma"]:
        ref_corr = ref_cov[0, 1] / (ref_sd[0] * ref_sd[1])
        assert result.re_corr[0][1] == pytest.approx(ref_corr, abs=2e-3)
    assert result.sigma == pytest.approx(case["sigma"], rel=1e-3)
    assert result.loglik == pytest.approx(case["loglik"], abs=1e-3)
    assert result.aic == pytest.approx(case["aic"], abs=2e-3)
    assert result.bic == pytest.approx(case["bic"], abs=2e-3)
    assert result.singular == case["singular"]
    assert result.converged
    ours_ranef = np.array([result.ranef[g] for g in case["ranef"]])
    ref_ranef = np.array(list(case["ranef"].values()), float).reshape(ours_ranef.shape)
    scale = np.abs(ref_ranef).max() + case["sigma"] * 1e-2
    assert np.abs(ours_ranef - ref_ranef).max() <= 2e-3 * scale
    ours_cv = np.array([result.ranef_condvar[g] for g in case["condvar"]])
    ref_cv = np.array([np.array(v, float).reshape(ours_cv.shape[1:]) for v in case["condvar"].values()])
    if "||" in case["formula"]:
        # lme4 reports '||' terms' conditional variances block by block (no cross terms); ours
        # is the joint conditional covariance, whose diagonal must agree.
        ours_cv, ref_cv = np.diagonal(ours_cv, axis1=1, axis2=2), np.diagonal(ref_cv, axis1=1, axis2=2)
    assert np.abs(ours_cv - ref_cv).max() <= 3e-3 * (np.abs(ref_cv).max() + 1e-12)


def test_finds_a_better_optimum_where_lme4_defaults_stop_short():
    short = [load(p) for p in CASES if load(p)["default_loglik"] < load(p)["loglik"] - 1e-3]
    assert short, "the fixtures include a case where lme4's defaults stop short"
    for case in short:
        assert fitted(case).loglik >= case["default_loglik"] - 1e-6


def _sim(seed=3, J=12, slope=True):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 20, J)
    g = np.repeat(np.arange(J), sizes)
    x = rng.uniform(0, 10, len(g))
    u = rng.normal(0, [2.0, 0.5], (J, 2))
    y = 5 + u[g, 0] + (1 + u[g, 1] * slope) * x + rng.normal(0, 1, len(g))
    return y, np.column_stack([np.ones_like(x), x]), g, J


@pytest.mark.parametrize("reml", [True, False])
def test_optimum_beats_perturbed_thetas(reml):
    y, X, g, J = _sim()
    sol = fit_lmm(y, X, X, g, J, reml=reml)
    layout = ThetaLayout(2)
    stats = GroupStats(y, X, X, g, J)
    rng = np.random.default_rng(0)
    for _ in range(20):
        theta = np.maximum(sol.theta + rng.normal(0, 0.05, 3), [0, -np.inf, 0])
        assert profiled_pieces(stats, layout.matrix(theta), reml)["objective"] >= sol.objective - 1e-7


def test_rescaling_x_maps_back_exactly():
    y, X, g, J = _sim(seed=5)
    a = fit_lmm(y, X, X, g, J, reml=False)
    k = 1000.0
    Xs = X * np.array([1.0, k])
    b = fit_lmm(y, Xs, Xs, g, J, reml=False)
    assert b.loglik == pytest.approx(a.loglik, abs=1e-6)
    assert b.beta[1] * k == pytest.approx(a.beta[1], rel=1e-5)
    assert b.re_cov[1, 1] * k ** 2 == pytest.approx(a.re_cov[1, 1], rel=1e-3)
    assert np.allclose(b.ranef[:, 1] * k, a.ranef[:, 1], rtol=1e-3, atol=1e-5)


def test_intercept_shrinkage_is_the_textbook_lambda():
    y, X, g, J = _sim(seed=8, slope=False)
    table = {"g": [str(v) for v in g], "x": X[:, 1].tolist(), "y": y.tolist()}
    result = fit("y ~ x + (1 | g)", table)
    tau2, s2 = result.re_cov[0][0], result.sigma ** 2
    for label, lam in result.shrinkage.items():
        n = result.group_sizes[label]
        assert lam == pytest.approx(tau2 / (tau2 + s2 / n), rel=1e-12)
        # In the intercept-only model it equals the reliability 1 - Var(b_j|y) / tau^2.
        assert lam == pytest.approx(1 - result.ranef_condvar[label][0][0] / tau2, rel=1e-6)
    assert result.icc == pytest.approx(tau2 / (tau2 + s2))
