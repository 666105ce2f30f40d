"""Small scenes for the render pipeline's tests and benchmark (registered through the env var
GLMM_EXPLAINER_SCENE_MODULES; never part of the lecture).

TinyCard: two slide points in ~2.5 s, Text + MathTex: the fastest scene that exercises TeX, text,
stills and marks. SweepDemo: a lecture-like scene (axes, 8 groups of dots, lines that morph, a
swept parameter with live readouts) for the benchmark. NeedsTruth / GaussianOnly: metadata for
the --data skip rules.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Create, DashedLine, DecimalNumber, Dot, FadeIn,
                   Line, MathTex, Text, Transform, ValueTracker, VGroup, Write, always_redraw)

from scenes.base import LectureScene
from scenes.theme import BODY_SIZE, FONT, TITLE_SIZE


class TinyCard(LectureScene):
    description = "A two-slide card for the pipeline tests."
    slides = (("title", "A title card. It has a formula."),
              ("formula", "The formula gains a term; this narration is long enough to be split "
                          "into two caption cues at a sentence boundary. Second sentence here."))

    def construct(self):
        title = Text("Pipeline test", font=FONT, font_size=TITLE_SIZE,
                     color=self.theme.foreground).to_edge(UP)
        formula = MathTex(r"y = \gamma_{00} + u_{0j}", color=self.theme.grand_mean)
        self.play(FadeIn(title), run_time=0.5)
        self.slide_point("title", hold=0.2)
        self.play(Write(formula), run_time=0.6)
        self.record_number("answer", 42.0)
        self.slide_point("formula", hold=0.4)


class SweepDemo(LectureScene):
    description = "Benchmark scene: groups, pooled and group lines, a tau0 sweep with readouts."
    slides = (("data", "Eight groups of points."),
              ("lines", "Each group gets its own line; the dashed line is the pooled fit."),
              ("sweep", "As tau0 grows, the group lines spread apart."),
              ("end", "The readout shows the intra-class correlation."))
    seed = 7
    heading = "Partial pooling"

    def construct(self):
        rng = np.random.default_rng(self.seed)
        theme = self.theme
        axes = Axes(x_range=[0, 10, 2], y_range=[0, 100, 20], x_length=8, y_length=5.2,
                    axis_config={"color": theme.muted, "include_numbers": True,
                                 "font_size": 20}).to_edge(LEFT, buff=0.6).shift(DOWN * 0.3)
        title = Text(self.heading, font=FONT, font_size=TITLE_SIZE,
                     color=theme.foreground).to_edge(UP, buff=0.3)
        offsets = rng.normal(0, 8, 8)
        dots, lines = VGroup(), VGroup()
        for j, u in enumerate(offsets):
            x = rng.uniform(0, 10, 12)
            y = 50 + 3 * x + u + rng.normal(0, 4, 12)
            colour = theme.group_color(j)
            dots.add(*[Dot(axes.c2p(a, b), radius=0.05, color=colour) for a, b in zip(x, y)])
            lines.add(Line(axes.c2p(0, 50 + u), axes.c2p(10, 80 + u), color=colour))
        pooled = DashedLine(axes.c2p(0, 50), axes.c2p(10, 80), color=theme.grand_mean)
        self.play(FadeIn(title), Create(axes), run_time=1.0)
        self.play(FadeIn(dots, lag_ratio=0.02), run_time=1.5)
        self.slide_point("data")
        self.play(Create(pooled), *[Create(line) for line in lines], run_time=1.5)
        self.slide_point("lines")

        tau = ValueTracker(1.0)
        label = MathTex(r"\tau_0 =", color=theme.between, font_size=BODY_SIZE + 10)
        readout = DecimalNumber(1.0, num_decimal_places=2, color=theme.between,
                                font_size=BODY_SIZE + 10)
        icc_label = MathTex(r"\mathrm{ICC} =", color=theme.foreground, font_size=BODY_SIZE + 10)
        icc = DecimalNumber(0.0, num_decimal_places=3, color=theme.foreground,
                            font_size=BODY_SIZE + 10)
        panel = VGroup(VGroup(label, readout).arrange(RIGHT),
                       VGroup(icc_label, icc).arrange(RIGHT)).arrange(DOWN, aligned_edge=LEFT)
        panel.to_edge(RIGHT, buff=0.6)
        readout.add_updater(lambda m: m.set_value(tau.get_value()))
        icc.add_updater(lambda m: m.set_value(tau.get_value() ** 2 / (tau.get_value() ** 2 + 16)))
        spread = always_redraw(lambda: VGroup(*[
            Line(axes.c2p(0, 50 + u * tau.get_value() / 8), axes.c2p(10, 80 + u * tau.get_value() / 8),
                 color=theme.group_color(j), stroke_width=3) for j, u in enumerate(offsets)]))
        self.play(FadeIn(panel), Transform(lines, spread.copy()), run_time=1.0)
        self.remove(lines)
        self.add(spread)
        self.play(tau.animate.set_value(8.0), run_time=3.0)
        self.slide_point("sweep")
        self.play(tau.animate.set_value(4.0), run_time=2.0)
        self.slide_point("end", hold=1.0)


class SweepDemoB(SweepDemo):
    description = "The benchmark scene again, other data (a second scene of the same length)."
    seed = 11
    heading = "Partial pooling, again"


class NeedsTruth(LectureScene):
    description = "Shows the simulation's truth (skipped for a user's own data)."
    slides = (("truth", "The truth."),)
    needs_truth = True

    def construct(self):
        self.add(Dot(color=self.theme.truth))
        self.slide_point("truth", hold=0.2)


class GaussianOnly(LectureScene):
    description = "Only for Gaussian models."
    slides = (("only", "Gaussian only."),)
    families = ("gaussian",)

    def construct(self):
        self.add(Dot(color=self.theme.partial))
        self.slide_point("only", hold=0.2)


class InputCard(LectureScene):
    description = "Reads the scene input: the scenario's number of groups."
    reads_input = True
    slides = (("groups", "The scenario's groups."),)

    def construct(self):
        from scenes.context import lecture_input

        s = lecture_input().scenario
        self.record_number("n_groups", s.n_groups)
        self.add(Text(f"{s.n_groups} {s.group_label}s", font=FONT, font_size=BODY_SIZE,
                      color=self.theme.foreground))
        self.slide_point("groups", hold=0.2)
