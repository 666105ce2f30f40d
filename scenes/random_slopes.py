"""Scene 6: random slopes. Random intercepts give parallel lines; adding random slopes lets each
group tilt; rho > 0 fans the lines out and rho < 0 fans them in (a sweep over rho re-simulates
and re-fits); the random-effects scatter (b0j, b1j) with the estimated covariance ellipse, the
covariance matrix with fitted numbers and lmer's syntax for each structure.

When the lecture's scenario has no random slopes, the `fan-out` preset is shown instead (said on
screen), so the topic is always there. Every line and number comes from FitResult.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, GrowFromCenter, LaggedStart, Polygon, Text, Transform, VGroup

from scenes.base import LectureScene
from scenes.vocab import (PANEL_REGION, Readout, code_text, coef_pairs, data_cloud, filled_mark,
                           fixed_effect_mark, grand_mean_line, group_lines, legend, make_axes,
                           math_tex, padded_range, side_panel, title_text, wrapped_text, x_axis_limits)
from scenes.context import input_from_scenario, lecture_input, preset_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt, fmt_tex

RHO_SWEEP = (-0.8, 0.0, 0.8)
ELLIPSE_SDS = 2.0


def slope_lecture():
    """The lecture's own data when it has random slopes, else the fan-out preset (and a note)."""
    lecture = lecture_input()
    if lecture.has_truth and lecture.scenario.random_slopes or not lecture.has_truth and len(lecture.spec.re_names) > 1:
        return lecture, None
    return preset_input("fan-out"), "shown with the fan-out preset"


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


class RandomSlopes(LectureScene):
    """Parallel lines -> tilted lines; fan-out vs fan-in as rho changes."""

    description = "Random intercepts vs random slopes: parallel lines, spaghetti, fan-out and fan-in."
    reads_input = True
    presets = ("fan-out",)  # shown when the lecture has no random slopes
    families = ("gaussian",)
    slides = (
        ("intercepts", "With random intercepts only, y ~ x + (1 | g), every group gets its own "
                       "level but shares the slope: the lines are parallel."),
        ("slopes", "With (1 + x | g) each group also gets its own slope: the lines tilt, a "
                   "spaghetti plot."),
        ("fan", "The correlation rho of intercepts and slopes shapes the spaghetti: with rho < 0 "
                "groups that start high rise more slowly and the lines fan in; with rho > 0 they "
                "fan out."),
    )
    title = "Random intercepts and slopes"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture, note_text = slope_lecture()
        s = lecture.scenario
        x, y, g, labels = lecture.arrays()
        intercept_fit = lecture.fit(formula="y ~ x + (1 | group)") if lecture.has_truth else None
        slope_fit = lecture.fit()
        spans = [(float(x[g == j].min()), float(x[g == j].max())) for j in range(len(labels))]

        # Section: random intercepts only -> parallel lines
        axes = make_axes(x_axis_limits(x, s), padded_range(y), s.x_label, s.y_label, theme)
        cloud = data_cloud(axes, x, y, g, theme)
        cloud.set_opacity(0.35)
        first = intercept_fit or slope_fit
        lines = group_lines(axes, coef_pairs(first, "partial"), theme, x_spans=spans)
        syntax = code_text(first.formula, theme)
        sd0 = Readout(r"\hat\tau_0 =", first.re_sd["(Intercept)"], theme, size=22,
                      key="tau0_intercept_model", recorder=rec)
        items = [syntax, sd0]
        if note_text:
            items.append(Text(note_text, font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        panel = side_panel(*items, buff=0.3)
        self.add(title_text(self.title, theme))
        self.play(Create(axes), FadeIn(cloud), run_time=1.0)
        self.play(LaggedStart(*[Create(line) for line in lines], lag_ratio=0.08), FadeIn(panel), run_time=1.4)
        self.slide_point("intercepts")

        # Section: intercepts and slopes -> the same lines tilt
        slope_syntax = code_text(slope_fit.formula, theme)
        slope_syntax.scale_to_fit_width(min(slope_syntax.width, PANEL_REGION.width))
        slope_syntax.move_to(syntax, aligned_edge=LEFT)
        tilted = group_lines(axes, coef_pairs(slope_fit, "partial"), theme, x_spans=spans)
        slope = slope_fit.re_terms[1]     # the varying slope's predictor ("x" when simulated)
        sd1 = Readout(r"\hat\tau_1 =", slope_fit.re_sd[slope], theme, size=22, key="tau1", recorder=rec)
        corr = Readout(r"\hat\rho =", slope_fit.re_corr[0][1], theme, size=22, key="rho", recorder=rec)
        sd1.next_to(panel, DOWN, buff=0.3).align_to(sd0, LEFT)
        corr.next_to(sd1, DOWN, buff=0.3).align_to(sd0, LEFT)
        gm = grand_mean_line(axes, slope_fit.fixef["(Intercept)"], slope_fit.fixef.get(slope, 0.0), theme)
        self.play(Transform(syntax, slope_syntax), Transform(lines, tilted),
                  sd0.update_to(slope_fit.re_sd["(Intercept)"]), FadeIn(sd1), FadeIn(corr), run_time=1.5)
        self.play(Create(gm), run_time=0.6)
        self.slide_point("slopes")

        # Section: sweep rho: simulate, refit, and let the lines fan in and out
        if not lecture.has_truth:
            self.slide_point("fan")
            return
        rho_row = Readout(r"\rho =", RHO_SWEEP[0], theme, prefix="simulated", size=22)
        rho_row.next_to(corr, DOWN, buff=0.45).align_to(sd0, LEFT)
        self.play(FadeOut(cloud), FadeIn(rho_row), run_time=0.6)
        for rho in RHO_SWEEP:
            swept = input_from_scenario(s.replace(rho=rho))
            sx, _, sg, _ = swept.arrays()
            sweep_fit = swept.fit()
            sspans = [(float(sx[sg == j].min()), float(sx[sg == j].max())) for j in range(len(labels))]
            self.play(Transform(lines, group_lines(axes, coef_pairs(sweep_fit, "partial"), theme, x_spans=sspans)),
                      rho_row.update_to(rho), corr.update_to(sweep_fit.re_corr[0][1]),
                      sd1.update_to(sweep_fit.re_sd["x"]), sd0.update_to(sweep_fit.re_sd["(Intercept)"]),
                      run_time=1.4)
            self.wait(0.5)
        self.slide_point("fan")


class RandomEffectsScatter(LectureScene):
    """The (b0j, b1j) scatter, its covariance ellipse and matrix, and lmer's syntax."""

    description = "Random-effects scatter with the estimated covariance ellipse and matrix; lmer syntax."
    reads_input = True
    presets = ("fan-out",)  # shown when the lecture has no random slopes
    families = ("gaussian",)
    slides = (
        ("scatter", "Each point is one group's pair of conditional modes: how far its intercept "
                    "and its slope sit from the fixed effects."),
        ("ellipse", "The model summarises them by a covariance matrix: the ellipse covers about "
                    "95 percent of groups, tilted by the correlation rho."),
        ("syntax", "In lme4 the brackets say which effects vary by group. Add random slopes when "
                   "the groups' own slopes clearly differ."),
    )
    title = "Random effects and their covariance"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture, note_text = slope_lecture()
        fit = lecture.fit()
        b = np.array([fit.ranef[label] for label in fit.group_labels])
        cov = np.array(fit.re_cov)
        half = ELLIPSE_SDS * np.sqrt(np.diag(cov)) * 1.15
        lim0 = padded_range(list(b[:, 0]) + [-half[0], half[0]])
        lim1 = padded_range(list(b[:, 1]) + [-half[1], half[1]])
        axes = make_axes(lim0, lim1, "b0j: intercept deviation", "b1j: slope deviation", theme)
        dots = VGroup(*[filled_mark(axes.c2p(b0, b1), theme.group_color(j), radius=0.09)
                        for j, (b0, b1) in enumerate(b)])
        centre = fixed_effect_mark(axes.c2p(0, 0), theme)
        self.add(title_text(self.title, theme))
        self.play(Create(axes), run_time=0.8)
        self.play(LaggedStart(*[GrowFromCenter(d) for d in dots], lag_ratio=0.06), FadeIn(centre), run_time=1.2)
        key = legend([("partial", "one group (b0j, b1j)"), ("fixed", "fixed effects (0, 0)")], theme)
        panel_items = [key]
        if note_text:
            panel_items.append(Text(note_text, font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        panel = side_panel(*panel_items, buff=0.3)
        self.play(FadeIn(panel), run_time=0.5)
        self.slide_point("scatter")

        # Section: the ellipse and the matrix with the fitted numbers
        ellipse = covariance_ellipse(axes, (0.0, 0.0), cov, ELLIPSE_SDS, theme.partial)
        for name, value in (("tau0_sq", cov[0, 0]), ("cov01", cov[0, 1]), ("tau1_sq", cov[1, 1]),
                            ("rho", fit.re_corr[0][1])):
            rec(name, value)
        matrix = math_tex(r"\hat\Sigma = \begin{pmatrix} %s & %s \\ %s & %s \end{pmatrix}"
                          % (fmt_tex(cov[0, 0]), fmt_tex(cov[0, 1]), fmt_tex(cov[1, 0]), fmt_tex(cov[1, 1])), theme, size=30)
        rho = Readout(r"\hat\rho =", fit.re_corr[0][1], theme, size=22)
        block = VGroup(matrix, rho).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block.next_to(panel, DOWN, buff=0.4).align_to(panel, LEFT)
        self.play(Create(ellipse), FadeIn(block), run_time=1.4)
        self.slide_point("ellipse")

        # Section: lmer syntax, and when random slopes are needed
        separate = [v for v in fit.no_pooling["separate"].values() if v]
        slope = fit.re_terms[1]
        own = [v[slope] for v in separate if slope in v]
        lo, hi = (min(own), max(own)) if own else (fit.fixef.get(slope, 0.0),) * 2
        rec("own_slope_min", lo)
        rec("own_slope_max", hi)
        rows = VGroup(*[code_text(t, theme, LABEL_SIZE)
                        for t in ("(1 | g)        intercepts vary", "(0 + x | g)    slopes vary",
                                  "(1 + x | g)    both, correlated")])
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        advice = wrapped_text(f"Own slopes per group range from {fmt(lo)} to {fmt(hi)}: when they "
                              "differ this much, add random slopes.", PANEL_REGION.width, theme,
                              size=SMALL_SIZE)
        lower = VGroup(rows, advice).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        lower.next_to(block, DOWN, buff=0.4).align_to(panel, LEFT)
        if lower.get_bottom()[1] < PANEL_REGION.bottom:
            lower.scale_to_fit_height(max(block.get_bottom()[1] - 0.4 - PANEL_REGION.bottom, 0.5))
            lower.next_to(block, DOWN, buff=0.4).align_to(panel, LEFT)
        self.play(FadeIn(lower), run_time=0.8)
        self.slide_point("syntax")
