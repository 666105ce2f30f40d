"""The parts the shrinkage scenes share (scenes/shrinkage.py): the row chart with one row per
group, its marks (hollow own estimate, filled mixed estimate, arrow, dashed grand mean), the
marker for an own estimate at +-infinity, and the weight lambda_j with the fit's numbers.

Works for every family: intercepts are on the link scale (log-odds, log-rate, log-mean) for a
GLMM, and lambda_j is FitResult.shrinkage, the reliability 1 - Var(u0j | y) / tau0^2 (for a
Gaussian random intercept alone equal to tau0^2 / (tau0^2 + sigma^2 / n_j), and shown so).
"""
from __future__ import annotations

from dataclasses import dataclass

from manim import MathTex, Rectangle, Text, VGroup, DashedLine

from estimator.boundary import ALL_ONE, ALL_ZERO, boundary_groups, side
from scenes.theme import FONT, LABEL_SIZE, fmt
from scenes.vocab import (INTERCEPT_TERM, LABEL_SLOT, PANEL_REGION, coef_pairs, filled_mark, hollow_mark,
                          make_axes, math_with_label, shrink_arrow, side_panel)
from scenes.vocab.glmm_b import edge_label, infinite_mark, link_scale
from estimator.plotted import most_moved

# lambda with a group label as subscript; the label is drawn by Pango (math_with_label), so any
# label from a user's CSV shows as written and never breaks TeX.
LAMBDA_OF_LABEL = (r"\lambda_{", LABEL_SLOT, "}")
RELIABILITY = ("λⱼ is the reliability of group j's estimate: 1 − Var(u₀ⱼ | y) / τ̂₀², its "
               "conditional variance against the spread between groups.")
BOUNDARY_WHY = {ALL_ZERO: "every outcome is 0", ALL_ONE: "every outcome is 1"}
EDGE_NOTE = ("▷ at the edge: a group whose own estimate is ±∞ (every outcome 0, or every "
             "outcome 1); the mixed model still estimates it.")


@dataclass
class Rows:
    """A shrinkage diagram's parts: `axes` (x = intercept, one row per group), `n_labels`
    (n_j beside each row), `row_of` {group index: row value}."""

    axes: object
    n_labels: VGroup
    row_of: dict


def sort_key(value, boundary_side: int) -> float:
    """Rows sort by own estimate, largest on top; an own estimate at +-infinity sorts to its end."""
    if value is None:
        return float("inf") * (boundary_side or -1)
    return value


def build_rows(theme, labels, sizes, nopool_intercepts, x_lim, x_label, group_label,
               sides=None, focus: int | None = None) -> Rows:
    """Rows sorted by no-pooling intercept (top = largest), group labels in group colours on the
    left, n_j on the right, x = intercept. `sides` {j: -1 | +1} places groups whose own
    estimate is infinite at the bottom / top. With many groups only the labels that fit are
    drawn (the `focus` group's always), and the n_j column follows the same rows."""
    J = len(labels)
    sides = sides or {}
    order = sorted(range(J), key=lambda j: -sort_key(nopool_intercepts[j], sides.get(j, 0)))
    row_of = {j: float(J - 1 - r) for r, j in enumerate(order)}
    probe = Text(f"n = {max(sizes)}", font=FONT, font_size=LABEL_SIZE)
    axes = make_axes(x_lim, (-0.6, J - 0.4), x_label, group_label, theme,
                     right_gutter=probe.width + 0.3,
                     y_tick_labels={row_of[j]: labels[j] for j in order},
                     y_tick_colors={row_of[j]: theme.group_color(j) for j in order},
                     y_tick_priority=[row_of[focus]] if focus is not None else (),
                     group_word=group_label)
    n_labels = axes.row_side_labels({row_of[j]: f"n = {sizes[j]}" for j in range(J)})
    return Rows(axes, n_labels, row_of)


def row_marks(theme, rows: Rows, nopool, partial, gamma00, sides=None):
    """(hollow marks, filled marks, arrows, dashed grand-mean line, edge labels) for the given
    intercepts. A group whose own estimate is None sits at the plot's edge as a hollow
    arrowhead pointing to the infinity it runs to (`sides` {j: -1 | +1}), labelled −∞ / +∞;
    its arrow starts there."""
    axes = rows.axes
    sides = sides or {}
    hollow, filled, arrows, edges = VGroup(), VGroup(), VGroup(), VGroup()
    # −∞ / +∞ above the arrowhead only where rows leave room; else the panel's note explains it
    roomy = len(rows.row_of) < 2 or abs(axes.y_to_scene(1.0) - axes.y_to_scene(0.0)) >= 0.5
    for j, (a_np, a_pp) in enumerate(zip(nopool, partial)):
        y = rows.row_of[j]
        end = axes.c2p(a_pp, y)
        if a_np is None:
            direction = sides.get(j, -1)
            # inside the plot by half a mark, clear of the n_j column
            start = axes.c2p(axes.x_lim[1] if direction > 0 else axes.x_lim[0], y) - [0.1 * direction, 0, 0]
            mark = infinite_mark(start, direction, theme.no_pool)
            hollow.add(mark)
            if roomy:
                edges.add(edge_label(mark, "+∞" if direction > 0 else "−∞", theme.no_pool))
        else:
            start = axes.c2p(a_np, y)
            hollow.add(hollow_mark(start, theme.no_pool, radius=axes.row_mark_radius(0.09)))
        filled.add(filled_mark(end, theme.partial, radius=axes.row_mark_radius(0.085)))
        arrows.add(shrink_arrow(start, end, theme.foreground, stroke_width=3))
    line = DashedLine(axes.c2p(gamma00, axes.y_lim[0]), axes.c2p(gamma00, axes.y_lim[1]),
                      color=theme.grand_mean, stroke_width=3, dash_length=0.09)
    return hollow, filled, arrows, line, edges


def row_highlight(rows: Rows, j: int, color: str) -> Rectangle:
    """A thin frame around group j's whole row (label, marks, n_j). At least as tall as the row's
    text, so with many groups (rows closer than a label is tall) the frame encloses the label
    instead of striking through it."""
    left = rows.axes.y_numbers.get_left()[0] - 0.08
    right = rows.n_labels.get_right()[0] + 0.08
    spacing = abs(rows.axes.y_to_scene(1.0) - rows.axes.y_to_scene(0.0))
    text = max((m.height for m in rows.n_labels.submobjects), default=0.0)
    height = max(min(0.42, 0.9 * spacing), text + 0.1)
    frame = Rectangle(width=right - left, height=height, color=color, stroke_width=2)
    return frame.move_to([(left + right) / 2, rows.axes.y_to_scene(rows.row_of[j]), 0])


# the 1-D intercept diagram of a random-slope model: arrows need not point at the grand mean
JOINT_NOTE = (" With a random slope too, intercept and slope move jointly, so an intercept can cross "
              "the grand mean or move away from it (the 2-D shrinkage map shows both).")


def panel_with_room(intro: list, kept: list, later: list, buff: float = 0.22) -> list | None:
    """Lay out the side panel as intro + kept, with `later` below, all at full size when they fit.
    When they do not (a GLMM's reliability definition plus a boundary note made the whole panel
    shrink to unreadable text), `later` takes the intro's place when it appears: the returned
    copies of `kept` are where kept moves to then (None when everything fits)."""
    for item in [*intro, *kept, *later]:
        if item.width > PANEL_REGION.width:
            item.scale_to_fit_width(PANEL_REGION.width)
    items = [*intro, *kept, *later]
    if sum(m.height for m in items) + buff * (len(items) - 1) <= PANEL_REGION.height:
        side_panel(*items, buff=buff)
        return None
    side_panel(*intro, *kept, buff=buff)
    targets = [m.copy() for m in kept]
    side_panel(*targets, *later, buff=buff)
    return targets


def intercepts(fit, kind: str) -> list:
    """Each group's intercept for one pooling kind (None where the estimator reports none)."""
    return [a for a, _ in coef_pairs(fit, kind)]


def finite(values) -> list[float]:
    return [v for v in values if v is not None]


def boundary_sides(fit, boundary: dict) -> dict:
    """{group index: -1 | +1} for the groups whose own estimate is infinite."""
    return {fit.group_labels.index(label): side(kind) for label, kind in boundary.items()
            if label in fit.group_labels}


def intercept_axis_label(scenario, fit) -> str:
    scale = link_scale(fit)
    if scale:
        return f"intercept, {scale} scale ({scenario.x_label} = 0)"
    return f"intercept ({scenario.y_label} at {scenario.x_label} = 0)"


def classic_lambda(fit) -> bool:
    """A Gaussian random intercept alone: lambda_j = tau0^2 / (tau0^2 + sigma^2 / n_j) exactly."""
    return fit.family == "gaussian" and fit.re_terms == [INTERCEPT_TERM] and fit.sigma is not None


def lambda_formula(fit, label: str, theme, size: int = 30):
    """The shrinkage weight of group `label` as a formula with its numbers substituted, and the
    numbers shown {key: value}. Gaussian random intercept: lambda_j = tau0^2 / (tau0^2 + sigma^2/n_j);
    otherwise FitResult's reliability 1 - Var(u0j | y) / tau0^2."""
    k = fit.re_terms.index(INTERCEPT_TERM) if INTERCEPT_TERM in fit.re_terms else 0
    # Variances are shown as the fit reports them, not as a rounded SD squared: a student who
    # recomputes the formula from the numbers on screen must land on the lambda shown.
    tau_sq = fit.re_cov[k][k]
    lam = fit.shrinkage[label]
    n = fit.group_sizes[label]
    j = fit.group_labels.index(label)
    group_color = theme.group_color(j)
    lam_color = theme.partial
    if classic_lambda(fit):
        general = MathTex(r"\lambda_j", "=", r"{\hat\tau_0^2", r"\over", r"\hat\tau_0^2", "+",
                          r"\hat\sigma^2", "/", r"n_j}", font_size=size, color=theme.foreground)
        for idx, color in ((0, lam_color), (2, theme.between), (4, theme.between), (6, theme.within),
                           (8, group_color)):
            general[idx].set_color(color)
        sigma_sq = fit.sigma ** 2
        filled = math_with_label(*LAMBDA_OF_LABEL, "=", "{" + fmt(tau_sq), r"\over",
                                 fmt(tau_sq), "+", fmt(sigma_sq), "/", str(n) + "}", "=",
                                 fmt(lam), label=label, size=size, theme=theme)
        for idx, color in ((0, lam_color), (1, lam_color), (4, theme.between), (6, theme.between),
                           (8, theme.within), (10, group_color), (12, lam_color)):
            filled[idx].set_color(color)
        numbers = {"tau0_sq": tau_sq, "sigma_sq": sigma_sq, f"n[{label}]": n, f"lambda[{label}]": lam}
    else:
        var = fit.ranef_condvar[label][k][k]
        general = MathTex(r"\lambda_j", "=", "1", "-", r"{\mathrm{Var}(u_{0j}\mid y)", r"\over",
                          r"\hat\tau_0^2}", font_size=size, color=theme.foreground)
        general[0].set_color(lam_color)
        general[6].set_color(theme.between)
        filled = math_with_label(*LAMBDA_OF_LABEL, "=", "1", "-", "{" + fmt(var), r"\over",
                                 fmt(tau_sq) + "}", "=", fmt(lam), label=label, size=size, theme=theme)
        for idx, color in ((0, lam_color), (1, lam_color), (8, theme.between), (10, lam_color)):
            filled[idx].set_color(color)
        numbers = {"tau0_sq": tau_sq, f"condvar[{label}]": var, f"lambda[{label}]": lam}
    return general, filled, numbers


def narrated_group(fit, boundary: dict) -> str:
    """The group the lambda narration follows: the smallest whose own estimate exists (its
    deviation can be compared), else the smallest."""
    labels = sorted(fit.group_labels, key=lambda label: (fit.group_sizes[label], label))
    return next((label for label in labels if label not in boundary
                 and (fit.shrinkage_ratio.get(label) or {}).get(INTERCEPT_TERM) is not None), labels[0])


def percent(value) -> str:
    return "NA" if value is None else f"{100 * value:.0f}"


def moved_most_answer(fit, group_word: str) -> str:
    """The answer to the diagram's question, in the fit's numbers."""
    moved = most_moved(fit)
    if moved is None:
        return "No group has an estimate of its own to move."
    label, start, end = moved
    return (f"{label} (n = {fit.group_sizes[label]}) moves most, from {fmt(start)} to {fmt(end)}: a "
            f"{group_word} moves more the smaller it is and the farther its own estimate lies from "
            "the grand mean.")


def scale_phrase(fit) -> str:
    """' on the log-odds scale' for a GLMM's link scale, '' for a Gaussian model."""
    scale = link_scale(fit)
    return f" on the {scale} scale" if scale else ""


def boundary_of(lecture, fit) -> dict:
    """{label: ALL_ZERO | ALL_ONE}: the groups whose own intercept the estimator reports as null."""
    _, y, g, labels = lecture.arrays()
    return boundary_groups(y, g, list(labels), fit.family)
