"""Scene 4: shrinkage, for every family. One row per group, sorted by its no-pooling intercept
(top = largest): the open circle is the group's own estimate, the filled one the mixed model's,
pulled along an arrow toward the dashed grand mean γ̂₀₀; n_j beside each row. The weight λⱼ with
one group's numbers substituted; a sweep of τ₀ (re-simulated and re-fitted per step) makes the
arrows grow and shrink (the 2-D map of intercept and slope: scenes/shrinkage_map.py).

For a GLMM everything is on the link scale (log-odds, log-rate, log-mean), said on the axis, and
λⱼ is the reliability FitResult reports, 1 − Var(u₀ⱼ | y) / τ̂₀², with that definition on screen.
A group whose own estimate is infinite (every outcome 0 or 1: the estimator reports null) sits
at the plot's edge as an arrowhead labelled −∞ / +∞, and the panel says why.

Every position and number comes from FitResult: no_pooling / group_coefficients (via coef_pairs),
fixef, re_cov, re_sd, sigma, group_sizes, shrinkage (λⱼ), shrinkage_ratio, ranef_condvar.
"""
from __future__ import annotations

from manim import DOWN, LEFT, Create, FadeIn, FadeOut, GrowArrow, Indicate, LaggedStart, Text, Transform, VGroup

from scenes.base import LectureScene
from scenes.context import input_from_scenario, lecture_input
from scenes.shrinkage_rows import (BOUNDARY_WHY, EDGE_NOTE, JOINT_NOTE, LAMBDA_OF_LABEL, RELIABILITY, boundary_of,
                                   boundary_sides, build_rows, classic_lambda, finite, intercept_axis_label,
                                   intercepts, lambda_formula, narrated_group, percent, moved_most_answer,
                                   panel_with_room, row_highlight, row_marks, scale_phrase)
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (INTERCEPT_TERM, PANEL_REGION, Readout, filled_mark, legend, math_tex, math_with_label,
                          padded_range, scene_fit, side_panel, title_text, wrapped_text)
from scenes.vocab.glmm_b import link_scale, readable_labels

SIZE = 22
READ_ME = ("Each row is one group, sorted by its own (no-pooling) intercept, largest on top. "
           "The arrow shows the pull toward the grand mean.")


def boundary_sentence(fit, boundary: dict, what: str = "its own intercept") -> str:
    """' G03: every outcome is 0, so its own intercept is −∞ ...' (or '' when there is none)."""
    if not boundary:
        return ""
    parts = [f"{label}: {BOUNDARY_WHY[kind]}, so {what} is {'−∞' if kind == 'all_zero' else '+∞'}"
             for label, kind in boundary.items()]
    return (" " + "; ".join(parts) + ". No pooling cannot place it (the arrowhead at the edge); "
            "the mixed model still can.")


def pull_sentence(fit, focus: str, kept, nopool, partial) -> str:
    """How far the narrated group moved, in the fit's numbers. For a Gaussian random intercept
    the realised share of its deviation it keeps is lambda; otherwise (a GLMM on the link scale,
    random slopes) it is not, so the narration gives the two estimates instead."""
    j = fit.group_labels.index(focus)
    if classic_lambda(fit) and kept is not None:
        return f"its estimate keeps {percent(kept)} % of its own deviation from the grand mean."
    if nopool[j] is None:
        return f"its own estimate is infinite; the mixed model puts it at {fmt(partial[j])}."
    return (f"its estimate moves from {fmt(nopool[j])} on its own to {fmt(partial[j])} in the "
            "mixed model (outside a Gaussian random-intercept model the pull is not exactly λ).")


class ShrinkageDiagram(LectureScene):
    """No pooling -> partial pooling, one row per group, and the weight lambda_j."""

    description = "Shrinkage diagram: each group's estimate pulled toward the grand mean, and λⱼ."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    slides = (
        ("no_pooling", "One row per {group}, sorted by its own intercept{scale}, largest on top. "
                       "The open circles are the no-pooling estimates; the dashed line is the "
                       "grand mean γ̂₀₀ = {gamma00}. nⱼ is on the right.{not_estimable}"),
        ("shrinkage", "The mixed model pulls every estimate toward the grand mean: the filled "
                      "circles. The less a {group}'s own data say (few observations, much noise), "
                      "the harder the pull."),
        ("lambda", "How far is set by λⱼ, the reliability of a {group}'s own estimate: "
                   "λⱼ = 1 − Var(u₀ⱼ | y) / τ̂₀²{classic}. {focus}, with {focus_n} observations, "
                   "has λ = {focus_lambda}: {focus_pull}"),
    )
    title = "Shrinkage toward the grand mean"

    def narration_values(self) -> dict:
        return getattr(self, "values", {})

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = readable_labels(lecture.scenario)
        fit = scene_fit(lecture)
        labels = fit.group_labels
        rec = self.record_number
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)
        nopool, partial = intercepts(fit, "no_pool"), intercepts(fit, "partial")
        gamma00 = rec("gamma00_hat", fit.fixef[INTERCEPT_TERM])
        boundary = boundary_of(lecture, fit)
        sides = boundary_sides(fit, boundary)
        focus = narrated_group(fit, boundary)
        kept = (fit.shrinkage_ratio.get(focus) or {}).get(INTERCEPT_TERM)
        self.values = {"group": s.group_label, "scale": scale_phrase(fit), "gamma00": fmt(gamma00),
                       "not_estimable": boundary_sentence(fit, boundary),
                       "classic": ", here τ̂₀² / (τ̂₀² + σ̂² / nⱼ)" if classic_lambda(fit) else "",
                       "focus": focus, "focus_n": fit.group_sizes[focus],
                       "focus_lambda": fmt(fit.shrinkage[focus]),
                       "focus_pull": pull_sentence(fit, focus, kept, nopool, partial)}
        if kept is not None:
            rec(f"kept[{focus}]", kept)
        rec("edge_marks", sum(v is None for v in nopool))

        # Section: rows with the no-pooling estimates and the grand mean
        x_lim = padded_range(finite(nopool + partial) + [gamma00], 0.05)
        rows = build_rows(theme, labels, sizes, nopool, x_lim, intercept_axis_label(s, fit),
                          s.group_label, sides, focus=labels.index(focus) if focus in labels else None)
        hollow, filled, arrows, gm, edges = row_marks(theme, rows, nopool, partial, gamma00, sides)
        title = title_text(self.title, theme)
        read_me = wrapped_text(READ_ME + (JOINT_NOTE if len(fit.re_terms) > 1 else ""), PANEL_REGION.width,
                               theme, size=SMALL_SIZE, color=theme.muted)
        key = legend([("no_pool", "no pooling (own data)"), ("grand_mean", "grand mean"),
                      ("partial", "partial pooling (mixed)")], theme)
        gm_value = Readout(r"\hat\gamma_{00} =", gamma00, theme, color=theme.grand_mean, size=SIZE)
        general, substituted, numbers = lambda_formula(fit, focus, theme)
        for key_name, value in numbers.items():
            rec(key_name, value)
        substituted.scale_to_fit_width(min(substituted.width, PANEL_REGION.width))
        general.scale_to_fit_width(min(general.width, PANEL_REGION.width))
        intro, definition = [read_me], []
        if boundary:
            intro.append(wrapped_text(boundary_sentence(fit, boundary).strip(), PANEL_REGION.width,
                                      theme, size=LABEL_SIZE, color=theme.no_pool))
        if not classic_lambda(fit):
            definition.append(wrapped_text(RELIABILITY, PANEL_REGION.width, theme, size=LABEL_SIZE,
                                           color=theme.muted))
        reflow = panel_with_room(intro, [key, gm_value], [*definition, general, substituted])

        self.add(title)
        self.play(Create(rows.axes), FadeIn(rows.n_labels), *[FadeIn(m) for m in intro], run_time=1.0)
        self.play(Create(gm), FadeIn(gm_value), FadeIn(key[1]), run_time=0.8)
        self.play(LaggedStart(*[FadeIn(m, scale=0.5) for m in hollow], lag_ratio=0.06), FadeIn(edges),
                  FadeIn(key[0]), run_time=1.0)
        self.slide_point("no_pooling", question=f"When the model pools, which {s.group_label}'s estimate "
                                                 "will move most toward the grand mean, and why?")

        # Section: every estimate slides along its arrow
        moving = VGroup(*[filled_mark(h.get_center(), theme.partial, radius=0.085) for h in hollow])
        self.add(moving)
        self.play(*[GrowArrow(a) for a in arrows],
                  *[m.animate.move_to(f) for m, f in zip(moving, filled)], FadeIn(key[2]), run_time=1.6)
        self.add(filled)
        self.remove(moving)
        self.slide_point("shrinkage", answer=moved_most_answer(fit, s.group_label))

        # Section: lambda_j for the narrated group, numbers substituted
        j = labels.index(focus)
        box = row_highlight(rows, j, theme.group_color(j))
        if reflow:      # no room for all at a readable size: the reading guide makes way
            self.play(*[FadeOut(m) for m in intro], *[Transform(m, t) for m, t in zip([key, gm_value], reflow)])
        self.play(FadeIn(general), *[FadeIn(m) for m in definition], Create(box), run_time=0.8)
        self.play(FadeIn(substituted, shift=DOWN * 0.1), Indicate(arrows[j], color=theme.group_color(j)),
                  run_time=1.0)
        self.slide_point("lambda")


def sweep_inputs(scenario, factors) -> dict:
    """{factor: (true tau0, LectureInput)} for the scenario re-simulated with tau0 = base * factor
    (same seed, so the same groups and noise)."""
    base = scenario.tau0 if scenario.tau0 > 0 else (scenario.sigma / 2 if scenario.family == "gaussian" else 0.5)
    return {factor: (base * factor, input_from_scenario(scenario.replace(tau0=base * factor)))
            for factor in sorted(set(factors))}


def sweep_fits(scenario, factors) -> dict:
    """{factor: (true tau0, FitResult)}: each re-simulated data set re-fitted with the estimator."""
    return {factor: (tau, scene_fit(lecture)) for factor, (tau, lecture) in sweep_inputs(scenario, factors).items()}


class ShrinkageSweep(LectureScene):
    """The shrinkage diagram while tau0 changes: re-simulate, re-fit, redraw."""

    description = "Sweep τ₀: re-simulate and re-fit per step; arrows and λⱼ follow."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    needs_truth = True
    path = (1.0, 0.5, 0.25, 1.0, 2.0)        # tau0 factors visited, in order
    slides = (
        ("start", "The shrinkage diagram for our data{scale}. Now we change only the true spread "
                  "between groups, τ₀, simulate again with the same seed and re-fit at every step."),
        ("small_tau", "With τ₀ = {small_tau} the model can hardly tell the groups apart from noise: "
                      "λ of {focus} drops to {small_lambda} and every estimate is pulled hard to "
                      "the grand mean."),
        ("large_tau", "With τ₀ = {large_tau} the groups differ for real: λ of {focus} rises to "
                      "{large_lambda}, the arrows shrink and each group keeps most of its own "
                      "estimate."),
    )
    title = "Shrinkage as τ₀ changes"

    def narration_values(self) -> dict:
        return getattr(self, "values", {})

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = readable_labels(lecture.scenario)
        rec = self.record_number
        inputs = sweep_inputs(s, self.path)
        fits = {factor: (tau, scene_fit(lec)) for factor, (tau, lec) in inputs.items()}
        sides_of = {factor: boundary_sides(f, boundary_of(inputs[factor][1], f))
                    for factor, (_, f) in fits.items()}
        _, reference = fits[1.0]
        labels = reference.group_labels
        sizes = [reference.group_sizes[label] for label in labels]
        focus = min(labels, key=lambda label: (reference.group_sizes[label], label))
        j_focus = labels.index(focus)
        small, large = min(self.path), max(self.path)
        self.values = {"scale": f" ({link_scale(reference)} scale)" if link_scale(reference) else "",
                       "focus": focus, "small_tau": fmt(fits[small][0]), "large_tau": fmt(fits[large][0]),
                       "small_lambda": fmt(fits[small][1].shrinkage[focus]),
                       "large_lambda": fmt(fits[large][1].shrinkage[focus])}

        # Section: rows fixed by the reference fit; the axis covers every step
        every = [v for _, f in fits.values() for v in intercepts(f, "no_pool") + intercepts(f, "partial")]
        x_lim = padded_range(finite(every), 0.04)
        rows = build_rows(theme, labels, sizes, intercepts(reference, "no_pool"), x_lim,
                          intercept_axis_label(s, reference), s.group_label, sides_of[1.0], focus=j_focus)
        title = title_text(self.title, theme)

        def state(factor):
            _, f = fits[factor]
            return row_marks(theme, rows, intercepts(f, "no_pool"), intercepts(f, "partial"),
                             f.fixef[INTERCEPT_TERM], sides_of[factor])

        hollow, filled, arrows, gm, edges = state(1.0)
        true_tau, f = fits[1.0]
        tau_true = Readout(r"\tau_0 =", true_tau, theme, color=theme.between, size=SIZE + 4,
                           prefix="simulated", key="tau0", recorder=rec)
        tau_hat = Readout(r"\hat\tau_0 =", f.re_sd[INTERCEPT_TERM], theme, color=theme.between,
                          size=SIZE, prefix="estimated", key="tau0_hat", recorder=rec)
        lam_label = math_with_label(*LAMBDA_OF_LABEL, "=", label=focus, size=SIZE + 10,
                                    color=theme.partial)
        lam = Readout(lam_label, f.shrinkage[focus], theme, color=theme.partial, size=SIZE + 4,
                      key=f"lambda[{focus}]", recorder=rec)
        lam_note = Text(f"{focus}: n = {sizes[j_focus]}, the smallest {s.group_label}", font=FONT,
                        font_size=LABEL_SIZE, color=theme.group_color(j_focus))
        key = legend([("no_pool", "no pooling"), ("partial", "partial pooling"),
                      ("grand_mean", "grand mean  γ̂₀₀")], theme)
        if classic_lambda(reference):
            general = math_tex(r"\lambda_j = {\hat\tau_0^2 \over \hat\tau_0^2 + \hat\sigma^2 / n_j}", theme)
        else:
            general = math_tex(r"\lambda_j = 1 - {\mathrm{Var}(u_{0j}\mid y) \over \hat\tau_0^2}", theme)
        general.scale_to_fit_width(min(general.width, PANEL_REGION.width))
        panel = [tau_true, tau_hat, VGroup(lam, lam_note).arrange(DOWN, aligned_edge=LEFT, buff=0.12),
                 general, key]
        if any(sides_of.values()):    # some step has groups whose own estimate is infinite
            panel.append(wrapped_text(EDGE_NOTE, PANEL_REGION.width, theme, size=LABEL_SIZE,
                                      color=theme.no_pool))
        side_panel(*panel, buff=0.4 if len(panel) == 5 else 0.3)
        box = row_highlight(rows, j_focus, theme.group_color(j_focus))
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)

        self.add(title)
        self.play(Create(rows.axes), FadeIn(rows.n_labels), FadeIn(key), FadeIn(general),
                  *[FadeIn(m) for m in panel[5:]], run_time=1.0)
        self.play(Create(gm), FadeIn(hollow), FadeIn(filled), FadeIn(arrows), FadeIn(edges), Create(box),
                  FadeIn(tau_true), FadeIn(tau_hat), FadeIn(lam), FadeIn(lam_note), run_time=1.0)
        self.slide_point("start")

        # Section: sweep down, then up
        for factor in self.path[1:]:
            new_hollow, new_filled, new_arrows, new_gm, new_edges = state(factor)
            true_tau, f = fits[factor]
            self.remove(edges)
            edges = new_edges
            self.play(Transform(hollow, new_hollow), Transform(filled, new_filled),
                      Transform(arrows, new_arrows), Transform(gm, new_gm), FadeIn(edges),
                      tau_true.update_to(true_tau), tau_hat.update_to(f.re_sd[INTERCEPT_TERM]),
                      lam.update_to(f.shrinkage[focus]), run_time=1.3)
            if factor == small:
                self.slide_point("small_tau")
        self.slide_point("large_tau")
