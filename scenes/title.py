"""The lecture's opening card: what mixed models are for, and the model the lecture fits.

The formula is the fitted model's, read off the FitResult: the family's line (y_ij ~ Poisson(mu_ij)
and log mu_ij = ..., logit p_ij = ..., log mu_ij = ... for Gamma; y_ij = ... + eps_ij for the
Gaussian), one gamma_k0 x_kij term per fixed predictor, u0j for a random intercept and
u_kj x_kij for each random slope, and the random effects' distribution. Terms take the colour of
the object they describe (VISUAL-GRAMMAR.md): gammas the grand mean's, u's the between-group
colour, epsilon the residuals'. The names of a user's columns are set by Pango below the formula
("y = score, x = hours, j = school"), never passed through TeX.
"""
from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, RIGHT, UP, FadeIn, Text, VGroup, Write

from estimator.plotted import INTERCEPT_TERM, slope_term
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import BODY_SIZE, FONT, SMALL_SIZE, TITLE_SIZE
from scenes.vocab import SAFE_REGION, scene_fit, term_tex

MAX_NAMED_PREDICTORS = 3   # beyond this the fixed part is written gamma_10 x_1ij + ... + gamma_p0 x_pij

# family: (the response's distribution or None, the left-hand side of the linear predictor)
FAMILY_LINES = {
    "gaussian": (None, r"y_{ij}"),
    "poisson": (r"y_{ij} \sim \mathrm{Poisson}(\mu_{ij})", r"\log \mu_{ij}"),
    "binomial": (r"y_{ij} \sim \mathrm{Bernoulli}(p_{ij})", r"\mathrm{logit}\, p_{ij}"),
    "gamma": (r"y_{ij} \sim \mathrm{Gamma}(\mu_{ij},\, \nu)", r"\log \mu_{ij}"),
}
BINOMIAL_TRIALS = r"y_{ij} \sim \mathrm{Binomial}(n_{ij},\, p_{ij})"


@dataclass(frozen=True)
class ModelLines:
    """The fitted model as TeX parts: `law` (the response's distribution, GLMMs only),
    `predictor` [(tex, colour name or None)] and `effects` (the random effects' and residuals'
    distributions); `names` {symbol: column} for the legend below."""

    law: str | None
    predictor: list
    effects: list
    names: dict


def model_lines(fit, trials: bool = False) -> ModelLines:
    """The structure of the fitted model (family, fixed predictors, random terms), as formula
    parts; no statistics, only the names the fit reports."""
    law, lhs = FAMILY_LINES.get(fit.family, FAMILY_LINES["gaussian"])
    if fit.family == "binomial" and trials:
        law = BINOMIAL_TRIALS
    first = slope_term(fit)
    fixed = [name for name in fit.fixef if name != INTERCEPT_TERM]
    if first in fixed:                     # the plotted predictor is x (x_1)
        fixed.remove(first)
        fixed.insert(0, first)
    single = len(fixed) == 1
    x = (lambda k: r"x_{ij}") if single else (lambda k: rf"x_{{{k}ij}}")
    parts = [(lhs, None), ("=", None)]

    def add(tex, colour):
        if len(parts) > 2:
            parts.append(("+", None))
        parts.append((tex, colour))

    if INTERCEPT_TERM in fit.fixef:
        add(r"\gamma_{00}", "grand_mean")
    shown = fixed if len(fixed) <= MAX_NAMED_PREDICTORS else fixed[:1]
    for k, _ in enumerate(shown, start=1):
        add(rf"\gamma_{{{k}0}}\,{x(k)}", "grand_mean")
    if len(shown) < len(fixed):
        add(r"\dots", None)
        add(rf"\gamma_{{{len(fixed)}0}}\,x_{{{len(fixed)}ij}}", "grand_mean")
    index = {name: k for k, name in enumerate(fixed, start=1)}
    random = []
    for term in fit.re_terms:
        if term == INTERCEPT_TERM:
            add(r"u_{0j}", "between")
            random.append("0")
        else:
            k = index.get(term, len(fixed) + len(random) + 1)
            add(rf"u_{{{k}j}}\,{x(k)}", "between")
            random.append(str(k))
    if fit.family == "gaussian":
        add(r"\varepsilon_{ij}", "residual")

    effects = []
    if len(random) == 1:
        r = random[0]
        effects.append((rf"u_{{{r}j}} \sim N(0,\, \tau_{r}^2)", "between"))
    elif random:
        vector = ",\\, ".join(rf"u_{{{r}j}}" for r in random)
        effects.append((rf"({vector}) \sim N(0,\, \Sigma)", "between"))
    if fit.family == "gaussian":
        effects.append((r"\varepsilon_{ij} \sim N(0,\, \sigma^2)", "residual"))
    names = {}
    if single:
        names["x"] = fixed[0]
    else:
        names.update({f"x{k}": name for name, k in index.items()})
    return ModelLines(law, parts, effects, names)


class TitleCard(LectureScene):
    description = "Opening card: grouped data and the fitted mixed model in a few lines."
    reads_input = True
    plots_against_x = False   # names every predictor itself
    slides = (("model", "Observations come in groups: pupils in schools, patients in clinics. "
                        "A mixed model gives every group its own deviation u0j from the common line."),)

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        lines = model_lines(fit, trials=lecture.trials is not None)
        colour = {"grand_mean": theme.grand_mean, "between": theme.between, "residual": theme.residual}
        title = Text("Mixed models, one idea at a time", font=FONT, font_size=TITLE_SIZE,
                     color=theme.foreground).to_edge(UP, buff=0.6)
        predictor = term_tex([(tex, colour.get(c)) for tex, c in lines.predictor], theme,
                             size=BODY_SIZE + 14)
        rows = [predictor]
        if lines.law:
            rows.insert(0, term_tex([(lines.law, None)], theme, size=BODY_SIZE + 14))
        effects = VGroup(*[term_tex([(tex, colour[c])], theme, size=BODY_SIZE + 6)
                           for tex, c in lines.effects]).arrange(RIGHT, buff=0.6)
        model = VGroup(*rows).arrange(DOWN, buff=0.3)
        block = VGroup(model, effects).arrange(DOWN, buff=0.45)
        block.scale_to_fit_width(min(block.width, SAFE_REGION.width))
        block.move_to([0, -0.1, 0])

        n_groups = fit.n_groups
        if lecture.has_truth:
            who = f"{n_groups} {s.group_label}s, {s.y_label} against {s.x_label}"
        else:   # a user's CSV: its column names, set by Pango
            legend = [f"y = {s.y_label}"] + [f"{sym} = {name}" for sym, name in lines.names.items()]
            who = ", ".join(legend + [f"j = {s.group_label} ({n_groups} groups)"])
        subtitle = Text(who, font=FONT, font_size=SMALL_SIZE + 4, color=theme.muted)
        subtitle.scale_to_fit_width(min(subtitle.width, SAFE_REGION.width))
        subtitle.next_to(block, DOWN, buff=0.55)
        self.record_number("n_groups", n_groups)
        self.play(FadeIn(title))
        self.play(*[Write(row) for row in rows], run_time=1.5)
        self.play(FadeIn(effects), FadeIn(subtitle))
        self.slide_point("model")
