"""Marks for models of every family: curves on the response scale (a group's line pushed through
the inverse link), an outcome's distribution drawn sideways at one x (a pmf as bars, a density
as a filled curve), and narration filled in from the fit. They draw values handed to them by the
estimator (estimator.response_scale) and compute nothing statistical.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import RIGHT, DashedVMobject, Rectangle, VGroup, VMobject

from scenes.theme import Theme, fmt
from scenes.vocab.axes import PlotAxes


def curve_path(axes: PlotAxes, xs, ys, color: str, stroke_width: float = 3.0,
               dashed: bool = False) -> VMobject:
    """A polyline through (xs, ys) clipped to the plot's y range; all-NaN ys (no estimate) give
    an invisible path at the plot's lower-left corner, so it can still be transformed."""
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    path = VMobject(color=color, stroke_width=stroke_width)
    if not np.any(np.isfinite(ys)):
        corner = axes.c2p(axes.x_lim[0], axes.y_lim[0])
        path.set_points_as_corners([corner, corner + RIGHT * 1e-4])
        path.set_stroke(opacity=0.0)
        return path
    lo, hi = axes.y_lim
    points = [axes.c2p(x, float(np.clip(y, lo, hi))) for x, y in zip(xs, ys) if np.isfinite(y)]
    path.set_points_as_corners(points)
    if dashed:
        return DashedVMobject(path, num_dashes=40, dashed_ratio=0.55)
    return path


def group_curves(axes: PlotAxes, xs, rows, theme: Theme, stroke_width: float = 3.0,
                 colors: Sequence[str] | None = None) -> VGroup:
    """One curve per group (row j of `rows` = group j's values over `xs`), in group colours."""
    return VGroup(*[curve_path(axes, xs, row, colors[j] if colors else theme.group_color(j),
                               stroke_width=stroke_width) for j, row in enumerate(rows)])


def sideways_distribution(axes: PlotAxes, at_x: float, distribution, width: float, color: str,
                          fill_opacity: float = 0.35) -> VGroup:
    """An OutcomeDistribution drawn along the vertical line x = at_x, bulging right by at most
    `width` scene units: a pmf as one horizontal bar per possible outcome (thickness set by the
    spacing of the outcomes on the axis), a density as a filled outline."""
    values, weights = np.asarray(distribution.values, float), np.asarray(distribution.weights, float)
    keep = (values >= axes.y_lim[0]) & (values <= axes.y_lim[1])
    values, weights = values[keep], weights[keep]
    top = float(weights.max()) if weights.size else 1.0
    x0 = axes.x_to_scene(at_x)
    shape = VGroup()
    if distribution.kind == "pmf":
        gaps = np.diff(values) if len(values) > 1 else np.array([1.0])
        spacing = abs(axes.y_to_scene(values[0] + float(np.min(gaps))) - axes.y_to_scene(values[0]))
        thickness = float(np.clip(0.7 * spacing, 0.03, 0.22))
        for value, weight in zip(values, weights):
            length = max(width * weight / top, 1e-3)
            bar = Rectangle(width=length, height=thickness, stroke_width=1.5, stroke_color=color,
                            fill_color=color, fill_opacity=fill_opacity + 0.3)
            bar.move_to([x0 + length / 2, axes.y_to_scene(value), 0.0])
            shape.add(bar)
        return shape
    points = [np.array([x0 + width * w / top, axes.y_to_scene(v), 0.0]) for v, w in zip(values, weights)]
    if not points:
        return shape
    outline = VMobject(color=color, stroke_width=3)
    outline.set_points_as_corners([np.array([x0, points[0][1], 0.0]), *points,
                                   np.array([x0, points[-1][1], 0.0])])
    outline.set_fill(color, opacity=fill_opacity)
    return shape.add(outline)


def narrate(templates: dict, family: str, **fields) -> str:
    """The narration for one slide point: templates {family or "default": text with {names}},
    filled with `fields` (numbers are printed with fmt, the screen's rounding)."""
    text = templates.get(family, templates.get("default", ""))
    shown = {key: (fmt(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value)
             for key, value in fields.items()}
    return " ".join(text.format(**shown).split())
