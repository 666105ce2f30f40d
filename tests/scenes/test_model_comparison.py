"""ModelComparison through the console command: the AIC/BIC table and the LRT slide show exactly
what estimator.comparison computes for the scene's data (read back from screen_numbers.json),
for a Gaussian and a binomial model, and the question slide hides the answer."""
from __future__ import annotations

import json

import pytest

from estimator.comparison import compare_pooling, mixture_critical_value
from estimator.presets import load_preset
from estimator.simulate import simulate
from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


@pytest.mark.parametrize("preset", ["default", "logistic"])
def test_the_slides_show_the_comparisons_numbers(tmp_path, preset):
    result = run_cli(tmp_path, "stills", "ModelComparison", "-q", "low", "--preset", preset)
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["ModelComparison"]}
    scenario = load_preset(preset)
    expected = compare_pooling(scenario.formula, simulate(scenario).table, scenario.family,
                               scenario.trials_column)
    numbers = lambda slide: {n for item in slides[slide] for n in item["numbers"]}  # noqa: E731
    criteria = numbers("criteria")
    for row in expected.rows().values():
        assert {round(row.aic, 1), round(row.bic, 1), row.n_params} <= criteria
    assert not {round(row.aic, 1) for row in expected.rows().values()} & numbers("question")
    lrt = numbers("lrt")
    assert round(expected.lrt.statistic, 2) in lrt
    assert round(mixture_critical_value(0.05, expected.lrt.df_mixture), 2) in lrt
    texts = " ".join(item["text"] for item in slides["lrt"])
    assert "boundary" in texts and "naive" in texts


def test_the_lrt_labels_stay_clear_of_the_curve_and_the_lines():
    """At 12 groups the density curve ran through "½ at T = 0" and the naive cut-off's dashed
    line through the "5 % boundary" label; both are placed clear of them now (no render needed)."""
    import numpy as np

    from scenes.model_comparison import ModelComparison
    from scenes.theme import current_theme

    scenario = load_preset("default").replace(n_groups=6)
    comparison = compare_pooling(scenario.formula, simulate(scenario).table, scenario.family,
                                 scenario.trials_column)
    scene = ModelComparison()
    scene.theme = current_theme()
    parts, _ = scene._lrt(comparison)
    curve, spike_label, naive, labels = parts[1], parts[3], parts[5], parts[6]
    points = curve.get_points()
    left, right = spike_label.get_left()[0], spike_label.get_right()[0]
    under = points[(points[:, 0] >= left) & (points[:, 0] <= right)]
    assert len(under) == 0 or under[:, 1].max() < spike_label.get_bottom()[1]
    boundary_label = labels[0]
    assert naive.get_top()[1] < boundary_label.get_bottom()[1]
    assert naive.get_x() < boundary_label.get_right()[0]   # the case the fix is for: the line is under it


def test_the_table_keeps_its_size_at_100_groups():
    """At 100 groups five-digit criteria and a three-digit npar made the table too wide: it was
    scaled to 17 pt. It drops the decimal (differences of 2 still show) instead."""
    from manim import Text, VGroup

    from scenes.model_comparison import ModelComparison
    from scenes.theme import LABEL_SIZE, LIGHT
    from scenes.vocab import PLOT_REGION
    from tests.scenes.rendering import text_size

    scenario = load_preset("default").replace(n_groups=100)
    comparison = compare_pooling(scenario.formula, simulate(scenario).table, scenario.family,
                                 scenario.trials_column)
    scene = ModelComparison.__new__(ModelComparison)   # the table alone: no render
    scene.theme = LIGHT
    group, cells = scene._table(comparison)
    texts = [t for t in group.get_family() if isinstance(t, Text)]
    texts += [t for row in cells.values() for cell in row[1:] for t in cell.get_family() if isinstance(t, Text)]
    assert min(text_size(t) for t in texts) >= LABEL_SIZE - 0.05
    assert VGroup(group, *[c for row in cells.values() for c in row[1:]]).width <= PLOT_REGION.width + 1e-6
    aic = {key: cells[key][3].original_text for key in cells}
    assert all("." not in text for text in aic.values())
