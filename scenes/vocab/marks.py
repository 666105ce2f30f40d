"""Marks of the data and the estimates: group clouds, fitted and group lines, estimate marks,
shrinkage arrows, and labels placed where the data are not.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import (Arrow, Circle, DOWN, DashedLine, Dot, LEFT, Line, PI, RIGHT, Square, Text,
                   Triangle, UP, VGroup, VMobject)

from scenes.theme import FONT, LABEL_SIZE, Theme
from scenes.vocab.axes import PlotAxes
from scenes.vocab.crowd import crowd_scale, labels_note, thin_crowd, thin_labels

# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------

def group_mark(shape: str, point, color: str, size: float = 0.055, filled: bool = True,
               opacity: float = 0.9) -> VMobject:
    """One data point: circle, square, triangle, diamond or triangle_down (theme.group_shape(j),
    which changes each time the group colours start over) of radius ~size."""
    if shape == "square":
        mark = Square(side_length=1.75 * size)
    elif shape == "triangle":
        mark = Triangle().scale_to_fit_height(2.0 * size)
    elif shape == "triangle_down":
        mark = Triangle().rotate(PI).scale_to_fit_height(2.0 * size)
    elif shape == "diamond":
        mark = Square(side_length=1.6 * size).rotate(PI / 4)
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
    the theme (or all muted with uncoloured=True). Marks shrink a little for big data, and get
    smaller and lighter as groups multiply (crowd_scale), so 100 groups stay a readable cloud."""
    x, y, group = np.asarray(x, float), np.asarray(y, float), np.asarray(group, int)
    n_groups = int(group.max()) + 1 if group.size else 0
    crowd = crowd_scale(n_groups)
    if size is None:
        size = float(np.clip(0.075 - 0.00008 * len(x), 0.04, 0.065)) * max(0.75, crowd)
    opacity = opacity * (0.5 + 0.5 * crowd)
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
    into a new model's lines. Past CROWD_FROM groups the lines get thinner and lighter
    (crowd_scale: 0.63 of the width at 30 groups, 0.35 at 100)."""
    lines = VGroup()
    for j, (a, b) in enumerate(coefs):
        span = x_spans[j] if x_spans is not None else None
        color = colors[j] if colors is not None else theme.group_color(j)
        lines.add(fitted_line(axes, a, b, color, x_span=span, stroke_width=stroke_width))
    return thin_crowd(lines)


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
               leader_length: float = 0.25, priority: Sequence[int] = (),
               group_word: str = "group") -> VGroup:
    """Labels at the right end of lines: items (text, y at the line's end, colour). Labels are
    spread vertically so they never overlap and joined to their line by a short leader line.
    Returns a VGroup of VGroup(leader, label) in item order; each has `.label`, `.leader` and
    `.shown`. Keep `right_gutter` in make_axes wide enough for the longest label.

    When not all labels fit `gap` apart, only a subset is drawn (the `priority` item indices
    first, e.g. the focus group, then the top and bottom and labels spread evenly: thin_labels);
    the others stay in the group, invisible (so Transform between two calls still pairs them),
    and `.note` ("12 of 30 groups labelled", muted, at the top of the label column) is
    the group's last member. `.shown_count` says how many are drawn."""
    x = axes.x_lim[1] if x is None else x
    x_scene = axes.x_to_scene(x)
    targets = [axes.y_to_scene(float(np.clip(y, *axes.y_lim))) for _, y, _ in items]
    lo = axes.y_to_scene(axes.y_lim[0]) + 0.1
    hi = axes.y_to_scene(axes.y_lim[1]) - 0.1
    label_left = x_scene + leader_length + 0.08
    note = None
    shown = thin_labels(targets, gap, lo, hi, priority)
    if len(shown) < len(items):
        region = getattr(axes, "region", None)
        room = (region.right if region is not None else label_left + 2.0) - label_left
        # the note takes the top of the label column; the labels share what is left
        probe = _note_text(labels_note(len(shown), len(items), group_word, True), room, theme, size)
        hi = axes.y_to_scene(axes.y_lim[1]) - probe.height - gap / 2
        shown = thin_labels(targets, gap, lo, hi, priority)
        note = _note_text(labels_note(len(shown), len(items), group_word, True), room, theme, size)
        note.move_to([label_left + note.width / 2, axes.y_to_scene(axes.y_lim[1]) - note.height / 2, 0])
    placed = dict(zip(shown, spread_positions([targets[i] for i in shown], gap, lo, hi)))
    out = VGroup()
    for i, ((text, _, color), target) in enumerate(zip(items, targets)):
        y = placed.get(i, target)
        label = Text(text, font=FONT, font_size=size, color=theme.ink(color))
        label.move_to([label_left + label.width / 2, y, 0])
        leader = Line([x_scene + 0.04, target, 0], [x_scene + leader_length, y, 0], color=color,
                      stroke_width=1.5)
        entry = VGroup(leader, label)
        entry.label, entry.leader, entry.shown = label, leader, i in placed
        if not entry.shown:
            entry.set_opacity(0.0)
        out.add(entry)
    out.note, out.shown_count = note, len(placed)
    if note is not None:
        out.add(note)
    return out


def _note_text(text: str, width: float, theme: Theme, size: int) -> VGroup:
    """A muted note wrapped into `width` (words greedily, lines left-aligned)."""
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and Text(trial, font=FONT, font_size=size).width > width:
            lines.append(current)
            current = word
        else:
            current = trial
    lines.append(current)
    group = VGroup(*[Text(line, font=FONT, font_size=size, color=theme.muted) for line in lines])
    group.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
    if group.width > width:
        group.scale_to_fit_width(width)
    return group
