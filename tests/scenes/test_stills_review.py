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
