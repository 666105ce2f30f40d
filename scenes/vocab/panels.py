"""Legends, live readouts, the side panel, mini bar charts and density curves.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from manim import (DOWN, DashedLine, Dot, LEFT, Line, MathTex, ORIGIN, RIGHT, Rectangle, Text,
                   Transform, UP, VGroup, VMobject)

from scenes.screen_text import SHOWN_AS
from scenes.theme import BODY_SIZE, FONT, LABEL_SIZE, Theme, fmt
from scenes.vocab.axes import PlotAxes
from scenes.vocab.layout import PANEL_REGION, Region, fit_in_region
from scenes.vocab.marks import filled_mark, fixed_effect_mark, group_mark, hollow_mark, truth_mark

# --------------------------------------------------------------------------------------------
# Legend, readouts, panel
# --------------------------------------------------------------------------------------------

LEGEND_KINDS = ("complete", "no_pool", "partial", "grand_mean", "truth", "line", "points",
                "hollow", "filled", "residual", "fixed", "square", "triangle", "circle", "diamond",
                "triangle_down")


def legend_entry(kind: str, text: str, theme: Theme, color: str | None = None,
                 size: int = LABEL_SIZE) -> VGroup:
    """One legend row: an icon for `kind` and its label. Kinds: complete (complete-pooling
    line), no_pool (hollow mark), partial (filled mark), grand_mean (dashed line), truth (faint
    outline), line (a solid line in `color`), points (data marks in `color`), hollow / filled
    (marks in `color`), residual (a residual tick), fixed (the fixed-effect cross), square /
    triangle / circle / diamond / triangle_down (a data mark of that shape in `color`)."""
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
    elif kind in ("square", "triangle", "circle", "diamond", "triangle_down"):
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


def group_key(labels: Sequence[str], theme: Theme, groups: Sequence[int] | None = None,
              size: int = LABEL_SIZE, columns: int = 1) -> VGroup:
    """A legend of groups: each group's data mark (its colour and shape, the pair that stays
    unique past seven groups) and its label in the group's text colour. `groups` picks the
    group indices to list (e.g. highlight_groups(...)); default all. Rows fill `columns`
    columns top-down."""
    groups = list(range(len(labels))) if groups is None else list(groups)
    rows = []
    for j in groups:
        color, shape = theme.group_style(j)
        icon = group_mark(shape, ORIGIN, color, 0.07)
        text = Text(labels[j], font=FONT, font_size=size, color=theme.group_text_color(j))
        row = VGroup(icon, text).arrange(RIGHT, buff=0.15)
        row.icon, row.label, row.group = icon, text, j
        rows.append(row)
    if not rows:
        return VGroup()
    per_column = -(-len(rows) // max(columns, 1))
    cols = [VGroup(*rows[k:k + per_column]).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            for k in range(0, len(rows), per_column)]
    return VGroup(*cols).arrange(RIGHT, aligned_edge=UP, buff=0.35)


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
        self.theme, self.color, self.size, self.sig, self.suffix = theme, theme.ink(color), size, sig, suffix
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
        target = self._placed(value)
        self.number.become(target)
        self._same_words(target)
        self.value = value
        self._record(value)
        return self

    def update_to(self, value, run_time: float = 0.6):
        """The animation that changes the shown number to `value`."""
        target = self._placed(value)
        self.value = value
        self._record(value)
        self._same_words(target)
        return Transform(self.number, target, run_time=run_time)

    def _same_words(self, target: Text) -> None:
        """The number mobject keeps its glyphs' text in step with what it shows (become and
        Transform change only the points), so screen_numbers.json reads the new value."""
        for attr in ("text", "original_text"):
            if hasattr(target, attr):
                setattr(self.number, attr, getattr(target, attr))
        if hasattr(self.number, SHOWN_AS):    # an earlier Transform's target no longer shows
            delattr(self.number, SHOWN_AS)


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
