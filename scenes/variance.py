"""Scene 5: variance components and the ICC on the latent scale, for every family. The total
variance splits into the between-group part tau0^2 and the within-group part: sigma^2 for a
Gaussian model; for a GLMM the family's latent residual variance, named on screen: pi^2/3 for the
logit link (the logistic distribution's variance), log(1 + 1/mu), mu = exp(gamma00), for Poisson
and log(1 + 1/shape) for Gamma (both lognormal approximations, Nakagawa et al. 2017; the
trigamma(shape) alternative for Gamma is not used). Their ratio is the ICC, shown on a bar with the
0.05 rule of thumb; a sweep of the simulated tau0 re-simulates and re-fits per step so the split
and the ICC move together (with a user's data there is nothing to re-simulate, and the slide
says so). Every number comes from the estimator (estimator.latent_scale.latent_split of the fit).
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, DashedLine, FadeIn, Line, Rectangle, Text, Transform, VGroup

from scenes.base import LectureScene
from estimator.latent_scale import latent_split
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Readout, math_tex, scene_fit, side_panel,
                          title_text, wrapped_text)
from scenes.vocab.glmm_a import narrate
from scenes.context import input_from_scenario, lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

ICC_RULE = 0.05
SWEEP_FACTORS = (0.0, 0.5, 2.0)   # times the scenario's tau0 (0 = no between-group variance)
BAR_WIDTH = 7.2
BAR_HEIGHT = 1.0
ICC_DROP = 3.2          # the ICC bar sits this far below the variance bar


WITHIN_NAME = {"gaussian": "within groups", "binomial": "logistic residual π²/3",
               "poisson": "Poisson residual", "gamma": "Gamma residual"}

NARRATION = {
    "split": {"gaussian": "The total variance of the outcome splits into two parts: how much the groups "
                          "differ, τ̂₀² = {tau2}, and how much observations scatter within a group, "
                          "σ̂² = {residual}.",
              "binomial": "On the latent log-odds scale the variance splits into the groups' part, "
                          "τ̂₀² = {tau2}, and a fixed residual part: π²/3 = {residual}, the variance of the "
                          "logistic distribution behind the logit link.",
              "poisson": "On the latent log-rate scale the variance splits into the groups' part, "
                         "τ̂₀² = {tau2}, and the Poisson residual log(1 + 1/μ̂) = {residual} at the mean "
                         "count μ̂ = {mu}: a lognormal approximation.",
              "gamma": "On the latent log scale the variance splits into the groups' part, τ̂₀² = {tau2}, "
                       "and the Gamma residual log(1 + 1/ν̂) = {residual} for the shape ν̂ = {shape}: a "
                       "lognormal approximation."},
    "icc": {"default": "The intraclass correlation is the between-group share of the total: here "
                       "ICC = {icc}. Above about 0.05 observations in one group are clearly not "
                       "independent: use a mixed model."},
    "sweep": {"default": "Change how much the groups really differ and refit: as τ₀ grows from 0 to "
                         "{tau_max}, the between-group bar grows and the ICC climbs from {icc_first} to "
                         "{icc_last}.",
              "data": "These are your own data: there is no simulation to re-run with another τ₀, so "
                      "the ICC stays at {icc}."},
}


def variance_parts(fit) -> tuple[float, float]:
    """(tau0^2, the latent residual variance) as the estimator reports them."""
    split = latent_split(fit)
    return split.tau2, split.residual


class VarianceComponents(LectureScene):
    """Between vs within variance, the ICC bar, and a tau0 sweep."""

    description = "Variance components on the latent scale: τ₀² between groups, the residual within, the ICC."
    reads_input = True
    plots_against_x = False   # variance components: no lines in x, no held-predictor note
    slides = (
        ("split", "The total variance splits into two parts: how much the groups differ from each "
                  "other, τ₀², and the residual variance within a group: σ² for a Gaussian model, "
                  "π²/3 for the logit link, a lognormal approximation for Poisson and Gamma."),
        ("icc", "The intraclass correlation is the between-group share of the total. Above about "
                "0.05 observations in one group are clearly not independent: use a mixed model."),
        ("sweep", "Change how much the groups really differ and refit: as τ₀ grows, the "
                  "between-group bar grows and the ICC climbs toward one."),
    )
    title = "Variance between and within"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        fit = scene_fit(lecture)
        if "(Intercept)" not in fit.re_terms:
            raise ValueError("VarianceComponents needs a random intercept in the model")
        split = latent_split(fit)
        family = split.family
        tau2, residual = split.tau2, split.residual
        rec("tau0_sq", tau2)
        rec("sigma_sq", residual)
        rec("icc", split.icc)
        fields = dict(tau2=tau2, residual=residual, icc=split.icc, mu=split.mu, shape=split.shape)

        # Section: the stacked bar of the total (latent) variance
        title = title_text(self.title, theme)
        left = PLOT_REGION.left + 0.4   # room for the ICC bar's '0' (at + 0.2 it sat in the margin)
        bar_y = PLOT_REGION.top - 1.6
        split_bar = self._split_bar(tau2, residual, left, bar_y, split)
        formula = math_tex(r"\mathrm{ICC} = \frac{\hat\tau_0^2}{\hat\tau_0^2 + " + split.residual_tex + "}", theme)
        formula[0][4:9].set_color(theme.between)
        formula.scale_to_fit_width(min(formula.width, PANEL_REGION.width))
        tau_row = Readout(r"\hat\tau_0^2 =", tau2, theme, color=theme.between, size=24)
        sigma_row = Readout(split.residual_tex + " =", residual, theme, color=theme.within, size=24)
        icc_row = Readout(r"\mathrm{ICC} =", split.icc, theme, size=26)
        named = self._residual_note(split)
        panel = side_panel(formula, tau_row, sigma_row, named, icc_row, buff=0.25)
        self.add(title)
        self.play(FadeIn(split_bar), run_time=1.2)
        self.play(FadeIn(tau_row), FadeIn(sigma_row), FadeIn(named), run_time=0.8)
        self.slide_point("split", narration=narrate(NARRATION["split"], family, **fields))

        # Section: the ICC bar with the rule of thumb
        icc_bar = self._icc_bar(split.icc, left, bar_y - ICC_DROP)
        note = wrapped_text(f"Rule of thumb: ICC > {ICC_RULE} means observations in a group are not "
                            "independent, so a mixed model is needed.", PANEL_REGION.width, theme,
                            size=SMALL_SIZE - 2)
        note.next_to(panel, DOWN, buff=0.35).align_to(panel, LEFT)
        self.play(FadeIn(formula), FadeIn(icc_row), FadeIn(icc_bar), run_time=1.2)
        self.play(FadeIn(note), run_time=0.6)
        self.slide_point("icc", narration=narrate(NARRATION["icc"], family, **fields))

        # Section: sweep tau0, re-simulating and refitting each step (only a simulation can)
        s = lecture.scenario
        if not lecture.has_truth:
            nothing = wrapped_text("Your own data: there is no simulation to re-run with another τ₀. "
                                   "The sweep needs a scenario (--preset or --scenario).", PLOT_REGION.width - 0.4,
                                   theme, size=SMALL_SIZE, color=theme.warning)
            nothing.next_to(icc_bar, DOWN, buff=0.35).align_to(icc_bar, LEFT)
            self.play(FadeIn(nothing), run_time=0.6)
            self.slide_point("sweep", narration=narrate(NARRATION["sweep"], "data", **fields))
            return
        sim_row = Readout(r"\tau_0 =", s.tau0, theme, prefix="simulated", color=theme.foreground, size=22)
        sim_row.next_to(note, DOWN, buff=0.3).align_to(note, LEFT)
        self.play(FadeIn(sim_row), run_time=0.5)
        iccs = []
        for factor in SWEEP_FACTORS:
            step = latent_split(input_from_scenario(s.replace(tau0=s.tau0 * factor)).fit())
            iccs.append(step.icc)
            self.play(Transform(split_bar, self._split_bar(step.tau2, step.residual, left, bar_y, step)),
                      Transform(icc_bar, self._icc_bar(step.icc, left, bar_y - ICC_DROP)),
                      Transform(named, self._residual_note(step).move_to(named, aligned_edge=LEFT + UP)),
                      sim_row.update_to(s.tau0 * factor), tau_row.update_to(step.tau2),
                      sigma_row.update_to(step.residual), icc_row.update_to(step.icc), run_time=1.2)
            self.wait(0.4)
        rec("sweep_icc_last", iccs[-1])
        self.slide_point("sweep", narration=narrate(NARRATION["sweep"], family, tau_max=s.tau0 * SWEEP_FACTORS[-1],
                                                    icc_first=iccs[0], icc_last=iccs[-1], **fields))

    def _residual_note(self, split):
        """The residual variance named in words, with its inputs (mu-hat, the shape) filled in."""
        words = split.residual_words
        if split.mu is not None:
            words = words.replace("exp(γ̂₀₀)", f"exp(γ̂₀₀) = {fmt(split.mu)}")
        if split.shape is not None:
            words = words.replace("the Gamma shape", f"the Gamma shape {fmt(split.shape)}")
        return wrapped_text(f"Residual: {words}. Scale: {split.scale_words}.", PANEL_REGION.width, self.theme,
                            size=SMALL_SIZE - 2, color=self.theme.within)

    def _split_bar(self, tau2: float, sigma2: float, left: float, y: float, split) -> VGroup:
        """A bar of fixed length split in proportion tau0^2 : residual, each part labelled."""
        theme = self.theme
        total = tau2 + sigma2
        share = tau2 / total if total > 0 else 0.0
        between = Rectangle(width=max(BAR_WIDTH * share, 1e-3), height=BAR_HEIGHT, stroke_width=0,
                            fill_color=theme.between, fill_opacity=0.9)
        within = Rectangle(width=max(BAR_WIDTH * (1 - share), 1e-3), height=BAR_HEIGHT, stroke_width=0,
                           fill_color=theme.within, fill_opacity=0.9)
        between.move_to([left + between.width / 2, y, 0])
        within.move_to([left + between.width + within.width / 2, y, 0])
        heading = Text("total variance of the outcome" if split.family == "gaussian"
                       else f"total variance on {split.scale_words}", font=FONT, font_size=LABEL_SIZE + 4,
                       color=theme.foreground).next_to(VGroup(between, within), UP, buff=0.2)
        heading.align_to(between, LEFT)
        label_b = Text(f"between groups  {fmt(tau2)}", font=FONT, font_size=LABEL_SIZE + 4, color=theme.between)
        label_w = Text(f"{WITHIN_NAME[split.family]}  {fmt(sigma2)}", font=FONT, font_size=LABEL_SIZE + 4, color=theme.within)
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
