"""Scenes 5-8 (variance/ICC, random slopes, link functions, results) render at -ql, leave a
still for every declared slide point, keep text inside the frame, and show exactly the
estimator's numbers (record_number values == FitResult values)."""
from __future__ import annotations

import numpy as np
import pytest
from manim import MathTex, Text

from scenes import context
from scenes.family_guide import FamilyGuide
from scenes.link_functions import GammaLink, LinkFunction, LogisticLink, family_lecture
from scenes.random_slopes import RandomEffectsScatter, RandomSlopes, slope_lecture
from scenes.results import ModelResults
from scenes.variance import VarianceComponents
from estimator.presets import load_preset
from tests.scenes.rendering import render_low, use_preset

FRAME_HALF_WIDTH, FRAME_HALF_HEIGHT = 8.0 * 16 / 9 / 2, 4.0


def render(scene_cls, tmp_path, monkeypatch):
    scene = render_low(scene_cls, tmp_path, monkeypatch)
    for mobject in scene.mobjects:
        for text in mobject.get_family():
            if isinstance(text, (Text, MathTex)) and text.width > 0 and text.get_fill_opacity() > 0.05:
                assert abs(text.get_right()[0]) <= FRAME_HALF_WIDTH and abs(text.get_left()[0]) <= FRAME_HALF_WIDTH
                assert abs(text.get_top()[1]) <= FRAME_HALF_HEIGHT and abs(text.get_bottom()[1]) <= FRAME_HALF_HEIGHT
    return scene


@pytest.mark.parametrize("preset", ["default", "small-groups"])
def test_variance_components_show_the_fit(preset, tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, preset)
    fit = lecture.fit()
    scene = render(VarianceComponents, tmp_path, monkeypatch)
    assert scene.displayed["tau0_sq"] == pytest.approx(fit.re_cov[0][0])
    assert scene.displayed["sigma_sq"] == pytest.approx(fit.sigma ** 2)
    assert scene.displayed["icc"] == pytest.approx(fit.icc)


def test_random_slopes_use_a_slope_scenario(tmp_path, monkeypatch):
    use_preset(monkeypatch, tmp_path, "default")
    lecture, note = slope_lecture()
    assert note and lecture.scenario.name == "fan-out"
    fit = lecture.fit()
    scene = render(RandomSlopes, tmp_path, monkeypatch)
    assert scene.displayed["tau1"] == pytest.approx(fit.re_sd["x"])
    scatter = render(RandomEffectsScatter, tmp_path, monkeypatch)
    assert scatter.displayed["tau0_sq"] == pytest.approx(fit.re_cov[0][0])
    assert scatter.displayed["cov01"] == pytest.approx(fit.re_cov[0][1])
    assert scatter.displayed["rho"] == pytest.approx(fit.re_corr[0][1])


@pytest.mark.parametrize("scene_cls", [LinkFunction, LogisticLink, GammaLink])
def test_link_scenes_draw_the_glmm_fit(scene_cls, tmp_path, monkeypatch):
    use_preset(monkeypatch, tmp_path, "default")
    fit = family_lecture(scene_cls.family_name, scene_cls.presets[0]).fit()
    assert fit.family == scene_cls.family_name and fit.converged and not fit.singular
    scene = render(scene_cls, tmp_path, monkeypatch)
    assert scene.displayed["gamma00"] == pytest.approx(fit.fixef["(Intercept)"])
    assert scene.displayed["icc"] == pytest.approx(fit.icc)


def test_family_guide_and_results(tmp_path, monkeypatch):
    lecture = use_preset(monkeypatch, tmp_path, "fan-in")
    fit = lecture.fit()
    render(FamilyGuide, tmp_path, monkeypatch)
    scene = render(ModelResults, tmp_path, monkeypatch)
    for name, value in fit.fixef.items():
        assert scene.displayed[f"mixed_{name}"] == pytest.approx(value)
        assert scene.displayed[f"complete_{name}"] == pytest.approx(fit.complete_pooling["fixef"][name])
    assert scene.displayed["corr"] == pytest.approx(fit.re_corr[0][1])
    assert scene.displayed["aic"] == pytest.approx(fit.aic)
    assert scene.displayed["sigma"] == pytest.approx(fit.sigma)


def test_negative_covariance_renders_in_tex(tmp_path, monkeypatch):
    """fan-in has rho < 0: the matrix's minus signs must reach TeX as ASCII."""
    lecture = use_preset(monkeypatch, tmp_path, "fan-in")
    fit = lecture.fit()
    assert fit.re_cov[0][1] < 0
    scene = render(RandomEffectsScatter, tmp_path, monkeypatch)
    assert scene.displayed["cov01"] == pytest.approx(fit.re_cov[0][1])


def test_user_csv_labels_come_from_its_columns(tmp_path, monkeypatch):
    csv = tmp_path / "mine.csv"
    csv.write_text("clinic,dose,events\n" + "".join(f"c{j % 4},{j % 7},{(j * 3) % 5}\n" for j in range(40)))
    path = tmp_path / "input.json"
    context.write_input_file(str(path), load_preset("default").replace(family="poisson"),
                             data_csv=str(csv), formula="events ~ dose + (1 | clinic)")
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    lecture = context.lecture_input()
    s = lecture.scenario
    assert (s.x_label, s.y_label, s.group_label) == ("dose", "events", "clinic")
    assert not lecture.has_truth and lecture.fit().family == "poisson"
    context.lecture_input.cache_clear()


def test_results_table_says_NA_where_no_pooling_cannot_be_estimated(tmp_path, monkeypatch):
    """One row per group: glmer fits it (an observation-level effect), the groups' own fits
    cannot be made; the table must say NA there, not crash on NaN."""
    path = tmp_path / "input.json"
    scenario = load_preset("poisson").replace(group_size_min=1, group_size_max=1, n_groups=30)
    context.write_input_file(str(path), scenario)
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    fit = context.lecture_input().fit()
    scene = render(ModelResults, tmp_path, monkeypatch)
    assert np.isnan(scene.displayed["no_pool_intercept_min"])
    assert scene.displayed["mixed_(Intercept)"] == pytest.approx(fit.fixef["(Intercept)"])
    context.lecture_input.cache_clear()
