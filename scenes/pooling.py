"""Scene 3: complete, no and partial pooling, and why partial pooling wins on average.

PoolingComparison: one pooled line; one line per group (no pooling), grown out of the pooled line;
the same line objects then morph into the mixed model's lines (partial pooling), the small groups
moving most. An open mark on each line is that group's no-pooling intercept, a filled one its
partial-pooling intercept. PoolingTradeoff (needs the simulation's truth): each method's error in
every group's intercept, and their root mean squared errors as bars.

Lines and marks come from FitResult (complete_pooling, no_pooling, group_coefficients, sigma,
re_sd, group_sizes). The only arithmetic here is the comparison with the simulated truth, in
`intercept_errors` / `root_mean_square` below.
"""
from __future__ import annotations

import math

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter,
                   GrowFromEdge, LaggedStart, Rectangle, Text, Transform, VGroup)

from scenes.base import LectureScene
from scenes.vocab import (INTERCEPT_TERM, PANEL_REGION, Readout, coef_pairs, focus_group,
                           data_cloud, end_labels, filled_mark, fitted_line, grand_mean_line,
                           group_lines, group_mark, hollow_mark, legend, make_axes, math_tex,
                           mini_bars, padded_range, scene_fit, term_tex, x_axis_limits, side_panel, slope_term, title_text, truth_mark,
                           wrapped_text)
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

SIZE = 22
METHODS = (("complete", "complete"), ("no_pool", "no pool"), ("partial", "partial"))
METHOD_NAMES = {"complete": "complete pooling", "no_pool": "no pooling", "partial": "partial pooling"}


# --------------------------------------------------------------------------------------------
# Comparison with the truth: arithmetic on estimator outputs and simulated values only
# --------------------------------------------------------------------------------------------

def intercept_errors(estimates: dict[str, list[tuple[float, float]]],
                     true_intercepts) -> dict[str, np.ndarray]:
    """Per method, estimate - truth of every group's intercept. `estimates` maps a method to
    the (intercept, slope) pairs coef_pairs() returns; `true_intercepts` is in the same group
    order (the simulation's gamma00 + u0j)."""
    truth = np.asarray(true_intercepts, float)
    return {method: np.array([a for a, _ in pairs]) - truth for method, pairs in estimates.items()}


def root_mean_square(errors) -> float:
    """sqrt(mean(error^2)) over the groups: each method's RMSE of the group intercepts."""
    errors = np.asarray(errors, float)
    return float(math.sqrt(float(np.mean(errors ** 2))))


class PoolingComparison(LectureScene):
    """One line, a line per group, and the mixed model's compromise."""

    description = "Complete, no and partial pooling: the same group lines morph into the mixed model's."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    families = ("gaussian",)
    slides = (
        ("complete", "Complete pooling fits one line to everybody and ignores the groups. Efficient, "
                     "but biased when the groups really differ."),
        ("no_pooling", "No pooling fits every group on its own. No information is shared, so groups "
                       "with few observations get noisy, extreme lines."),
        ("partial", "Partial pooling, the mixed model, pulls every group's line toward the fixed "
                    "line. Groups with little data are pulled most: the model trusts them less."),
    )
    title = "Complete, no and partial pooling"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        x, y, g, labels = lecture.arrays()
        rec = self.record_number
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)
        complete = coef_pairs(fit, "complete")
        nopool = coef_pairs(fit, "no_pool")
        partial = coef_pairs(fit, "partial")
        slopes_vary = len(fit.re_terms) > 1

        # Section: plot with room on the right for the group labels
        probe = Text(f"{labels[-1]} n={max(sizes)}", font=FONT, font_size=LABEL_SIZE)
        ends = [a + b * xx for a, b in nopool + partial + complete[:1] for xx in (float(x.min()), float(x.max()))]
        y_lim = padded_range(np.concatenate([y, ends]))
        axes = make_axes(x_axis_limits(x, s if lecture.has_truth else None), y_lim, s.x_label, s.y_label, theme,
                         right_gutter=probe.width + 0.45)
        title = title_text(self.title, theme)
        cloud = data_cloud(axes, x, y, g, theme, opacity=0.5)

        # Section: complete pooling
        a0, b0 = complete[0]
        pooled = fitted_line(axes, a0, b0, theme.complete, stroke_width=5)
        formula_cp = math_tex(r"y_i = \beta_0 + \beta_1 x_i + \varepsilon_i", theme, color=theme.complete)
        cp_values = VGroup(
            Readout(r"\hat\beta_0 =", a0, theme, color=theme.complete, size=SIZE, key="complete_b0", recorder=rec),
            Readout(r"\hat\beta_1 =", b0, theme, color=theme.complete, size=SIZE, key="complete_b1", recorder=rec),
        ).arrange(RIGHT, buff=0.45)
        focus = focus_group(fit)
        k = labels.index(focus)
        focus_head = wrapped_text(f"{focus}, the smallest {s.group_label} (n = {sizes[k]}): intercept",
                                  PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.group_color(k))
        key = legend([("complete", "complete pooling"), ("hollow", "no pooling: own intercept", theme.foreground),
                      ("filled", "partial pooling", theme.foreground),
                      ("grand_mean", "fixed effect  γ̂₀₀ + γ̂₁₀x")], theme)
        note_cp = wrapped_text("One line for all: the groups are ignored.", PANEL_REGION.width, theme,
                               size=SMALL_SIZE, color=theme.muted)
        note_np = wrapped_text("Each group alone: no sharing, small groups are noisy.",
                               PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        no_spread = fit.re_sd.get(INTERCEPT_TERM, 0.0) <= 1e-8
        note_pp = wrapped_text("τ̂₀ = 0: no spread between groups is found, so every line is pooled "
                               "onto the fixed line." if no_spread else
                               "Pulled toward the fixed line, small groups most.",
                               PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        if slopes_vary:
            tex_np = r"y_{ij} = \beta_{0j} + \beta_{1j} x_{ij} + \varepsilon_{ij}"
        else:
            tex_np = r"y_{ij} = \beta_{0j} + \beta_1 x_{ij} + \varepsilon_{ij}"
        formula_np = math_tex(tex_np, theme, color=theme.no_pool)
        parts = [(r"y_{ij} =", None), (r"\gamma_{00} + \gamma_{10} x_{ij}", theme.grand_mean),
                 (r"+ u_{0j}" + (r" + u_{1j} x_{ij}" if slopes_vary else ""), theme.between),
                 (r"+ \varepsilon_{ij}", theme.residual)]
        formula_pp = term_tex(parts, theme, break_at=2 if slopes_vary else None, indent_part=1)
        formula_pp.scale_to_fit_width(min(formula_pp.width, PANEL_REGION.width))
        # Each method's formula and note replace the previous one in a slot tall enough for all.
        formulas, notes = (formula_cp, formula_np, formula_pp), (note_cp, note_np, note_pp)
        formula_slot = Rectangle(width=0.1, height=max(f.height for f in formulas)).set_opacity(0)
        note_slot = Rectangle(width=0.1, height=max(n.height for n in notes)).set_opacity(0)
        side_panel(formula_slot, cp_values, note_slot, focus_head, buff=0.3)
        for mobject, slot in [(f, formula_slot) for f in formulas] + [(n, note_slot) for n in notes]:
            mobject.move_to(slot.get_corner(LEFT + UP), aligned_edge=LEFT + UP)
        key.move_to([PANEL_REGION.left + key.width / 2, PANEL_REGION.bottom + key.height / 2, 0])

        self.add(title)
        self.play(Create(axes), FadeIn(cloud), run_time=1.0)
        self.play(Create(pooled), FadeIn(formula_cp), FadeIn(cp_values), FadeIn(note_cp), FadeIn(key[0]),
                  run_time=1.2)
        self.slide_point("complete")

        # Section: no pooling, grown out of the pooled line
        lines = VGroup(*[pooled.copy().set_color(theme.group_color(j)).set_stroke(width=3)
                         for j in range(len(labels))])
        own_lines = group_lines(axes, nopool, theme, stroke_width=3)
        # Each line's intercept (x = 0; the left edge if 0 is off the plot) as an estimate mark.
        x0 = 0.0 if axes.x_lim[0] <= 0.0 <= axes.x_lim[1] else axes.x_lim[0]
        marks = VGroup(*[hollow_mark(axes.c2p(x0, float(np.clip(a + b * x0, *axes.y_lim))),
                                     theme.group_color(j), radius=0.08) for j, (a, b) in enumerate(nopool)])
        labels_np = end_labels(axes, [(f"{label} n={n}", a + b * axes.x_lim[1], theme.group_color(j))
                                      for j, (label, n, (a, b)) in enumerate(zip(labels, sizes, nopool))],
                               theme)
        focus_np = Readout(r"\hat\beta_{0j} =", nopool[k][0], theme, color=theme.group_color(k), size=SIZE,
                           key="focus_no_pool", recorder=rec, prefix="no pooling")
        focus_np.next_to(focus_head, DOWN, buff=0.15).align_to(focus_head, LEFT)
        self.add(lines)
        self.play(pooled.animate.set_stroke(opacity=0.35),
                  *[Transform(line, own) for line, own in zip(lines, own_lines)],
                  Transform(formula_cp, formula_np), Transform(note_cp, note_np), run_time=1.5)
        self.play(LaggedStart(*[GrowFromCenter(m) for m in marks], lag_ratio=0.05),
                  FadeIn(labels_np), FadeIn(focus_head), FadeIn(focus_np), FadeIn(key[1]), run_time=1.2)
        self.slide_point("no_pooling")

        # Section: partial pooling: the same lines move; small groups move most
        gm = grand_mean_line(axes, fit.fixef[INTERCEPT_TERM], fit.fixef.get(slope_term(fit), 0.0), theme)
        mixed_lines = group_lines(axes, partial, theme, stroke_width=3)
        ghosts = marks.copy().set_stroke(opacity=0.45)
        filled = VGroup(*[filled_mark(axes.c2p(x0, float(np.clip(a + b * x0, *axes.y_lim))),
                                      theme.group_color(j), radius=0.08) for j, (a, b) in enumerate(partial)])
        labels_pp = end_labels(axes, [(f"{label} n={n}", a + b * axes.x_lim[1], theme.group_color(j))
                                      for j, (label, n, (a, b)) in enumerate(zip(labels, sizes, partial))],
                               theme)
        focus_pp = Readout(r"\hat\gamma_{00} + \hat u_{0j} =", partial[k][0], theme, color=theme.group_color(k),
                           size=SIZE, key="focus_partial", recorder=rec, prefix="partial")
        focus_pp.next_to(focus_np, DOWN, buff=0.15).align_to(focus_np, LEFT)
        variance = VGroup(
            Readout(r"\hat\tau_0 =", fit.re_sd[INTERCEPT_TERM], theme, color=theme.between, size=SIZE,
                    key="tau0_hat", recorder=rec),
            Readout(r"\hat\sigma =", fit.sigma, theme, color=theme.within, size=SIZE, key="sigma_hat", recorder=rec),
        ).arrange(RIGHT, buff=0.45).move_to(cp_values).align_to(cp_values, LEFT)
        self.add(ghosts)
        self.play(*[Transform(line, new) for line, new in zip(lines, mixed_lines)],
                  Transform(marks, filled), Transform(labels_np, labels_pp), Create(gm),
                  Transform(formula_cp, formula_pp), Transform(note_cp, note_pp),
                  Transform(cp_values, variance), run_time=2.0)
        self.play(FadeIn(focus_pp), FadeIn(key[2:]), run_time=0.8)
        self.slide_point("partial")


class PoolingTradeoff(LectureScene):
    """Each method's error in the group intercepts against the simulation's truth."""

    description = "Bias and variance: each method's intercept errors against the truth, and their RMSE."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    needs_truth = True
    families = ("gaussian",)
    slides = (
        ("errors", "Because the data are simulated we know every group's true intercept. Each row "
                   "shows how far each method's estimate lands from it; small groups are at the top."),
        ("rmse", "Averaged over groups: complete pooling is biased, no pooling is noisy for small "
                 "groups, partial pooling trades a little bias for much less variance."),
    )
    title = "Bias against variance"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        if lecture.data is None:
            raise ValueError("PoolingTradeoff needs simulated data (needs_truth): use a scenario, not a CSV")
        s, data = lecture.scenario, lecture.data
        fit = scene_fit(lecture)
        labels = fit.group_labels
        rec = self.record_number
        truth_index = [list(data.group_labels).index(label) for label in labels]
        true_intercepts = np.asarray(data.truth["intercepts"], float)[truth_index]
        errors = intercept_errors({kind: coef_pairs(fit, kind) for kind, _ in METHODS}, true_intercepts)
        rmse = {kind: rec(f"rmse[{kind}]", root_mean_square(errors[kind])) for kind, _ in METHODS}
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)

        # Section: one row per group, smallest groups on top; zero = the truth
        order = sorted(range(len(labels)), key=lambda j: (sizes[j], labels[j]))
        row_of = {j: len(labels) - 1 - r for r, j in enumerate(order)}
        rows = {float(row_of[j]): f"{labels[j]} n={sizes[j]}" for j in order}
        colors = {float(row_of[j]): theme.group_color(j) for j in order}
        reach = max(float(np.max(np.abs(e))) for e in errors.values())
        axes = make_axes((-reach * 1.05, reach * 1.05), (-0.6, len(labels) - 0.4),
                         f"estimate − true intercept ({s.y_label})", f"{s.group_label} (by size)", theme,
                         y_tick_labels=rows, y_tick_colors=colors)
        title = title_text(self.title, theme)
        truth_line = DashedLine(axes.c2p(0, -0.6), axes.c2p(0, len(labels) - 0.4), color=theme.truth,
                                stroke_width=3, dash_length=0.08)
        offsets = {"complete": 0.22, "no_pool": 0.0, "partial": -0.22}
        marks = {}
        for kind, _ in METHODS:
            group = VGroup()
            for j in range(len(labels)):
                point = axes.c2p(float(errors[kind][j]), row_of[j] + offsets[kind])
                if kind == "complete":
                    group.add(group_mark("square", point, theme.complete, 0.06))
                elif kind == "no_pool":
                    group.add(hollow_mark(point, theme.no_pool, radius=0.075, stroke_width=3))
                else:
                    group.add(filled_mark(point, theme.partial, radius=0.075))
            marks[kind] = group

        key = legend([("square", "complete pooling", theme.complete), ("no_pool", "no pooling"),
                      ("partial", "partial pooling"), ("grand_mean", "truth (error 0)", theme.truth)], theme)
        bars = mini_bars([(name, rmse[kind], {"complete": theme.complete, "no_pool": theme.no_pool,
                                              "partial": theme.partial}[kind]) for kind, name in METHODS],
                         theme, width=PANEL_REGION.width - 0.2, height=2.4,
                         value_label="RMSE of the group intercepts")
        lowest = fmt(min(rmse.values()))
        best = [METHOD_NAMES[kind] for kind, _ in METHODS if fmt(rmse[kind]) == lowest]
        verdict = wrapped_text(f"Lowest error here: {' and '.join(best)}" + (" (a tie)." if len(best) > 1 else "."),
                               PANEL_REGION.width, theme, size=SMALL_SIZE)
        side_panel(key, bars, verdict, buff=0.45)

        self.add(title)
        self.play(Create(axes), Create(truth_line), FadeIn(key[3]), run_time=1.0)
        for k, (kind, _) in enumerate(METHODS):
            self.play(LaggedStart(*[GrowFromCenter(m) for m in marks[kind]], lag_ratio=0.05),
                      FadeIn(key[k]), run_time=0.9)
        self.slide_point("errors")

        # Section: root mean squared error per method
        self.play(FadeIn(bars.baseline), FadeIn(bars.names), FadeIn(bars.title),
                  *[GrowFromEdge(bar, DOWN) for bar in bars.bars], run_time=1.2)
        self.play(FadeIn(bars.values), FadeIn(verdict), run_time=0.6)
        self.slide_point("rmse")
