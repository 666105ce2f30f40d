"""deff = 1 + (n̄ − 1) ICC with n̄ = N / J, N_eff = N / deff, and the two standard errors the fit
reports; ignoring the groups understates the intercept's SE for every family."""
import math

import pytest

from estimator.design_effect import design_effect
from estimator.fit import fit
from estimator.presets import load_preset
from estimator.simulate import simulate


@pytest.mark.parametrize("preset", ["default", "poisson", "logistic", "gamma"])
def test_design_effect_from_the_fit(preset):
    scenario = load_preset(preset)
    result = fit(scenario.formula, simulate(scenario).table, family=scenario.family,
                 trials=scenario.trials_column)
    effect = design_effect(result)
    sizes = list(result.group_sizes.values())
    assert effect.n_bar == pytest.approx(sum(sizes) / len(sizes))
    assert effect.icc == pytest.approx(result.icc, rel=1e-9)
    assert effect.deff == pytest.approx(1 + (effect.n_bar - 1) * result.icc)
    assert effect.n_eff == pytest.approx(result.n_obs / effect.deff)
    assert effect.se_complete == result.complete_pooling["fixef_se"]["(Intercept)"]
    assert effect.se_mixed == result.fixef_se["(Intercept)"]
    assert effect.se_ratio > 1          # the clustered data carry less information
    assert effect.n0 <= effect.n_bar and effect.latent == (scenario.family != "gaussian")


def test_balanced_groups_and_no_random_intercept():
    scenario = load_preset("default").replace(group_size_min=10, group_size_max=10, gamma10=0.0)
    table = simulate(scenario).table
    effect = design_effect(fit("y ~ 1 + (1 | group)", table))
    assert effect.balanced and effect.n0 == pytest.approx(effect.n_bar) == 10
    # intercept-only, balanced: the SE ratio is close to sqrt(deff) (exact with known variances)
    assert effect.se_ratio == pytest.approx(math.sqrt(effect.deff), rel=0.1)
    with pytest.raises(ValueError):
        design_effect(fit("y ~ x + (0 + x | group)", table))
