"""Scenes 1-4 (data generation, Simpson, pooling, shrinkage) render at -ql, leave a still for
every declared slide point, keep text inside the safe area without overlaps, and show exactly
the estimator's numbers (record_number values == FitResult values)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scenes.vocab import (INTERCEPT_TERM, coef_pairs, focus_group, nice_ticks,
                           scene_fit, spread_positions)
from scenes.data_generation import DataGeneration
from scenes.pooling import PoolingComparison, intercept_errors, root_mean_square
from scenes.pooling_tradeoff import PoolingTradeoff
from scenes.shrinkage import ShrinkageDiagram, ShrinkageSweep, sweep_fits
from scenes.shrinkage_map import ShrinkageMap
from scenes.simpson import SimpsonReversal
from scenes.theme import fmt
from tests.scenes.rendering import render_checked, use_preset


def _close(shown: dict, key: str, expected: float):
    assert key in shown, key
    assert math.isclose(shown[key], expected, rel_tol=1e-9, abs_tol=1e-9), (key, shown[key], expected)


# --------------------------------------------------------------------------------------------
# Layout helpers
# --------------------------------------------------------------------------------------------

def test_nice_ticks_cover_the_range():
    for lo, hi in ((-7, 11), (0, 9.98), (41.2, 62.7), (0.1, 0.9), (-0.6, 2.6)):
        start, stop, step = nice_ticks(lo, hi)
        assert start <= lo and stop >= hi and 3 <= round((stop - start) / step) <= 9


def test_spread_positions_keep_order_gap_and_bounds():
    targets = [0.0, 0.05, 0.1, 3.0, 3.02, -5.0]
    placed = spread_positions(targets, 0.3, -1.0, 3.1)
    assert np.argsort(placed).tolist() == np.argsort(targets, kind="stable").tolist()
    ordered = sorted(placed)
    assert all(b - a >= 0.3 - 1e-9 for a, b in zip(ordered, ordered[1:]))
    assert min(placed) >= -1.0 - 1e-9 and max(placed) <= 3.1 + 1e-9


# --------------------------------------------------------------------------------------------
# Scenes on the default preset: numbers equal the fit's
# --------------------------------------------------------------------------------------------

def test_data_generation(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "default")
    scene = render_checked(DataGeneration, tmp_path, monkeypatch)
    s = lecture.scenario
    for key in ("gamma00", "gamma10", "tau0", "sigma"):
        _close(scene.displayed, key, getattr(s, key))
    _close(scene.displayed, "n_obs", len(lecture.table["y"]))
    _close(scene.displayed, "n_groups", s.n_groups)


def test_simpson_reversal_on_the_simpson_preset(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "simpson")
    fit = scene_fit(lecture)
    assert fit.simpson["reversed"]
    scene = render_checked(SimpsonReversal, tmp_path, monkeypatch)
    _close(scene.displayed, "pooled_slope", fit.simpson["pooled_slope"])
    _close(scene.displayed, "pooled_slope", fit.complete_pooling["fixef"]["x"])
    _close(scene.displayed, "gamma10_hat", fit.fixef["x"])
    own = [v["x"] for v in fit.no_pooling["separate"].values() if v]
    _close(scene.displayed, "group_slope_min", min(own))
    _close(scene.displayed, "group_slope_max", max(own))


def test_pooling_comparison(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "default")
    fit = scene_fit(lecture)
    scene = render_checked(PoolingComparison, tmp_path, monkeypatch)
    shown = scene.displayed
    _close(shown, "complete_b0", fit.complete_pooling["fixef"][INTERCEPT_TERM])
    _close(shown, "complete_b1", fit.complete_pooling["fixef"]["x"])
    focus = focus_group(fit)
    _close(shown, "focus_no_pool", fit.no_pooling["common_slope"][focus][INTERCEPT_TERM])
    _close(shown, "focus_partial", fit.group_coefficients()[focus][INTERCEPT_TERM])
    _close(shown, "tau0_hat", fit.re_sd[INTERCEPT_TERM])
    _close(shown, "sigma_hat", fit.sigma)
    for label, n in fit.group_sizes.items():
        _close(shown, f"n[{label}]", n)


def test_shrinkage_diagram(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "default")
    fit = scene_fit(lecture)
    scene = render_checked(ShrinkageDiagram, tmp_path, monkeypatch)
    shown = scene.displayed
    focus = focus_group(fit)
    _close(shown, "gamma00_hat", fit.fixef[INTERCEPT_TERM])
    _close(shown, f"lambda[{focus}]", fit.shrinkage[focus])
    _close(shown, "tau0_sq", fit.re_cov[0][0])
    _close(shown, "sigma_sq", fit.sigma ** 2)
    # The substituted formula adds up to the lambda it shows, also from the rounded numbers a
    # student reads off the slide.
    tau2, n = fit.re_cov[0][0], fit.group_sizes[focus]
    assert math.isclose(tau2 / (tau2 + fit.sigma ** 2 / n), fit.shrinkage[focus], rel_tol=1e-6)
    read = {key: float(fmt(shown[key]).replace("\u2212", "-")) for key in ("tau0_sq", "sigma_sq")}
    recomputed = read["tau0_sq"] / (read["tau0_sq"] + read["sigma_sq"] / n)
    assert fmt(recomputed) == fmt(fit.shrinkage[focus]) or abs(recomputed - fit.shrinkage[focus]) < 2e-3


def test_shrinkage_sweep_refits_every_step(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "default")
    scene = render_checked(ShrinkageSweep, tmp_path, monkeypatch)
    last = ShrinkageSweep.path[-1]
    true_tau, fit = sweep_fits(lecture.scenario, [last])[last]
    focus = focus_group(scene_fit(lecture))
    _close(scene.displayed, "tau0", true_tau)
    _close(scene.displayed, "tau0_hat", fit.re_sd[INTERCEPT_TERM])
    _close(scene.displayed, f"lambda[{focus}]", fit.shrinkage[focus])


# --------------------------------------------------------------------------------------------
# The densest preset (12 unbalanced groups) and random slopes
# --------------------------------------------------------------------------------------------

def test_pooling_tradeoff_on_small_groups(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "small-groups")
    fit = scene_fit(lecture)
    scene = render_checked(PoolingTradeoff, tmp_path, monkeypatch)
    data = lecture.data
    order = [list(data.group_labels).index(label) for label in fit.group_labels]
    errors = intercept_errors({k: coef_pairs(fit, k) for k in ("complete", "no_pool", "partial")},
                              np.asarray(data.truth["intercepts"])[order])
    for kind, err in errors.items():
        _close(scene.displayed, f"rmse[{kind}]", root_mean_square(err))
    assert len(fit.group_labels) == 12


def test_shrinkage_map_with_random_slopes(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "fan-out")
    fit = scene_fit(lecture)
    assert len(fit.re_terms) == 2
    scene = render_checked(ShrinkageMap, tmp_path, monkeypatch)
    _close(scene.displayed, "gamma00_hat", fit.fixef[INTERCEPT_TERM])
    _close(scene.displayed, "gamma10_hat", fit.fixef["x"])
    _close(scene.displayed, "rho_hat", fit.re_corr[0][1])


@pytest.mark.parametrize("scene_cls", [PoolingComparison, ShrinkageDiagram])
def test_twelve_groups_fit_the_frame(scene_cls, tmp_path, monkeypatch):
    use_preset(monkeypatch, tmp_path, "small-groups")
    render_checked(scene_cls, tmp_path, monkeypatch)
