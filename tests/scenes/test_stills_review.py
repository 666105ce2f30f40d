"""Layout and wording rules found by looking at every family's stills at 12, 30 and 100 groups
(issue 12): the label of the family's draw sits clear of a pmf's bars, each family's words say
what its data are, and the shrinkage diagram's focus frame encloses its row's text."""
from __future__ import annotations

from manim import Rectangle

import pytest

from scenes.data_generation import SPREAD_WORDS, widest_gap
from scenes.repeated_sampling import _NO_ESTIMATE
from scenes.shrinkage_rows import build_rows, row_highlight
from scenes.theme import DARK


def _bar(y: float, length: float) -> Rectangle:
    return Rectangle(width=length, height=0.2).move_to([length / 2, y, 0])


def test_the_draw_label_goes_in_the_widest_gap_between_visible_bars():
    # a Binomial(10, 0.82)/10 pmf drawn along the axis: visible bars high up, only the support
    # (bars of almost no mass) below; the label must go low, not across the bars at mid-plot
    bars = [_bar(y, 1e-3) for y in (-2.0, -1.6, -1.2, -0.8)] + [_bar(y, 0.6) for y in (0.0, 0.4, 0.8, 1.2)]
    y = widest_gap(bars, top=1.5, bottom=-2.2)
    assert -2.2 < y < -0.1
    assert abs(y - (-2.2 + -0.1) / 2) < 1e-6
    # 0/1 outcomes: bars at both ends, the label between them
    assert abs(widest_gap([_bar(-2.0, 0.3), _bar(1.4, 0.5)], top=1.5, bottom=-2.2) - (-0.3)) < 1e-6


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
