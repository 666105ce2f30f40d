"""Scene 1: where grouped data come from, built term by term from the simulation's truth.

y_ij = gamma00 + gamma10 x_ij + u0j + e_ij: first the fixed line, then each group's deviation
u0j drawn from N(0, tau0^2) (a density beside the axis that the draws fall out of), then the
observations scattered around their group's line with N(0, sigma^2) noise. Each formula term lights
up, in its object's colour, when its object appears. Every value drawn is the simulation's
(scenario parameters, true_u, true_eta) or a raw observation: nothing is estimated here.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, GrowFromCenter, LaggedStart, Line,
                   Transform, VGroup)

from scenes.base import LectureScene
from scenes.vocab import (PANEL_REGION, Readout, data_cloud, grand_mean_line,
                           group_lines, legend, light_up, make_axes, math_tex, normal_density_curve,
                           padded_range, pulse, side_panel, term_tex, title_text, wrapped_text,
                           x_axis_limits)
from scenes.context import lecture_input
from scenes.theme import BODY_SIZE, LABEL_SIZE, SMALL_SIZE

SIZE = BODY_SIZE - 2     # readouts in the side panel


class DataGeneration(LectureScene):
    """The data-generating model, one term at a time."""

    description = "How grouped data arise: fixed line, group deviations u0j ~ N(0, tau0^2), noise."
    reads_input = True
    needs_truth = True
    families = ("gaussian",)
    slides = (
        ("fixed", "Start with one line for everybody: the fixed effects. gamma00 is the height at x "
                  "equals zero, gamma10 the slope. They are the same for every group."),
        ("deviations", "Each group gets its own deviation u0j, a random draw from a normal "
                       "distribution with mean zero and standard deviation tau0. Every group's line "
                       "is the fixed line shifted by its draw."),
        ("noise", "Observations scatter around their own group's line: each one adds noise "
                  "epsilon from a normal distribution with standard deviation sigma."),
        ("observed", "This is all we ever see: the points and their groups. The mixed model has to "
                     "recover the fixed line, tau0 and sigma from them."),
    )
    title = "How grouped data arise"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        if lecture.data is None:
            raise ValueError("DataGeneration needs simulated data (needs_truth): use a scenario, not a CSV")
        s, data = lecture.scenario, lecture.data
        x, y, g, labels = lecture.arrays()
        truth_index = [list(data.group_labels).index(label) for label in labels]
        intercepts = np.asarray(data.truth["intercepts"], float)[truth_index]
        slopes = np.asarray(data.truth["slopes"], float)[truth_index]
        eta = np.asarray(data.true_eta, float)
        n_groups = len(labels)

        # Section: axes, title, the formula with every term still dim
        x_lim = x_axis_limits(x, s)
        line_ends = [a + b * xx for a, b in zip(intercepts, slopes) for xx in x_lim]
        density_span = [s.gamma00 + s.gamma10 * x_lim[0] + k * s.tau0 for k in (-2.5, 2.5)]
        y_lim = padded_range(np.concatenate([y, eta]),
                             include=line_ends + density_span + [s.gamma00 + s.gamma10 * v for v in x_lim])
        axes = make_axes(x_lim, y_lim, s.x_label, s.y_label, theme)
        title = title_text(self.title, theme)

        slopes_vary = s.random_slopes
        parts = [(r"y_{ij}", None), (r"=", None), (r"\gamma_{00}", theme.grand_mean), (r"+", None),
                 (r"\gamma_{10}\,x_{ij}", theme.grand_mean), (r"+", None), (r"u_{0j}", theme.between)]
        if slopes_vary:
            parts += [(r"+", None), (r"u_{1j}\,x_{ij}", theme.between)]
        parts += [(r"+", None), (r"\varepsilon_{ij}", theme.residual)]
        # Random slopes make the model long: the random part goes on a second line.
        formula = term_tex(parts, theme, size=BODY_SIZE + 8, dim=True, break_at=5 if slopes_vary else None)
        term = {tex: formula[k] for k, (tex, _) in enumerate(parts)}
        fixed_terms = VGroup(term[r"\gamma_{00}"], term[r"\gamma_{10}\,x_{ij}"])
        u_terms = VGroup(term[r"u_{0j}"], *([term[r"u_{1j}\,x_{ij}"]] if slopes_vary else []))
        eps_term = term[r"\varepsilon_{ij}"]
        formula.scale_to_fit_width(min(formula.width, PANEL_REGION.width))

        rec = self.record_number
        fixed_values = VGroup(
            Readout(r"\gamma_{00} =", s.gamma00, theme, color=theme.grand_mean, size=SIZE, key="gamma00", recorder=rec),
            Readout(r"\gamma_{10} =", s.gamma10, theme, color=theme.grand_mean, size=SIZE, key="gamma10", recorder=rec),
        ).arrange(RIGHT, buff=0.5)
        u_law = math_tex(r"u_{0j} \sim N(0,\,\tau_0^2)", theme, size=SIZE + 6, color=theme.between)
        tau_row = VGroup(u_law, Readout(r"\tau_0 =", s.tau0, theme, color=theme.between, size=SIZE, key="tau0",
                                        recorder=rec)).arrange(RIGHT, buff=0.4)
        if slopes_vary:
            tau1 = Readout(r"\tau_1 =", s.tau1, theme, color=theme.between, size=SIZE, key="tau1", recorder=rec)
            rho = Readout(r"\rho =", s.rho, theme, color=theme.between, size=SIZE, key="rho", recorder=rec)
            tau_row = VGroup(tau_row, VGroup(tau1, rho).arrange(RIGHT, buff=0.4)).arrange(
                DOWN, aligned_edge=LEFT, buff=0.15)
        eps_law = math_tex(r"\varepsilon_{ij} \sim N(0,\,\sigma^2)", theme, size=SIZE + 6, color=theme.residual)
        sigma_row = VGroup(eps_law, Readout(r"\sigma =", s.sigma, theme, color=theme.residual, size=SIZE,
                                            key="sigma", recorder=rec)).arrange(RIGHT, buff=0.4)
        key = legend([("grand_mean", "fixed line"), ("line", f"true line per {s.group_label}", theme.muted),
                      ("residual", "noise"), ("points", "observations")], theme)
        n_obs = len(y)
        rec("n_obs", n_obs)
        rec("n_groups", n_groups)
        seen = wrapped_text(f"We see {n_obs} points in {n_groups} {s.group_label}s; the lines, "
                            "τ₀ and σ are hidden.", PANEL_REGION.width, theme, size=SMALL_SIZE)
        header = wrapped_text("Simulation settings (truth)", PANEL_REGION.width, theme,
                              size=LABEL_SIZE, color=theme.muted)
        panel = side_panel(formula, header, fixed_values, tau_row, sigma_row, key, seen,
                           buff=0.22 if slopes_vary else 0.3)
        seen.next_to(key[0], DOWN, buff=0.6).align_to(key, LEFT)

        self.add(title)
        self.play(Create(axes), FadeIn(formula), run_time=1.0)

        # Section: the fixed line gamma00 + gamma10 x
        fixed = grand_mean_line(axes, s.gamma00, s.gamma10, theme)
        self.play(Create(fixed), light_up(fixed_terms, theme.grand_mean), run_time=1.2)
        self.play(FadeIn(header), FadeIn(fixed_values), FadeIn(key[0]), run_time=0.6)
        self.slide_point("fixed")

        # Section: group deviations u0j fall out of N(0, tau0^2)
        x0 = axes.x_lim[0]
        centre = s.gamma00 + s.gamma10 * x0
        density = normal_density_curve(axes, centre, s.tau0, x0, 0.9, theme.between)
        starts = [a + b * x0 for a, b in zip(intercepts, slopes)]
        dots = VGroup()
        for j, start in enumerate(starts):
            z = (start - centre) / s.tau0 if s.tau0 > 0 else 0.0
            bulge = 0.9 * float(np.exp(-0.5 * z ** 2))
            dot = Dot(axes.c2p(x0, float(np.clip(start, *axes.y_lim))), radius=0.07,
                      color=theme.group_color(j))
            dot.shift(RIGHT * bulge)
            dots.add(dot)
        self.play(FadeIn(density), light_up(u_terms, theme.between), FadeIn(tau_row), run_time=1.0)
        self.play(LaggedStart(*[GrowFromCenter(d) for d in dots], lag_ratio=0.08), run_time=1.0)
        landed = VGroup(*[d.copy().move_to(axes.c2p(x0, float(np.clip(start, *axes.y_lim))))
                          for d, start in zip(dots, starts)])
        self.play(Transform(dots, landed), run_time=0.8)
        lines = group_lines(axes, list(zip(intercepts, slopes)), theme, stroke_width=2.5)
        sources = VGroup(*[fixed.copy().set_color(theme.group_color(j)) for j in range(n_groups)])
        self.add(sources)
        self.play(*[Transform(src, line) for src, line in zip(sources, lines)], run_time=1.5)
        self.play(FadeIn(key[1]), run_time=0.4)
        self.slide_point("deviations")

        # Section: observations = group line + noise epsilon
        on_line = data_cloud(axes, x, eta, g, theme)
        observed = data_cloud(axes, x, y, g, theme)
        ticks = VGroup(*[Line(axes.c2p(xi, ei), axes.c2p(xi, yi), color=theme.residual, stroke_width=1.5,
                              stroke_opacity=0.8) for xi, ei, yi in zip(x, eta, y)])
        self.play(light_up(eps_term, theme.residual), FadeIn(sigma_row),
                  LaggedStart(*[FadeIn(grp) for grp in on_line.groups], lag_ratio=0.1), run_time=1.2)
        self.play(Transform(on_line, observed), Create(ticks), run_time=1.5)
        self.play(FadeIn(key[2:]), pulse(eps_term), run_time=0.6)
        self.slide_point("noise")

        # Section: what the data analyst actually sees
        self.play(FadeOut(ticks), FadeOut(sources), FadeOut(fixed), FadeOut(dots), FadeOut(density),
                  FadeOut(key[:3]), key[3].animate.align_to(key[0], UP), FadeIn(seen), run_time=1.2)
        self.slide_point("observed")
