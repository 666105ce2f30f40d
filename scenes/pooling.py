"""Scene 3: complete, no and partial pooling, for every family (the errors against the truth:
scenes/pooling_tradeoff.py).

PoolingComparison: one pooled curve (a GLM on all rows); one curve per group (no pooling, a GLM
per group), grown out of the pooled one; the same objects then morph into the mixed model's
(partial pooling), the small groups moving most. All on the response scale (counts from 0,
probabilities 0 to 1: each line pushed through the inverse link); the last slide point shows the
same intercepts on the link scale (log-odds, log-rate), where partial pooling is a straight pull
toward gamma00 in a random-intercept model (with random slopes intercept and slope move jointly,
and the panel and narration say so). Groups no pooling cannot estimate (all 0, all 1, zero
counts: the estimator reports them as null) keep their label and are named with the reason on
screen.

Lines, curves and reasons come from the estimator (FitResult, estimator.pooling_view,
estimator.response_scale); nothing is computed here.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter, LaggedStart,
                   Rectangle, Text, Transform, VGroup)

from estimator.pooling_view import (LINK_UNITS, intercept_errors, method_lines,  # noqa: F401
                                    root_mean_square, unestimable_reasons)
from estimator.response_scale import LINK_SCALE_NAMES, clamp_to_outcome, response_curves
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE
from scenes.vocab import (INTERCEPT_TERM, PANEL_REGION, Readout, data_cloud, end_labels, filled_mark,
                          focus_group, hollow_mark, legend, legend_entry, make_axes, math_tex, padded_range, scene_fit,
                          shrink_arrow, side_panel, slope_term, term_tex, title_text, wrapped_text,
                          x_axis_limits)
from scenes.vocab.glmm_a import curve_path, group_curves, narrate

SIZE = 22
GRID = 48
LINK_LHS = {"gaussian": "y", "poisson": r"\log\mu", "binomial": r"\mathrm{logit}\,p", "gamma": r"\log\mu"}

COMPARISON_NARRATION = {
    "complete": {"gaussian": "Complete pooling fits one line to everybody and ignores the groups: "
                             "intercept {b0}, slope {b1}. Efficient, but biased when the groups really differ.",
                 "default": "Complete pooling fits one GLM to everybody and ignores the groups: on the "
                            "{units} scale its intercept is {b0} and its slope {b1}; on the outcome's scale "
                            "that line is this one curve."},
    "no_pooling": {"default": "No pooling fits every group on its own. No information is shared, so "
                              "groups with few observations get noisy, extreme estimates: {focus}, with "
                              "n = {n}, gets {focus_np}.{dropped}"},
    "partial": {"default": "Partial pooling, the mixed model, pulls every group toward the fixed effect. "
                           "Groups with little data are pulled most: {focus} moves from {focus_np} to "
                           "{focus_pp}. The spread between groups is τ̂₀ = {tau0}."},
    "link": {"gaussian": "For a Gaussian model the link scale is the outcome's own scale: each intercept "
                         "moves in a straight line from its own estimate toward γ̂₀₀ = {gamma00}.",
             "default": "The same fits on the {units} scale, where the model is linear: each group's "
                        "intercept moves straight from its own estimate toward γ̂₀₀ = {gamma00}.{dropped}"},
}
# With random slopes the mixed model moves each group's intercept and slope together (their
# covariance couples them), so neither a line at every x nor the intercept alone need move toward
# the fixed effect: these slides say what is true for a slope model instead.
SLOPE_NARRATION = {
    "partial": {"default": "Partial pooling, the mixed model, estimates every group's intercept and slope "
                           "jointly, borrowing from the fixed effect; groups with little data borrow most: "
                           "{focus}'s intercept moves from {focus_np} to {focus_pp}. Intercept and slope "
                           "move together, so a line need not move toward the fixed effect at every x. "
                           "The spread between groups is τ̂₀ = {tau0}."},
    "link": {"gaussian": "The intercepts alone: each moves from its group's own estimate to the mixed "
                         "model's, beside γ̂₀₀ = {gamma00}. With random slopes intercept and slope move "
                         "together, so an intercept need not move toward γ̂₀₀.{dropped}",
             "default": "The same intercepts on the {units} scale: each moves from its group's own estimate "
                        "to the mixed model's, beside γ̂₀₀ = {gamma00}. With random slopes intercept and "
                        "slope move together, so an intercept need not move toward γ̂₀₀.{dropped}"},
}


def pull_words(slopes_vary: bool) -> str:
    """The panel's sentence on the partial-pooling pull (it stays on screen for the link slide):
    a random-intercept model pulls every line toward the fixed effect; with random slopes the
    intercept and slope move jointly, so a line can move away from it at some x."""
    if slopes_vary:
        return ("Intercept and slope move jointly, small groups most: a line need not move toward "
                "the fixed effect at every x.")
    return "Pulled toward the fixed effect, small groups most."


def dropped_words(reasons: dict[str, str]) -> str:
    if not reasons:
        return ""
    return " " + "; ".join(f"{label} has no estimate of its own: {why}" for label, why in reasons.items()) + "."


class PoolingComparison(LectureScene):
    """One curve, a curve per group, and the mixed model's compromise; then the link scale."""

    description = "Complete, no and partial pooling: the same group curves morph into the mixed model's."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    slides = (
        ("complete", "Complete pooling fits one line to everybody and ignores the groups. Efficient, "
                     "but biased when the groups really differ."),
        ("no_pooling", "No pooling fits every group on its own. No information is shared, so groups "
                       "with few observations get noisy, extreme estimates."),
        ("partial", "Partial pooling, the mixed model, pulls every group toward the fixed effect. "
                    "Groups with little data are pulled most: the model trusts them less."),
        ("link", "On the link scale the model is linear: each group's intercept moves straight from its "
                 "own estimate toward the fixed effect."),
    )
    title = "Complete, no and partial pooling"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        family = fit.family
        glmm = family != "gaussian"
        x, y, g, labels = lecture.arrays()
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)
        complete = method_lines(fit, "complete")
        nopool = method_lines(fit, "no_pool")
        partial = method_lines(fit, "partial")
        reasons = unestimable_reasons(fit, y, g)
        rec("n_unestimable", len(reasons))
        slopes_vary = len(fit.re_terms) > 1
        units = LINK_UNITS[family]

        # Section: the response-scale plot, room on the right for the group labels
        x_lim = x_axis_limits(x, s if lecture.has_truth else None)
        xs = np.linspace(*x_lim, GRID)
        curves = {kind: response_curves(family, pairs, xs)
                  for kind, pairs in (("complete", complete), ("no_pool", nopool), ("partial", partial))}
        probe = Text(f"{labels[-1]} n={max(sizes)}" + (" (none)" if reasons else ""), font=FONT, font_size=LABEL_SIZE)
        finite = np.concatenate([c[np.isfinite(c)] for c in curves.values()])
        lo, hi = padded_range(np.concatenate([y, finite]))
        y_lim = clamp_to_outcome(family, lo, hi)
        axes = make_axes(x_lim, y_lim, s.x_label, s.y_label, theme, right_gutter=probe.width + 0.45)
        rec("y_axis_min", axes.y_lim[0])
        rec("y_axis_max", axes.y_lim[1])
        title = title_text(self.title, theme)
        cloud = data_cloud(axes, x, y, g, theme, opacity=0.5)

        # Section: complete pooling
        a0, b0 = complete[0]
        pooled = curve_path(axes, xs, curves["complete"][0], theme.complete, stroke_width=5)
        lhs = LINK_LHS[family]
        if glmm:
            formula_cp = math_tex(lhs + r"_i = \beta_0 + \beta_1 x_i", theme, color=theme.complete)
        else:
            formula_cp = math_tex(r"y_i = \beta_0 + \beta_1 x_i + \varepsilon_i", theme, color=theme.complete)
        cp_values = VGroup(
            Readout(r"\hat\beta_0 =", a0, theme, color=theme.complete, size=SIZE, key="complete_b0", recorder=rec),
            Readout(r"\hat\beta_1 =", b0, theme, color=theme.complete, size=SIZE, key="complete_b1", recorder=rec),
        ).arrange(RIGHT, buff=0.45)
        focus = focus_group(fit)
        k = labels.index(focus)
        scale_words = f" ({units})" if glmm else ""
        focus_head = wrapped_text(f"{focus}, the smallest {s.group_label} (n = {sizes[k]}): intercept{scale_words}",
                                  PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.group_color(k))
        key = legend([("complete", "complete pooling"), ("hollow", "no pooling: own intercept", theme.foreground),
                      ("filled", "partial pooling", theme.foreground),
                      ("grand_mean", "fixed effect  γ̂₀₀ + γ̂₁₀x")], theme)
        note_cp = wrapped_text("One curve for all: the groups are ignored." if glmm else
                               "One line for all: the groups are ignored.", PANEL_REGION.width, theme,
                               size=SMALL_SIZE, color=theme.muted)
        np_words = "Each group alone: no sharing, small groups are noisy."
        if reasons:
            np_words += " No estimate alone: " + "; ".join(f"{lab}, {why}" for lab, why in reasons.items()) + "."
        note_np = wrapped_text(np_words, PANEL_REGION.width, theme, size=SMALL_SIZE,
                               color=theme.warning if reasons else theme.muted)
        no_spread = fit.re_sd.get(INTERCEPT_TERM, 0.0) <= 1e-8
        pp_words = ("τ̂₀ = 0: no spread between groups is found, so every group is pooled onto the fixed "
                    "effect." if no_spread else pull_words(slopes_vary))
        if reasons and not no_spread:
            pp_words += f" {', '.join(reasons)} now {'has' if len(reasons) == 1 else 'have'} a finite estimate."
        note_pp = wrapped_text(pp_words, PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        eps = "" if glmm else r" + \varepsilon_{ij}"
        lhs_ij = (lhs + r"_{ij}") if glmm else r"y_{ij}"
        tex_np = lhs_ij + (r" = \beta_{0j} + \beta_{1j} x_{ij}" if slopes_vary else r" = \beta_{0j} + \beta_1 x_{ij}") + eps
        formula_np = math_tex(tex_np, theme, color=theme.no_pool)
        parts = [(lhs_ij + " =", None), (r"\gamma_{00} + \gamma_{10} x_{ij}", theme.grand_mean),
                 (r"+ u_{0j}" + (r" + u_{1j} x_{ij}" if slopes_vary else ""), theme.between)]
        if not glmm:
            parts.append((r"+ \varepsilon_{ij}", theme.residual))
        formula_pp = term_tex(parts, theme, break_at=2 if slopes_vary else None, indent_part=1)
        formulas, notes = (formula_cp, formula_np, formula_pp), (note_cp, note_np, note_pp)
        for f in formulas:
            f.scale_to_fit_width(min(f.width, PANEL_REGION.width))
        formula_slot = Rectangle(width=0.1, height=max(f.height for f in formulas)).set_opacity(0)
        note_slot = Rectangle(width=0.1, height=max(n.height for n in notes)).set_opacity(0)
        focus_np = Readout(r"\hat\beta_{0j} =", nopool[k][0] if nopool[k] else None, theme,
                           color=theme.group_color(k), size=SIZE, key="focus_no_pool", recorder=rec,
                           prefix="no pooling")
        focus_pp = Readout(r"\hat\gamma_{00} + \hat u_{0j} =", partial[k][0], theme, color=theme.group_color(k),
                           size=SIZE, key="focus_partial", recorder=rec, prefix="partial")
        focus_block = VGroup(focus_head, focus_np, focus_pp).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        # the key in the stack, so a long note (a group without an estimate) pushes it down instead
        # of onto the focus readouts; then to the panel's foot where there is room
        slot_height = formula_slot.height
        stack = (formula_slot, cp_values, note_slot, focus_block, key)
        room = PANEL_REGION.height - sum(m.height for m in stack)   # tighter gaps before smaller text
        side_panel(*stack, buff=min(0.25, max(0.1, room / (len(stack) - 1))))
        shrunk = formula_slot.height / slot_height     # < 1 if the stack had to be scaled to fit
        for mobject, slot in [(f, formula_slot) for f in formulas] + [(n, note_slot) for n in notes]:
            mobject.scale(shrunk)
            mobject.move_to(slot.get_corner(LEFT + UP), aligned_edge=LEFT + UP)
        key.shift(DOWN * max(0.0, key.get_bottom()[1] - PANEL_REGION.bottom))

        fields = dict(b0=a0, b1=b0, units=units, focus=focus, n=sizes[k],
                      focus_np=nopool[k][0] if nopool[k] else "no estimate", focus_pp=partial[k][0],
                      tau0=fit.re_sd.get(INTERCEPT_TERM, 0.0), gamma00=fit.fixef.get(INTERCEPT_TERM, 0.0),
                      dropped=dropped_words(reasons))
        self.add(title)
        self.play(Create(axes), FadeIn(cloud), run_time=1.0)
        self.play(Create(pooled), FadeIn(formula_cp), FadeIn(cp_values), FadeIn(note_cp), FadeIn(key[0]),
                  run_time=1.2)
        self.slide_point("complete", narration=narrate(COMPARISON_NARRATION["complete"], family, **fields))

        # Section: no pooling, grown out of the pooled curve
        lines = VGroup(*[pooled.copy().set_color(theme.group_color(j)).set_stroke(width=3)
                         for j in range(len(labels))])
        own_lines = group_curves(axes, xs, curves["no_pool"], theme, stroke_width=3)
        # Each group's intercept (x = 0; the left edge if 0 is off the plot) as an estimate mark.
        x0 = 0.0 if axes.x_lim[0] <= 0.0 <= axes.x_lim[1] else axes.x_lim[0]
        at_x0 = {kind: response_curves(family, pairs, [x0])[:, 0]
                 for kind, pairs in (("no_pool", nopool), ("partial", partial))}

        def marks_for(kind, maker):
            out = VGroup()
            for j, value in enumerate(at_x0[kind]):
                shown = float(np.clip(value, *axes.y_lim)) if np.isfinite(value) else axes.y_lim[0]
                mark = maker(axes.c2p(x0, shown), theme.group_color(j), radius=0.08)
                out.add(mark if np.isfinite(value) else mark.set_opacity(0))
            return out

        marks = marks_for("no_pool", hollow_mark)

        def label_items(kind):
            ends = response_curves(family, {"no_pool": nopool, "partial": partial}[kind], [axes.x_lim[1]])[:, 0]
            fallback = response_curves(family, partial, [axes.x_lim[1]])[:, 0]
            return [(f"{label} n={n}" + (" (none)" if kind == "no_pool" and label in reasons else ""),
                     float(end) if np.isfinite(end) else float(fallback[j]), theme.group_color(j))
                    for j, (label, n, end) in enumerate(zip(labels, sizes, ends))]

        labels_np = end_labels(axes, label_items("no_pool"), theme, priority=[k], group_word=s.group_label)
        self.add(lines)
        self.play(pooled.animate.set_stroke(opacity=0.35),
                  *[Transform(line, own) for line, own in zip(lines, own_lines)],
                  Transform(formula_cp, formula_np), Transform(note_cp, note_np), run_time=1.5)
        self.play(LaggedStart(*[GrowFromCenter(m) for m in marks], lag_ratio=0.05),
                  FadeIn(labels_np), FadeIn(focus_head), FadeIn(focus_np), FadeIn(key[1]), run_time=1.2)
        self.slide_point("no_pooling", narration=narrate(COMPARISON_NARRATION["no_pooling"], family, **fields))

        # Section: partial pooling: the same curves move; small groups move most
        gm_values = response_curves(family, [(fit.fixef[INTERCEPT_TERM], fit.fixef.get(slope_term(fit), 0.0))], xs)[0]
        gm = curve_path(axes, xs, gm_values, theme.grand_mean, stroke_width=4, dashed=True)
        mixed_lines = group_curves(axes, xs, curves["partial"], theme, stroke_width=3)
        ghosts = marks.copy().set_stroke(opacity=0.45)
        filled = marks_for("partial", filled_mark)
        labels_pp = end_labels(axes, label_items("partial"), theme, priority=[k], group_word=s.group_label)
        spread = [Readout(r"\hat\tau_0 =", fit.re_sd[INTERCEPT_TERM], theme, color=theme.between, size=SIZE,
                          key="tau0_hat", recorder=rec)]
        if family == "gaussian":
            spread.append(Readout(r"\hat\sigma =", fit.sigma, theme, color=theme.within, size=SIZE,
                                  key="sigma_hat", recorder=rec))
        elif family == "gamma":
            spread.append(Readout(r"\hat\nu =", fit.shape, theme, color=theme.within, size=SIZE,
                                  key="shape_hat", recorder=rec))
        variance = VGroup(*spread).arrange(RIGHT, buff=0.45).move_to(cp_values).align_to(cp_values, LEFT)
        self.add(ghosts)
        self.play(*[Transform(line, new) for line, new in zip(lines, mixed_lines)],
                  Transform(marks, filled), Transform(labels_np, labels_pp), Create(gm),
                  Transform(formula_cp, formula_pp), Transform(note_cp, note_pp),
                  Transform(cp_values, variance), run_time=2.0)
        self.play(FadeIn(focus_pp), FadeIn(key[2:]), run_time=0.8)
        told = SLOPE_NARRATION if slopes_vary else COMPARISON_NARRATION
        self.slide_point("partial", narration=narrate(told["partial"], family, **fields))

        # Section: the intercepts on the link scale: a straight pull toward gamma00
        self._link_scale(fit, s, axes, nopool, partial, labels, sizes,
                         [cloud, pooled, lines, marks, ghosts, labels_np, gm], key)
        self.slide_point("link", narration=narrate(told["link"], family, **fields))

    def _link_scale(self, fit, s, axes, nopool, partial, labels, sizes, old, key):
        """Replace the plot by the intercepts on the link scale: hollow (no pooling) to filled
        (partial pooling) marks with shrink arrows, beside the dashed gamma00. The key follows:
        no complete-pooling line is drawn here, and the dashed line is the intercept γ̂₀₀ alone."""
        theme, rec = self.theme, self.record_number
        family = fit.family
        gamma00 = fit.fixef.get(INTERCEPT_TERM, 0.0)
        own = [p[0] if p else None for p in nopool]
        pooled = [p[0] for p in partial]
        finite = [v for v in own + pooled + [gamma00] if v is not None]
        order = sorted(range(len(labels)), key=lambda j: (sizes[j], labels[j]))
        row_of = {j: len(labels) - 1 - r for r, j in enumerate(order)}
        rows = {float(row_of[j]): f"{labels[j]} n={sizes[j]}" for j in order}
        colors = {float(row_of[j]): theme.group_color(j) for j in order}
        x_title = (f"intercept on the {LINK_SCALE_NAMES[family]} scale" if family != "gaussian"
                   else f"intercept ({s.y_label})")
        link_axes = make_axes(padded_range(finite, pad=0.1), (-0.6, len(labels) - 0.4), x_title,
                              f"{s.group_label} (by size)", theme,
                              y_tick_labels=rows, y_tick_colors=colors)
        rec("link_gamma00", gamma00)
        centre = DashedLine(link_axes.c2p(gamma00, -0.6), link_axes.c2p(gamma00, len(labels) - 0.4),
                            color=theme.grand_mean, stroke_width=3, dash_length=0.08)
        drawn = VGroup()
        for j in range(len(labels)):
            end = link_axes.c2p(pooled[j], row_of[j])
            filled = filled_mark(end, theme.group_color(j), radius=0.08)
            if own[j] is None:
                drawn.add(VGroup(filled, *self._no_estimate_words(filled, link_axes, centre)))
                continue
            start = link_axes.c2p(own[j], row_of[j])
            drawn.add(VGroup(shrink_arrow(start, end, theme.group_color(j), buff=0.09),
                             hollow_mark(start, theme.group_color(j), radius=0.08), filled))
        # a fade, not a morph: the row labels are not the old tick numbers
        intercept_entry = legend_entry("grand_mean", "fixed intercept  γ̂₀₀", theme)
        intercept_entry.move_to(key[3], aligned_edge=LEFT)
        self.play(*[FadeOut(m) for m in old], FadeOut(axes), FadeIn(link_axes), FadeOut(key[0]),
                  Transform(key[3], intercept_entry), run_time=1.2)
        self.play(Create(centre), LaggedStart(*[FadeIn(d) for d in drawn], lag_ratio=0.05), run_time=1.2)


    def _no_estimate_words(self, mark, axes, centre) -> list:
        """'no estimate alone' beside the mark, away from the fixed effect or toward it, wherever it
        stays in the plot and off the dashed line; else none (the panel names the group)."""
        words = Text("no estimate alone", font=FONT, font_size=LABEL_SIZE - 2, color=self.theme.warning)
        (lo, hi), mid = (axes.c2p(x, 0)[0] for x in axes.x_lim), centre.get_center()[0]
        for side in ((RIGHT, LEFT) if mark.get_center()[0] >= mid else (LEFT, RIGHT)):
            left, right = words.next_to(mark, side, buff=0.2).get_left()[0], words.get_right()[0]
            if lo <= left and right <= hi and not left - 0.05 < mid < right + 0.05:
                return [words]
        return []
