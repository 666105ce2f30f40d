"""Scene 7: link functions and GLMMs. For Poisson (log), logistic (logit) and Gamma (log): the
linear predictor eta as straight group lines, then the axis bends through the inverse link into
curves on the response scale over the family's data; then the family's guide (which data, the
link, lme4 and brms syntax, the latent-scale ICC). A last scene lines the four families up.

The lines come from the GLMM fit (fixed effects + conditional modes); the curves are the same
lines pushed through the family's own inverse link from estimator.families, the function the fit
used. The data are the family's preset (or the lecture's own data when it is of that family).
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, LaggedStart, Text, Transform, VGroup, VMobject

from scenes.base import LectureScene
from scenes.vocab import (PANEL_REGION, Readout, code_text, coef_pairs, data_cloud, make_axes, math_tex,
                           padded_range, scene_fit, side_panel, slope_term, title_text, wrapped_text,
                           x_axis_limits)
from scenes.context import lecture_input, preset_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE
from estimator.families import get_family

GRID_POINTS = 48

GUIDE = {
    "poisson": ("Counts 0, 1, 2, ...", r"\log(\mu_{ij}) = \eta_{ij}",
                "glmer(y ~ x + (1 | g), family = poisson)", "brm(..., family = poisson())"),
    "binomial": ("Binary outcomes 0/1", r"\log\frac{p_{ij}}{1 - p_{ij}} = \eta_{ij}",
                 "glmer(y ~ x + (1 | g), family = binomial)", "brm(..., family = bernoulli())"),
    "gamma": ("Positive, right-skewed values", r"\log(\mu_{ij}) = \eta_{ij}",
              "glmmTMB(y ~ x + (1 | g), family = Gamma(link = \"log\"))",
              "brm(..., family = Gamma(link = \"log\"))"),
    "gaussian": ("Continuous, symmetric values", r"\mu_{ij} = \eta_{ij}",
                 "lmer(y ~ x + (1 | g))", "brm(..., family = gaussian())"),
}


def family_lecture(family: str, preset: str):
    """The lecture's data if they are of this family, else the family's preset."""
    lecture = lecture_input()
    if lecture.family == family:
        return lecture
    return preset_input(preset)


def curve(axes, xs, ys) -> VMobject:
    """A polyline through (xs, ys) clipped to the plot's y range, so lines and curves share
    their point count and morph point by point."""
    lo, hi = axes.y_lim
    points = [axes.c2p(x, float(np.clip(y, lo, hi))) for x, y in zip(xs, ys)]
    path = VMobject()
    path.set_points_as_corners(points)
    return path


class LinkFunction(LectureScene):
    """Straight lines on the link scale bend into curves on the response scale."""

    family_name = "poisson"
    reads_input = True        # its family decides whether the lecture's data are shown
    presets = ("poisson",)    # the family's preset, shown otherwise (subclasses: their own)
    title = "Poisson: the log link"
    description = "Poisson GLMM: the linear predictor bends through exp() onto counts."
    families = ("gaussian", "poisson", "binomial", "gamma")
    slides = (
        ("eta", "On the link scale the model is still a mixed model with straight lines: "
                "eta = fixed intercept and slope plus each group's deviation."),
        ("response", "The inverse link bends each line onto the scale of the data; the curves "
                     "never leave the range the outcome can take."),
        ("guide", "Which family for which data, how to write it in lme4 and brms, and the ICC "
                  "on the latent scale."),
    )

    def construct(self):
        theme, rec = self.theme, self.record_number
        family = get_family(self.family_name)
        lecture = family_lecture(self.family_name, self.presets[0])
        s = lecture.scenario
        fit = scene_fit(lecture)
        x, y, g, labels = lecture.arrays()
        coefs = coef_pairs(fit, "partial")
        x_lim = x_axis_limits(x, s if lecture.has_truth else None)
        xs = np.linspace(x_lim[0], x_lim[1], GRID_POINTS)
        etas = [a + b * xs for a, b in coefs]
        rec("gamma00", fit.fixef["(Intercept)"])
        slope = slope_term(fit)
        rec("gamma10", fit.fixef.get(slope, 0.0))

        # Section: straight lines on the link scale
        eta_axes = make_axes(x_lim, padded_range(np.concatenate(etas)), s.x_label,
                             f"linear predictor eta ({family.link_name} scale)", theme)
        lines = VGroup(*[curve(eta_axes, xs, e).set_stroke(theme.group_color(j), 3.5)
                         for j, e in enumerate(etas)])
        link = math_tex(GUIDE[self.family_name][1], theme, size=34)
        eta_formula = math_tex(r"\eta_{ij} = \hat\gamma_{00} + \hat\gamma_{10} x_{ij} + \hat u_{0j}", theme, size=30)
        g00 = Readout(r"\hat\gamma_{00} =", fit.fixef["(Intercept)"], theme, color=theme.grand_mean, size=22)
        g10 = Readout(r"\hat\gamma_{10} =", fit.fixef.get(slope, 0.0), theme, color=theme.grand_mean, size=22)
        panel = side_panel(eta_formula, g00, g10, link, buff=0.3)
        self.add(title_text(self.title, theme))
        self.play(Create(eta_axes), run_time=0.8)
        self.play(LaggedStart(*[Create(line) for line in lines], lag_ratio=0.08),
                  FadeIn(VGroup(eta_formula, g00, g10)), run_time=1.4)
        self.slide_point("eta")

        # Section: the axis bends through the inverse link
        mu_axes = make_axes(x_lim, padded_range(y, include=(0.0,)), s.x_label, s.y_label, theme)
        curves = VGroup(*[curve(mu_axes, xs, family.linkinv(e)).set_stroke(theme.group_color(j), 3.5)
                          for j, e in enumerate(etas)])
        cloud = data_cloud(mu_axes, x, y, g, theme)
        cloud.set_opacity(0.45)
        self.play(FadeIn(link), run_time=0.5)
        self.play(Transform(eta_axes, mu_axes), Transform(lines, curves), run_time=2.0)
        self.play(FadeIn(cloud), run_time=0.8)
        self.slide_point("response")

        # Section: the family's guide
        data_kind, _, lme4_call, brms_call = GUIDE[self.family_name]
        rec("icc", fit.icc)
        icc = Readout(r"\mathrm{ICC}_{\mathrm{latent}} =", fit.icc, theme, size=22)
        guide = VGroup(
            Text(data_kind, font=FONT, font_size=SMALL_SIZE, color=theme.foreground),
            wrapped_text(lme4_call, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.partial),
            wrapped_text(brms_call, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted),
            icc,
            wrapped_text(family.icc_definition, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        guide.next_to(panel, DOWN, buff=0.4).align_to(panel, LEFT)
        if guide.get_bottom()[1] < PANEL_REGION.bottom:
            guide.scale_to_fit_height(panel.get_bottom()[1] - 0.4 - PANEL_REGION.bottom)
            guide.next_to(panel, DOWN, buff=0.4).align_to(panel, LEFT)
        self.play(FadeIn(guide), run_time=0.8)
        self.slide_point("guide")


class LogisticLink(LinkFunction):
    family_name = "binomial"
    presets = ("logistic",)
    title = "Logistic: the logit link"
    description = "Logistic GLMM: the linear predictor bends through the logistic curve onto P(y = 1)."


class GammaLink(LinkFunction):
    family_name = "gamma"
    presets = ("gamma",)
    title = "Gamma: the log link"
    description = "Gamma GLMM: the linear predictor bends through exp() onto positive, skewed values."


def _two_lines(call: str) -> str:
    """A model call broken before its family argument, indented as in an R script: the grid is
    as wide as its widest call, and one long line would shrink every entry."""
    head, sep, tail = call.partition(", family")
    return f"{head},\n    family{tail}" if sep else call


class FamilyGuide(LectureScene):
    """Which likelihood for which data: the four families side by side."""

    description = "Which family for which data: Gaussian, Poisson, logistic, Gamma with lme4/brms syntax."
    slides = (("guide", "The mixed-model idea carries over to every family: choose the likelihood "
                        "that matches the data, and the link that keeps the mean in its range."),)
    title = "Which family for which data"

    def construct(self):
        theme = self.theme
        rows = VGroup()
        for name in ("gaussian", "poisson", "binomial", "gamma"):
            data_kind, link, lme4_call, _ = GUIDE[name]
            rows.add(VGroup(
                Text(name.capitalize() if name != "binomial" else "Logistic", font=FONT,
                     font_size=SMALL_SIZE + 2, color=theme.partial),
                Text(data_kind, font=FONT, font_size=SMALL_SIZE, color=theme.foreground),
                math_tex(link, theme, size=28),
                code_text(_two_lines(lme4_call), theme, LABEL_SIZE, theme.muted, line_spacing=0.8),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.14))
        grid = rows.arrange_in_grid(rows=2, cols=2, buff=(1.0, 0.7), cell_alignment=LEFT + UP)
        from scenes.vocab import CONTENT_REGION, fit_in_region

        region = CONTENT_REGION.inset(0.3, 0.3)
        grid.scale(min(region.width / grid.width, region.height / grid.height))
        fit_in_region(grid, region, "center", "center")
        self.add(title_text(self.title, theme))
        self.play(LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.25), run_time=2.0)
        self.slide_point("guide")
