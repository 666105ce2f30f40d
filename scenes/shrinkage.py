"""Scene 4: shrinkage. One row per group, sorted by its no-pooling intercept (top = largest): the open
circle is the group's own estimate, the filled one the mixed model's, pulled along an arrow toward
the dashed grand mean gamma00-hat; n_j beside each row. The weight lambda_j with one group's numbers
substituted; a sweep of tau0 (re-simulated and re-fitted per step) makes the arrows grow and shrink;
for random slopes, the 2-D map of (intercept, slope) pulled toward the fixed-effect point.

Every position and number comes from FitResult: no_pooling / group_coefficients (via coef_pairs),
fixef, re_cov, re_sd, re_corr, sigma, group_sizes, shrinkage (lambda_j), ranef_condvar.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, GrowArrow, Indicate,
                   LaggedStart, MathTex, Rectangle, Text, Transform, VGroup)

from scenes.base import LectureScene
from scenes.vocab import (INTERCEPT_TERM, LABEL_SLOT, PANEL_REGION, PLOT_REGION, Readout,
                           coef_pairs, filled_mark, fixed_effect_mark, focus_group, hollow_mark,
                           legend, make_axes, math_tex, math_with_label, padded_range, scene_fit,
                           shrink_arrow, side_panel, slope_term, title_text, wrapped_text)
from scenes.context import input_from_scenario, lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

SIZE = 22
# lambda with a group label as subscript; the label is drawn by Pango (math_with_label), so any
# label from a user's CSV shows as written and never breaks TeX.
LAMBDA_OF_LABEL = (r"\lambda_{", LABEL_SLOT, "}")
READ_ME = ("Each row is one group, sorted by its own (no-pooling) intercept, largest on top. "
           "The arrow shows the pull toward the grand mean.")


@dataclass
class Rows:
    """A shrinkage diagram's parts: `axes` (x = intercept, one row per group), `n_labels`
    (n_j beside each row), `row_of` {group index: row value}."""

    axes: object
    n_labels: VGroup
    row_of: dict


def build_rows(theme, labels, sizes, nopool_intercepts, x_lim, x_label, group_label) -> Rows:
    """Rows sorted by no-pooling intercept (top = largest), group labels in group colours on the
    left, n_j on the right, x = intercept."""
    J = len(labels)
    order = sorted(range(J), key=lambda j: -nopool_intercepts[j])
    row_of = {j: float(J - 1 - r) for r, j in enumerate(order)}
    probe = Text(f"n = {max(sizes)}", font=FONT, font_size=LABEL_SIZE)
    axes = make_axes(x_lim, (-0.6, J - 0.4), x_label, group_label, theme,
                     right_gutter=probe.width + 0.3,
                     y_tick_labels={row_of[j]: labels[j] for j in order},
                     y_tick_colors={row_of[j]: theme.group_color(j) for j in order})
    right = axes.x_to_scene(axes.x_lim[1])
    n_labels = VGroup()
    for j in range(J):
        text = Text(f"n = {sizes[j]}", font=FONT, font_size=LABEL_SIZE, color=theme.muted)
        text.move_to([right + 0.2 + text.width / 2, axes.y_to_scene(row_of[j]), 0])
        n_labels.add(text)
    return Rows(axes, n_labels, row_of)


def row_marks(theme, rows: Rows, nopool, partial, gamma00):
    """(hollow marks, filled marks, arrows, dashed grand-mean line) for the given intercepts."""
    axes = rows.axes
    hollow, filled, arrows = VGroup(), VGroup(), VGroup()
    for j, (a_np, a_pp) in enumerate(zip(nopool, partial)):
        start, end = axes.c2p(a_np, rows.row_of[j]), axes.c2p(a_pp, rows.row_of[j])
        hollow.add(hollow_mark(start, theme.no_pool, radius=0.09))
        filled.add(filled_mark(end, theme.partial, radius=0.085))
        arrows.add(shrink_arrow(start, end, theme.foreground, stroke_width=3))
    top = axes.y_lim[1]
    line = DashedLine(axes.c2p(gamma00, axes.y_lim[0]), axes.c2p(gamma00, top), color=theme.grand_mean,
                      stroke_width=3, dash_length=0.09)
    return hollow, filled, arrows, line


def row_highlight(rows: Rows, j: int, color: str) -> Rectangle:
    """A thin frame around group j's whole row (label, marks, n_j)."""
    left = rows.axes.y_numbers.get_left()[0] - 0.08
    right = rows.n_labels.get_right()[0] + 0.08
    spacing = abs(rows.axes.y_to_scene(1.0) - rows.axes.y_to_scene(0.0))
    height = min(0.42, 0.9 * spacing)
    frame = Rectangle(width=right - left, height=height, color=color, stroke_width=2)
    return frame.move_to([(left + right) / 2, rows.axes.y_to_scene(rows.row_of[j]), 0])


def intercepts(fit, kind: str) -> list[float]:
    return [a for a, _ in coef_pairs(fit, kind)]


def intercept_axis_label(scenario) -> str:
    return f"intercept ({scenario.y_label} at {scenario.x_label} = 0)"


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
    if fit.re_terms == [INTERCEPT_TERM] and fit.sigma is not None:
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


class ShrinkageDiagram(LectureScene):
    """No pooling -> partial pooling, one row per group, and the weight lambda_j."""

    description = "Shrinkage diagram: each group's estimate pulled toward the grand mean, and lambda_j."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    families = ("gaussian",)
    slides = (
        ("no_pooling", "One row per group, sorted by its own intercept, largest on top. The open "
                       "circles are the no-pooling estimates; the dashed line is the grand mean "
                       "gamma00-hat. n_j is on the right."),
        ("shrinkage", "The mixed model pulls every estimate toward the grand mean: the filled circles. "
                      "Groups with few observations travel furthest."),
        ("lambda", "How far is set by lambda_j: the share of the group's own deviation that is "
                   "kept. It is near one for large groups or large tau0, near zero for small ones."),
    )
    title = "Shrinkage toward the grand mean"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        labels = fit.group_labels
        rec = self.record_number
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)
        nopool, partial = intercepts(fit, "no_pool"), intercepts(fit, "partial")
        gamma00 = rec("gamma00_hat", fit.fixef[INTERCEPT_TERM])

        # Section: rows with the no-pooling estimates and the grand mean
        x_lim = padded_range(nopool + partial + [gamma00], 0.05)
        rows = build_rows(theme, labels, sizes, nopool, x_lim, intercept_axis_label(s), s.group_label)
        hollow, filled, arrows, gm = row_marks(theme, rows, nopool, partial, gamma00)
        title = title_text(self.title, theme)
        read_me = wrapped_text(READ_ME, PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        key = legend([("no_pool", "no pooling (own data)"), ("grand_mean", "grand mean"),
                      ("partial", "partial pooling (mixed)")], theme)
        gm_value = Readout(r"\hat\gamma_{00} =", gamma00, theme, color=theme.grand_mean, size=SIZE)
        focus = focus_group(fit)
        general, substituted, numbers = lambda_formula(fit, focus, theme)
        for key_name, value in numbers.items():
            rec(key_name, value)
        substituted.scale_to_fit_width(min(substituted.width, PANEL_REGION.width))
        general.scale_to_fit_width(min(general.width, PANEL_REGION.width))
        side_panel(read_me, key, gm_value, general, substituted, buff=0.3)

        self.add(title)
        self.play(Create(rows.axes), FadeIn(rows.n_labels), FadeIn(read_me), run_time=1.0)
        self.play(Create(gm), FadeIn(gm_value), FadeIn(key[1]), run_time=0.8)
        self.play(LaggedStart(*[FadeIn(m, scale=0.5) for m in hollow], lag_ratio=0.06), FadeIn(key[0]),
                  run_time=1.0)
        self.slide_point("no_pooling")

        # Section: every estimate slides along its arrow
        moving = hollow.copy().set_fill(theme.partial, opacity=1).set_stroke(theme.partial)
        self.add(moving)
        self.play(*[GrowArrow(a) for a in arrows],
                  *[m.animate.move_to(f) for m, f in zip(moving, filled)], FadeIn(key[2]), run_time=1.6)
        self.add(filled)
        self.remove(moving)
        self.slide_point("shrinkage")

        # Section: lambda_j for the smallest group, numbers substituted
        j = labels.index(focus)
        box = row_highlight(rows, j, theme.group_color(j))
        self.play(FadeIn(general), Create(box), run_time=0.8)
        self.play(FadeIn(substituted, shift=DOWN * 0.1), Indicate(arrows[j], color=theme.group_color(j)),
                  run_time=1.0)
        self.slide_point("lambda")


def sweep_fits(scenario, factors) -> dict:
    """{factor: FitResult} for the scenario re-simulated with tau0 = base * factor (same seed,
    so the same groups and noise) and re-fitted with the estimator."""
    base = scenario.tau0 if scenario.tau0 > 0 else scenario.sigma / 2
    out = {}
    for factor in sorted(set(factors)):
        lecture = input_from_scenario(scenario.replace(tau0=base * factor))
        out[factor] = (base * factor, scene_fit(lecture))
    return out


class ShrinkageSweep(LectureScene):
    """The shrinkage diagram while tau0 changes: re-simulate, re-fit, redraw."""

    description = "Sweep tau0: re-simulate and re-fit per step; arrows and lambda_j follow."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    needs_truth = True
    families = ("gaussian",)
    path = (1.0, 0.5, 0.25, 1.0, 2.0)        # tau0 factors visited, in order
    slides = (
        ("start", "The shrinkage diagram for our data. Now we change only the true spread between "
                  "groups, tau0, simulate again with the same seed and re-fit at every step."),
        ("small_tau", "With little spread between groups, the model cannot tell the groups apart "
                      "from noise: lambda_j is small and every estimate is pulled hard to the grand mean."),
        ("large_tau", "With a large spread the groups differ for real: lambda_j approaches one and "
                      "the arrows almost vanish. Each group keeps its own estimate."),
    )
    title = "Shrinkage as tau0 changes"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = lecture.scenario
        rec = self.record_number
        fits = sweep_fits(s, self.path)
        _, reference = fits[1.0]
        labels = reference.group_labels
        sizes = [reference.group_sizes[label] for label in labels]
        focus = focus_group(reference)
        j_focus = labels.index(focus)

        # Section: rows fixed by the reference fit; the axis covers every step
        every = [v for _, f in fits.values() for v in intercepts(f, "no_pool") + intercepts(f, "partial")]
        x_lim = padded_range(every, 0.04)
        rows = build_rows(theme, labels, sizes, intercepts(reference, "no_pool"), x_lim,
                          intercept_axis_label(s), s.group_label)
        title = title_text("Shrinkage as τ₀ changes", theme)

        def state(factor):
            true_tau, f = fits[factor]
            return row_marks(theme, rows, intercepts(f, "no_pool"), intercepts(f, "partial"),
                             f.fixef[INTERCEPT_TERM])

        hollow, filled, arrows, gm = state(1.0)
        true_tau, f = fits[1.0]
        tau_true = Readout(r"\tau_0 =", true_tau, theme, color=theme.between, size=SIZE + 4,
                           prefix="simulated", key="tau0", recorder=rec)
        tau_hat = Readout(r"\hat\tau_0 =", f.re_sd[INTERCEPT_TERM], theme, color=theme.between,
                          size=SIZE, prefix="estimated", key="tau0_hat", recorder=rec)
        lam_label = math_with_label(*LAMBDA_OF_LABEL, "=", label=focus, size=SIZE + 10,
                                    color=theme.partial)
        lam = Readout(lam_label, f.shrinkage[focus], theme, color=theme.partial, size=SIZE + 4,
                      key=f"lambda[{focus}]", recorder=rec)
        lam_note = Text(f"{focus}: n = {sizes[j_focus]}, the smallest {s.group_label}", font=FONT,
                        font_size=LABEL_SIZE, color=theme.group_color(j_focus))
        key = legend([("no_pool", "no pooling"), ("partial", "partial pooling"),
                      ("grand_mean", "grand mean  γ̂₀₀")], theme)
        general = math_tex(r"\lambda_j = {\hat\tau_0^2 \over \hat\tau_0^2 + \hat\sigma^2 / n_j}", theme)
        if reference.re_terms != [INTERCEPT_TERM]:
            general = math_tex(r"\lambda_j = 1 - {\mathrm{Var}(u_{0j}\mid y) \over \hat\tau_0^2}", theme)
        side_panel(tau_true, tau_hat, VGroup(lam, lam_note).arrange(DOWN, aligned_edge=LEFT, buff=0.12),
                   general, key, buff=0.4)
        box = row_highlight(rows, j_focus, theme.group_color(j_focus))
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)

        self.add(title)
        self.play(Create(rows.axes), FadeIn(rows.n_labels), FadeIn(key), FadeIn(general), run_time=1.0)
        self.play(Create(gm), FadeIn(hollow), FadeIn(filled), FadeIn(arrows), Create(box),
                  FadeIn(tau_true), FadeIn(tau_hat), FadeIn(lam), FadeIn(lam_note), run_time=1.0)
        self.slide_point("start")

        # Section: sweep down, then up
        for step, factor in enumerate(self.path[1:], start=1):
            new_hollow, new_filled, new_arrows, new_gm = state(factor)
            true_tau, f = fits[factor]
            self.play(Transform(hollow, new_hollow), Transform(filled, new_filled),
                      Transform(arrows, new_arrows), Transform(gm, new_gm),
                      tau_true.update_to(true_tau), tau_hat.update_to(f.re_sd[INTERCEPT_TERM]),
                      lam.update_to(f.shrinkage[focus]), run_time=1.3)
            if factor == min(self.path):
                self.slide_point("small_tau")
        self.slide_point("large_tau")


class ShrinkageMap(LectureScene):
    """Intercept and slope together: each group's own line vs the mixed model's, as points."""

    description = "2-D shrinkage map: (intercept, slope) pulled toward the fixed-effect point."
    reads_input = True
    families = ("gaussian",)
    slides = (
        ("own_fits", "Each group's own regression is one point: its intercept across, its slope up. "
                     "Small groups scatter furthest. The cross is the fixed effect (gamma00-hat, gamma10-hat)."),
        ("shrunk", "The mixed model pulls intercept and slope together toward the cross, along the "
                   "arrows; how they move jointly depends on tau0, tau1 and their correlation."),
    )
    title = "Shrinkage of intercept and slope"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        rec = self.record_number
        labels = fit.group_labels
        term = slope_term(fit)
        own = coef_pairs(fit, "separate")
        mixed = coef_pairs(fit, "partial")
        g00, g10 = fit.fixef[INTERCEPT_TERM], fit.fixef[term]
        rec("gamma00_hat", g00)
        rec("gamma10_hat", g10)
        slopes_vary = len(fit.re_terms) > 1

        # Section: own fits as points, the fixed effect as a cross
        xs = [a for a, _ in own + mixed] + [g00]
        ys = [b for _, b in own + mixed] + [g10]
        axes = make_axes(padded_range(xs), padded_range(ys), intercept_axis_label(s),
                         f"slope ({s.y_label} per {s.x_label})", theme)
        title = title_text(self.title, theme)
        hollow = VGroup(*[hollow_mark(axes.c2p(a, b), theme.no_pool, radius=0.09) for a, b in own])
        filled = VGroup(*[filled_mark(axes.c2p(a, b), theme.partial, radius=0.085) for a, b in mixed])
        arrows = VGroup(*[shrink_arrow(axes.c2p(*p), axes.c2p(*q), theme.foreground, stroke_width=2.5)
                          for p, q in zip(own, mixed)])
        cross = fixed_effect_mark(axes.c2p(g00, g10), theme)
        key = legend([("no_pool", "own fit per group"), ("fixed", "fixed effect"),
                      ("partial", "mixed model")], theme)
        fixed_values = VGroup(
            Readout(r"\hat\gamma_{00} =", g00, theme, color=theme.grand_mean, size=SIZE),
            Readout(r"\hat\gamma_{10} =", g10, theme, color=theme.grand_mean, size=SIZE),
        ).arrange(RIGHT, buff=0.4)
        if slopes_vary:
            corr = fit.re_corr[0][1]
            spread = VGroup(
                Readout(r"\hat\tau_0 =", fit.re_sd[fit.re_terms[0]], theme, color=theme.between, size=SIZE,
                        key="tau0_hat", recorder=rec),
                Readout(r"\hat\tau_1 =", fit.re_sd[fit.re_terms[1]], theme, color=theme.between, size=SIZE,
                        key="tau1_hat", recorder=rec),
                Readout(r"\hat\rho =", corr, theme, color=theme.between, size=SIZE, key="rho_hat", recorder=rec),
            ).arrange(RIGHT, buff=0.35)
            note = wrapped_text("Random intercept and slope: both are pulled, jointly.",
                                PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        else:
            spread = Readout(r"\hat\tau_0 =", fit.re_sd[INTERCEPT_TERM], theme, color=theme.between,
                             size=SIZE, key="tau0_hat", recorder=rec)
            note = wrapped_text(f"Random intercept only: the model has no slope variance, so every "
                                f"{s.group_label} gets the slope γ̂₁₀ and the filled points line up.",
                                PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        side_panel(key, fixed_values, spread, note, buff=0.4)

        self.add(title)
        self.play(Create(axes), FadeIn(key[0]), FadeIn(key[1]), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(m, scale=0.5) for m in hollow], lag_ratio=0.05),
                  Create(cross), FadeIn(fixed_values), run_time=1.2)
        self.slide_point("own_fits")

        # Section: the pull toward the fixed effect
        moving = hollow.copy().set_fill(theme.partial, opacity=1).set_stroke(theme.partial)
        self.add(moving)
        self.play(*[GrowArrow(a) for a in arrows], *[m.animate.move_to(f) for m, f in zip(moving, filled)],
                  FadeIn(key[2]), run_time=1.6)
        self.add(filled)
        self.remove(moving)
        self.play(FadeIn(spread), FadeIn(note), run_time=0.6)
        self.slide_point("shrunk")
