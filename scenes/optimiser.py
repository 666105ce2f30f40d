"""The optimiser at work: the criterion the fit minimises and the path the optimiser took to its
minimum. For a Gaussian random intercept the profiled REML criterion (or ML deviance) is a curve in
θ = τ₀/σ alone (β and σ profiled out), and each evaluation lands on it; with more variance
parameters, or for a GLMM (whose Laplace deviance depends on θ and β jointly), the path is drawn
by evaluation, every evaluation a dot and the best so far a line.

Every number and point comes from estimator.profile (optimiser_path: the fit's trace on the user's
scale and, for one θ, profiled_deviance over a grid); the scene draws them.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, Create, DashedLine, Dot, FadeIn, FadeOut, LaggedStart,
                   ReplacementTransform, Text, VGroup, VMobject)

from estimator.profile import optimiser_path
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import PANEL_REGION, make_axes, scene_fit, side_panel, title_text, wrapped_text

SUB = "₀₁₂₃₄₅₆₇₈₉"
MAX_ANIMATED = 40          # evaluations that appear one by one; the rest arrive together
OPTIMISER = {True: "Brent's bounded search on θ ≥ 0, then θ = 0 itself",
             False: "L-BFGS-B with difference gradients, θ's diagonal ≥ 0"}
LAPLACE_OPTIMISER = "L-BFGS-B on the Laplace deviance's exact gradient, θ's diagonal ≥ 0"


def optimiser_words(fit) -> str:
    """How this fit's several parameters were optimised (estimator/glmm_objective.py: a Laplace
    GLMM on its exact gradient; adaptive quadrature and LMMs with several θ on differences)."""
    if fit.family != "gaussian" and (fit.nagq or 1) == 1:
        return LAPLACE_OPTIMISER
    return OPTIMISER[False]


def product_text(a: float, b: float, product: float) -> str:
    """'a × b = product' with the factors given to as many digits as it takes for a student who
    multiplies them to get the product shown (1.148 × 5.001 = 5.74, never 1.15 × 5.00 = 5.74)."""
    shown = fmt(product)
    for sig in (3, 4, 5, 6):
        if fmt(float(fmt(a, sig).replace("\u2212", "-")) * float(fmt(b, sig).replace("\u2212", "-"))) == shown:
            return f"{fmt(a, sig)} × {fmt(b, sig)} = {shown}"
    return f"{fmt(a, 6)} × {fmt(b, 6)} = {shown}"


def crit(value: float) -> str:
    """A criterion value: two decimals (differences of a few tenths matter, as for AIC)."""
    return f"{value:.2f}".replace("-", "\u2212")


class OptimiserPath(LectureScene):
    """The profiled criterion over θ (or by evaluation) and the optimiser's path to θ̂."""

    description = ("The optimiser at work: the profiled REML criterion over θ = τ₀/σ (or the deviance by "
                   "evaluation for several parameters and GLMMs) and the optimiser's path to the estimate.")
    reads_input = True
    loop_slides = ("path",)
    slides = (
        ("surface", "What the fit minimises: for every value of the relative group SD θ the best fixed "
                    "effects and residual SD are known in closed form, so the criterion is a curve in θ "
                    "alone."),
        ("path", "The optimiser does not know the curve: it evaluates the criterion at one θ after "
                 "another, each guess guided by the last, closing in on the lowest point."),
        ("estimate", "It stops where the criterion no longer falls: that θ is the estimate, and τ̂₀ is θ̂ "
                     "times σ̂."),
    )
    title = "The optimiser at work"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        fit = scene_fit(lecture)
        path = optimiser_path(fit, lecture.formula, lecture.table, lecture.trials)
        self.add(title_text(self.title, theme))
        if path.curve is not None:
            self._curve_story(fit, path, lecture.scenario.group_label)
        else:
            self._evaluation_story(fit, path)

    # ------------------------------------------------------------------ one θ: the profile curve
    def _curve_story(self, fit, path, group: str):
        theme = self.theme
        grid, values = path.curve
        finite = np.isfinite(values)
        y_lo, y_hi = float(np.min(values[finite])), float(np.max(values[finite]))
        pad = 0.06 * (y_hi - y_lo or 1.0)
        axes = make_axes((0.0, float(grid[-1])), (y_lo - pad, y_hi + pad), "θ = τ₀ / σ",
                         path.criterion, theme)
        curve = VMobject(color=theme.foreground, stroke_width=3)
        curve.set_points_as_corners([axes.c2p(t, v) for t, v in zip(grid[finite], values[finite])])
        self.play(FadeIn(axes), run_time=0.6)
        self.play(Create(curve), run_time=1.4)
        words = wrapped_text(f"For each θ the best β̂(θ) and σ̂(θ) are solved exactly, so the {path.criterion} "
                             "is a curve in θ alone.", PANEL_REGION.width, theme, size=LABEL_SIZE)
        zero = wrapped_text(f"θ = 0: no {group} variance, complete pooling: "
                            f"{crit(float(values[0]))}.", PANEL_REGION.width, theme, size=LABEL_SIZE)
        panel = side_panel(words, zero)
        self.play(FadeIn(panel), run_time=0.6)
        self.slide_point("surface", narration=(
            f"What the fit minimises: the profiled {path.criterion} over θ = τ₀/σ. For every θ the best "
            f"fixed effects and σ are known in closed form, so the criterion is a curve in θ alone. At "
            f"θ = 0, no {group} variance at all, it is {crit(float(values[0]))}."))

        def counter_text(k: int) -> Text:
            return Text(f"evaluation {k} of {path.n_evals}", font=FONT, font_size=SMALL_SIZE,
                        color=theme.foreground)

        counter = counter_text(0)
        key = VGroup(_key_dot("lowered the best so far", theme.partial, theme),
                     _key_dot("did not", theme.muted, theme)).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        side_panel(words, zero, counter, key)
        self.add(counter, key)
        dots = VGroup()
        for i, (theta, value) in enumerate(zip(path.thetas[:, 0], path.values)):
            y = min(float(value), axes.y_lim[1])
            dot = Dot(axes.c2p(float(theta), y), radius=0.06, color=theme.warning)
            dots.add(dot)
        shown = min(len(dots), MAX_ANIMATED)
        for i in range(shown):
            new = counter_text(i + 1).move_to(counter, LEFT)
            self.play(FadeIn(dots[i], scale=1.6), ReplacementTransform(counter, new), run_time=0.2)
            counter = new
            dots[i].set_color(theme.partial if i in path.improving else theme.muted)
        for i in range(shown, len(dots)):
            dots[i].set_color(theme.partial if i in path.improving else theme.muted)
        if len(dots) > shown:
            new = counter_text(len(dots)).move_to(counter, LEFT)
            self.play(FadeIn(VGroup(*dots[shown:])), ReplacementTransform(counter, new), run_time=0.5)
            counter = new
        self.slide_point("path", narration=(
            f"The optimiser does not know the curve: it evaluated the criterion {path.n_evals} times, one θ "
            "after another, each guess guided by the last, closing in on the lowest point."))

        theta_hat = path.estimate[0]
        v_line = DashedLine(axes.c2p(theta_hat, axes.y_lim[0]), axes.c2p(theta_hat, path.minimum),
                            color=theme.partial, stroke_width=3)
        tau = fit.re_sd.get("(Intercept)", theta_hat * (fit.sigma or 1.0))
        items = [Text(f"θ̂ = {fmt(theta_hat)}", font=FONT, font_size=SMALL_SIZE, color=theme.partial),
                 Text(f"τ̂₀ = θ̂ · σ̂ = {product_text(theta_hat, fit.sigma, tau)}", font=FONT,
                      font_size=SMALL_SIZE, color=theme.between),
                 Text(f"minimum {path.criterion}: {crit(path.minimum)}", font=FONT, font_size=LABEL_SIZE,
                      color=theme.foreground),
                 wrapped_text(f"{path.n_evals} evaluations: {OPTIMISER[True]}. lme4 uses BOBYQA "
                              "(derivative-free); the same minimum.", PANEL_REGION.width, theme, size=LABEL_SIZE)]
        if fit.singular:
            items.append(wrapped_text("The minimum is at the boundary θ = 0: a singular fit.",
                                      PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.warning))
        self.play(FadeOut(VGroup(words, zero)), run_time=0.3)
        side_panel(counter, key, *items, buff=0.25)
        self.play(Create(v_line), LaggedStart(*[FadeIn(item) for item in items], lag_ratio=0.2), run_time=1.2)
        self.slide_point("estimate", narration=(
            f"It stops where the criterion no longer falls: θ̂ = {fmt(theta_hat)}, with the {path.criterion} "
            f"at {crit(path.minimum)}. The group SD is τ̂₀ = θ̂ · σ̂ = "
            f"{product_text(theta_hat, fit.sigma, tau)}."))

    # ------------------------------------------------------------------ several θ, or a GLMM
    def _evaluation_story(self, fit, path):
        theme = self.theme
        n = path.n_evals
        values = path.values
        best = [values[i] for i in path.improving]
        # the axis is the best-so-far path's with a quarter of headroom: a few trial steps far uphill
        # (the 90 % quantile at 30 Poisson groups) squashed the whole descent into the bottom tenth;
        # evaluations above sit on the top edge and the panel counts them
        y_lo = float(np.min(values))
        y_hi = float(min(np.max(values), best[0] + 0.25 * (best[0] - y_lo)))
        pad = 0.06 * (y_hi - y_lo or 1.0)
        axes = make_axes((0.0, float(n)), (y_lo - pad, y_hi + pad), "evaluation", path.criterion, theme)
        self.play(FadeIn(axes), run_time=0.6)
        why = (f"The {path.criterion} of a GLMM depends on θ and β together"
               + (" (and the Gamma shape)" if fit.family == "gamma" else "")
               + ", and the fit optimises them jointly (as glmer does): there is no curve in θ alone "
               "to draw, so the path is shown by evaluation."
               if fit.family != "gaussian" else
               f"{len(path.theta_names)} parameters θ ({'; '.join(path.theta_names)}): the criterion is a "
               "surface with no single curve to draw, so the path is shown by evaluation.")
        words = wrapped_text(why, PANEL_REGION.width, theme, size=LABEL_SIZE)
        side_panel(words)
        self.play(FadeIn(words), run_time=0.6)
        self.slide_point("surface", narration=(
            f"What the fit minimises here is the {path.criterion}. " + why))

        # the dots sit on top of the best-so-far line (z_index) and are big enough to count at
        # 720p while they fit side by side; past ~60 evaluations they shrink to stay apart
        radius = float(np.clip(0.4 * (axes.c2p(1, 0)[0] - axes.c2p(0, 0)[0]), 0.03, 0.055))
        dots = VGroup(*[Dot(axes.c2p(i + 1, min(float(v), axes.y_lim[1])), radius=radius,
                            color=theme.muted, fill_opacity=0.85).set_z_index(2)
                        for i, v in enumerate(values)])
        line = VMobject(color=theme.partial, stroke_width=4)
        corners = []
        for k, i in enumerate(path.improving):
            nxt = path.improving[k + 1] if k + 1 < len(path.improving) else n - 1
            v = min(float(values[i]), axes.y_lim[1])
            corners += [axes.c2p(i + 1, v), axes.c2p(nxt + 1, v)]
        line.set_points_as_corners(corners)
        key = VGroup(_key_dot("each evaluation", theme.muted, theme),
                     _key_dot("best so far", theme.partial, theme)).arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        above = int(np.sum(values > axes.y_lim[1]))
        count = wrapped_text(f"{n} evaluations" + (f" ({above} above the plot, drawn on its top edge)"
                                                   if above else ""), PANEL_REGION.width, theme, size=LABEL_SIZE)
        side_panel(words, key, count)
        self.play(FadeIn(dots, lag_ratio=min(0.05, 2.0 / max(n, 1))), Create(line), FadeIn(key),
                  FadeIn(count), run_time=2.0)
        self.slide_point("path", narration=(
            f"The optimiser evaluated the {path.criterion} {n} times. Each dot is one evaluation, some of "
            "them trial steps that went uphill; the line is the best value so far, falling fast and then "
            "flattening as it closes in."))

        names = path.theta_names
        rows = [Text(f"θ̂{SUB[i + 1]} ({name}) = {fmt(value)}", font=FONT, font_size=LABEL_SIZE,
                     color=theme.partial) for i, (name, value) in enumerate(zip(names[:4], path.estimate[:4]))]
        # wrapped: 'minimum Laplace deviance: 3047.53' on one line was scaled to the panel (16.6 pt)
        items = [wrapped_text(f"minimum {path.criterion}: {crit(path.minimum)}", PANEL_REGION.width, theme,
                              size=SMALL_SIZE), *rows,
                 Text(", ".join(f"τ̂{SUB[k]} = {fmt(sd)}" for k, sd in enumerate(fit.re_sd.values())),
                      font=FONT, font_size=LABEL_SIZE, color=theme.between),
                 wrapped_text(f"{optimiser_words(fit)}; lme4 uses BOBYQA or Nelder–Mead (derivative-free): "
                              "the same minimum.", PANEL_REGION.width, theme, size=LABEL_SIZE)]
        self.play(FadeOut(words), run_time=0.3)
        side_panel(key, count, *items, buff=0.22)
        self.play(LaggedStart(*[FadeIn(item) for item in items], lag_ratio=0.15), run_time=1.0)
        self.slide_point("estimate", narration=(
            f"It stops where the {path.criterion} no longer falls, at {crit(path.minimum)} after {n} "
            "evaluations; that θ̂ gives the random-effect SDs "
            + ", ".join(f"τ̂{SUB[k]} = {fmt(sd)}" for k, sd in enumerate(fit.re_sd.values())) + "."))


def _key_dot(text: str, color: str, theme) -> VGroup:
    return VGroup(Dot(radius=0.06, color=color), Text(text, font=FONT, font_size=LABEL_SIZE,
                                                      color=theme.foreground)).arrange(RIGHT, buff=0.15)
