"""Scene 5: variance components and the ICC. The total variance splits into the between-group
part tau0^2 and the within-group part sigma^2; their ratio is the ICC, shown on a bar with the
0.05 rule of thumb; a sweep of the simulated tau0 re-fits the model per step so the split and
the ICC move together. Every number comes from FitResult (re_cov, sigma, icc).
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, Line, Rectangle, Text, Transform, VGroup

from scenes.base import LectureScene
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Readout, math_tex, scene_fit, side_panel,
                           title_text, wrapped_text)
from scenes.context import input_from_scenario, lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

ICC_RULE = 0.05
SWEEP_FACTORS = (0.0, 0.5, 2.0)   # times the scenario's tau0 (0 = no between-group variance)
BAR_WIDTH = 7.2
BAR_HEIGHT = 1.0
ICC_DROP = 3.2          # the ICC bar sits this far below the variance bar


def variance_parts(fit) -> tuple[float, float]:
    """(tau0^2, sigma^2) as the fit reports them (intercept variance, residual variance)."""
    tau2 = fit.re_cov[fit.re_terms.index("(Intercept)")][fit.re_terms.index("(Intercept)")]
    return float(tau2), float(fit.sigma) ** 2


class VarianceComponents(LectureScene):
    """Between vs within variance, the ICC bar, and a tau0 sweep."""

    description = "Variance components: tau0^2 between groups, sigma^2 within, the ICC and its 0.05 rule."
    reads_input = True
    plots_against_x = False   # variance components: no lines in x, no held-predictor note
    families = ("gaussian",)
    slides = (
        ("split", "The total variance of the outcome splits into two parts: how much the groups "
                  "differ from each other, tau0 squared, and how much observations scatter within "
                  "a group, sigma squared."),
        ("icc", "The intraclass correlation is the between-group share of the total. Above about "
                "0.05 observations in one group are clearly not independent: use a mixed model."),
        ("sweep", "Change how much the groups really differ and refit: as tau0 grows, the "
                  "between-group bar grows and the ICC climbs toward one."),
    )
    title = "Variance between and within"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        fit = scene_fit(lecture)
        if "(Intercept)" not in fit.re_terms:
            raise ValueError("VarianceComponents needs a random intercept in the model")
        tau2, sigma2 = variance_parts(fit)
        rec("tau0_sq", tau2)
        rec("sigma_sq", sigma2)
        rec("icc", fit.icc)

        # Section: the stacked bar of the total variance
        title = title_text(self.title, theme)
        left = PLOT_REGION.left + 0.2
        bar_y = PLOT_REGION.top - 1.6
        split_bar = self._split_bar(tau2, sigma2, left, bar_y)
        formula = math_tex(r"\mathrm{ICC} = \frac{\hat\tau_0^2}{\hat\tau_0^2 + \hat\sigma^2}", theme)
        formula[0][4:9].set_color(theme.between)
        tau_row = Readout(r"\hat\tau_0^2 =", tau2, theme, color=theme.between, size=24)
        sigma_row = Readout(r"\hat\sigma^2 =", sigma2, theme, color=theme.within, size=24)
        icc_row = Readout(r"\mathrm{ICC} =", fit.icc, theme, size=26)
        panel = side_panel(formula, tau_row, sigma_row, icc_row, buff=0.3)
        self.add(title)
        self.play(FadeIn(split_bar), run_time=1.2)
        self.play(FadeIn(tau_row), FadeIn(sigma_row), run_time=0.8)
        self.slide_point("split")

        # Section: the ICC bar with the rule of thumb
        icc_bar = self._icc_bar(fit.icc, left, bar_y - ICC_DROP)
        note = wrapped_text(f"Rule of thumb: ICC > {ICC_RULE} means observations in a group are not "
                            "independent, so a mixed model is needed.", PANEL_REGION.width, theme,
                            size=SMALL_SIZE)
        note.next_to(panel, DOWN, buff=0.5).align_to(panel, LEFT)
        self.play(FadeIn(formula), FadeIn(icc_row), FadeIn(icc_bar), run_time=1.2)
        self.play(FadeIn(note), run_time=0.6)
        self.slide_point("icc")

        # Section: sweep tau0, refitting each step
        s = lecture.scenario
        sim_row = Readout(r"\tau_0 =", s.tau0, theme, prefix="simulated", color=theme.foreground, size=22)
        sim_row.next_to(note, DOWN, buff=0.45).align_to(note, LEFT)
        if lecture.has_truth:
            self.play(FadeIn(sim_row), run_time=0.5)
        for factor in SWEEP_FACTORS if lecture.has_truth else ():
            sweep_fit = input_from_scenario(s.replace(tau0=s.tau0 * factor)).fit()
            t2, s2 = variance_parts(sweep_fit)
            self.play(Transform(split_bar, self._split_bar(t2, s2, left, bar_y)),
                      Transform(icc_bar, self._icc_bar(sweep_fit.icc, left, bar_y - ICC_DROP)),
                      sim_row.update_to(s.tau0 * factor), tau_row.update_to(t2),
                      sigma_row.update_to(s2), icc_row.update_to(sweep_fit.icc), run_time=1.2)
            self.wait(0.4)
        self.slide_point("sweep")

    def _split_bar(self, tau2: float, sigma2: float, left: float, y: float) -> VGroup:
        """A bar of fixed length split in proportion tau0^2 : sigma^2, each part labelled."""
        theme = self.theme
        total = tau2 + sigma2
        share = tau2 / total if total > 0 else 0.0
        between = Rectangle(width=max(BAR_WIDTH * share, 1e-3), height=BAR_HEIGHT, stroke_width=0,
                            fill_color=theme.between, fill_opacity=0.9)
        within = Rectangle(width=max(BAR_WIDTH * (1 - share), 1e-3), height=BAR_HEIGHT, stroke_width=0,
                           fill_color=theme.within, fill_opacity=0.9)
        between.move_to([left + between.width / 2, y, 0])
        within.move_to([left + between.width + within.width / 2, y, 0])
        heading = Text("total variance of the outcome", font=FONT, font_size=LABEL_SIZE + 4,
                       color=theme.foreground).next_to(VGroup(between, within), UP, buff=0.2)
        heading.align_to(between, LEFT)
        label_b = Text(f"between groups  {fmt(tau2)}", font=FONT, font_size=LABEL_SIZE + 4, color=theme.between)
        label_w = Text(f"within groups  {fmt(sigma2)}", font=FONT, font_size=LABEL_SIZE + 4, color=theme.within)
        label_b.next_to(between, DOWN, buff=0.2).align_to(between, LEFT)
        label_w.next_to(within, DOWN, buff=0.2).align_to(VGroup(between, within), RIGHT)
        if label_b.get_right()[0] > label_w.get_left()[0] - 0.2:
            label_w.next_to(label_b, DOWN, buff=0.12).align_to(VGroup(between, within), RIGHT)
        return VGroup(heading, between, within, label_b, label_w)

    def _icc_bar(self, icc: float, left: float, y: float) -> VGroup:
        """The ICC on a 0..1 bar, with the 0.05 rule-of-thumb line."""
        theme = self.theme
        frame = Rectangle(width=BAR_WIDTH, height=BAR_HEIGHT * 0.7, stroke_color=theme.muted, stroke_width=2)
        frame.move_to([left + BAR_WIDTH / 2, y, 0])
        fill = Rectangle(width=max(BAR_WIDTH * icc, 1e-3), height=BAR_HEIGHT * 0.7, stroke_width=0,
                         fill_color=theme.between, fill_opacity=0.9)
        fill.move_to([left + fill.width / 2, y, 0])
        rule_x = left + BAR_WIDTH * ICC_RULE
        rule = DashedLine([rule_x, y - 0.35, 0], [rule_x, y + 0.6, 0], color=theme.warning,
                          stroke_width=3, dash_length=0.08)
        rule_label = Text(f"{ICC_RULE}", font=FONT, font_size=LABEL_SIZE, color=theme.warning)
        rule_label.next_to(rule, UP, buff=0.08)
        ends = VGroup(Text("0", font=FONT, font_size=LABEL_SIZE, color=theme.muted).next_to(frame, LEFT, buff=0.15),
                      Text("1", font=FONT, font_size=LABEL_SIZE, color=theme.muted).next_to(frame, RIGHT, buff=0.15))
        heading = Text(f"ICC = {fmt(icc)}", font=FONT, font_size=LABEL_SIZE + 4, color=theme.foreground)
        heading.next_to(frame, DOWN, buff=0.45).align_to(frame, LEFT)
        marker = Line([left + BAR_WIDTH * icc, y - 0.35, 0], [left + BAR_WIDTH * icc, y + 0.35, 0],
                      color=theme.foreground, stroke_width=4)
        return VGroup(frame, fill, rule, rule_label, ends, marker, heading)
