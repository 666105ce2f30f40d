"""Scene 7: link functions and GLMMs. For Poisson (log), logistic (logit) and Gamma (log): the
linear predictor eta as straight group lines, then the axis bends through the inverse link into
curves on the response scale over the family's data, with the effect that family reads off its
slope (a rate ratio, an odds ratio and where the S-curve is steepest, a multiplicative effect on
the mean and the coefficient of variation); then the family's guide (its data, link, the R call
for the fitted model, the latent-scale ICC). scenes/family_guide.py then lines the four families
up.

The lines come from the GLMM fit (fixed effects + conditional modes); the curves are the same
lines pushed through the family's own inverse link from estimator.families, the function the fit
used. Every word and formula about a family comes from estimator.family_descriptions, every
derived number from estimator.family_effects. The data are the lecture's own when they are of
the scene's family, else the family's preset (and the panel says so).
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, Create, DashedLine, DashedVMobject, Dot, FadeIn, FadeOut, LaggedStart,
                   Line, Polygon, Rectangle, Text, Transform, VGroup, VMobject)

from estimator.families import get_family
from estimator.family_descriptions import describe_family
from estimator.family_effects import family_effects
from scenes.base import LectureScene
from scenes.context import lecture_input, preset_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, Readout, Region, code_text, coef_pairs, data_cloud, legend_entry,
                          make_axes, math_tex, padded_range, scene_fit, side_panel, thin_crowd, title_text,
                          wrapped_text, x_axis_limits)

GRID_POINTS = 48
READOUT_SIZE = 22


def family_input(family: str, preset: str):
    """(lecture, note): the lecture's data if they are of this family (note None), else the
    family's preset and the note saying so, as the other scenes that swap in a preset do."""
    lecture = lecture_input()
    if lecture.family == family:
        return lecture, None
    return preset_input(preset), f"shown with the {preset} preset"


def data_detail(desc, trials) -> str:
    """The kind of data, as drawn: a binomial model with a trials column has shares of successes
    on screen, not the 0/1 outcomes its family's general description names."""
    return "Successes out of n trials" if trials else desc.data_detail


def family_lecture(family: str, preset: str):
    """The lecture's data if they are of this family, else the family's preset."""
    return family_input(family, preset)[0]


def curve(axes, xs, ys) -> VMobject:
    """A polyline through (xs, ys) clipped to the plot's y range, so lines and curves share
    their point count and morph point by point."""
    lo, hi = axes.y_lim
    points = [axes.c2p(x, float(np.clip(y, lo, hi))) for x, y in zip(xs, ys)]
    path = VMobject()
    path.set_points_as_corners(points)
    return path


def response_limits(y, bounds) -> tuple[float, float]:
    """The response axis: the data (and 0) padded, but never past what the mean can take (no
    count below 0, no probability above 1)."""
    lo, hi = padded_range(y, include=(0.0,))
    low, high = bounds
    return (lo if low is None else max(lo, low)), (hi if high is None else min(hi, high))


CALL_LINE_CHARS = 28   # monospace characters a panel line holds at LABEL_SIZE (4.25 / 0.149 wide)


def r_lines(call: str, chars: int = CALL_LINE_CHARS) -> str:
    """An R call broken after its formula (and before `family` too when the rest is long), the
    arguments indented as in a script: a panel is narrow, and one long line would shrink the whole
    call below a readable size. A line still longer than `chars` breaks after its `~` or inside
    `family = Gamma(`."""
    head, sep, tail = call.partition(", data")
    if not sep or len(call) <= chars:
        return call
    rest = "    data" + tail
    if len(rest) > chars:
        rest = rest.replace(", family", ",\n    family", 1)
    if len(head) >= chars and " + (" in head:   # a long formula: random part on its own line
        fixed, _, random = head.rpartition(" + (")
        if len(fixed) + 2 > chars and " ~ " in head:   # a long response: break after the ~
            left, _, right = head.partition(" ~ ")
            head = f"{left} ~\n    {right}"
        else:
            head = f"{fixed} +\n    ({random}"
    return "\n".join(_break_long(line, chars) for line in f"{head},\n{rest}".splitlines())


def _break_long(line: str, chars: int) -> str:
    """One line of an R call, broken once more if it is still too long for the panel."""
    if len(line) <= chars:
        return line
    if " ~ " in line:
        left, _, right = line.partition(" ~ ")
        return f"{left} ~\n    {right.lstrip()}"
    if "(link" in line:
        left, _, right = line.partition("(link")
        return f"{left}(\n        link{right}"
    return line


def change_words(percent: float | None) -> str:
    """A relative change in words: '22 % more', '8 % less'."""
    if percent is None or percent != percent:
        return "an unknown change"
    return f"{fmt(abs(percent), 2)} % {'more' if percent >= 0 else 'less'}"


def latent_lines(label_tex: str, value: float | None, words: str, theme) -> VGroup:
    """The latent residual variance the ICC used, with what it is in words underneath (wrapped
    to the panel: one long line was shrunk below the smallest readable size)."""
    readout = Readout(label_tex, value, theme, size=READOUT_SIZE - 2, color=theme.muted)
    note = wrapped_text(words, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted)
    return VGroup(readout, note).arrange(DOWN, aligned_edge=LEFT, buff=0.1)


def typical_curve(axes, xs, family, effects, theme) -> VMobject:
    """The fixed effects alone through the inverse link (a group with u0j = 0), dashed."""
    line = curve(axes, xs, family.linkinv(effects["gamma00"] + effects["gamma10"] * xs))
    return DashedVMobject(line.set_stroke(theme.grand_mean, 4), num_dashes=40)


def typical_legend(theme) -> VGroup:
    return legend_entry("grand_mean", "typical group (u₀ⱼ = 0)", theme)


def band_legend(text: str, theme) -> VGroup:
    """A legend row for a shaded band: a swatch in the band's colour and its label."""
    swatch = Rectangle(width=0.45, height=0.22, stroke_width=0, fill_color=theme.grand_mean, fill_opacity=0.35)
    return VGroup(swatch, Text(text, font=FONT, font_size=LABEL_SIZE, color=theme.foreground)).arrange(
        RIGHT, buff=0.18)


def mean_band(axes, xs, family, effects, theme):
    """Between mean x (1 - CV) and mean x (1 + CV) of the typical curve (None without a CV)."""
    cv = effects.get("cv")
    if not cv:
        return None
    mean = family.linkinv(effects["gamma00"] + effects["gamma10"] * xs)
    lo, hi = axes.y_lim
    upper = [axes.c2p(x, float(np.clip(m * (1 + cv), lo, hi))) for x, m in zip(xs, mean)]
    lower = [axes.c2p(x, float(np.clip(m * (1 - cv), lo, hi))) for x, m in zip(xs, mean)]
    return Polygon(*upper, *reversed(lower), stroke_width=0, fill_color=theme.grand_mean, fill_opacity=0.18)


class LinkFunction(LectureScene):
    """Straight lines on the link scale bend into curves on the response scale (Poisson)."""

    family_name = "poisson"
    reads_input = True        # its family decides whether the lecture's data are shown
    presets = ("poisson",)    # the family's preset, shown otherwise (subclasses: their own)
    title = "Poisson: the log link"
    description = "Poisson GLMM: the linear predictor bends through exp() onto counts."
    slides = (
        ("eta", "Counts take a log link. On the log scale every {group} is still a straight line, "
                "log μᵢⱼ = γ̂₀₀ + γ̂₁₀·xᵢⱼ + u₀ⱼ, here with γ̂₀₀ = {gamma00} and γ̂₁₀ = {gamma10}."),
        ("response", "exp() bends each line into a curve of expected counts, which never drops "
                     "below zero. The slope becomes a rate ratio: one more unit of {x} multiplies "
                     "the expected count by exp(γ̂₁₀) = {rate_ratio}, {change} per unit, for every "
                     "{group} alike."),
        ("guide", "In R, glmer with family = poisson fits this model. The ICC on the latent scale "
                  "sets the intercept variance τ̂₀² = {tau0_sq} against log(1 + 1/μ̂) = "
                  "{latent_variance}, the Poisson noise at the mean count μ̂ = exp(γ̂₀₀) = "
                  "{mean_at_zero}: ICC = {icc}."),
    )

    def narration_values(self) -> dict:
        """The fitted numbers the narration names, as the slides print them (set in construct)."""
        return getattr(self, "_narration", {})

    def construct(self):
        theme, rec = self.theme, self.record_number
        family, desc = get_family(self.family_name), describe_family(self.family_name)
        lecture, note_text = family_input(self.family_name, self.presets[0])
        s = lecture.scenario
        fit = scene_fit(lecture)
        effects = family_effects(fit)
        x, y, g, _ = lecture.arrays()
        coefs = coef_pairs(fit, "partial")
        x_lim = x_axis_limits(x, s if lecture.has_truth else None)
        xs = np.linspace(x_lim[0], x_lim[1], GRID_POINTS)
        etas = [a + b * xs for a, b in coefs]
        for key in ("gamma00", "gamma10", "icc"):
            rec(key, effects[key])
        self._narration = self.story_words(effects, x_lim, s.x_label, s.group_label)

        # Section: straight lines on the link scale
        eta_axes = make_axes(x_lim, padded_range(np.concatenate(etas)), s.x_label,
                             f"η = {desc.eta_meaning}", theme)
        lines = thin_crowd(VGroup(*[curve(eta_axes, xs, e).set_stroke(theme.group_color(j), 3.5)
                                    for j, e in enumerate(etas)]))
        eta_formula = math_tex(r"\eta_{ij} = \hat\gamma_{00} + \hat\gamma_{10} x_{ij} + \hat u_{0j}", theme, size=30)
        g00 = Readout(r"\hat\gamma_{00} =", effects["gamma00"], theme, color=theme.grand_mean, size=READOUT_SIZE)
        g10 = Readout(r"\hat\gamma_{10} =", effects["gamma10"], theme, color=theme.grand_mean, size=READOUT_SIZE)
        inverse = math_tex(desc.inverse_tex, theme, size=34)
        story = self.story_readouts(effects, theme)
        note = (Text(note_text, font=FONT, font_size=LABEL_SIZE, color=theme.muted) if note_text else None)
        panel_region = PANEL_REGION
        if note is not None:
            note.move_to([PANEL_REGION.left + note.width / 2, PANEL_REGION.bottom + note.height / 2, 0])
            panel_region = Region(PANEL_REGION.left, PANEL_REGION.right, note.get_top()[1] + 0.3,
                                  PANEL_REGION.top)
        panel = side_panel(eta_formula, g00, g10, inverse, *story, region=panel_region, buff=0.3)
        self.add(title_text(self.title, theme))
        if note is not None:
            self.add(note)
        self.play(Create(eta_axes), run_time=0.8)
        self.play(LaggedStart(*[Create(line) for line in lines], lag_ratio=0.08),
                  FadeIn(VGroup(eta_formula, g00, g10)), run_time=1.4)
        self.slide_point("eta")

        # Section: the axis bends through the inverse link
        mu_axes = make_axes(x_lim, response_limits(y, desc.mean_bounds), s.x_label, s.y_label, theme)
        rec("response_axis_min", mu_axes.y_lim[0])
        rec("response_axis_max", mu_axes.y_lim[1])
        curves = thin_crowd(VGroup(*[curve(mu_axes, xs, family.linkinv(e)).set_stroke(theme.group_color(j), 3.5)
                                     for j, e in enumerate(etas)]))
        cloud = data_cloud(mu_axes, x, y, g, theme)
        cloud.set_opacity(0.45)
        self.play(FadeIn(inverse), run_time=0.5)
        self.play(Transform(eta_axes, mu_axes), Transform(lines, curves), run_time=2.0)
        marks = self.story_marks(mu_axes, xs, family, effects, theme)
        self.play(FadeIn(cloud), FadeIn(VGroup(*story)), *[Create(m) for m in marks], run_time=0.8)
        self.slide_point("response")

        # Section: the family's guide, for the model that was fitted
        guide = self.guide_panel(desc, lecture, effects, theme, panel_region)
        self.play(FadeOut(panel), run_time=0.4)
        self.play(FadeIn(guide), run_time=0.8)
        self.slide_point("guide")

    # -- what each family says about its slope -------------------------------------------
    def story_words(self, effects: dict, x_lim, x_label: str, group_label: str) -> dict:
        """The narration's fields: the fitted numbers as the slides print them."""
        words = {key: fmt(value) for key, value in effects.items()}
        words.update(x=x_label, group=group_label, change=change_words(effects.get("percent_per_unit")))
        return words

    def story_readouts(self, effects: dict, theme) -> list:
        self.record_number("rate_ratio", effects["rate_ratio"])
        return [Readout(r"e^{\hat\gamma_{10}} =", effects["rate_ratio"], theme, size=READOUT_SIZE,
                        prefix="rate ratio", color=theme.grand_mean), typical_legend(theme)]

    def story_marks(self, axes, xs, family, effects, theme) -> list:
        """The typical group's curve (u0j = 0: the fixed effects through the inverse link), dashed:
        the curve the ratio is read on."""
        return [typical_curve(axes, xs, family, effects, theme)]

    def guide_panel(self, desc, lecture, effects, theme, region) -> VGroup:
        """Which data, the link, the R calls for the model fitted here, and the latent ICC."""
        call = desc.reference_call(lecture.formula, lecture.trials)
        brms = desc.brms_call(lecture.formula, lecture.trials)
        self.record_number("latent_variance", effects["latent_variance"])
        items = [
            Text(desc.title, font=FONT, font_size=SMALL_SIZE + 2, color=theme.partial),
            wrapped_text(data_detail(desc, lecture.trials), region.width, theme, size=SMALL_SIZE),
            math_tex(desc.link_tex, theme, size=30),
            code_text(r_lines(call), theme, LABEL_SIZE, theme.foreground, line_spacing=0.8),
            code_text(r_lines(brms), theme, LABEL_SIZE, theme.muted, line_spacing=0.8),
            Readout(desc.icc_tex + " =", effects["icc"], theme, size=READOUT_SIZE),
            self.latent_readout(desc, effects, theme),
        ]
        return side_panel(*items, region=region, buff=0.16)   # 0.22 made the stack too tall: all shrunk

    def latent_readout(self, desc, effects, theme):
        return latent_lines(r"\log(1 + 1/\hat\mu) =", effects["latent_variance"],
                            f"the Poisson noise at μ̂ = exp(γ̂₀₀) = {fmt(effects['mean_at_zero'])}", theme)


class LogisticLink(LinkFunction):
    family_name = "binomial"
    presets = ("logistic",)
    title = "Logistic: the logit link"
    description = "Logistic GLMM: the linear predictor bends through the logistic curve onto P(y = 1)."
    slides = (
        ("eta", "Binary outcomes take a logit link. On the log-odds scale every {group} is a "
                "straight line, log(pᵢⱼ / (1 − pᵢⱼ)) = γ̂₀₀ + γ̂₁₀·xᵢⱼ + u₀ⱼ, here with "
                "γ̂₀₀ = {gamma00} and γ̂₁₀ = {gamma10}."),
        ("response", "The logistic function bends each line into an S-curve of probabilities "
                     "between 0 and 1. exp(γ̂₁₀) = {odds_ratio} is the odds ratio per unit of {x}. "
                     "Each curve is steepest where p = 0.5, {steepest_where}; there one unit of "
                     "{x} adds about γ̂₁₀/4 = {steepest_slope} to the probability, and less "
                     "towards 0 and 1."),
        ("guide", "In R, glmer with family = binomial fits this model. On the latent logistic "
                  "scale the residual variance is fixed at π²/3 ≈ 3.29, so with τ̂₀² = {tau0_sq} "
                  "the ICC is {icc}."),
    )

    def story_words(self, effects, x_lim, x_label, group_label):
        words = super().story_words(effects, x_lim, x_label, group_label)
        at = effects["steepest_x"]
        if at is not None and x_lim[0] <= at <= x_lim[1]:
            words["steepest_where"] = f"at {x_label} = {fmt(at)} for a typical {group_label}"
        else:
            words["steepest_where"] = f"outside the {x_label} values shown for a typical {group_label}"
        return words

    def story_readouts(self, effects, theme):
        self.record_number("odds_ratio", effects["odds_ratio"])
        self.record_number("steepest_slope", effects["steepest_slope"])
        return [Readout(r"e^{\hat\gamma_{10}} =", effects["odds_ratio"], theme, size=READOUT_SIZE,
                        prefix="odds ratio", color=theme.grand_mean),
                Readout(r"\hat\gamma_{10}/4 =", effects["steepest_slope"], theme, size=READOUT_SIZE,
                        prefix="steepest slope", color=theme.grand_mean),
                typical_legend(theme)]

    def story_marks(self, axes, xs, family, effects, theme):
        """p = 0.5 dashed, the typical group's S-curve, and its tangent of slope gamma10/4 where
        it crosses 0.5."""
        at = effects["steepest_x"]
        x0, x1 = axes.x_lim
        half = DashedLine(axes.c2p(x0, 0.5), axes.c2p(x1, 0.5), color=theme.muted, stroke_width=2,
                          dash_length=0.08)
        marks = [half, *super().story_marks(axes, xs, family, effects, theme)]
        if at is not None and x0 <= at <= x1:
            self.record_number("steepest_x", at)
            slope = effects["steepest_slope"]
            reach = min(0.2 / abs(slope), (x1 - x0) / 4) if slope else 0.0
            a, b = max(x0, at - reach), min(x1, at + reach)
            marks.append(Line(axes.c2p(a, 0.5 + slope * (a - at)), axes.c2p(b, 0.5 + slope * (b - at)),
                              color=theme.foreground, stroke_width=3))
            marks.append(Dot(axes.c2p(at, 0.5), radius=0.06, color=theme.foreground))
        return marks

    def latent_readout(self, desc, effects, theme):
        return latent_lines(r"\pi^2/3 =", effects["latent_variance"],
                            "the standard logistic variance", theme)


class GammaLink(LinkFunction):
    family_name = "gamma"
    presets = ("gamma",)
    title = "Gamma: the log link"
    description = "Gamma GLMM: the linear predictor bends through exp() onto positive, skewed values."
    slides = (
        ("eta", "Positive, right-skewed values take a Gamma likelihood with a log link. On the log "
                "scale every {group} is a straight line, log μᵢⱼ = γ̂₀₀ + γ̂₁₀·xᵢⱼ + u₀ⱼ, here "
                "with γ̂₀₀ = {gamma00} and γ̂₁₀ = {gamma10}."),
        ("response", "exp() makes the effects multiplicative: one more unit of {x} multiplies the "
                     "mean by exp(γ̂₁₀) = {mean_ratio}, {change} per unit. The spread grows with the "
                     "mean, while the coefficient of variation 1/√ν̂ = {cv} (shape ν̂ = {shape}) is "
                     "the same at every mean."),
        ("guide", "glmmTMB with a Gamma log-link family fits this model, and this estimator gives "
                  "glmmTMB's answers. The ICC takes log(1 + 1/ν̂) = {latent_variance} as the "
                  "residual variance on the log scale, the lognormal approximation: with "
                  "τ̂₀² = {tau0_sq}, ICC = {icc}."),
    )

    def story_readouts(self, effects, theme):
        self.record_number("mean_ratio", effects["mean_ratio"])
        self.record_number("cv", effects["cv"])
        return [Readout(r"e^{\hat\gamma_{10}} =", effects["mean_ratio"], theme, size=READOUT_SIZE,
                        prefix="mean ratio", color=theme.grand_mean),
                Readout(r"1/\sqrt{\hat\nu} =", effects["cv"], theme, size=READOUT_SIZE,
                        prefix="CV", suffix=f"  (shape ν̂ = {fmt(effects['shape'])})"),
                typical_legend(theme),
                band_legend("typical mean × (1 ± CV)", theme)]

    def story_marks(self, axes, xs, family, effects, theme):
        """The typical curve with a band of one standard deviation, mean x (1 +- CV): it widens as
        the mean grows, the same share of the mean everywhere."""
        band = mean_band(axes, xs, family, effects, theme)
        return ([band] if band is not None else []) + super().story_marks(axes, xs, family, effects, theme)

    def latent_readout(self, desc, effects, theme):
        return latent_lines(r"\log(1 + 1/\hat\nu) =", effects["latent_variance"],
                            f"lognormal approximation at shape ν̂ = {fmt(effects['shape'])}", theme)
