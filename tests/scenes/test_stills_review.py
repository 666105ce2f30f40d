"""Layout and wording rules found by looking at every family's stills at 12, 30 and 100 groups
(issue 12): the label of the family's draw sits clear of a pmf's bars, each family's words say
what its data are, and the shrinkage diagram's focus frame encloses its row's text."""
from __future__ import annotations

from manim import Rectangle, VGroup, VMobject

import pytest

from scenes.data_generation import SPREAD_WORDS, clear_spot
from scenes.repeated_sampling import _NO_ESTIMATE
from scenes.shrinkage_rows import build_rows, row_highlight
from scenes.theme import DARK


def _bar(y: float, length: float) -> Rectangle:
    return Rectangle(width=length, height=0.2).move_to([length / 2, y, 0])


def test_the_draw_label_goes_where_the_distribution_bulges_least():
    # a Binomial(10, 0.82)/10 pmf along the axis: visible bars high up, only the support (bars of
    # almost no mass) below; the label must go low, right of the stubs, not across the bars
    bars = VGroup(*[_bar(y, 1e-3) for y in (-2.0, -1.6, -1.2, -0.8)],
                  *[_bar(y, 0.6) for y in (0.0, 0.4, 0.8, 1.2)])
    y, left = clear_spot(bars, 0.4, top=1.5, bottom=-2.2)
    assert y + 0.2 < -0.1 and left < 0.2
    # a density reaching the top of the axis (Gamma): beside its thin tail, right of the curve
    tail = VMobject().set_points_as_corners([[0, -2.2, 0], [1.0, -1.5, 0], [0.3, 0.0, 0], [0.02, 1.5, 0]])
    y, left = clear_spot(VGroup(tail), 0.4, top=1.5, bottom=-2.2)
    assert y > 0.5 and left >= 0.02 + 0.1 and left < 0.5


def test_each_family_says_why_its_spread_and_missing_estimates_are_what_they_are():
    assert "0/1" not in SPREAD_WORDS["binomial_trials"]
    assert "/10" in SPREAD_WORDS["binomial_trials"].format(trials=10)
    assert "count" not in _NO_ESTIMATE["binomial"] and "count" in _NO_ESTIMATE["poisson"]


@pytest.mark.parametrize("n_groups", [12, 100])
def test_the_focus_frame_encloses_its_rows_text(n_groups):
    """At 100 groups the rows are closer than a label is tall: the frame used to be 0.9 row
    spacings high and struck through the focus group's label and n_j."""
    labels = [f"G{j:03d}" for j in range(n_groups)]
    rows = build_rows(DARK, labels, [3 + j % 10 for j in range(n_groups)], [float(j) for j in range(n_groups)],
                      (-1.0, n_groups + 1.0), "intercept", "school", focus=0)
    frame = row_highlight(rows, 0, "#ffffff")
    label = next(m for m in rows.axes.y_numbers.submobjects if "G000" in getattr(m, "text", ""))
    assert frame.get_top()[1] >= label.get_top()[1] and frame.get_bottom()[1] <= label.get_bottom()[1]


def _words(mobject) -> str:
    """The words a mobject shows now: a Transform's mobject reads as its target (screen_text)."""
    from manim import Text
    from scenes.screen_text import SHOWN_AS

    shown_as = getattr(mobject, SHOWN_AS, None)
    if shown_as is not None and shown_as is not mobject:
        return _words(shown_as)
    if isinstance(mobject, Text):
        return " ".join(mobject.original_text.split()) if mobject.get_fill_opacity() > 0.05 else ""
    return " ".join(_words(sub) for sub in mobject.submobjects)


def test_the_pull_words_are_true_for_intercept_and_slope_models():
    """A random-intercept model pulls every line toward the fixed effect; with random slopes the
    intercept and slope move jointly, so a line can move away from it at some x."""
    from scenes.pooling import pull_words

    assert pull_words(False).startswith("Pulled toward the fixed effect")
    assert "Pulled toward" not in pull_words(True) and "jointly" in pull_words(True)


def test_a_slope_models_link_slide_does_not_say_every_line_is_pulled_toward_the_fixed_effect(
        tmp_path, monkeypatch):
    from estimator.presets import load_preset
    from scenes import context
    from scenes.pooling import PoolingComparison
    from tests.scenes.rendering import render_checked

    path = tmp_path / "fan-out.json"
    context.write_input_file(str(path), load_preset("fan-out").replace(n_groups=4, group_size_min=8,
                                                                         group_size_max=12))
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    shown = {}

    class Seen(PoolingComparison):
        def slide_point(self, name, *args, **options):
            super().slide_point(name, *args, **options)
            shown[name] = " ".join(_words(m) for m in self.mobjects)

    Seen.__name__ = Seen.__qualname__ = "PoolingComparison"
    try:
        scene = render_checked(Seen, tmp_path, monkeypatch)
    finally:
        context.lecture_input.cache_clear()
    for name in ("partial", "link"):     # what is on screen (after the morphs) and what is said
        assert "Pulled toward the fixed effect" not in shown[name] and "jointly" in shown[name], name
    for mark in scene.marks[2:]:
        assert "need not move toward" in mark["narration"], mark["name"]
    # the key follows the plot: the link slide draws no complete-pooling line, and its dashed line
    # is the intercept alone
    assert "complete pooling" in shown["partial"] and "γ̂₀₀ + γ̂₁₀x" in shown["partial"]
    assert "complete pooling" not in shown["link"] and "γ̂₀₀ + γ̂₁₀x" not in shown["link"]
    assert "fixed intercept γ̂₀₀" in shown["link"]


def test_the_fixed_effect_cross_is_drawn_over_the_points_pulled_onto_it(tmp_path, monkeypatch):
    """Random intercept only: every filled point lies on the slope γ̂₁₀, many on the cross the
    narration names; the cross must stay on top of them and of the arrows."""
    from scenes.shrinkage_map import ShrinkageMap
    from tests.scenes.rendering import render_low, use_preset

    use_preset(monkeypatch, tmp_path, "small-groups")
    scene = render_low(ShrinkageMap, tmp_path, monkeypatch)
    order = scene.mobjects
    assert order.index(scene.cross) > order.index(scene.pulled)


def test_a_slope_models_map_does_not_say_every_point_heads_for_the_cross(tmp_path, monkeypatch):
    """With random slopes the 2-D pull is joint (through τ̂₀, τ̂₁, ρ̂), not straight at the
    fixed effect; with a random intercept only it is toward the cross."""
    from scenes.shrinkage_map import ShrinkageMap
    from tests.scenes.rendering import render_low, use_preset

    told = {}
    for preset in ("fan-out", "small-groups"):
        where = tmp_path / preset
        where.mkdir()
        use_preset(monkeypatch, where, preset)
        scene = render_low(ShrinkageMap, where, monkeypatch)
        told[preset] = scene.marks[-1]["narration"]
    assert "toward the cross" not in told["fan-out"] and "need not head straight" in told["fan-out"]
    assert "toward the cross" in told["small-groups"]
