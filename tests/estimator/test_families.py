"""Families and the IRLS GLM: the functions the fit and the scenes share."""
import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from estimator.errors import InputError
from estimator.families import get_family
from estimator.glm import fit_glm

ETA = np.linspace(-3, 3, 13)


@pytest.mark.parametrize("name", ["gaussian", "poisson", "binomial", "gamma"])
def test_link_inverse_and_derivative(name):
    family = get_family(name)
    mu = family.linkinv(ETA)
    assert np.allclose(family.link(mu), ETA)
    h = 1e-6
    numeric = (family.linkinv(ETA + h) - family.linkinv(ETA - h)) / (2 * h)
    assert np.allclose(family.mu_eta(ETA), numeric, rtol=1e-6)


def test_logliks_match_scipy():
    y = np.array([0.0, 1, 3, 7])
    mu = np.array([0.5, 1.5, 2.5, 6.0])
    w = np.ones(4)
    assert get_family("poisson").loglik(y, mu, w) == pytest.approx(stats.poisson.logpmf(y, mu).sum())
    trials = np.array([5.0, 5, 10, 10])
    k = np.array([0.0, 2, 7, 10])
    p = np.array([0.2, 0.4, 0.6, 0.9])
    assert get_family("binomial").loglik(k / trials, p, trials) == pytest.approx(
        stats.binom.logpmf(k, trials, p).sum())
    shape = 3.0
    yg = np.array([0.5, 1.2, 3.3, 0.9])
    assert get_family("gamma").loglik(yg, mu, w, 1 / shape) == pytest.approx(
        stats.gamma.logpdf(yg, shape, scale=mu / shape).sum())


@pytest.mark.parametrize("name, y, fragment", [
    ("poisson", [0, 1.5, 2], "whole counts"), ("poisson", [0, -1, 2], "whole counts"),
    ("binomial", [0, 1, 2], "0/1"), ("gamma", [1.0, 0.0, 2.0], "positive"),
])
def test_invalid_responses(name, y, fragment):
    with pytest.raises(InputError, match=fragment):
        get_family(name).validate(np.array(y, float))


def test_binomial_successes_above_trials():
    with pytest.raises(InputError, match="from 0 to the trials"):
        get_family("binomial").validate(np.array([3.0, 6.0]), np.array([5.0, 5.0]))


@pytest.mark.parametrize("name, sm_family", [
    ("poisson", sm.families.Poisson()), ("binomial", sm.families.Binomial()),
    ("gamma", sm.families.Gamma(sm.families.links.Log())),
])
def test_glm_matches_statsmodels(name, sm_family):
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 4, 300)
    X = np.column_stack([np.ones_like(x), x])
    eta = -0.5 + 0.4 * x
    y = {"poisson": lambda: rng.poisson(np.exp(eta)),
         "binomial": lambda: rng.random(300) < 1 / (1 + np.exp(-eta)),
         "gamma": lambda: rng.gamma(3, np.exp(eta) / 3)}[name]().astype(float)
    ours = fit_glm(y, X, get_family(name))
    ref = sm.GLM(y, X, family=sm_family).fit()
    assert np.allclose(ours.beta, ref.params, rtol=1e-6)
    assert np.allclose(np.sqrt(np.diag(ours.beta_cov)), ref.bse, rtol=1e-4)
    assert ours.converged and not ours.diverged


def test_separation_is_flagged_not_crashed():
    x = np.arange(10.0)
    result = fit_glm(np.zeros(10), np.column_stack([np.ones(10), x]), get_family("binomial"))
    assert result.diverged and not result.converged
