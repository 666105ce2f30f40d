"""Repeated sampling: 200 (here fewer) simulated data sets fitted three ways through fit(); the
expected error of each method with its Monte Carlo error, by group size."""
from __future__ import annotations

import numpy as np
import pytest

from estimator.presets import load_preset
from estimator.repeated import METHODS, repeated_sampling


def test_small_noisy_groups_favour_partial_pooling():
    result = repeated_sampling(load_preset("small-groups"), 40)
    assert result.errors["partial"].shape == (40, 12)
    assert all(result.rmse_se[m] > 0 for m in METHODS)
    assert result.best() == "partial"
    # the gain is largest where groups are smallest: no pooling's error falls with n
    small, *_, large = result.rmse_by_size["no_pool"]
    assert small > large
    assert result.rmse_by_size["partial"][0] < result.rmse_by_size["no_pool"][0]


def test_errors_are_estimates_minus_the_simulated_truth():
    scenario = load_preset("default")
    result = repeated_sampling(scenario, 3)
    # complete pooling: one intercept for all groups, so its errors differ only by -u0j
    from estimator.simulate import simulate

    truth = simulate(scenario).truth["intercepts"]
    spread = result.errors["complete"][0] + truth
    assert np.allclose(spread, spread[0])


def test_groups_without_an_own_estimate_are_counted_not_hidden():
    result = repeated_sampling(load_preset("logistic"), 8)
    assert result.n_missing["no_pool"] > 0 and result.n_missing["partial"] == 0
    assert np.isfinite(result.rmse["no_pool"])


def test_the_verdict_needs_more_than_monte_carlo_noise():
    result = repeated_sampling(load_preset("default"), 30)
    # partial and no pooling are within noise of each other for the default's large groups
    if abs(result.rmse["partial"] - result.rmse["no_pool"]) < 2 * np.hypot(result.rmse_se["partial"],
                                                                             result.rmse_se["no_pool"]):
        assert result.clearly_best() is None


def test_fewer_than_two_data_sets_is_refused():
    with pytest.raises(ValueError):
        repeated_sampling(load_preset("default"), 1)
