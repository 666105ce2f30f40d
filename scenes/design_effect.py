"""The design effect: how many independent observations clustered data are worth. The ICC as a
bar split into the between-group and the residual variance; deff = 1 + (n̄ − 1)·ICC with the fit's
numbers, and N beside the effective N / deff; then what ignoring the groups does to the standard
error of the intercept: complete pooling's (too small) against the mixed model's.

Every number comes from estimator.design_effect (design_effect: ICC, n̄, deff, N_eff and the two
standard errors the fit reports); the scene lays them out as bars.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, FadeIn, FadeOut, GrowFromEdge, LaggedStart, Rectangle, Text, VGroup

from estimator.design_effect import design_effect
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import PANEL_REGION, PLOT_REGION, math_tex, scene_fit, side_panel, title_text, wrapped_text

BAR_HEIGHT = 0.42
VALUE_ROOM = 2.3            # scene units kept right of the longest bar for its value
RESIDUAL_NAME = {"gaussian": "σ̂²", "binomial": "π²/3", "poisson": "log(1 + 1/μ̂)", "gamma": "log(1 + 1/ν̂)"}


class DesignEffect(LectureScene):
    """ICC bar, deff = 1 + (n̄ − 1)·ICC and N / deff, and the SE that ignores the groups."""

    description = ("The design effect 1 + (n̄ − 1)·ICC: the ICC as a bar, N against the effective N / deff, "
                   "and the intercept's standard error ignoring the groups against the mixed model's.")
    reads_input = True
    slides = (
        ("icc", "The intraclass correlation: the share of the variance that lies between groups. Two "
                "observations from the same group are this correlated."),
        ("deff", "Correlated observations repeat each other, so N of them are worth fewer independent "
                 "ones: the design effect is 1 plus the mean group size minus 1, times the ICC, and the "
                 "effective sample size is N divided by it."),
        ("se", "Ignore the groups and the standard error of the intercept comes out too small: complete "
               "pooling treats every row as independent news; the mixed model does not."),
    )
    title = "The design effect"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        fit = scene_fit(lecture)
        group = lecture.scenario.group_label
        self.add(title_text(self.title, theme))
        try:
            effect = design_effect(fit)
        except ValueError:
            effect = None
        if effect is None:
            self._not_applicable(fit)
            return
        width = PLOT_REGION.width - VALUE_ROOM
        top = PLOT_REGION.top - 0.2

        # ---- the ICC bar: between | residual
        between_w = max(width * effect.icc, 0.02)
        caption = Text("variance split: between groups | residual", font=FONT, font_size=SMALL_SIZE,
                       color=theme.foreground)
        caption.move_to([PLOT_REGION.left + caption.width / 2, top - caption.height / 2, 0])
        y_bar = caption.get_bottom()[1] - 0.2 - BAR_HEIGHT / 2
        between = self._bar(between_w, theme.between, PLOT_REGION.left, y_bar)
        residual = self._bar(max(width - between_w, 0.02), theme.within, between.get_right()[0], y_bar)
        residual_name = RESIDUAL_NAME[effect.family]
        parts = VGroup(Text(f"τ̂₀² = {fmt(effect.tau2)}", font=FONT, font_size=LABEL_SIZE, color=theme.between),
                       Text(f"{residual_name} = {fmt(effect.residual)}", font=FONT, font_size=LABEL_SIZE,
                            color=theme.within)).arrange(RIGHT, buff=0.5)
        parts.next_to(VGroup(between, residual), DOWN, buff=0.12).align_to(between, LEFT)
        icc_value = Text(f"ICC = {fmt(effect.icc)}", font=FONT, font_size=SMALL_SIZE + 2, color=theme.between)
        icc_value.next_to(residual, RIGHT, buff=0.2)
        self.play(FadeIn(caption), GrowFromEdge(between, LEFT), GrowFromEdge(residual, LEFT), run_time=1.0)
        self.play(FadeIn(parts), FadeIn(icc_value), run_time=0.6)
        scale_note = ("on the latent " + effect.scale_words.replace("the latent ", "")
                      if effect.latent else "on the outcome's scale")
        icc_text = math_tex(r"\mathrm{ICC} = \frac{\hat\tau_0^2}{\hat\tau_0^2 + s^2}", theme, size=30)
        icc_words = wrapped_text(f"s² = {residual_name}, {scale_note}"
                                 + (": a GLMM has no residual variance of its own." if effect.latent else "."),
                                 PANEL_REGION.width, theme, size=LABEL_SIZE)
        panel_items = [icc_text, icc_words]
        side_panel(*panel_items)
        self.play(FadeIn(icc_text), FadeIn(icc_words), run_time=0.6)
        self.slide_point("icc", narration=(
            f"The intraclass correlation ICC = τ̂₀² / (τ̂₀² + s²) = {fmt(effect.icc)}: the share of the "
            f"variance that lies between {group}s, {scale_note}. Two observations from the same {group} "
            "are this correlated."))

        # ---- N against N / deff
        y_n = parts.get_bottom()[1] - 0.55
        n_caption = Text("observations: N and the effective N / deff", font=FONT, font_size=SMALL_SIZE,
                         color=theme.foreground)
        n_caption.move_to([PLOT_REGION.left + n_caption.width / 2, y_n - n_caption.height / 2, 0])
        y1 = n_caption.get_bottom()[1] - 0.2 - BAR_HEIGHT / 2
        y2 = y1 - BAR_HEIGHT - 0.15
        n_bar = self._bar(width, theme.muted, PLOT_REGION.left, y1)
        eff_bar = self._bar(max(width * effect.n_eff / effect.n_obs, 0.02), theme.partial, PLOT_REGION.left, y2)
        n_text = Text(f"N = {effect.n_obs}", font=FONT, font_size=LABEL_SIZE, color=theme.foreground)
        n_text.next_to(n_bar, RIGHT, buff=0.15)
        eff_text = Text(f"N / deff = {fmt(effect.n_eff)}", font=FONT, font_size=LABEL_SIZE, color=theme.partial)
        eff_text.next_to(eff_bar, RIGHT, buff=0.15)
        deff_tex = math_tex(r"\mathrm{deff} = 1 + (\bar n - 1)\,\mathrm{ICC}", theme, size=30)
        filled = Text(f"= 1 + ({fmt(effect.n_bar)} − 1) × {fmt(effect.icc)} = {fmt(effect.deff)}",
                      font=FONT, font_size=SMALL_SIZE, color=theme.foreground)
        sizes = (f"{effect.n_groups} {group}s of {effect.n_min}" if effect.balanced else
                 f"{effect.n_groups} {group}s of {effect.n_min} to {effect.n_max}")
        n_bar_words = wrapped_text(
            f"n̄ = N / J = {effect.n_obs} / {effect.n_groups} = {fmt(effect.n_bar)}, the mean size of "
            f"{sizes}." + ("" if effect.balanced else
                           f" With unequal sizes deff is an approximation (with n₀ = {fmt(effect.n0)} "
                           f"instead of n̄: {fmt(1 + (effect.n0 - 1) * effect.icc)})."),
            PANEL_REGION.width, theme, size=LABEL_SIZE)
        self.play(FadeIn(n_caption), GrowFromEdge(n_bar, LEFT), FadeIn(n_text), run_time=0.8)
        latent = ([wrapped_text(f"The ICC is on {effect.scale_words}, so deff is that scale's "
                                "approximation.", PANEL_REGION.width, theme, size=LABEL_SIZE)]
                  if effect.latent else [])
        panel = side_panel(icc_text, deff_tex, filled, n_bar_words, *latent, buff=0.25)
        panel.sizes = n_bar_words       # the long note the SE slide makes room for
        self.remove(icc_words)
        self.play(FadeIn(deff_tex), FadeIn(filled), FadeIn(n_bar_words), *[FadeIn(m) for m in latent],
                  GrowFromEdge(eff_bar, LEFT),
                  FadeIn(eff_text), run_time=1.2)
        self.slide_point("deff", narration=(
            f"The design effect deff = 1 + (n̄ − 1)·ICC = 1 + ({fmt(effect.n_bar)} − 1) × {fmt(effect.icc)} "
            f"= {fmt(effect.deff)}, with n̄ = {fmt(effect.n_bar)} the mean {group} size. So N = "
            f"{effect.n_obs} correlated observations carry about as much information about the mean as "
            f"N / deff = {fmt(effect.n_eff)} independent ones."
            + ("" if effect.balanced else " The sizes are unequal, so this is an approximation.")))

        # ---- the intercept's SE, ignoring the groups or not
        self._standard_errors(effect, eff_bar, width, panel)

    def _standard_errors(self, effect, above, width, panel):
        theme = self.theme
        if effect.se_complete is None or effect.se_mixed is None:
            note = wrapped_text("This model has no fixed intercept, so there is no intercept standard error "
                                "to compare.", PLOT_REGION.width, theme, size=SMALL_SIZE)
            note.next_to(above, DOWN, buff=0.6).align_to(above, LEFT)
            self.play(FadeIn(note), run_time=0.6)
            self.slide_point("se")
            return
        caption = Text("standard error of γ̂₀₀", font=FONT, font_size=SMALL_SIZE, color=theme.foreground)
        caption.next_to(above, DOWN, buff=0.55).align_to(above, LEFT)
        top_se = max(effect.se_complete, effect.se_mixed)
        y1 = caption.get_bottom()[1] - 0.2 - BAR_HEIGHT / 2
        y2 = y1 - BAR_HEIGHT - 0.15
        bars = [self._bar(max(width * effect.se_complete / top_se, 0.02), theme.complete, PLOT_REGION.left, y1),
                self._bar(max(width * effect.se_mixed / top_se, 0.02), theme.partial, PLOT_REGION.left, y2)]
        labels = [Text(f"ignoring groups {fmt(effect.se_complete)}", font=FONT, font_size=LABEL_SIZE,
                       color=theme.complete),
                  Text(f"mixed model {fmt(effect.se_mixed)}", font=FONT, font_size=LABEL_SIZE, color=theme.partial)]
        for bar, label in zip(bars, labels):
            label.next_to(bar, RIGHT, buff=0.15)
            if label.get_right()[0] > PLOT_REGION.right:     # a long bar: the label goes inside it
                label.move_to(bar.get_right() + LEFT * (label.width / 2 + 0.1))
                label.set_color(theme.background)
        ratio = effect.se_ratio
        claim = (f"Ignoring the {effect.n_groups} groups makes the SE {fmt(ratio)} times too small."
                 if ratio > 1.05 else
                 f"Here ignoring the {effect.n_groups} groups barely changes the SE (ratio {fmt(ratio)}): "
                 "with an ICC this small the groups cost little information.")
        verdict = wrapped_text(
            f"{claim} √deff = {fmt(effect.sqrt_deff)} is that factor for equal groups and no predictor; a "
            "predictor that varies within groups changes it.", PANEL_REGION.width, theme, size=LABEL_SIZE)
        self.play(FadeIn(caption), *[GrowFromEdge(bar, LEFT) for bar in bars], run_time=1.0)
        self.play(LaggedStart(*[FadeIn(label) for label in labels], lag_ratio=0.3), run_time=0.8)
        # make room: the group-size note goes, the rest of the panel closes up above the verdict
        kept = [item for item in panel if item is not panel.sizes]
        target = side_panel(*[item.copy() for item in kept], verdict, buff=0.25)
        self.play(FadeOut(panel.sizes), *[item.animate.move_to(copy) for item, copy in zip(kept, target)],
                  run_time=0.6)
        self.play(FadeIn(verdict), run_time=0.6)
        self.slide_point("se", narration=(
            f"Ignore the groups and the standard error of the intercept γ̂₀₀ is {fmt(effect.se_complete)}; "
            f"the mixed model's is {fmt(effect.se_mixed)}, {fmt(ratio)} times as large. Complete pooling "
            f"treats every row as independent news. √deff = {fmt(effect.sqrt_deff)} is the factor for "
            "equal groups and no predictor."))

    def _bar(self, width: float, color: str, left: float, y: float) -> Rectangle:
        bar = Rectangle(width=width, height=BAR_HEIGHT, stroke_width=0, fill_color=color, fill_opacity=0.9)
        return bar.move_to([left + width / 2, y, 0])

    def _not_applicable(self, fit):
        theme = self.theme
        note = wrapped_text("The design effect needs a random intercept: this model, "
                            f"{fit.formula}, has none. Add (1 | group) to see it.", PLOT_REGION.width,
                            theme, size=SMALL_SIZE)
        note.move_to(PLOT_REGION.center)
        self.play(FadeIn(note), run_time=0.6)
        for name in self.slide_names():
            self.slide_point(name)
