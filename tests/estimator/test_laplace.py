"""The GLMM's inner problem: each family's eta-form log-likelihood and its derivatives (the one
home of that math), conditional modes that depend on nothing but their arguments, and the exact
Laplace gradient against central differences of the deviance."""
import numpy as np
import pytest

from estimator.families import get_family
from estimator.laplace import LaplaceModel
from estimator.lmm import ThetaLayout

ETA = np.linspace(-2.5, 2.5, 11)
H = 1e-6


def responses(name, rng, n):
    if name == "poisson":
        return rng.poisson(2.0, n).astype(float), np.ones(n)
    if name == "binomial":
        trials = rng.integers(1, 6, n).astype(float)
        return rng.binomial(trials.astype(int), 0.4) / trials, trials
    return rng.gamma(3.0, 1.0, n), np.ones(n)


@pytest.mark.parametrize("name", ["poisson", "binomial", "gamma"])
def test_row_terms_are_the_loglik_and_its_derivatives(name):
    family = get_family(name)
    y, w = responses(name, np.random.default_rng(1), len(ETA))
    rows = family.likelihood(y, w)
    shape = 2.5 if name == "gamma" else None
    at = rows.terms(ETA, shape, slope=True)
    up, down = rows.terms(ETA + H, shape, slope=True), rows.terms(ETA - H, shape, slope=True)
    assert np.allclose(at.d1, (up.loglik - down.loglik) / (2 * H), rtol=1e-6, atol=1e-7)
    assert np.allclose(at.curvature, -(up.d1 - down.d1) / (2 * H), rtol=1e-6, atol=1e-7)
    assert np.allclose(at.curvature_slope, (up.curvature - down.curvature) / (2 * H), rtol=1e-6, atol=1e-7)
    dispersion = 1 / shape if shape else None
    mu = family.linkinv(ETA)
    assert family.loglik(y, mu, w, dispersion) == pytest.approx(at.loglik.sum(), rel=1e-12)
    if name == "gamma":
        log_shape = np.log(shape)
        ll = [rows.terms(ETA, np.exp(log_shape + d)).loglik for d in (H, -H)]
        assert np.allclose(rows.shape_score(ETA, shape), (ll[0] - ll[1]) / (2 * H), rtol=1e-6)


def model(name, q, seed=3, n=300, J=15):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, J, n)
    x = rng.normal(size=n)
    X = np.column_stack([np.ones(n), x])
    Z = X[:, :q]
    y, w = responses(name, rng, n)
    return LaplaceModel(y, X, Z, g, J, get_family(name), w, 1, False)


@pytest.mark.parametrize("name, q", [("poisson", 1), ("binomial", 1), ("gamma", 1), ("poisson", 2),
                                     ("binomial", 2)])
def test_laplace_gradient_matches_central_differences(name, q):
    m = model(name, q)
    layout = ThetaLayout(q)
    theta = np.array([0.7, 0.2, 0.4])[:len(layout.start)]
    beta = np.array([0.3, -0.2]) if name != "binomial" else np.array([-0.4, 0.3])
    log_shape = np.log(2.0)
    params = np.concatenate([theta, beta, [log_shape] if m.has_shape else []])
    k = len(theta)

    def deviance(p):
        shape = np.exp(p[-1]) if m.has_shape else None
        return m.deviance(p[:k], p[k:k + 2], shape)[0]

    shape = np.exp(log_shape) if m.has_shape else None
    _, modes = m.deviance(theta, beta, shape)
    exact, slopes = m.laplace_gradient(theta, beta, shape, modes)
    numeric = [(deviance(params + e) - deviance(params - e)) / 2e-5 for e in np.eye(len(params)) * 1e-5]
    assert np.allclose(exact, numeric, rtol=1e-5, atol=1e-5)

    def mode(p):
        shape = np.exp(p[-1]) if m.has_shape else None
        return m.deviance(p[:k], p[k:k + 2], shape)[1].u

    moved = [(mode(params + e) - mode(params - e)) / 2e-5 for e in np.eye(len(params)) * 1e-5]
    assert np.allclose(slopes, np.stack(moved, axis=2), rtol=1e-5, atol=1e-6)


def test_modes_depend_on_their_arguments_not_on_a_warm_start():
    m = model("poisson", 2)
    lam = ThetaLayout(2).matrix(np.array([0.6, 0.1, 0.3]))
    beta = np.array([0.2, 0.1])
    cold = m.modes(beta, lam, None, start=None)
    warm = m.modes(beta, lam, None, start=np.full((15, 2), 0.5))
    wild = m.modes(beta, lam, None, start=np.full((15, 2), np.nan))
    assert np.allclose(cold.u, warm.u, atol=1e-9) and np.array_equal(cold.u, wild.u)


def test_laplace_fit_runs_on_the_exact_gradient_and_is_deterministic():
    """Through fit(): the Laplace optimum costs a few dozen deviance evaluations (on finite
    differences it took 82 here, 130 for the benchmark's 10,000 rows), and two fits agree
    exactly: no state of one fit (warm starts) leaks into the next or into the SEs."""
    from pathlib import Path

    from estimator.fit import fit
    from tests.estimator.support import formula_of, load

    case = load(Path(__file__).parents[1] / "reference" / "glmm" / "poisson_sim.json")
    first, second = (fit(formula_of(case), case["data"], family=case["family"]) for _ in range(2))
    assert first.n_evals < 40
    assert first.fixef_se == second.fixef_se and first.ranef == second.ranef
    assert first.loglik == second.loglik
