"""Readable at any number of groups and on any slide: labels thin out (with a note) instead of
colliding, group marks keep a unique (colour, shape) pair, axes respect the outcome and fit long
titles, plurals read as English, and transparent stills have no white fringes."""
from __future__ import annotations

import itertools
import shutil

import numpy as np
import pytest
from click.testing import CliRunner
from manim import Text

from scenes.theme import DARK, LIGHT, THEMES
from scenes.vocab import (PLOT_REGION, TITLE_REGION, count_of, crowd_scale, data_cloud, end_labels,
                          group_key, group_lines, highlight_groups, labels_note, make_axes,
                          padded_range, plural, thin_labels)


def _visible_texts(group):
    found = []

    def walk(m):
        if isinstance(m, Text):
            if m.get_fill_opacity() > 0.05:
                found.append(m)
            return
        for sub in m.submobjects:
            walk(sub)

    walk(group)
    return found


def _overlap(a, b, tol=0.01) -> bool:
    dx = min(a.get_right()[0], b.get_right()[0]) - max(a.get_left()[0], b.get_left()[0])
    dy = min(a.get_top()[1], b.get_top()[1]) - max(a.get_bottom()[1], b.get_bottom()[1])
    return dx > tol and dy > tol


# ---------------------------------------------------------------- words
@pytest.mark.parametrize("word, expected", [
    ("class", "classes"), ("child", "children"), ("person", "people"), ("school", "schools"),
    ("box", "boxes"), ("church", "churches"), ("dish", "dishes"), ("city", "cities"),
    ("day", "days"), ("hospital ward", "hospital wards"), ("Class", "Classes"), ("sheep", "sheep"),
    ("school (by size)", "schools (by size)")])
def test_plural(word, expected):
    assert plural(word) == expected
    assert plural(word, 1) == word


def test_count_of():
    assert count_of(15, "class") == "15 classes" and count_of(1, "class") == "1 class"


@pytest.mark.parametrize("value, shown", [(0.09996, "0.100"), (-0.09996, "\u22120.100"), (9.996, "10.0"),
                                          (0.0999, "0.0999"), (0.569, "0.569"), (1e-7, "0.0000")])
def test_numbers_keep_three_significant_digits_when_they_round_up_a_decade(value, shown):
    """A slope of 0.09996 was shown as '0.1000' (SimpsonReversal, binomial-trials at 30 groups)."""
    from scenes.theme import fmt

    assert fmt(value) == shown


# ---------------------------------------------------------------- many groups
def test_crowd_scale_thins_past_twelve_groups():
    assert crowd_scale(8) == crowd_scale(12) == 1.0
    assert 0.6 < crowd_scale(30) < 0.7 and crowd_scale(100) == pytest.approx(0.35)
    assert crowd_scale(500) == pytest.approx(0.35)


def test_thin_labels_keeps_priority_and_extremes_and_fits():
    targets = list(np.linspace(0, 3, 60))
    kept = thin_labels(targets, 0.3, 0.0, 3.0, priority=[17])
    assert 17 in kept and 0 in kept and 59 in kept
    assert len(kept) <= 11
    assert thin_labels([0.0, 1.0, 2.0], 0.3, 0.0, 3.0) == [0, 1, 2]


def test_highlight_groups_puts_the_story_first():
    sizes = [10, 3, 40, 12, 12]
    shift = [0.1, -2.0, 0.0, 0.5, 0.2]
    values = [5.0, 1.0, 9.0, 3.0, 7.0]
    chosen = highlight_groups(5, 4, focus=[3], sizes=sizes, shift=shift, values=values)
    assert chosen[:3] == [3, 1, 2]          # focus, smallest (also most shrunk), largest
    assert len(chosen) == 4 and len(set(chosen)) == 4


def test_labels_note_names_the_group_word():
    assert labels_note(12, 30, "class") == "labels shown for 12 of 30 classes"
    assert labels_note(30, 30) == ""


@pytest.mark.parametrize("n_groups", [12, 30, 100])
def test_end_labels_never_collide(n_groups):
    axes = make_axes((0, 10), (0, 100), "x", "y", LIGHT, right_gutter=1.6)
    items = [(f"G{j + 1:02d} n={j}", 40 + 20 * np.sin(j), LIGHT.group_color(j)) for j in range(n_groups)]
    labels = end_labels(axes, items, LIGHT, priority=[5], group_word="class")
    texts = _visible_texts(labels)
    assert all(not _overlap(a, b) for a, b in itertools.combinations(texts, 2))
    assert labels[5].shown
    assert len(labels) == n_groups + (labels.note is not None)
    if n_groups > 12:
        assert labels.note is not None and labels.shown_count < n_groups
        note = " ".join(t.original_text for t in labels.note)
        assert note == f"{labels.shown_count} of {n_groups} classes labelled"
    for t in texts:
        assert t.get_right()[0] <= PLOT_REGION.right + 0.02 and t.get_top()[1] <= PLOT_REGION.top + 0.02


@pytest.mark.parametrize("n_groups", [27, 60, 100])
def test_row_labels_thin_out_with_a_note(n_groups):
    rows = {float(r): f"G{r + 1:02d}" for r in range(n_groups)}
    axes = make_axes((0, 10), (-0.6, n_groups - 0.4), "intercept", "school", DARK,
                     y_tick_labels=rows, y_tick_priority=[7.0])
    texts = _visible_texts(axes)
    assert all(not _overlap(a, b) for a, b in itertools.combinations(texts, 2))
    assert axes.row_shown[7.0] and axes.row_shown[0.0] and axes.row_shown[float(n_groups - 1)]
    shown = sum(axes.row_shown.values())
    assert shown < n_groups
    assert axes.rows_note.original_text == f"labels shown for {shown} of {n_groups} schools"


def test_colour_and_shape_pairs_are_unique_past_seven_groups():
    for theme in THEMES.values():
        styles = [theme.group_style(j) for j in range(35)]
        assert len(set(styles)) == 35
        assert theme.group_color(3) == theme.group_color(10) and theme.group_shape(3) != theme.group_shape(10)


def test_group_lines_and_clouds_get_lighter_with_many_groups():
    axes = make_axes((0, 10), (0, 10), "x", "y", DARK)
    few = group_lines(axes, [(5, 0.1)] * 8, DARK, stroke_width=3)
    many = group_lines(axes, [(5, 0.1)] * 100, DARK, stroke_width=3)
    assert many[0].get_stroke_width() < 0.4 * few[0].get_stroke_width()
    assert many[0].get_stroke_opacity() < few[0].get_stroke_opacity()
    g = np.repeat(np.arange(100), 2)
    cloud = data_cloud(axes, np.ones(200), np.ones(200), g, DARK)
    assert cloud.groups[0][0].get_fill_opacity() < 0.85
    assert len(group_key([f"G{j}" for j in range(20)], LIGHT, [0, 7, 14])) == 1


# ---------------------------------------------------------------- axes
@pytest.mark.parametrize("outcome, values, low, high", [
    ("count", [0, 1, 3, 12], 0.0, None), ("positive", [0.2, 5.0], 0.0, None),
    ("probability", [0.0, 0.3, 1.0], 0.0, 1.0)])
def test_axes_respect_the_outcome(outcome, values, low, high):
    lim = padded_range(values, outcome=outcome)
    assert lim[0] >= low and (high is None or lim[1] <= high)
    axes = make_axes((0, 1), (min(values) - 0.5, max(values) + 0.5), "x", "y", LIGHT, outcome=outcome)
    assert axes.y_lim[0] >= low and (high is None or axes.y_lim[1] <= high + 1e-9)
    ticks = [float(t.original_text.replace("\u2212", "-")) for t in axes.y_numbers]
    assert min(ticks) >= low and (high is None or max(ticks) <= high + 1e-9)


def test_long_axis_titles_fit_the_plot():
    long_x = "slope (exam score per hours of homework per week) for each of the schools"
    long_y = "exam score per hours of homework per week in every school of the district"
    axes = make_axes((0, 10), (0, 100), long_x, long_y, LIGHT, right_gutter=1.5)
    x_axis = axes.axes.x_axis
    assert axes.x_label.width <= x_axis.width + 1e-6
    assert len(axes.x_label.lines) == 2 and axes.x_label.font_size >= 14
    assert axes.y_label.height <= axes.axes.y_axis.height + 1e-6
    assert axes.y_label.get_top()[1] < TITLE_REGION.bottom
    assert PLOT_REGION.contains(axes)


# ---------------------------------------------------------------- transparent stills
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="needs ffmpeg (scripts/bootstrap.sh)")
def test_transparent_light_still_has_no_white_fringes(tmp_path, monkeypatch):
    from PIL import Image

    from scripts.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["stills", "TitleCard", "-q", "low", "--theme", "light",
                                      "--transparent", "--quiet", "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [png] = list((tmp_path / "media").glob("*/low-light/stills/png-transparent/TitleCard-*.png"))
    pixels = np.asarray(Image.open(png).convert("RGBA")).reshape(-1, 4).astype(int)
    edge = pixels[(pixels[:, 3] > 10) & (pixels[:, 3] < 245)]
    assert len(edge) > 100                           # anti-aliased text is there
    near_white = (edge[:, :3].min(axis=1) > 200)
    # the title card's text is the foreground (#1A1A1A) and dark colours: edges must be too
    assert near_white.mean() < 0.05, near_white.mean()


# ---------------------------------------------------------------- results table
def test_results_table_names_the_predictor_and_the_slope_spread(tmp_path, monkeypatch):
    from manim import Text as _Text

    from scenes.results import ModelResults, fixef_names, own_range, sd_row_name
    from tests.scenes.rendering import render_low

    from estimator.presets import load_preset
    from scenes import context

    path = tmp_path / "class.json"
    context.write_input_file(str(path), load_preset("fan-in").replace(group_label="class"))
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    lecture = context.lecture_input()
    fit = lecture.fit()
    assert fixef_names(fit, lecture.scenario.replace(x_label="hours of homework"))["x"] == \
        "hours of homework (x)"
    assert fixef_names(fit, lecture.scenario)["(Intercept)"] == "intercept"
    assert [sd_row_name(fit, t, k) for k, t in enumerate(fit.re_terms)] == \
        ["SD of intercepts (\u03c4\u2080)", "SD of slopes (\u03c4\u2081)"]
    own = [c["x"] for c in fit.no_pooling["separate"].values() if c]
    assert own_range(fit, "x") == (min(own), max(own)) and min(own) < max(own)
    scene = render_low(ModelResults, tmp_path, monkeypatch)
    assert scene.displayed["no_pool_x_min"] == pytest.approx(min(own))
    assert scene.displayed["no_pool_x_max"] == pytest.approx(max(own))
    shown = [m.original_text for top in scene.mobjects for m in top.get_family() if isinstance(m, _Text)]
    assert any(f"in {fit.n_groups} classes;" in t for t in shown), shown
    context.lecture_input.cache_clear()


def test_row_side_labels_follow_the_row_labels():
    n = 60
    axes = make_axes((0, 10), (-0.6, n - 0.4), "intercept", "school", LIGHT, right_gutter=1.0,
                     y_tick_labels={float(r): f"G{r:02d}" for r in range(n)})
    side = axes.row_side_labels({float(r): f"n = {r}" for r in range(n)})
    visible = [m for m in side if m.get_fill_opacity() > 0.05]
    assert len(visible) == sum(axes.row_shown.values())
    assert all(not _overlap(a, b) for a, b in itertools.combinations(visible, 2))
    assert axes.row_mark_radius() < 0.05
