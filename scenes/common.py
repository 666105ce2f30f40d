"""The lecture's visual vocabulary: layout regions, themed axes, data clouds, fitted lines, estimate
marks, legends, live readouts and the side panel. Every scene builds from these, so one statistical
object keeps one look everywhere (VISUAL-GRAMMAR.md).

Layout (16:9, 5 % safe margins): a short title at the top left, one plot area on the left
(`PLOT_REGION`) and one side panel on the right (`PANEL_REGION`) for the formula, the legend and
the live numbers. Builders take the theme explicitly (`scene.theme`) and never compute statistics:
they draw numbers handed to them (from FitResult, the simulation's truth or the raw data).

API (add, don't rename):
  Region, SAFE_REGION, TITLE_REGION, CONTENT_REGION, PLOT_REGION, PANEL_REGION, fit_in_region
  title_text, body_text, wrapped_text, math_tex, term_tex, light_up, pulse
  LABEL_SLOT, math_with_label
  nice_ticks, x_axis_limits, padded_range, PlotAxes, make_axes
  group_mark, GroupCloud, data_cloud
  fitted_line, grand_mean_line, group_lines
  hollow_mark, filled_mark, truth_mark, fixed_effect_mark, shrink_arrow
  spread_positions, end_labels
  legend_entry, legend
  Readout, side_panel, mini_bars, normal_density_curve
  scene_fit, slope_term, coef_pairs, focus_group (FitResult readers)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, PI, RIGHT, UP, Arrow, Axes, Circle, DashedLine, Dot,
                   FadeToColor, Indicate, Line, MathTex, Rectangle, Square, Succession, Text,
                   Transform, Triangle, VectorizedPoint, VGroup, VMobject)

from scenes.theme import BODY_SIZE, CODE_FONT, FONT, LABEL_SIZE, SAFE_MARGIN, SMALL_SIZE, TITLE_SIZE, Theme, fmt

# --------------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------------

FRAME_WIDTH = 8.0 * 16 / 9     # manim's frame at 16:9 (frame_height = 8)
FRAME_HEIGHT = 8.0


@dataclass(frozen=True)
class Region:
    """An axis-aligned rectangle of the frame in scene units (left < right, bottom < top)."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    @property
    def top_left(self) -> np.ndarray:
        return np.array([self.left, self.top, 0.0])

    def inset(self, dx: float = 0.0, dy: float = 0.0) -> "Region":
        """The same region shrunk by dx on the left and right and dy at the bottom and top."""
        return Region(self.left + dx, self.right - dx, self.bottom + dy, self.top - dy)

    def below(self, y: float, gap: float = 0.0) -> "Region":
        """The part of this region below height y (minus a gap)."""
        return Region(self.left, self.right, self.bottom, min(self.top, y - gap))

    def contains(self, mobject, tol: float = 1e-3) -> bool:
        """Whether the mobject's bounding box lies inside this region."""
        return (mobject.get_left()[0] >= self.left - tol and mobject.get_right()[0] <= self.right + tol
                and mobject.get_bottom()[1] >= self.bottom - tol and mobject.get_top()[1] <= self.top + tol)


_MX, _MY = SAFE_MARGIN * FRAME_WIDTH, SAFE_MARGIN * FRAME_HEIGHT
SAFE_REGION = Region(-FRAME_WIDTH / 2 + _MX, FRAME_WIDTH / 2 - _MX, -FRAME_HEIGHT / 2 + _MY,
                     FRAME_HEIGHT / 2 - _MY)
TITLE_HEIGHT = 0.75
TITLE_REGION = Region(SAFE_REGION.left, SAFE_REGION.right, SAFE_REGION.top - TITLE_HEIGHT,
                      SAFE_REGION.top)
CONTENT_REGION = Region(SAFE_REGION.left, SAFE_REGION.right, SAFE_REGION.bottom,
                        SAFE_REGION.top - TITLE_HEIGHT - 0.1)
PANEL_WIDTH = 4.25
PANEL_GAP = 0.4
PLOT_REGION = Region(CONTENT_REGION.left, CONTENT_REGION.right - PANEL_WIDTH - PANEL_GAP,
                     CONTENT_REGION.bottom, CONTENT_REGION.top)
PANEL_REGION = Region(CONTENT_REGION.right - PANEL_WIDTH, CONTENT_REGION.right,
                      CONTENT_REGION.bottom, CONTENT_REGION.top)


def fit_in_region(mobject, region: Region, h_align: str = "left", v_align: str = "top"):
    """Scale `mobject` down (never up) to fit `region`, then align it (left/center/right,
    top/center/bottom) inside. Returns the mobject."""
    if mobject.width > region.width or mobject.height > region.height:
        factor = min(region.width / max(mobject.width, 1e-9), region.height / max(mobject.height, 1e-9))
        mobject.scale(factor)
    x = {"left": region.left + mobject.width / 2, "right": region.right - mobject.width / 2,
         "center": region.center[0]}[h_align]
    y = {"top": region.top - mobject.height / 2, "bottom": region.bottom + mobject.height / 2,
         "center": region.center[1]}[v_align]
    mobject.move_to(np.array([x, y, 0.0]))
    return mobject


# --------------------------------------------------------------------------------------------
# Text and formulas
# --------------------------------------------------------------------------------------------

def title_text(text: str, theme: Theme) -> Text:
    """The scene title (at most about 6 words), top left inside the safe margins."""
    if len(text.split()) > 7:
        raise ValueError(f"title '{text}' is longer than about 6 words: shorten it")
    title = Text(text, font=FONT, font_size=TITLE_SIZE, color=theme.foreground)
    return fit_in_region(title, TITLE_REGION, "left", "center")


def body_text(text: str, theme: Theme, size: int = BODY_SIZE, color: str | None = None) -> Text:
    """One line of text in the lecture's font (`size` >= LABEL_SIZE)."""
    return Text(text, font=FONT, font_size=max(size, LABEL_SIZE), color=color or theme.foreground)


def wrapped_text(text: str, max_width: float, theme: Theme, size: int = SMALL_SIZE,
                 color: str | None = None, line_buff: float = 0.12) -> VGroup:
    """A paragraph broken into lines no wider than `max_width` (greedy, by measured width);
    the lines are left-aligned submobjects of the returned VGroup."""
    size = max(size, LABEL_SIZE)
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and Text(trial, font=FONT, font_size=size).width > max_width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    group = VGroup(*[Text(line, font=FONT, font_size=size, color=color or theme.foreground)
                     for line in lines])
    group.arrange(DOWN, aligned_edge=LEFT, buff=line_buff)
    if group.width > max_width:
        group.scale_to_fit_width(max_width)
    return group


def code_text(code: str, theme: Theme, size: int = SMALL_SIZE, color: str | None = None,
              **text_options) -> Text:
    """Code as typed (an lme4 formula): Pango's monospace keeps '~' and '|' as on a keyboard,
    where TeX's typewriter font draws '~' as a raised accent, and any column name is safe."""
    return Text(code, font=CODE_FONT, font_size=size, color=color or theme.foreground,
                **text_options)


def math_tex(tex: str, theme: Theme, size: int = BODY_SIZE + 6, color: str | None = None) -> MathTex:
    """A formula in the theme's foreground (TeX looks smaller than text: sizes start at ~30)."""
    return MathTex(tex, font_size=size, color=color or theme.foreground)


# A one-glyph placeholder part of a MathTex, where math_with_label draws the user's text.
LABEL_SLOT = r"\mathrm{X}"


def math_with_label(*parts: str, label: str, size: int = BODY_SIZE + 6, color: str | None = None,
                    theme: Theme | None = None) -> MathTex:
    r"""MathTex(*parts) with user text (a group label from the data: any characters, any script)
    drawn by Pango where a part is LABEL_SLOT, e.g. `math_with_label(r"\lambda_{", LABEL_SLOT,
    "}", "=", ..., label="R&D Zürich")`. The text never passes through TeX, so TeX specials and
    characters the TeX template cannot set (manim's has no inputenc/fontenc: OT1 only) are
    shown as written, in the lecture's font, as on the axes. It takes the placeholder's size
    (cap height) and baseline; glyphs to the right of the placeholder move over to make room.
    Part indices stay those of `parts` (the slot part holds the Text)."""
    formula = MathTex(*parts, font_size=size, color=color or (theme.foreground if theme else None))
    for k, tex in enumerate(formula.tex_strings):
        if tex == LABEL_SLOT:
            _fill_slot(formula, formula[k], label)
    return formula


def _fill_slot(formula: MathTex, part, label: str) -> None:
    """Replace the placeholder glyph of `part` by `label` set with Pango. The label is set after
    an "X" (so the cap height and baseline can be matched to TeX's X) and the X is then dropped:
    this also keeps a label in a right-to-left script, which Text draws empty on its own."""
    slot = part[0]
    shown = label if label.strip() else '""'
    text = Text("X" + shown, font=FONT, font_size=48, color=slot.get_color())
    if len(text) < 2:                                         # nothing visible in the label
        shown, text = '""', Text('X""', font=FONT, font_size=48, color=slot.get_color())
    x_glyph = text[0]
    text.scale(slot.height / x_glyph.height)
    text.shift(slot.get_bottom()[1] * UP - x_glyph.get_bottom()[1] * UP)
    text.remove(x_glyph)
    text.shift(RIGHT * (slot.get_left()[0] - text.get_left()[0]))
    grow = text.width - slot.width
    edge = slot.get_right()[0] - 1e-6
    for glyph in formula.get_family():
        if glyph.has_points() and glyph is not slot and glyph.get_left()[0] >= edge:
            glyph.shift(RIGHT * grow)
    part.remove(slot)
    part.add(text)
    part.label = shown          # what the slot shows (tests and callers can read it back)


def term_tex(parts: Sequence[tuple[str, str | None]], theme: Theme, size: int = BODY_SIZE + 6,
             dim: bool = False, break_at: int | None = None, indent_part: int = 2) -> MathTex:
    """A formula assembled from (tex, colour) parts; part i is `formula[i]`, coloured like the
    object it describes (None = foreground). With dim=True every coloured part starts muted (the
    uncoloured ones, such as "y =" and "+", stay in the foreground), so
    `light_up(formula[i], colour)` can switch it on when its object appears. The colours are
    kept in `formula.part_colors`. `break_at=k` moves parts k.. to a second line, aligned under
    part `indent_part` (the first term after "y =" for parts ["y", "=", ...])."""
    formula = MathTex(*[tex for tex, _ in parts], font_size=size, color=theme.foreground)
    formula.part_colors = [color or theme.foreground for _, color in parts]
    for part, (_, given), color in zip(formula, parts, formula.part_colors):
        part.set_color(theme.muted if dim and given is not None else color)
    if break_at is not None and 0 < break_at < len(parts):
        second = VGroup(*formula[break_at:])
        second.next_to(VGroup(*formula[:break_at]), DOWN, buff=0.18)
        second.align_to(formula[min(indent_part, break_at - 1)], LEFT)
    return formula


def light_up(term, color: str, run_time: float = 0.8):
    """Switch a formula term on: it takes its object's colour, then pulses once."""
    return Succession(FadeToColor(term, color, run_time=run_time * 0.4),
                      Indicate(term, color=color, scale_factor=1.2, run_time=run_time * 0.6))


def pulse(mobject, scale: float = 1.12, run_time: float = 0.8):
    """Pulse an object once (grow and settle back) without changing its colours: used when the
    formula term describing it is explained."""
    return mobject.animate(rate_func=lambda t: 1 - abs(1 - 2 * t), run_time=run_time).scale(scale)


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


def padded_range(values: Iterable[float], pad: float = 0.06,
                 include: Iterable[float] = ()) -> tuple[float, float]:
    """(min, max) of the finite values (and `include`), widened by `pad` of the span each side."""
    array = np.array([v for v in list(values) + list(include) if v is not None and np.isfinite(v)],
                     dtype=float)
    if array.size == 0:
        return 0.0, 1.0
    lo, hi = float(array.min()), float(array.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    return lo - pad * span, hi + pad * span


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
    would need more than `length` (as measured by `needed`). Returns ((start, stop, step),
    values, number mobjects)."""
    for m in range(n, 1, -1):
        start, stop, step = nice_ticks(*lim, n=m)
        values = list(np.arange(start, stop + step / 2, step))
        numbers = [label(_tick_text(v, step)) for v in values]
        if needed(numbers) <= length or m == 2:
            return (start, stop, step), values, numbers
    raise AssertionError("unreachable")


class PlotAxes(VGroup):
    """Themed axes with tick numbers and axis labels, fitted inside a region.

    Parts: `axes` (a manim Axes crossing at the lower-left corner: use `c2p`, `plot`, ...),
    `x_numbers`, `y_numbers` (tick labels), `x_label`, `y_label`; `x_lim`, `y_lim` (the drawn
    ranges), `x_step`, `y_step`. `c2p(x, y)` maps data to scene points; `clip(intercept, slope,
    x0, x1)` returns the part of a line inside the plot.
    """

    def __init__(self, x_lim, y_lim, x_label: str, y_label: str, theme: Theme,
                 region: Region = PLOT_REGION, n_x: int = 5, n_y: int = 5, right_gutter: float = 0.0,
                 y_tick_labels: dict | None = None, y_tick_colors: dict | None = None,
                 x_ticks: bool = True, label_size: int = LABEL_SIZE, number_size: int = LABEL_SIZE):
        super().__init__()
        self.theme = theme

        def label(text, size=number_size, color=None):
            if not text.strip():
                return VectorizedPoint()
            return Text(text, font=FONT, font_size=size, color=color or theme.muted)

        gap = 0.12
        rows = y_tick_labels is not None
        self.x_label = label(x_label, size=label_size, color=theme.foreground)
        self.y_label = label(y_label, size=label_size, color=theme.foreground)
        if not rows:
            self.y_label.rotate(PI / 2)    # row charts keep the axis title horizontal, above the rows
        number_height = label("0").height
        top_pad = (self.y_label.height + gap) if rows else 0.15
        bottom_pad = (number_height + gap if x_ticks else 0.0) + self.x_label.height + gap
        y_length = region.height - bottom_pad - top_pad

        # y ticks: as many as fit the height (numbers never touch)
        if rows:
            y0, y1 = y_lim
            ys = 1.0
            y_values = list(y_tick_labels)
            y_numbers = [label(str(y_tick_labels[v]),
                               color=(y_tick_colors or {}).get(v, theme.foreground)) for v in y_values]
        else:
            (y0, y1, ys), y_values, y_numbers = _fitting_ticks(
                y_lim, n_y, y_length, label, lambda ms: sum(m.height for m in ms) + 0.25 * len(ms))
        y_number_width = max((m.width for m in y_numbers), default=0.0)
        left_pad = y_number_width + gap + (0 if rows else self.y_label.width + gap)
        x_length = region.width - left_pad - right_gutter - 0.15

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
        if rows:
            for m in self.y_numbers:
                m.align_to(self.axes.c2p(x0, y0) + LEFT * (gap + y_number_width), LEFT)
        bottom_of_numbers = (self.x_numbers.get_bottom()[1] if x_numbers
                             else self.axes.c2p(x0, y0)[1])
        self.x_label.move_to([(self.axes.c2p(x0, y0)[0] + self.axes.c2p(x1, y0)[0]) / 2,
                              bottom_of_numbers - gap - self.x_label.height / 2, 0])
        if rows:
            self.y_label.next_to(self.axes.c2p(x0, y1), UP, buff=gap)
            self.y_label.align_to(self.y_numbers, LEFT)
        else:
            self.y_label.move_to([region.left + self.y_label.width / 2,
                                  (self.axes.c2p(x0, y0)[1] + self.axes.c2p(x0, y1)[1]) / 2, 0])
        self.add(self.axes, self.x_numbers, self.y_numbers, self.x_label, self.y_label)

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
    y_tick_colors {value: colour} for row charts (the y-axis label then sits above the rows)."""
    return PlotAxes(x_lim, y_lim, x_label, y_label, theme, region=region, **options)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def group_mark(shape: str, point, color: str, size: float = 0.055, filled: bool = True,
               opacity: float = 0.9) -> VMobject:
    """One data point: circle, square or triangle (theme.group_shape(j)) of radius ~size."""
    if shape == "square":
        mark = Square(side_length=1.75 * size)
    elif shape == "triangle":
        mark = Triangle().scale_to_fit_height(2.0 * size)
    else:
        mark = Circle(radius=size)
    mark.set_stroke(color, width=1.5 if filled else 2.5)
    mark.set_fill(color, opacity=opacity if filled else 0.0)
    return mark.move_to(point)


class GroupCloud(VGroup):
    """The observations as marks, one VGroup per group: `cloud.groups[j]` (group index j), each
    in theme.group_color(j) with theme.group_shape(j). `uncoloured` starts all in the muted
    colour; `coloured(theme)` returns a copy in group colours (for Transform)."""

    def __init__(self, groups: list[VGroup], colors: list[str]):
        super().__init__(*groups)
        self.groups = groups
        self.colors = colors

    def coloured(self) -> "GroupCloud":
        """A copy with every group in its own colour (animate with Transform(cloud, copy))."""
        copy = self.copy()
        for group, color in zip(copy.groups if hasattr(copy, "groups") else copy, self.colors):
            group.set_stroke(color).set_fill(color)
        return copy

    def group(self, j: int) -> VGroup:
        return self.groups[j]


def data_cloud(axes: PlotAxes, x, y, group, theme: Theme, uncoloured: bool = False,
               size: float | None = None, opacity: float = 0.85) -> GroupCloud:
    """Raw observations (x, y, group index) as marks on `axes`; groups coloured and shaped by
    the theme (or all muted with uncoloured=True). Mark size shrinks a little for big data."""
    x, y, group = np.asarray(x, float), np.asarray(y, float), np.asarray(group, int)
    n_groups = int(group.max()) + 1 if group.size else 0
    if size is None:
        size = float(np.clip(0.075 - 0.00008 * len(x), 0.04, 0.065))
    groups, colors = [], []
    for j in range(n_groups):
        color = theme.group_color(j)
        shown = theme.muted if uncoloured else color
        rows = np.flatnonzero(group == j)
        groups.append(VGroup(*[group_mark(theme.group_shape(j), axes.c2p(x[i], y[i]), shown, size,
                                          opacity=opacity) for i in rows]))
        colors.append(color)
    return GroupCloud(groups, colors)


# --------------------------------------------------------------------------------------------
# Lines
# --------------------------------------------------------------------------------------------

def fitted_line(axes: PlotAxes, intercept: float, slope: float, color: str,
                x_span: tuple[float, float] | None = None, stroke_width: float = 3.5,
                dashed: bool = False) -> Line:
    """The line y = intercept + slope x over `x_span` (default the whole axis), clipped to the
    plot. A line that misses the plot becomes a zero-length line at the plot's edge (so it can
    still be transformed). Keeps `line.coefs = (intercept, slope)`."""
    span = axes.clip(intercept, slope, *(x_span or (None, None)))
    if span is None:
        x_mid = (axes.x_lim[0] + axes.x_lim[1]) / 2
        y_edge = float(np.clip(intercept + slope * x_mid, *axes.y_lim))
        start = end = axes.c2p(x_mid, y_edge)
        line = Line(start, end + RIGHT * 1e-4, color=color, stroke_width=stroke_width)
        line.set_stroke(opacity=0.0)
    else:
        a, b = span
        start, end = axes.c2p(a, intercept + slope * a), axes.c2p(b, intercept + slope * b)
        cls = DashedLine if dashed else Line
        line = cls(start, end, color=color, stroke_width=stroke_width)
    line.coefs = (intercept, slope)
    return line


def grand_mean_line(axes: PlotAxes, intercept: float, slope: float, theme: Theme,
                    stroke_width: float = 4.0) -> Line:
    """The fixed effect / grand mean gamma00 + gamma10 x: dashed, in theme.grand_mean."""
    return fitted_line(axes, intercept, slope, theme.grand_mean, stroke_width=stroke_width, dashed=True)


def group_lines(axes: PlotAxes, coefs: Sequence[tuple[float, float]], theme: Theme,
                x_spans: Sequence[tuple[float, float]] | None = None, stroke_width: float = 3.0,
                colors: Sequence[str] | None = None) -> VGroup:
    """One line per group (group index j = position in `coefs`, each (intercept, slope)), in
    the group colours; `lines[j]` is group j's line, so the same objects can be transformed
    into a new model's lines."""
    lines = VGroup()
    for j, (a, b) in enumerate(coefs):
        span = x_spans[j] if x_spans is not None else None
        color = colors[j] if colors is not None else theme.group_color(j)
        lines.add(fitted_line(axes, a, b, color, x_span=span, stroke_width=stroke_width))
    return lines


# --------------------------------------------------------------------------------------------
# Estimate marks and arrows
# --------------------------------------------------------------------------------------------

def hollow_mark(point, color: str, radius: float = 0.1, stroke_width: float = 3.5) -> Circle:
    """A no-pooling estimate: an open circle (colour: theme.no_pool unless a group colour is
    wanted)."""
    return Circle(radius=radius, color=color, stroke_width=stroke_width).set_fill(opacity=0).move_to(point)


def filled_mark(point, color: str, radius: float = 0.1) -> Dot:
    """A partial-pooling estimate: a filled disc (colour: theme.partial or the group's)."""
    return Dot(point, radius=radius, color=color)


def truth_mark(point, theme: Theme, radius: float = 0.13) -> Circle:
    """The simulation's true value: a faint dashed outline in theme.truth."""
    circle = Circle(radius=radius, color=theme.truth, stroke_width=2.5).move_to(point)
    return VGroup(*[piece for k, piece in enumerate(_dash(circle, 12)) if k % 2 == 0])


def _dash(circle: Circle, n: int) -> list:
    from manim import Arc

    r, c = circle.width / 2, circle.get_center()
    return [Arc(radius=r, start_angle=2 * PI * k / n, angle=2 * PI / n, arc_center=c,
                color=circle.get_color(), stroke_width=circle.get_stroke_width()) for k in range(n)]


def fixed_effect_mark(point, theme: Theme, size: float = 0.16) -> VGroup:
    """The fixed effect (gamma00, gamma10) as a point: a cross in theme.grand_mean."""
    a = Line(point + (LEFT + UP) * size, point + (RIGHT + DOWN) * size, color=theme.grand_mean,
             stroke_width=5)
    b = Line(point + (LEFT + DOWN) * size, point + (RIGHT + UP) * size, color=theme.grand_mean,
             stroke_width=5)
    return VGroup(a, b)


def shrink_arrow(start, end, color: str, stroke_width: float = 3.0, buff: float = 0.0) -> VMobject:
    """The pull of shrinkage: an arrow from the no-pooling to the partial-pooling estimate, tip
    sized to the length; a near-zero pull becomes an invisible stub (still transformable)."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    length = float(np.linalg.norm(end - start))
    if length < 0.06:
        stub = Arrow(start, start + RIGHT * 0.06, buff=0, color=color, stroke_width=stroke_width,
                     tip_length=0.05)
        return stub.set_opacity(0.0)
    return Arrow(start, end, buff=buff, color=color, stroke_width=stroke_width,
                 tip_length=min(0.18, 0.45 * length), max_tip_length_to_length_ratio=0.45,
                 max_stroke_width_to_length_ratio=20)


# --------------------------------------------------------------------------------------------
# Labels where the data are not
# --------------------------------------------------------------------------------------------

def spread_positions(targets: Sequence[float], min_gap: float, lo: float, hi: float) -> list[float]:
    """1-D label placement: positions as close as possible to `targets`, at least `min_gap`
    apart and inside [lo, hi] (the gap shrinks if they cannot all fit). Order is preserved."""
    n = len(targets)
    if n == 0:
        return []
    gap = min(min_gap, (hi - lo) / max(n - 1, 1))
    order = np.argsort(np.asarray(targets, float), kind="stable")
    clusters: list[list[int]] = []

    def start(cluster):
        centre = float(np.mean([targets[i] for i in cluster]))
        return centre - gap * (len(cluster) - 1) / 2

    for i in order:
        clusters.append([int(i)])
        while len(clusters) > 1 and start(clusters[-1]) < start(clusters[-2]) + gap * len(clusters[-2]):
            last = clusters.pop()
            clusters[-1].extend(last)
    positions = np.empty(n)
    for cluster in clusters:
        s = start(cluster)
        for k, i in enumerate(cluster):
            positions[i] = s + k * gap
    ranked = positions[order]
    ranked = np.clip(ranked, lo, hi)
    for k in range(1, n):
        ranked[k] = max(ranked[k], ranked[k - 1] + gap)
    if ranked[-1] > hi:
        ranked[-1] = hi
        for k in range(n - 2, -1, -1):
            ranked[k] = min(ranked[k], ranked[k + 1] - gap)
    positions[order] = ranked
    return positions.tolist()


def end_labels(axes: PlotAxes, items: Sequence[tuple[str, float, str]], theme: Theme,
               x: float | None = None, size: int = LABEL_SIZE, gap: float = 0.3,
               leader_length: float = 0.25) -> VGroup:
    """Labels at the right end of lines: items (text, y at the line's end, colour). Labels are
    spread vertically so they never overlap and joined to their line by a short leader line.
    Returns a VGroup of VGroup(leader, label) in item order; each has `.label` and `.leader`.
    Keep `right_gutter` in make_axes wide enough for the longest label."""
    x = axes.x_lim[1] if x is None else x
    x_scene = axes.x_to_scene(x)
    targets = [axes.y_to_scene(float(np.clip(y, *axes.y_lim))) for _, y, _ in items]
    lo = axes.y_to_scene(axes.y_lim[0]) + 0.1
    hi = axes.y_to_scene(axes.y_lim[1]) - 0.1
    placed = spread_positions(targets, gap, lo, hi)
    out = VGroup()
    for (text, _, color), target, y in zip(items, targets, placed):
        label = Text(text, font=FONT, font_size=size, color=color)
        label.move_to([x_scene + leader_length + 0.08 + label.width / 2, y, 0])
        leader = Line([x_scene + 0.04, target, 0], [x_scene + leader_length, y, 0], color=color,
                      stroke_width=1.5)
        entry = VGroup(leader, label)
        entry.label, entry.leader = label, leader
        out.add(entry)
    return out


# --------------------------------------------------------------------------------------------
# Legend, readouts, panel
# --------------------------------------------------------------------------------------------

LEGEND_KINDS = ("complete", "no_pool", "partial", "grand_mean", "truth", "line", "points",
                "hollow", "filled", "residual", "fixed", "square", "triangle", "circle")


def legend_entry(kind: str, text: str, theme: Theme, color: str | None = None,
                 size: int = LABEL_SIZE) -> VGroup:
    """One legend row: an icon for `kind` and its label. Kinds: complete (complete-pooling
    line), no_pool (hollow mark), partial (filled mark), grand_mean (dashed line), truth (faint
    outline), line (a solid line in `color`), points (data marks in `color`), hollow / filled
    (marks in `color`), residual (a residual tick), fixed (the fixed-effect cross), square /
    triangle / circle (a data mark of that shape in `color`)."""
    w = 0.45
    if kind == "complete":
        icon = Line(LEFT * w / 2, RIGHT * w / 2, color=color or theme.complete, stroke_width=5)
    elif kind == "grand_mean":
        icon = DashedLine(LEFT * w / 2, RIGHT * w / 2, color=color or theme.grand_mean, stroke_width=4,
                          dash_length=0.07)
    elif kind == "line":
        icon = Line(LEFT * w / 2, RIGHT * w / 2, color=color or theme.foreground, stroke_width=4)
    elif kind in ("no_pool", "hollow"):
        icon = hollow_mark(ORIGIN, color or theme.no_pool, radius=0.09)
    elif kind in ("partial", "filled"):
        icon = filled_mark(ORIGIN, color or theme.partial, radius=0.09)
    elif kind == "truth":
        icon = truth_mark(ORIGIN, theme, radius=0.1)
    elif kind == "points":
        icon = VGroup(*[group_mark("circle", ORIGIN + RIGHT * dx + UP * dy, color or theme.muted, 0.045)
                        for dx, dy in ((-0.15, -0.05), (0.0, 0.06), (0.15, -0.02))])
    elif kind in ("square", "triangle", "circle"):
        icon = group_mark(kind, ORIGIN, color or theme.foreground, 0.07)
    elif kind == "residual":
        icon = VGroup(Line(DOWN * 0.12, UP * 0.12, color=color or theme.residual, stroke_width=3),
                      Dot(UP * 0.12, radius=0.04, color=color or theme.residual))
    elif kind == "fixed":
        icon = fixed_effect_mark(ORIGIN, theme, size=0.09)
    else:
        raise ValueError(f"legend kind '{kind}' is unknown: use one of {', '.join(LEGEND_KINDS)}")
    slot = Rectangle(width=w, height=0.25).set_opacity(0).move_to(icon)
    label = Text(text, font=FONT, font_size=size, color=theme.foreground)
    row = VGroup(VGroup(slot, icon), label).arrange(RIGHT, buff=0.18)
    row.icon, row.label = icon, label
    return row


def legend(entries: Sequence[tuple], theme: Theme, buff: float = 0.16, size: int = LABEL_SIZE) -> VGroup:
    """Legend rows from (kind, text) or (kind, text, colour) tuples, stacked and left-aligned."""
    rows = [legend_entry(*entry[:2], theme, color=entry[2] if len(entry) > 2 else None, size=size)
            for entry in entries]
    return VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=buff)


class _Shared:
    """Holds a reference that mobject copies share instead of deep-copying (a scene's
    record_number: copying the scene would fail)."""

    def __init__(self, target):
        self.target = target

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class Readout(VGroup):
    """A live number: a label (TeX or text) and its value printed with `fmt` (the results
    table's rounding). `set_value(v)` changes it in place; `update_to(v)` returns the
    animation. With `key` and `recorder` (a scene's record_number) every shown value is
    recorded. `prefix` is plain text before a TeX label ("pooled" + beta-hat); `suffix` follows
    the number. `label` may also be a ready mobject (math_with_label: a formula with a group
    label in it). Parts: `label`, `number`; `value` is the number shown."""

    def __init__(self, label: str | VMobject, value: float | None, theme: Theme,
                 color: str | None = None, tex: bool = True, size: int = BODY_SIZE + 4, sig: int = 3,
                 key: str | None = None,
                 recorder: Callable[[str, float], float] | None = None, suffix: str = "",
                 prefix: str = ""):
        super().__init__()
        self.theme, self.color, self.size, self.sig, self.suffix = theme, color or theme.foreground, size, sig, suffix
        self.key, self._recorder = key, _Shared(recorder)
        if not isinstance(label, str):
            self.label = label          # built by the caller, e.g. math_with_label for a group label
        elif tex:
            self.label = MathTex(label, font_size=size + 6, color=self.color)
        else:
            self.label = Text(label, font=FONT, font_size=size, color=self.color)
        if prefix:
            words = Text(prefix, font=FONT, font_size=size, color=self.color)
            self.label = VGroup(words, self.label).arrange(RIGHT, buff=0.15)
            words.align_to(self.label[1], DOWN) if not tex else None
        self.value = value
        self.number = self._number_mobject(value)
        self.add(self.label, self.number)
        self.number.next_to(self.label, RIGHT, buff=0.15)
        self._record(value)

    def _number_mobject(self, value) -> Text:
        return Text(fmt(value, self.sig) + self.suffix, font=FONT, font_size=self.size, color=self.color)

    def _record(self, value) -> None:
        if self.key and self._recorder.target is not None and value is not None:
            self._recorder.target(self.key, value)

    def _placed(self, value) -> Text:
        number = self._number_mobject(value)
        number.next_to(self.label, RIGHT, buff=0.15)
        number.align_to(self.number, DOWN) if self.number.height > 0 else None
        return number

    def set_value(self, value) -> "Readout":
        """Show `value` now (no animation)."""
        self.number.become(self._placed(value))
        self.value = value
        self._record(value)
        return self

    def update_to(self, value, run_time: float = 0.6):
        """The animation that changes the shown number to `value`."""
        target = self._placed(value)
        self.value = value
        self._record(value)
        return Transform(self.number, target, run_time=run_time)


def side_panel(*items, region: Region = PANEL_REGION, buff: float = 0.35) -> VGroup:
    """The side panel: items stacked top-down, left-aligned, anchored at the region's top left.
    An item wider than the panel is scaled to its width on its own (the others keep their size);
    only if the stack is still too tall is it scaled down as a whole."""
    for item in items:
        if item.width > region.width:
            item.scale_to_fit_width(region.width)
    panel = VGroup(*items).arrange(DOWN, aligned_edge=LEFT, buff=buff)
    return fit_in_region(panel, region, "left", "top")


def mini_bars(items: Sequence[tuple[str, float, str]], theme: Theme, width: float = 3.6,
              height: float = 2.4, size: int = LABEL_SIZE, sig: int = 3,
              value_label: str | None = None) -> VGroup:
    """A small vertical bar chart: items (name, value >= 0, colour); value printed on top
    (fmt), name below. Parts: `bars`, `values`, `names`, `baseline`, `title` (value_label).
    Bars grow from the baseline, so GrowFromEdge(bar, DOWN) animates them."""
    n = len(items)
    top = max((v for _, v, _ in items if v is not None and np.isfinite(v)), default=1.0) or 1.0
    slot = width / max(n, 1)
    bar_w = slot * 0.6
    chart_h = height - 0.7
    group = VGroup()
    bars, values, names = VGroup(), VGroup(), VGroup()
    for k, (name, value, color) in enumerate(items):
        h = max(chart_h * (value / top if value and np.isfinite(value) else 0.0), 0.01)
        bar = Rectangle(width=bar_w, height=h, stroke_width=0, fill_color=color, fill_opacity=0.9)
        bar.move_to([slot * (k + 0.5), h / 2, 0])
        bars.add(bar)
        number = Text(fmt(value, sig), font=FONT, font_size=size, color=theme.foreground)
        number.next_to(bar, UP, buff=0.08)
        values.add(number)
        label = Text(name, font=FONT, font_size=size, color=theme.foreground)
        if label.width > slot * 0.98:
            label.scale_to_fit_width(slot * 0.98)
        label.next_to([slot * (k + 0.5), 0, 0], DOWN, buff=0.1)
        names.add(label)
    baseline = Line([0, 0, 0], [width, 0, 0], color=theme.muted, stroke_width=2)
    group.add(baseline, bars, values, names)
    group.bars, group.values, group.names, group.baseline = bars, values, names, baseline
    group.title = None
    if value_label:
        title = Text(value_label, font=FONT, font_size=size, color=theme.muted)
        title.next_to(VGroup(bars, values), UP, buff=0.12).align_to(baseline, LEFT)
        group.add(title)
        group.title = title
    return group


def normal_density_curve(axes: PlotAxes, center: float, sd: float, at_x: float, width: float,
                         color: str, stroke_width: float = 3.0, n_sd: float = 3.0,
                         fill_opacity: float = 0.2) -> VMobject:
    """The known density of N(center, sd^2) drawn sideways along the vertical line x = at_x:
    the curve bulges to the right by at most `width` scene units, over center +- n_sd sd (clipped
    to the plot). Used to show where random effects are drawn from."""
    ys = np.linspace(max(center - n_sd * sd, axes.y_lim[0]), min(center + n_sd * sd, axes.y_lim[1]), 80)
    x0 = axes.x_to_scene(at_x)
    z = (ys - center) / sd if sd > 0 else np.zeros_like(ys)
    bulge = width * np.exp(-0.5 * z ** 2)
    points = [np.array([x0 + b, axes.y_to_scene(y), 0.0]) for y, b in zip(ys, bulge)]
    curve = VMobject(color=color, stroke_width=stroke_width)
    outline = [np.array([x0, axes.y_to_scene(ys[0]), 0.0])] + points + [np.array([x0, axes.y_to_scene(ys[-1]), 0.0])]
    curve.set_points_as_corners(outline)
    curve.set_fill(color, opacity=fill_opacity)
    return curve


# --------------------------------------------------------------------------------------------
# Reading the fit (no statistics computed here: values are looked up in FitResult)
# --------------------------------------------------------------------------------------------

INTERCEPT_TERM = "(Intercept)"
POOLING_KINDS = ("complete", "no_pool", "partial", "separate")


def scene_fit(lecture):
    """The scene's main FitResult: `lecture.fit()` (cached), or an uncached fit of the same
    model if the cache cannot hash the input."""
    try:
        return lecture.fit()
    except TypeError:
        return lecture.fit(formula=lecture.formula)


def slope_term(fit) -> str | None:
    """The name of the first non-intercept fixed effect (the plotted predictor), or None."""
    predictor = (fit.simpson or {}).get("predictor")
    if predictor:
        return predictor
    return next((name for name in fit.fixef if name != INTERCEPT_TERM), None)


def coef_pairs(fit, kind: str) -> list[tuple[float, float]]:
    """(intercept, slope) of each group's line, in fit.group_labels order, for one method:
    complete (the one pooled line for every group), no_pool (the group's own estimate: the
    common-slope fit for a random-intercept model, the separate per-group fit when slopes vary,
    falling back to the common-slope fit for a group whose own fit is not estimable) or partial
    (fixed effects + conditional modes, lme4's coef()) or separate (always the group's own
    separate fit, falling back to the common-slope fit where it is not estimable)."""
    term = slope_term(fit)
    labels = fit.group_labels
    if kind == "complete":
        fixef = fit.complete_pooling["fixef"]
        pair = (fixef.get(INTERCEPT_TERM, 0.0), fixef.get(term, 0.0) if term else 0.0)
        return [pair for _ in labels]
    if kind == "partial":
        coefs = fit.group_coefficients()
        return [(coefs[label].get(INTERCEPT_TERM, fit.fixef.get(INTERCEPT_TERM, 0.0)),
                 coefs[label].get(term, fit.fixef.get(term, 0.0)) if term else 0.0) for label in labels]
    if kind in ("no_pool", "separate"):
        common = fit.no_pooling.get("common_slope", {})
        separate = fit.no_pooling.get("separate", {})
        use_separate = kind == "separate" or len(fit.re_terms) > 1 or INTERCEPT_TERM not in fit.re_terms
        out = []
        for label in labels:
            own = separate.get(label) if use_separate else None
            source = own if own else common[label]
            out.append((source.get(INTERCEPT_TERM, 0.0), source.get(term, 0.0) if term else 0.0))
        return out
    raise ValueError(f"pooling kind '{kind}' is unknown: use one of {', '.join(POOLING_KINDS)}")


def focus_group(fit) -> str:
    """The group a narration follows: the smallest (first in label order on ties)."""
    return min(fit.group_labels, key=lambda label: (fit.group_sizes[label], label))
