"""Themed axes whose ticks and limits fit the data: nice ticks, padded ranges and PlotAxes.
"""
from __future__ import annotations

from typing import Iterable, Sequence
import math

import numpy as np
from manim import Axes, DOWN, LEFT, ORIGIN, PI, Text, UP, VGroup, VectorizedPoint

from scenes.theme import FONT, LABEL_SIZE, Theme
from scenes.vocab.crowd import labels_note, thin_labels
from scenes.vocab.layout import PLOT_REGION, Region

# --------------------------------------------------------------------------------------------
# Axes
# --------------------------------------------------------------------------------------------

def _ticks_for(lo: float, hi: float, n: int) -> tuple[float, float, float]:
    raw = (hi - lo) / max(n, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return start, stop, step


def nice_ticks(lo: float, hi: float, n: int = 5) -> tuple[float, float, float]:
    """Round axis limits and a 1-2-2.5-5 tick step covering [lo, hi] with about n intervals
    (n-1 to n+3, whichever wastes the least of the axis)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("axis limits must be finite")
    if hi <= lo:
        hi = lo + 1.0
    best = None
    for m in range(max(2, n - 1), n + 4):
        start, stop, step = _ticks_for(lo, hi, m)
        cost = (stop - start) * (1 + 0.03 * abs((stop - start) / step - n))
        if best is None or cost < best[0] - 1e-9:
            best = (cost, (start, stop, step))
    return best[1]


def x_axis_limits(x, scenario=None, zero_within: float = 0.25) -> tuple[float, float]:
    """x-axis limits for observations x: their range, widened to the scenario's x range, and to
    0 when 0 is close (within `zero_within` of the span) so intercepts (x = 0) are on the plot."""
    x = np.asarray(x, float)
    lo, hi = float(x.min()), float(x.max())
    if scenario is not None:
        lo, hi = min(lo, scenario.x_min), max(hi, scenario.x_max)
    span = max(hi - lo, 1e-9)
    if 0 < lo <= zero_within * span:
        lo = 0.0
    elif -zero_within * span <= hi < 0:
        hi = 0.0
    return lo, hi


OUTCOMES = ("count", "probability", "positive")


def clamp_range(lo: float, hi: float, outcome: str | None = None) -> tuple[float, float]:
    """(lo, hi) kept where the outcome can be: a count or a positive outcome never below 0,
    a probability within [0, 1] (VISUAL-GRAMMAR: counts start at 0, probabilities run 0 to 1).
    None leaves the range alone."""
    if outcome is None:
        return lo, hi
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome '{outcome}' is unknown: use one of {', '.join(OUTCOMES)} or None")
    lo = max(lo, 0.0)
    if outcome == "probability":
        hi = min(hi, 1.0)
    if hi <= lo:
        hi = lo + (0.1 if outcome == "probability" and lo < 1 else 1.0)
        if outcome == "probability" and hi > 1.0:
            lo, hi = max(0.0, 1.0 - 0.1), 1.0
    return lo, hi


def padded_range(values: Iterable[float], pad: float = 0.06,
                 include: Iterable[float] = (), outcome: str | None = None) -> tuple[float, float]:
    """(min, max) of the finite values (and `include`), widened by `pad` of the span each side,
    then clamped to where the `outcome` can be (clamp_range)."""
    array = np.array([v for v in list(values) + list(include) if v is not None and np.isfinite(v)],
                     dtype=float)
    if array.size == 0:
        return clamp_range(0.0, 1.0, outcome)
    lo, hi = float(array.min()), float(array.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return clamp_range(lo - pad * span, hi + pad * span, outcome)


class LowerLeftAxes(Axes):
    """Axes that always cross at the lower-left corner (x_min, y_min), wherever zero lies."""

    @staticmethod
    def _origin_shift(axis_range: Sequence[float]) -> float:
        return axis_range[0]


def _tick_text(value: float, step: float) -> str:
    """A tick number with as many decimals as the step needs (2.5 -> one, 0.25 -> two)."""
    decimals = 0
    while decimals < 6 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6:
        decimals += 1
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\u2212")


def _fitting_ticks(lim, n: int, length: float, label, needed):
    """Round ticks for `lim` with about n intervals, fewer if their numbers (made by `label`)
    would need more than `length` (as measured by `needed`). When even two intervals' numbers do
    not fit (a narrow inset chart, long numbers), the ticks stay and only every k-th tick is
    numbered, with the smallest k that fits, so numbers never run into each other. Returns
    ((start, stop, step), numbered values, their number mobjects)."""
    for m in range(n, 1, -1):
        start, stop, step = nice_ticks(*lim, n=m)
        values = list(np.arange(start, stop + step / 2, step))
        numbers = [label(_tick_text(v, step)) for v in values]
        if needed(numbers) <= length:
            return (start, stop, step), values, numbers
    for k in range(2, len(values)):
        if needed(numbers[::k]) <= length:
            return (start, stop, step), values[::k], numbers[::k]
    return (start, stop, step), values[:1], numbers[:1]


MIN_AXIS_LABEL_SIZE = 14    # an axis title shrinks no further (still readable at 720p)


def _break_in_two(words: list[str], width) -> list[str]:
    """The two-line break of `words` whose longer line is the shortest."""
    best = None
    for k in range(1, len(words)):
        lines = [" ".join(words[:k]), " ".join(words[k:])]
        longest = max(width(line) for line in lines)
        if best is None or longest < best[0]:
            best = (longest, lines)
    return best[1]


def fit_label(text: str, max_length: float, theme: Theme, size: int = LABEL_SIZE,
              color: str | None = None, min_size: int = MIN_AXIS_LABEL_SIZE) -> VGroup:
    """An axis title no longer than `max_length`: one line if it fits, else two lines (broken
    where the longer line is shortest), else shrunk down to `min_size`, else shortened with an
    ellipsis. Lines are centred; returns a VGroup of Text lines (`.lines`, `.shown` the text
    drawn, `.font_size`)."""
    color = theme.ink(color)

    def make(line, font_size=size):
        return Text(line, font=FONT, font_size=font_size, color=color)

    lines = [text]
    if make(text).width > max_length and len(text.split()) > 1:
        lines = _break_in_two(text.split(), lambda line: make(line).width)
    group = VGroup(*[make(line) for line in lines]).arrange(DOWN, buff=0.08)
    factor = 1.0
    if group.width > max_length:
        factor = max(max_length / group.width, min_size / size)
        group.scale(factor)
    while group.width > max_length * (1 + 1e-6) and len(lines[-1]) > 2:
        lines[-1] = lines[-1][:-2].rstrip() + "\u2026"
        group = VGroup(*[make(line) for line in lines]).arrange(DOWN, buff=0.08).scale(factor)
    group.lines, group.shown, group.font_size = list(lines), " ".join(lines), size * factor
    return group


class PlotAxes(VGroup):
    """Themed axes with tick numbers and axis labels, fitted inside a region.

    Parts: `axes` (a manim Axes crossing at the lower-left corner: use `c2p`, `plot`, ...),
    `x_numbers`, `y_numbers` (tick labels), `x_label`, `y_label`; `x_lim`, `y_lim` (the drawn
    ranges), `x_step`, `y_step`, `region`. `c2p(x, y)` maps data to scene points; `clip(intercept,
    slope, x0, x1)` returns the part of a line inside the plot.

    `outcome` ("count", "probability", "positive") keeps the y range and its ticks where the
    outcome can be. Axis titles fit the plot (fit_label: two lines, then smaller). A row chart
    (y_tick_labels) with more rows than labels can fit draws the labels of a subset only
    (`y_tick_priority` first: e.g. the focus group; then the top and bottom rows and rows spread
    evenly); `row_shown[value]` says whether a row's label is drawn and `rows_note` says how
    many are ("labels shown for 12 of 30 schools", next to the y title).
    """

    def __init__(self, x_lim, y_lim, x_label: str, y_label: str, theme: Theme,
                 region: Region = PLOT_REGION, n_x: int = 5, n_y: int = 5, right_gutter: float = 0.0,
                 y_tick_labels: dict | None = None, y_tick_colors: dict | None = None,
                 x_ticks: bool = True, label_size: int = LABEL_SIZE, number_size: int = LABEL_SIZE,
                 outcome: str | None = None, y_tick_priority: Sequence[float] = (),
                 group_word: str | None = None):
        super().__init__()
        self.theme, self.region, self.outcome = theme, region, outcome

        def label(text, size=number_size, color=None):
            if not text.strip():
                return VectorizedPoint()
            return Text(text, font=FONT, font_size=size, color=theme.ink(color or theme.muted))

        def title(text, length):
            if not text.strip():
                return VectorizedPoint()
            return fit_label(text, max(length, 0.5), theme, size=label_size, color=theme.foreground)

        gap = 0.12
        rows = y_tick_labels is not None
        if not rows:
            y_lim = clamp_range(*y_lim, outcome)
        number_height = label("0").height
        if rows:
            y0, y1 = y_lim
            ys = 1.0
            y_values = list(y_tick_labels)
            y_numbers = [label(str(y_tick_labels[v]), color=(y_tick_colors or {}).get(v, theme.foreground))
                         for v in y_values]
        # Axis titles and the axis lengths depend on each other: fit the titles to the lengths
        # the previous pass left, until they stop changing (a pass or two).
        def fitted(x_length, y_length):
            x_title = title(x_label, x_length)
            y_title = title(y_label, region.width if rows else y_length)
            if not rows:
                y_title.rotate(PI / 2)     # row charts keep the axis title horizontal, above the rows
            return x_title, y_title

        x_length, y_length = region.width - right_gutter - 1.0, region.height - 1.0
        for _ in range(4):
            self.x_label, self.y_label = fitted(x_length, y_length)
            top_pad = (self.y_label.height + gap) if rows else 0.15
            bottom_pad = (number_height + gap if x_ticks else 0.0) + self.x_label.height + gap
            new_y_length = region.height - bottom_pad - top_pad
            if not rows:
                (y0, y1, ys), y_values, y_numbers = _fitting_ticks(
                    y_lim, n_y, new_y_length, label,
                    lambda ms: sum(m.height for m in ms) + 0.25 * len(ms))
                if outcome:
                    y0, y1 = clamp_range(y0, y1, outcome)
                    keep = [k for k, v in enumerate(y_values) if y0 - 1e-9 <= v <= y1 + 1e-9]
                    y_values, y_numbers = [y_values[k] for k in keep], [y_numbers[k] for k in keep]
            y_number_width = max((m.width for m in y_numbers), default=0.0)
            left_pad = y_number_width + gap + (0 if rows else self.y_label.width + gap)
            new_x_length = region.width - left_pad - right_gutter - 0.15
            settled = (self.x_label.width <= new_x_length + 1e-6
                       and (rows or self.y_label.height <= new_y_length + 1e-6))
            x_length, y_length = new_x_length, new_y_length
            if settled:
                break
        if self.x_label.width > x_length:
            self.x_label.scale_to_fit_width(x_length)
        if not rows and self.y_label.height > y_length:
            self.y_label.scale_to_fit_height(y_length)

        # x ticks: as many as fit the width
        (x0, x1, xs), x_values, x_numbers = _fitting_ticks(
            x_lim, n_x, x_length, label, lambda ms: sum(m.width for m in ms) + 0.5 * len(ms))
        if not x_ticks:
            x_values, x_numbers = [], []
        self.x_lim, self.y_lim, self.x_step, self.y_step = (x0, x1), (y0, y1), xs, ys
        axis_config = {"color": theme.muted, "stroke_width": 2, "include_tip": False,
                       "tick_size": 0.05, "include_ticks": True}
        self.axes = LowerLeftAxes(x_range=[x0, x1, xs], y_range=[y0, y1, ys], x_length=x_length,
                                  y_length=y_length, axis_config=axis_config,
                                  y_axis_config={"include_ticks": not rows},
                                  x_axis_config={"include_ticks": x_ticks})
        self.axes.move_to(ORIGIN)
        lower_left = np.array([region.left + left_pad, region.bottom + bottom_pad, 0.0])
        self.axes.shift(lower_left - self.axes.c2p(x0, y0))
        self.x_numbers = VGroup(*[m.next_to(self.axes.c2p(v, y0), DOWN, buff=gap)
                                  for m, v in zip(x_numbers, x_values)])
        self.y_numbers = VGroup(*[m.next_to(self.axes.c2p(x0, v), LEFT, buff=gap)
                                  for m, v in zip(y_numbers, y_values)])
        self.row_shown = {v: True for v in y_values} if rows else {}
        self.rows_note = VectorizedPoint()
        if rows:
            for m in self.y_numbers:
                m.align_to(self.axes.c2p(x0, y0) + LEFT * (gap + y_number_width), LEFT)
            self._thin_rows(y_values, y_numbers, y_tick_priority, group_word or y_label or "group")
        bottom_of_numbers = (self.x_numbers.get_bottom()[1] if x_numbers
                             else self.axes.c2p(x0, y0)[1])
        self.x_label.move_to([(self.axes.c2p(x0, y0)[0] + self.axes.c2p(x1, y0)[0]) / 2,
                              bottom_of_numbers - gap - self.x_label.height / 2, 0])
        if rows:
            self.y_label.next_to(self.axes.c2p(x0, y1), UP, buff=gap)
            self.y_label.align_to(self.y_numbers, LEFT)
            self._place_rows_note(gap)
        else:
            self.y_label.move_to([region.left + self.y_label.width / 2,
                                  (self.axes.c2p(x0, y0)[1] + self.axes.c2p(x0, y1)[1]) / 2, 0])
        self.add(self.axes, self.x_numbers, self.y_numbers, self.x_label, self.y_label, self.rows_note)

    def _thin_rows(self, values, numbers, priority, group_word) -> None:
        """Hide the row labels that cannot fit (see the class docstring)."""
        if len(values) < 2:
            return
        height = max(m.height for m in numbers)
        targets = [self.y_to_scene(v) for v in values]
        spacing = min(abs(a - b) for a, b in zip(sorted(targets), sorted(targets)[1:]))
        if spacing >= height + 0.03:
            return
        index_of = {v: k for k, v in enumerate(values)}
        first = [index_of[v] for v in priority if v in index_of]
        shown = set(thin_labels(targets, height + 0.05, min(targets), max(targets), first, near=1.0))
        for k, (v, m) in enumerate(zip(values, numbers)):
            self.row_shown[v] = k in shown
            if k not in shown:
                m.set_opacity(0.0)
        note = labels_note(len(shown), len(values), group_word)
        self.rows_note = Text(note, font=FONT, font_size=LABEL_SIZE, color=self.theme.muted)

    def _place_rows_note(self, gap) -> None:
        if isinstance(self.rows_note, VectorizedPoint):
            return
        right = self.region.right
        room = right - (self.y_label.get_right()[0] + 0.4)
        if self.rows_note.width > room:
            self.rows_note.scale_to_fit_width(max(room, 0.5))
        self.rows_note.move_to([right - self.rows_note.width / 2, self.y_label.get_center()[1], 0])

    @property
    def row_spacing(self) -> float:
        """Scene units between two neighbouring rows of a row chart (y values 1 apart)."""
        return abs(self.y_to_scene(1.0) - self.y_to_scene(0.0))

    def row_mark_radius(self, default: float = 0.09) -> float:
        """A mark radius for a row chart: `default`, smaller when rows are close, so marks of
        neighbouring rows never touch (100 rows: about 0.02)."""
        return float(min(default, max(0.42 * self.row_spacing, 0.012)))

    def row_side_labels(self, texts: dict, color: str | None = None, size: int = LABEL_SIZE,
                        buff: float = 0.2) -> VGroup:
        """Text beside each row, right of the plot (e.g. "n = 4"): {row value: text}. Rows whose
        label the axes hid (row_shown False) get an invisible one, so the two columns always
        agree; keep `right_gutter` wide enough for the widest. Returns a VGroup in `texts`
        order."""
        right = self.x_to_scene(self.x_lim[1])
        out = VGroup()
        for value, text in texts.items():
            label = Text(text, font=FONT, font_size=size, color=self.theme.ink(color or self.theme.muted))
            label.move_to([right + buff + label.width / 2, self.y_to_scene(value), 0])
            if not self.row_shown.get(value, True):
                label.set_opacity(0.0)
            out.add(label)
        return out

    def c2p(self, x: float, y: float) -> np.ndarray:
        """The scene point of data coordinates (x, y)."""
        return self.axes.c2p(x, y)

    def x_to_scene(self, x: float) -> float:
        return float(self.axes.c2p(x, self.y_lim[0])[0])

    def y_to_scene(self, y: float) -> float:
        return float(self.axes.c2p(self.x_lim[0], y)[1])

    def inside(self, x: float, y: float) -> bool:
        return self.x_lim[0] <= x <= self.x_lim[1] and self.y_lim[0] <= y <= self.y_lim[1]

    def clip(self, intercept: float, slope: float, x0: float | None = None,
             x1: float | None = None) -> tuple[float, float] | None:
        """The x-interval of y = intercept + slope x (within [x0, x1], default the axis) that lies
        inside the plotted y-range, or None if the line misses the plot."""
        lo = self.x_lim[0] if x0 is None else max(x0, self.x_lim[0])
        hi = self.x_lim[1] if x1 is None else min(x1, self.x_lim[1])
        y_lo, y_hi = self.y_lim
        if abs(slope) > 1e-12:
            a, b = sorted(((y_lo - intercept) / slope, (y_hi - intercept) / slope))
            lo, hi = max(lo, a), min(hi, b)
        elif not y_lo <= intercept <= y_hi:
            return None
        return (lo, hi) if hi > lo else None


def make_axes(x_lim, y_lim, x_label: str, y_label: str, theme: Theme, region: Region = PLOT_REGION,
              **options) -> PlotAxes:
    """Themed axes filling `region` (default: the plot area), ticks at round numbers covering
    x_lim and y_lim, axis labels naming the variables (with units). Options: n_x, n_y,
    right_gutter (space kept free on the right for end labels), y_tick_labels {value: text} and
    y_tick_colors {value: colour} for row charts (the y-axis label then sits above the rows),
    y_tick_priority (the rows labelled first when not all fit), group_word (for the note saying
    how many rows are labelled; default the y title), outcome ("count", "probability",
    "positive": the y range and ticks stay where the outcome can be)."""
    return PlotAxes(x_lim, y_lim, x_label, y_label, theme, region=region, **options)
