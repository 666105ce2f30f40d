"""Scene 6: random slopes, for every family. Random intercepts give parallel lines; adding random
slopes lets each group tilt; rho > 0 fans the lines out and rho < 0 fans them in (a sweep over
rho re-simulates and re-fits); the random-effects scatter (u₀ⱼ, u₁ⱼ) with the estimated
covariance ellipse, the covariance matrix with fitted numbers and lmer's syntax for each structure.

The lines use the fit's own names (the user's predictor and grouping columns): the parallel
lines are a random-intercept fit of the same data (estimator.formula_variants writes its formula
from the user's), the tilted ones the random-slope fit. For a GLMM the lines are the linear
predictor on the link scale (log-odds, log-rate), where random intercepts are parallel; the
data live on the response scale and are not drawn, both said on screen.

When the lecture's model has no random slopes, the family's slope preset (fan-out,
poisson-slopes, logistic-slopes, gamma-slopes) is shown instead (said on screen), so the topic is
always there. Every line and number comes from FitResult.
"""
from __future__ import annotations

import math

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, GrowFromCenter, LaggedStart, Polygon, Transform,
                   VGroup)

from estimator.formula_variants import random_intercept_formula
from scenes.base import LectureScene
from scenes.context import input_from_scenario, lecture_input, preset_input
from scenes.theme import LABEL_SIZE, SMALL_SIZE, fmt, fmt_tex
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Readout, coef_pairs, crowd_scale, data_cloud,
                          filled_mark, fixed_effect_mark, grand_mean_line, group_lines, legend,
                          make_axes, math_tex, padded_range, side_panel, slope_term, title_text,
                          wrapped_code, wrapped_text, x_axis_limits)
from scenes.vocab.glmm_b import fitting_label, link_scale, readable_labels

RHO_SWEEP = (-0.8, 0.0, 0.8)
# The contour of a bivariate normal holding 95 % of its mass: sqrt of the chi-square(2) 95 % point.
ELLIPSE_SDS = math.sqrt(-2.0 * math.log(0.05))
SLOPE_PRESETS = {"gaussian": "fan-out", "poisson": "poisson-slopes", "binomial": "logistic-slopes",
                 "gamma": "gamma-slopes"}


def has_random_slope(lecture) -> bool:
    if lecture.has_truth:
        return lecture.scenario.random_slopes
    return len(lecture.spec.re_names) > 1


def slope_lecture():
    """The lecture's own data when its model has random slopes, else the slope preset of its
    family (and a note saying so)."""
    lecture = lecture_input()
    if has_random_slope(lecture):
        return lecture, None
    preset = SLOPE_PRESETS.get(lecture.family, "fan-out")
    return preset_input(preset), f"The lecture's model has no random slope: shown with the {preset} preset."


def line_ends(fits, x_lim) -> list[float]:
    """Both ends of every group's partial-pooling line over x_lim (geometry of what is drawn)."""
    out = []
    for fit in fits:
        for a, b in coef_pairs(fit, "partial"):
            out += [a + b * x_lim[0], a + b * x_lim[1]]
    return out


def fan_words(rho: float) -> str:
    if rho > 0.3:
        return "the lines fan out"
    if rho < -0.3:
        return "the lines fan in"
    return "neither fan is clear"


def scale_note(fit, y_label: str) -> str | None:
    scale = link_scale(fit)
    if scale is None:
        return None
    return (f"Link scale ({scale}): each line is a group's linear predictor η. The data "
            f"({y_label}) live on the response scale and are not drawn.")


class RandomSlopes(LectureScene):
    """Parallel lines -> tilted lines; fan-out vs fan-in as rho changes."""

    description = "Random intercepts vs random slopes: parallel lines, spaghetti, fan-out and fan-in."
    reads_input = True
    presets = tuple(SLOPE_PRESETS.values())  # shown when the lecture has no random slopes
    slides = (
        ("intercepts", "With random intercepts only, {intercept_formula}, every {group} gets its "
                       "own level but shares the slope γ̂₁₀ = {g10_intercepts}: the lines are "
                       "parallel{scale}."),
        ("slopes", "With {slope_formula} each {group} also gets its own slope around "
                   "γ̂₁₀ = {g10_slopes}, spread τ̂₁ = {tau1}: the lines tilt, a spaghetti plot."),
        ("fan", "The correlation ρ of intercepts and slopes shapes the spaghetti: with ρ < 0 "
                "{group}s that start high rise more slowly and the lines fan in; with ρ > 0 they "
                "fan out. {fan_here}"),
    )
    title = "Random intercepts and slopes"

    def narration_values(self) -> dict:
        return getattr(self, "values", {})

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture, note_text = slope_lecture()
        s = readable_labels(lecture.scenario)
        x, y, g, labels = lecture.arrays()
        slope_fit = lecture.fit()
        intercept_fit = lecture.fit(formula=random_intercept_formula(lecture.formula))
        term = slope_term(slope_fit)
        slope = slope_fit.re_terms[1]          # the varying slope's term (the user's column name)
        scale = link_scale(slope_fit)
        spans = [(float(x[g == j].min()), float(x[g == j].max())) for j in range(len(labels))]
        x_lim = x_axis_limits(x, s if lecture.has_truth else None)
        sweep = {}
        if lecture.has_truth:
            for rho in RHO_SWEEP:
                swept = input_from_scenario(s.replace(rho=rho))
                sx, _, sg, _ = swept.arrays()
                sweep[rho] = (swept.fit(), [(float(sx[sg == j].min()), float(sx[sg == j].max()))
                                            for j in range(len(labels))])
        rec("gamma10_intercept_model", intercept_fit.fixef[term])
        for kind, f in (("intercepts", intercept_fit), ("slopes", slope_fit)):
            for label, (_, b) in zip(f.group_labels, coef_pairs(f, "partial")):
                rec(f"{kind}_slide_slope[{label}]", b)   # the drawn lines' slopes, per slide
        self.values = {
            "intercept_formula": intercept_fit.formula, "slope_formula": slope_fit.formula,
            "group": s.group_label, "g10_intercepts": fmt(intercept_fit.fixef[term]),
            "g10_slopes": fmt(slope_fit.fixef[term]), "tau1": fmt(slope_fit.re_sd[slope]),
            "scale": f" on the {scale} scale" if scale else "",
            "fan_here": (f"We simulate ρ = −0.8, 0 and 0.8 and re-fit each time: ρ̂ = "
                         + ", ".join(fmt(f.re_corr[0][1]) for f, _ in sweep.values()) + "."
                         if sweep else f"In these data ρ̂ = {fmt(slope_fit.re_corr[0][1])}: "
                         f"{fan_words(slope_fit.re_corr[0][1])}.")}

        # Section: random intercepts only -> parallel lines
        if scale:
            y_lim = padded_range(line_ends([intercept_fit, slope_fit, *(f for f, _ in sweep.values())], x_lim))
            y_label = fitting_label(f"η, {scale} of {s.y_label}", PLOT_REGION.height - 0.9)
        else:   # the data, and the re-fitted lines of the rho sweep (clipped at the top before)
            y_lim = padded_range(list(y) + line_ends([intercept_fit, slope_fit, *(f for f, _ in sweep.values())],
                                                     x_lim))
            y_label = s.y_label
        axes = make_axes(x_lim, y_lim, s.x_label, y_label, theme)
        rec("y_axis_min", axes.y_lim[0])
        rec("y_axis_max", axes.y_lim[1])
        cloud = None
        if not scale:
            cloud = data_cloud(axes, x, y, g, theme)
            cloud.set_opacity(0.35)
        lines = group_lines(axes, coef_pairs(intercept_fit, "partial"), theme, x_spans=spans)
        # a formula in the user's names breaks after a ' +' rather than shrinking to the panel
        syntax = wrapped_code(intercept_fit.formula, PANEL_REGION.width, theme, SMALL_SIZE)
        sd0 = Readout(r"\hat\tau_0 =", intercept_fit.re_sd["(Intercept)"], theme, size=22,
                      key="tau0_intercept_model", recorder=rec)
        items = [syntax, sd0]
        for text in (note_text, scale_note(slope_fit, s.y_label)):
            if text:
                items.append(wrapped_text(text, PANEL_REGION.width, theme, size=LABEL_SIZE,
                                          color=theme.muted))
        panel = side_panel(*items, buff=0.3)
        self.add(title_text(self.title, theme))
        self.play(Create(axes), *([FadeIn(cloud)] if cloud else []), run_time=1.0)
        self.play(LaggedStart(*[Create(line) for line in lines], lag_ratio=0.08), FadeIn(panel), run_time=1.4)
        self.slide_point("intercepts")

        # Section: intercepts and slopes -> the same lines tilt
        slope_syntax = wrapped_code(slope_fit.formula, PANEL_REGION.width, theme, SMALL_SIZE)
        slope_syntax.move_to(syntax.get_corner(UP + LEFT), aligned_edge=UP + LEFT)
        taller = slope_syntax.height - syntax.height     # one more line: the rest moves down first
        if taller > 0.01:
            self.play(VGroup(*items[1:]).animate.shift(DOWN * taller), run_time=0.4)
        tilted = group_lines(axes, coef_pairs(slope_fit, "partial"), theme, x_spans=spans)
        sd1 = Readout(r"\hat\tau_1 =", slope_fit.re_sd[slope], theme, size=22, key="tau1", recorder=rec)
        corr = Readout(r"\hat\rho =", slope_fit.re_corr[0][1], theme, size=22, key="rho", recorder=rec)
        sd1.next_to(panel, DOWN, buff=0.3).align_to(sd0, LEFT)
        corr.next_to(sd1, DOWN, buff=0.3).align_to(sd0, LEFT)
        gm = grand_mean_line(axes, slope_fit.fixef["(Intercept)"], slope_fit.fixef.get(term, 0.0), theme)
        panel.remove(syntax)        # the formula cross-fades (morphing its letters reads badly)
        self.add(syntax)
        self.play(FadeOut(syntax), FadeIn(slope_syntax), Transform(lines, tilted),
                  sd0.update_to(slope_fit.re_sd["(Intercept)"]), FadeIn(sd1), FadeIn(corr), run_time=1.5)
        self.play(Create(gm), run_time=0.6)
        self.slide_point("slopes")

        # Section: sweep rho: simulate, refit, and let the lines fan in and out
        if not sweep:
            self.slide_point("fan")
            return
        rho_row = Readout(r"\rho =", RHO_SWEEP[0], theme, prefix="simulated", size=22)
        rho_row.next_to(corr, DOWN, buff=0.45).align_to(sd0, LEFT)
        self.play(*([FadeOut(cloud)] if cloud else []), FadeIn(rho_row), run_time=0.6)
        for rho, (sweep_fit, sspans) in sweep.items():
            swept_slope = sweep_fit.re_terms[1]
            self.play(Transform(lines, group_lines(axes, coef_pairs(sweep_fit, "partial"), theme, x_spans=sspans)),
                      rho_row.update_to(rho), corr.update_to(sweep_fit.re_corr[0][1]),
                      sd1.update_to(sweep_fit.re_sd[swept_slope]),
                      sd0.update_to(sweep_fit.re_sd["(Intercept)"]), run_time=1.4)
            self.wait(0.5)
        self.slide_point("fan")


def covariance_ellipse(axes, centre, cov, sds: float, color: str, n: int = 72) -> Polygon:
    """The `sds`-SD contour of N(centre, cov) in data coordinates (geometry of a fitted
    covariance, not an estimate)."""
    values, vectors = np.linalg.eigh(np.asarray(cov, float))
    radii = sds * np.sqrt(np.clip(values, 0, None))
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    circle = np.stack([np.cos(angles) * radii[0], np.sin(angles) * radii[1]])
    points = (vectors @ circle).T + np.asarray(centre)
    return Polygon(*[axes.c2p(px, py) for px, py in points], color=color, stroke_width=3,
                   fill_opacity=0.08, fill_color=color)


GAP = 0.3   # between the scatter panel's blocks (legend, matrix, syntax)


def syntax_table(rows, theme) -> VGroup:
    """lme4's bracket for each structure with what it means, beside it when both fit the panel's
    width, else underneath; a long bracket breaks before its ' |' (wrapped_code) rather than
    shrinking."""
    entries = VGroup()
    for code, meaning in rows:
        row = wrapped_code(code, PANEL_REGION.width, theme, LABEL_SIZE)
        words = wrapped_text(meaning, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted)
        beside = row.width + 0.25 + words.width <= PANEL_REGION.width
        entries.add(VGroup(row, words).arrange(RIGHT if beside else DOWN, buff=0.25 if beside else 0.05,
                                               aligned_edge=LEFT if not beside else np.zeros(3)))
    return entries.arrange(DOWN, aligned_edge=LEFT, buff=0.12)


class RandomEffectsScatter(LectureScene):
    """The (u0j, u1j) scatter, its covariance ellipse and matrix, and lmer's syntax."""

    description = "Random-effects scatter with the estimated covariance ellipse and matrix; lmer syntax."
    reads_input = True
    presets = tuple(SLOPE_PRESETS.values())  # shown when the lecture has no random slopes
    slides = (
        ("scatter", "Each point is one {group}'s pair of conditional modes (u₀ⱼ, u₁ⱼ){scale}: how "
                    "far its intercept and its slope sit from the fixed effects."),
        ("ellipse", "The model summarises them by a covariance matrix: the ellipse is where "
                    "95 percent of {group}s would lie under it, tilted by the correlation "
                    "ρ̂ = {rho}."),
        ("syntax", "In lme4 the brackets say which effects vary by {group}. Add random slopes "
                   "when the {group}s' own slopes clearly differ: here they run from {lo} to {hi}."),
    )
    title = "Random effects and their covariance"

    def narration_values(self) -> dict:
        return getattr(self, "values", {})

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture, note_text = slope_lecture()
        s = readable_labels(lecture.scenario)
        fit = lecture.fit()
        scale = link_scale(fit)
        slope = fit.re_terms[1]
        b = np.array([fit.ranef[label] for label in fit.group_labels])
        cov = np.array(fit.re_cov)
        half = ELLIPSE_SDS * np.sqrt(np.diag(cov)) * 1.1
        lim0 = padded_range(list(b[:, 0]) + [-half[0], half[0]])
        lim1 = padded_range(list(b[:, 1]) + [-half[1], half[1]])
        unit = f", {scale}" if scale else ""
        axes = make_axes(lim0, lim1, f"u₀ⱼ: intercept deviation{unit}",
                         fitting_label(f"u₁ⱼ: slope deviation (per {slope.replace('`', '')}){unit}", PLOT_REGION.height - 0.9),
                         theme)
        # past a dozen groups the dots shrink (crowd_scale) so 100 of them stay a cloud with a shape
        radius = 0.09 * max(crowd_scale(len(b)), 0.5)
        dots = VGroup(*[filled_mark(axes.c2p(b0, b1), theme.group_color(j), radius=radius)
                        for j, (b0, b1) in enumerate(b)])
        centre = fixed_effect_mark(axes.c2p(0, 0), theme)
        self.add(title_text(self.title, theme))
        self.play(Create(axes), run_time=0.8)
        self.play(LaggedStart(*[GrowFromCenter(d) for d in dots], lag_ratio=0.06), FadeIn(centre), run_time=1.2)
        key = legend([("partial", f"one {s.group_label} (u₀ⱼ, u₁ⱼ)"), ("fixed", "fixed effects (0, 0)")], theme)
        panel_items = [key]
        if note_text:
            panel_items.append(wrapped_text(note_text, PANEL_REGION.width, theme, size=LABEL_SIZE,
                                            color=theme.muted))
        panel = side_panel(*panel_items, buff=0.3)
        self.play(FadeIn(panel), run_time=0.5)

        separate = [v for v in fit.no_pooling["separate"].values() if v]
        own = [v[slope] for v in separate if slope in v]
        lo, hi = (min(own), max(own)) if own else (fit.fixef.get(slope, 0.0),) * 2
        self.values = {"group": s.group_label, "scale": f" on the {scale} scale" if scale else "",
                       "rho": fmt(fit.re_corr[0][1]), "lo": fmt(lo), "hi": fmt(hi)}
        self.slide_point("scatter")

        # Section: the ellipse and the matrix with the fitted numbers
        ellipse = covariance_ellipse(axes, (0.0, 0.0), cov, ELLIPSE_SDS, theme.partial)
        for name, value in (("tau0_sq", cov[0, 0]), ("cov01", cov[0, 1]), ("tau1_sq", cov[1, 1]),
                            ("rho", fit.re_corr[0][1])):
            rec(name, value)
        matrix = math_tex(r"\hat\Sigma = \begin{pmatrix} %s & %s \\ %s & %s \end{pmatrix}"
                          % (fmt_tex(cov[0, 0]), fmt_tex(cov[0, 1]), fmt_tex(cov[1, 0]), fmt_tex(cov[1, 1])), theme, size=30)
        rho = Readout(r"\hat\rho =", fit.re_corr[0][1], theme, size=22)
        # side by side when they fit: the syntax slide needs the height below (stacked, its rows
        # were shrunk to 14.8 pt)
        block = VGroup(matrix, rho).arrange(RIGHT, buff=0.4)
        if block.width > PANEL_REGION.width:
            block.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.next_to(panel, DOWN, buff=GAP).align_to(panel, LEFT)
        self.play(Create(ellipse), FadeIn(block), run_time=1.4)
        self.slide_point("ellipse")

        # Section: lmer syntax (in the fit's own names), and when random slopes are needed
        rec("own_slope_min", lo)
        rec("own_slope_max", hi)
        group = lecture.spec.group
        table = syntax_table(((f"(1 | {group})", "intercepts vary"), (f"(0 + {slope} | {group})", "slopes vary"),
                              (f"(1 + {slope} | {group})", "both, correlated")), theme)
        advice = wrapped_text(f"Own slopes per {s.group_label} range from {fmt(lo)} to {fmt(hi)}: when "
                              "they differ this much, add random slopes.", PANEL_REGION.width, theme,
                              size=SMALL_SIZE)
        lower = VGroup(table, advice).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        leaving = []
        lower.next_to(block, DOWN, buff=GAP).align_to(panel, LEFT)
        if lower.get_bottom()[1] < PANEL_REGION.bottom:
            # long names: the syntax takes the matrix's place (the ellipse slide's still has it)
            # rather than shrinking below a readable size
            leaving = [FadeOut(block)]
            lower.next_to(panel, DOWN, buff=GAP).align_to(panel, LEFT)
        if lower.get_bottom()[1] < PANEL_REGION.bottom:
            lower.scale_to_fit_height(max(panel.get_bottom()[1] - GAP - PANEL_REGION.bottom, 0.5))
            lower.next_to(panel, DOWN, buff=GAP).align_to(panel, LEFT)
        if leaving:
            self.play(*leaving, run_time=0.4)
        self.play(FadeIn(lower), run_time=0.8)
        self.slide_point("syntax")
