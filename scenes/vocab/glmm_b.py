"""Vocabulary for drawing any family's fit (shrinkage, Simpson, random slopes): the name of the
scale a panel shows, axis labels that fit their axis, the marker for a no-pooling estimate at
+-infinity, and group curves on the response scale through the family's own inverse link.

Builders draw numbers handed to them; the inverse link is the estimator's (estimator.families),
the function the fit itself used.
"""
from __future__ import annotations

import numpy as np
from manim import UP, Text, Triangle, VGroup, VMobject

from estimator.families import get_family
from scenes.theme import FONT, LABEL_SIZE

# The scale a link-scale panel shows, by (family, link): named on every axis and panel.
_SCALES = {("poisson", "log"): "log-rate", ("binomial", "logit"): "log-odds",
           ("gamma", "log"): "log-mean", ("binomial", "probit"): "probit"}
CURVE_POINTS = 48


def link_scale(fit) -> str | None:
    """'log-rate', 'log-odds', 'log-mean' (or '<link> scale'); None for the identity link."""
    if fit.link == "identity":
        return None
    return _SCALES.get((fit.family, fit.link), f"{fit.link} scale")


def on_scale(text: str, fit) -> str:
    """`text` with the scale it is on appended, for a GLMM: 'intercept (log-odds)'."""
    scale = link_scale(fit)
    return f"{text}, {scale} scale" if scale else text


def response_scale_note(fit, y_label: str) -> str | None:
    """One line saying what the curves of a GLMM panel are: lines on the link scale pushed
    through the inverse link onto the response scale."""
    scale = link_scale(fit)
    if scale is None:
        return None
    inverse = {"log": "exp(η)", "logit": "logit⁻¹(η)"}.get(fit.link, "the inverse link of η")
    return f"Curves = {inverse}, with η a straight line on the {scale} scale."


def fitting_label(text: str, max_length: float, size: int = LABEL_SIZE) -> str:
    """An axis label that fits `max_length` scene units: as it is, else broken into two lines at
    the space nearest its middle, else shortened to its first words with an ellipsis."""
    def length(t):
        return max(Text(line, font=FONT, font_size=size).width for line in t.split("\n"))

    if not text or length(text) <= max_length:
        return text
    spaces = [i for i, c in enumerate(text) if c == " "]
    if spaces:
        cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
        two = text[:cut] + "\n" + text[cut + 1:]
        if length(two) <= max_length:
            return two
    words = text.split(" ")
    while len(words) > 1 and length(" ".join(words) + " …") > max_length:
        words.pop()
    return " ".join(words) + " …"


def infinite_mark(point, direction: int, color: str, size: float = 0.2) -> VMobject:
    """A hollow arrowhead at the plot's edge for a no-pooling estimate at +-infinity (pointing
    the way it runs off): the hollow circle's look, a shape that cannot be read as a value."""
    mark = Triangle(color=color, stroke_width=3.5).scale(size / 2)
    mark.rotate(-np.pi / 2 if direction > 0 else np.pi / 2)
    mark.move_to(point)
    return mark


def response_curve(axes, family: str, intercept: float, slope: float, color: str,
                   x_span=None, stroke_width: float = 3.5) -> VMobject:
    """inverse_link(intercept + slope x) over `x_span` (default the axis), clipped to the
    plot's y range; a fixed number of points, so curves morph point by point."""
    inverse = get_family(family).linkinv
    lo, hi = x_span or axes.x_lim
    lo, hi = max(lo, axes.x_lim[0]), min(hi, axes.x_lim[1])
    xs = np.linspace(lo, hi, CURVE_POINTS)
    ys = np.clip(np.asarray(inverse(intercept + slope * xs), float), *axes.y_lim)
    path = VMobject(color=color, stroke_width=stroke_width)
    path.set_points_as_corners([axes.c2p(x, y) for x, y in zip(xs, ys)])
    path.coefs = (intercept, slope)
    return path


def response_curves(axes, family: str, coefs, theme, x_spans=None, stroke_width: float = 3.5,
                    colors=None) -> VGroup:
    """One response-scale curve per group (group j = position in `coefs`), in group colours,
    thinner and lighter past a dozen groups (as group_lines draws the identity link's)."""
    from scenes.vocab.crowd import thin_crowd

    out = VGroup()
    for j, (a, b) in enumerate(coefs):
        color = colors[j] if colors is not None else theme.group_color(j)
        out.add(response_curve(axes, family, a, b, color,
                               x_span=x_spans[j] if x_spans is not None else None,
                               stroke_width=stroke_width))
    return thin_crowd(out)


def edge_label(mark, text: str, color: str, size: int = LABEL_SIZE - 2) -> Text:
    """'−∞' / '+∞' just above an infinite mark (the arrow to the mixed estimate runs beside it)."""
    label = Text(text, font=FONT, font_size=size, color=color)
    label.next_to(mark, UP, buff=0.04)
    return label


def outcome_limits(y, family: str) -> tuple[float, float]:
    """The y range of a response-scale plot that respects the outcome: probabilities run 0 to 1,
    counts and Gamma values start at 0, Gaussian values fit their data."""
    from scenes.vocab.axes import padded_range

    if family == "binomial":
        return 0.0, 1.0
    if family in ("poisson", "gamma"):
        return 0.0, padded_range(y)[1]
    return padded_range(y)


def model_paths(axes, family: str, coefs, theme, x_spans=None, stroke_width: float = 3.5,
                colors=None) -> VGroup:
    """Each group's fitted (intercept, slope) on the response scale: straight lines for the
    identity link, the family's inverse-link curves otherwise."""
    if family == "gaussian":
        from scenes.vocab.marks import group_lines

        return group_lines(axes, coefs, theme, x_spans=x_spans, stroke_width=stroke_width, colors=colors)
    return response_curves(axes, family, coefs, theme, x_spans=x_spans, stroke_width=stroke_width,
                           colors=colors)


def model_path(axes, family: str, intercept: float, slope: float, color: str,
               stroke_width: float = 3.5, dashed: bool = False) -> VMobject:
    """One fitted line (identity link) or inverse-link curve over the whole axis."""
    if family == "gaussian":
        from scenes.vocab.marks import fitted_line

        return fitted_line(axes, intercept, slope, color, stroke_width=stroke_width, dashed=dashed)
    path = response_curve(axes, family, intercept, slope, color, stroke_width=stroke_width)
    if dashed:
        from manim import DashedVMobject

        return DashedVMobject(path, num_dashes=30)
    return path


def thin_tick_numbers(axes, gap: float = 0.12) -> None:
    """Hide every other x tick number while neighbours would touch (a narrow inset chart whose
    round ticks still crowd it); the ticks themselves stay."""
    numbers = list(axes.x_numbers)
    keep = numbers
    while len(keep) > 2 and any(b.get_left()[0] - a.get_right()[0] < gap for a, b in zip(keep, keep[1:])):
        keep = keep[::2]
    for number in numbers:
        if number not in keep:
            axes.x_numbers.remove(number)
            axes.remove(number)


def readable_labels(scenario):
    """The scenario with its axis and group labels as a reader writes them: a user's column
    named in backticks in the formula (`exam score`) is labelled exam score."""
    return scenario.replace(**{name: getattr(scenario, name).replace("`", "")
                               for name in ("x_label", "y_label", "group_label")})
