"""Scene 1: where grouped data come from, built term by term from the simulation's truth, for
every family.

eta_ij = gamma00 + gamma10 x_ij + u0j: first the fixed line, then each group's deviation u0j
drawn from N(0, tau0^2) (a density beside the axis that the draws fall out of); then the mean
mu_ij = g^-1(eta_ij) (for a GLMM the axis changes from the link scale to the response scale and
the lines bend into curves; for the Gaussian model the link is the identity and nothing bends);
then each observation is drawn from the family's own distribution around its mean, shown at one
x as that distribution (a Poisson pmf, a Bernoulli/binomial pmf, a Gamma or normal density).
Each formula term lights up, in its object's colour, when its object appears. Every value drawn
is the simulation's (scenario parameters, true_u, true_eta), a raw observation, or the
estimator's inverse link / distribution of them (estimator.response_scale): nothing is computed here.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, Dot, FadeIn, FadeOut, GrowFromCenter, LaggedStart, Line,
                   Transform, VGroup)

from estimator.response_scale import (LINK_SCALE_NAMES, LINK_TEX, clamp_to_outcome, inverse_link,
                                      outcome_distribution, response_curves)
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import BODY_SIZE, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, Readout, data_cloud, grand_mean_line, group_lines, legend,
                          light_up, make_axes, math_tex, normal_density_curve, padded_range, pulse,
                          side_panel, term_tex, title_text, wrapped_text, x_axis_limits, count_of)
from scenes.vocab.glmm_a import curve_path, group_curves, narrate, sideways_distribution

SIZE = BODY_SIZE - 2     # readouts in the side panel
GRID = 48                # points per curve on the response scale
GUTTER = 1.5             # room right of the plot for the distribution of y at the last x

# The family's draw, as the formula's last line (TeX) and in words.
DRAW_TEX = {"gaussian": r"y_{ij} \sim N(\mu_{ij},\,\sigma^2)", "poisson": r"y_{ij} \sim \mathrm{Poisson}(\mu_{ij})",
            "binomial": r"y_{ij} \sim \mathrm{Bernoulli}(p_{ij})", "gamma": r"y_{ij} \sim \mathrm{Gamma}(\nu,\ \mu_{ij})"}
SPREAD_WORDS = {"poisson": "No σ: a Poisson spread is set by its mean (Var = μ).",
                "binomial": "No σ: a 0/1 outcome's spread is set by p (Var = p(1 − p)).",
                "gamma": "Spread grows with the mean: SD = μ/√ν.",
                # a share of n trials (Binomial(n, p) / n), not a 0/1 outcome
                "binomial_trials": "No σ: a share of {trials} trials has its spread set by p "
                                   "(Var = p(1−p)/{trials})."}

NARRATION = {
    "fixed": {"gaussian": "Start with one line for everybody: the fixed effects. γ₀₀ = {gamma00} is the "
                          "height at x = 0, γ₁₀ = {gamma10} the slope. They are the same for every group.",
              "default": "Start with one line for everybody, on the {scale} scale: the linear predictor "
                         "η. γ₀₀ = {gamma00} is its height at x = 0, γ₁₀ = {gamma10} its slope, the same "
                         "for every group."},
    "deviations": {"default": "Each group gets its own deviation u₀ⱼ, a random draw from a normal "
                              "distribution with mean 0 and standard deviation τ₀ = {tau0}. Every group's "
                              "line is the fixed line shifted by its draw."},
    "mean": {"gaussian": "For a Gaussian model the link is the identity: each group's mean μᵢⱼ is its line "
                         "itself, so nothing bends.",
             "poisson": "The inverse link turns each line into a mean: μᵢⱼ = exp(ηᵢⱼ). On the count "
                        "scale the straight lines become curves that never go below 0.",
             "binomial": "The inverse logit turns each line into a probability: pᵢⱼ = 1 / (1 + e^(−ηᵢⱼ)). "
                         "The straight lines become S-curves between 0 and 1.",
             "gamma": "The inverse link turns each line into a mean: μᵢⱼ = exp(ηᵢⱼ). On the response "
                      "scale the lines become curves that stay above 0."},
    "noise": {"gaussian": "Observations scatter around their own group's line: each adds noise ε from a "
                          "normal distribution with standard deviation σ = {sigma}, drawn here at one x.",
              "poisson": "Each observation is a count drawn from a Poisson distribution with its own "
                         "mean; at this x the mean is {mu}, and the bars are the chance of each count.",
              "binomial": "Each observation is a coin flip: 1 with probability p, 0 otherwise. At this x "
                          "p = {mu}: the two bars are the chances of 0 and of 1.",
              "binomial_trials": "Each observation counts successes in {trials} trials, each with "
                                 "probability p; at this x p = {mu}, and the bars are the chances of each "
                                 "share of successes.",
              "gamma": "Each observation is drawn from a Gamma distribution with its own mean and shape "
                       "ν = {shape}: at this x the mean is {mu}; the density is skewed to the right."},
    "observed": {"default": "This is all we ever see: {n_obs} points in {n_groups} groups. The mixed "
                            "model has to recover the fixed line, τ₀ and {spread} from them.",
                 "poisson": "This is all we ever see: {n_obs} counts in {n_groups} groups. The mixed "
                            "model has to recover the fixed line and τ₀ from them.",
                 "binomial": "This is all we ever see: {n_obs} outcomes in {n_groups} groups. The mixed "
                             "model has to recover the fixed line and τ₀ from them."},
}


def clear_spot(shape, height: float, top: float, bottom: float) -> tuple[float, float]:
    """(centre y, left x) for a label `height` tall beside a sideways distribution `shape` that
    leaves no room above or below it: in the longest stretch of heights where the shape bulges
    least (the pmf's empty outcomes, a density's thin tail), just right of that bulge; so the
    label crosses neither the bars nor the curve."""
    points = shape.get_all_points()
    base = shape.get_left()[0]
    centres = np.arange(bottom + height / 2 + 0.05, top - height / 2 + 1e-9, 0.05)
    if not len(centres):
        return (top + bottom) / 2, base + 0.1

    def bulge(y: float) -> float:
        near = points[np.abs(points[:, 1] - y) <= height / 2 + 0.03, 0]
        return float(near.max()) if near.size else base

    widths = np.array([bulge(y) for y in centres])
    good = widths <= widths.min() + 0.02
    runs, start = [], None
    for k, ok in enumerate([*good, False]):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            runs.append((k - start, start, k - 1))
            start = None
    _, first, last = max(runs)
    k = (first + last) // 2
    return float(centres[k]), float(widths[first:last + 1].max()) + 0.1


def bernoulli_rug(y) -> np.ndarray:
    """0/1 outcomes drawn as two rugs: each point moved inward by up to 0.035 (a fixed
    low-discrepancy pattern, the same every render), so points at one x stay apart."""
    y = np.asarray(y, float)
    spread = 0.035 * ((np.arange(len(y)) * 0.618034) % 1.0)
    return np.where(y >= 1, y - spread, y + spread)


class DataGeneration(LectureScene):
    """The data-generating model, one term at a time, for every family."""

    description = "How grouped data arise: fixed line, group deviations u₀ⱼ ~ N(0, τ₀²), the mean, the family's draw."
    reads_input = True
    needs_truth = True
    slides = (
        ("fixed", "Start with one line for everybody: the fixed effects. γ₀₀ is the height at x = 0, "
                  "γ₁₀ the slope. They are the same for every group."),
        ("deviations", "Each group gets its own deviation u₀ⱼ, a random draw from a normal distribution "
                       "with mean 0 and standard deviation τ₀. Every group's line is the fixed line "
                       "shifted by its draw."),
        ("mean", "The inverse link turns each line into the group's mean on the outcome's scale; for a "
                 "Gaussian model the link is the identity and nothing bends."),
        ("noise", "Each observation is drawn around its mean from the family's own distribution: "
                  "normal noise, Poisson counts, coin flips or a skewed Gamma."),
        ("observed", "This is all we ever see: the points and their groups. The mixed model has to "
                     "recover the fixed line and the variances from them."),
    )
    title = "How grouped data arise"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        if lecture.data is None:
            raise ValueError("DataGeneration needs simulated data (needs_truth): use a scenario, not a CSV")
        s, data = lecture.scenario, lecture.data
        family = s.family
        glmm = family != "gaussian"
        x, y, g, labels = lecture.arrays()
        truth_index = [list(data.group_labels).index(label) for label in labels]
        intercepts = np.asarray(data.truth["intercepts"], float)[truth_index]
        slopes = np.asarray(data.truth["slopes"], float)[truth_index]
        eta = np.asarray(data.true_eta, float)
        mu = inverse_link(family, eta)
        n_groups, n_obs = len(labels), len(y)
        fields = dict(gamma00=s.gamma00, gamma10=s.gamma10, tau0=s.tau0, sigma=s.sigma, shape=s.gamma_shape,
                      trials=s.trials, n_obs=n_obs, n_groups=n_groups, scale=LINK_SCALE_NAMES[family],
                      spread="σ" if family == "gaussian" else "the shape ν")

        # Section: axes on the link scale (the response scale for the Gaussian model), formula dim
        x_lim = x_axis_limits(x, s)
        xs = np.linspace(*x_lim, GRID)
        line_ends = [a + b * xx for a, b in zip(intercepts, slopes) for xx in x_lim]
        density_span = [s.gamma00 + s.gamma10 * x_lim[0] + k * s.tau0 for k in (-2.5, 2.5)]
        fixed_ends = [s.gamma00 + s.gamma10 * v for v in x_lim]
        if glmm:
            eta_lim = padded_range(line_ends + density_span + fixed_ends)
            eta_label = f"η ({LINK_SCALE_NAMES[family]})"
        else:
            eta_lim = padded_range(np.concatenate([y, eta]), include=line_ends + density_span + fixed_ends)
            eta_label = s.y_label
        axes = make_axes(x_lim, eta_lim, s.x_label, eta_label, theme, right_gutter=GUTTER)
        curves_mu = response_curves(family, list(zip(intercepts, slopes)), xs)
        fixed_mu = response_curves(family, [(s.gamma00, s.gamma10)], xs)[0]
        y_axes = axes
        if glmm:
            lo, hi = padded_range(np.concatenate([y, mu]), include=[float(np.nanmax(curves_mu))])
            y_axes = make_axes(x_lim, clamp_to_outcome(family, lo, hi), s.x_label, s.y_label, theme,
                               right_gutter=GUTTER)
            rec("y_axis_min", y_axes.y_lim[0])
            rec("y_axis_max", y_axes.y_lim[1])
        title = title_text(self.title, theme)

        slopes_vary = s.random_slopes
        lhs = r"\eta_{ij}" if glmm else r"y_{ij}"
        parts = [(lhs, None), (r"=", None), (r"\gamma_{00}", theme.grand_mean), (r"+", None),
                 (r"\gamma_{10}\,x_{ij}", theme.grand_mean), (r"+", None), (r"u_{0j}", theme.between)]
        if slopes_vary:
            parts += [(r"+", None), (r"u_{1j}\,x_{ij}", theme.between)]
        if not glmm:
            parts += [(r"+", None), (r"\varepsilon_{ij}", theme.residual)]
        formula = term_tex(parts, theme, size=BODY_SIZE + 8, dim=True,
                           break_at=5 if slopes_vary and not glmm else None)
        term = {tex: formula[k] for k, (tex, _) in enumerate(parts)}
        fixed_terms = VGroup(term[r"\gamma_{00}"], term[r"\gamma_{10}\,x_{ij}"])
        u_terms = VGroup(term[r"u_{0j}"], *([term[r"u_{1j}\,x_{ij}"]] if slopes_vary else []))
        formula.scale_to_fit_width(min(formula.width, PANEL_REGION.width))
        link_tex = LINK_TEX[family]
        draw_tex = DRAW_TEX[family]
        if family == "binomial" and s.trials > 1:
            draw_tex = rf"y_{{ij}} \sim \mathrm{{Binomial}}({s.trials},\ p_{{ij}}) / {s.trials}"
        link_line = math_tex(link_tex, theme, size=SIZE + 6, color=theme.foreground)
        draw_line = math_tex(draw_tex, theme, size=SIZE + 6, color=theme.residual)
        eps_term = term[r"\varepsilon_{ij}"] if not glmm else draw_line

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
        if family == "gaussian":
            eps_law = math_tex(r"\varepsilon_{ij} \sim N(0,\,\sigma^2)", theme, size=SIZE + 6, color=theme.residual)
            noise_row = VGroup(eps_law, Readout(r"\sigma =", s.sigma, theme, color=theme.residual, size=SIZE,
                                                key="sigma", recorder=rec)).arrange(RIGHT, buff=0.4)
        elif family == "gamma":
            noise_row = VGroup(draw_line, Readout(r"\nu =", s.gamma_shape, theme, color=theme.residual, size=SIZE,
                                                  key="shape", recorder=rec)).arrange(RIGHT, buff=0.4)
        else:
            noise_row = VGroup(draw_line)
        noise_row.scale_to_fit_width(min(noise_row.width, PANEL_REGION.width))
        spread_key = "binomial_trials" if family == "binomial" and s.trials > 1 else family
        spread_note = wrapped_text(SPREAD_WORDS.get(spread_key, " ").format(trials=s.trials), PANEL_REGION.width,
                                   theme, size=SMALL_SIZE,
                                   color=theme.muted)
        key = legend([("grand_mean", "fixed line"),
                      ("line", f"true {'curve' if glmm else 'line'} per {s.group_label}", theme.muted),
                      ("residual", "the family's draw"), ("points", "observations")], theme)
        rec("n_obs", n_obs)
        rec("n_groups", n_groups)
        hidden = "the lines, τ₀ and σ" if family == "gaussian" else (
            "the curves, τ₀ and ν" if family == "gamma" else "the curves and τ₀")
        seen = wrapped_text(f"We see {n_obs} points in {count_of(n_groups, s.group_label)}; {hidden} are hidden.",
                            PANEL_REGION.width, theme, size=SMALL_SIZE)
        header = wrapped_text("Simulation settings (truth)", PANEL_REGION.width, theme,
                              size=LABEL_SIZE, color=theme.muted)
        rows = [formula, header, fixed_values, tau_row] + ([link_line] if glmm else []) + [noise_row]
        rows += [spread_note] if glmm else []
        side_panel(*rows, key, buff=0.18 if glmm or slopes_vary else 0.3)
        seen.next_to(key[0], DOWN, buff=0.6).align_to(key, LEFT)

        self.add(title)
        self.play(Create(axes), FadeIn(formula), run_time=1.0)

        # Section: the fixed line gamma00 + gamma10 x
        fixed = grand_mean_line(axes, s.gamma00, s.gamma10, theme)
        self.play(Create(fixed), light_up(fixed_terms, theme.grand_mean), run_time=1.2)
        self.play(FadeIn(header), FadeIn(fixed_values), FadeIn(key[0]), run_time=0.6)
        self.slide_point("fixed", narration=narrate(NARRATION["fixed"], family, **fields))

        # Section: group deviations u0j fall out of N(0, tau0^2)
        x0 = axes.x_lim[0]
        centre = s.gamma00 + s.gamma10 * x0
        density = normal_density_curve(axes, centre, s.tau0, x0, 0.9, theme.between)
        starts = [a + b * x0 for a, b in zip(intercepts, slopes)]
        dots = VGroup()
        for j, start in enumerate(starts):
            z = (start - centre) / s.tau0 if s.tau0 > 0 else 0.0
            bulge = 0.9 * float(np.exp(-0.5 * z ** 2))
            dot = Dot(axes.c2p(x0, float(np.clip(start, *axes.y_lim))), radius=0.07, color=theme.group_color(j))
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
        self.play(*[Transform(src, line) for line, src in zip(lines, sources)], run_time=1.5)
        self.play(FadeIn(key[1]), run_time=0.4)
        self.slide_point("deviations", narration=narrate(NARRATION["deviations"], family, **fields))

        # Section: the mean through the inverse link (GLMM: the axis changes scale, lines bend)
        if glmm:
            curves = group_curves(y_axes, xs, curves_mu, theme, stroke_width=2.5)
            fixed_curve = curve_path(y_axes, xs, fixed_mu, theme.grand_mean, stroke_width=4, dashed=True)
            self.play(FadeOut(density), FadeOut(dots), run_time=0.5)
            self.play(Transform(axes, y_axes), *[Transform(src, c) for src, c in zip(sources, curves)],
                      FadeOut(fixed), FadeIn(fixed_curve), FadeIn(link_line), run_time=1.8)
            self.play(pulse(link_line), run_time=0.6)
            fixed = fixed_curve
        else:
            note = math_tex(link_tex, theme, size=SIZE + 6, color=theme.foreground)
            note.next_to(noise_row, UP, buff=0.15).align_to(noise_row, LEFT)
            self.play(FadeOut(density), FadeOut(dots), FadeIn(note), run_time=0.8)
            self.play(FadeOut(note), run_time=0.3)
        self.slide_point("mean", narration=narrate(NARRATION["mean"], family, **fields))

        # Section: each observation drawn from the family around its mean; the distribution at one x
        at_x = y_axes.x_lim[1]      # drawn in the gutter right of the plot, clear of the points
        at_mu = float(inverse_link(family, s.gamma00 + s.gamma10 * at_x))
        law = outcome_distribution(family, at_mu, sigma=s.sigma, shape=s.gamma_shape, trials=s.trials)
        shown = sideways_distribution(y_axes, at_x, law, GUTTER - 0.35, theme.residual)
        shown.shift(RIGHT * 0.12)
        anchor = Dot(y_axes.c2p(at_x, float(np.clip(at_mu, *y_axes.y_lim))), radius=0.07, color=theme.grand_mean)
        mean_name = "p" if family == "binomial" else "μ"
        law_label = VGroup(*[wrapped_text(line, GUTTER, theme, size=LABEL_SIZE, color=theme.residual)
                             for line in (f"at x = {fmt(at_x)}", f"{mean_name} = {fmt(at_mu)}")]
                           ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        top, bottom = y_axes.y_to_scene(y_axes.y_lim[1]), y_axes.y_to_scene(y_axes.y_lim[0])
        if top - shown.get_top()[1] >= law_label.height + 0.15:
            law_label.next_to(shown, UP, buff=0.12).align_to(shown, LEFT)
        elif shown.get_bottom()[1] - bottom >= law_label.height + 0.15:
            law_label.next_to(shown, DOWN, buff=0.12).align_to(shown, LEFT)
        else:       # the shape spans the axis: beside it where it bulges least
            y_mid, left = clear_spot(shown, law_label.height, top, bottom)
            law_label.move_to([left + law_label.width / 2, y_mid, 0])
        rec("draw_mean", at_mu)
        rec("draw_mass", float(np.sum(law.weights)) if law.kind == "pmf" else float("nan"))
        on_line = data_cloud(y_axes, x, mu, g, theme)
        observed = data_cloud(y_axes, x, bernoulli_rug(y) if family == "binomial" and s.trials == 1 else y,
                              g, theme)
        # the way each point left its mean; for 0/1 outcomes every point jumps to 0 or 1, and the
        # lines would hide the curves, so the two bars carry it alone
        ticks = VGroup(*[Line(y_axes.c2p(xi, float(np.clip(mi, *y_axes.y_lim))), y_axes.c2p(xi, yi),
                              color=theme.residual, stroke_width=1.2, stroke_opacity=0.6)
                         for xi, mi, yi in zip(x, mu, y)] if family != "binomial" else [])
        self.play(light_up(eps_term, theme.residual), FadeIn(noise_row), FadeIn(spread_note),
                  LaggedStart(*[FadeIn(grp) for grp in on_line.groups], lag_ratio=0.1), run_time=1.2)
        self.play(FadeIn(anchor), FadeIn(shown), FadeIn(law_label), run_time=0.8)
        self.play(Transform(on_line, observed), Create(ticks), run_time=1.5)
        self.play(FadeIn(key[2:]), pulse(eps_term), run_time=0.6)
        noise_fields = dict(fields, mu=at_mu)
        noise_key = "binomial_trials" if family == "binomial" and s.trials > 1 else family
        self.slide_point("noise", narration=narrate(NARRATION["noise"], noise_key, **noise_fields))

        # Section: what the data analyst actually sees
        self.play(FadeOut(ticks), FadeOut(sources), FadeOut(fixed), FadeOut(shown), FadeOut(anchor),
                  FadeOut(law_label), FadeOut(key[:3]), key[3].animate.align_to(key[0], UP), FadeIn(seen),
                  run_time=1.2)
        self.slide_point("observed", narration=narrate(NARRATION["observed"], family, **fields))
