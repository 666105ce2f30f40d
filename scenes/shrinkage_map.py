"""Scene 4c: the 2-D shrinkage map. Each group's own (intercept, slope) fit is an open point, the
mixed model's a filled one, joined by an arrow, beside the fixed-effect cross (γ̂₀₀, γ̂₁₀); with a
random intercept only the filled points line up on γ̂₁₀, with random slopes the panel gives τ̂₀,
τ̂₁ and ρ̂ that decide how intercept and slope move jointly. For a GLMM on the link scale, said on
the axes. Groups with no own fit (all 0, all 1) are named in the panel.

Every position and number comes from FitResult (coef_pairs, fixef, re_sd, re_corr); the row
scenes (diagram, sweep) are in scenes/shrinkage.py.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Create, FadeIn, GrowArrow, LaggedStart, VGroup

from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.shrinkage_rows import BOUNDARY_WHY, boundary_of, intercept_axis_label, scale_phrase
from scenes.theme import SMALL_SIZE, LABEL_SIZE, fmt
from scenes.vocab import (INTERCEPT_TERM, PANEL_REGION, PLOT_REGION, Readout, coef_pairs, crowd_scale,
                          filled_mark, fixed_effect_mark, hollow_mark, legend, make_axes, padded_range,
                          scene_fit, shrink_arrow, side_panel, slope_term, title_text, wrapped_text)
from scenes.vocab.glmm_b import fitting_label, link_scale, readable_labels

SIZE = 22


class ShrinkageMap(LectureScene):
    """Intercept and slope together: each group's own line vs the mixed model's, as points."""

    description = "2-D shrinkage map: (intercept, slope) pulled toward the fixed-effect point."
    reads_input = True
    slides = (
        ("own_fits", "Each {group}'s own regression is one point: its intercept across, its slope "
                     "up{scale}. The cross is the fixed effect (γ̂₀₀, γ̂₁₀) = ({gamma00}, {gamma10})."
                     "{not_estimable}"),
        ("shrunk", "The mixed model moves each point along its arrow{toward}. {how}"),
    )
    title = "Shrinkage of intercept and slope"

    def narration_values(self) -> dict:
        return getattr(self, "values", {})

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = readable_labels(lecture.scenario)
        fit = scene_fit(lecture)
        rec = self.record_number
        labels = fit.group_labels
        term = slope_term(fit)
        own = coef_pairs(fit, "separate")
        mixed = coef_pairs(fit, "partial")
        g00, g10 = fit.fixef[INTERCEPT_TERM], fit.fixef[term]
        rec("gamma00_hat", g00)
        rec("gamma10_hat", g10)
        slopes_vary = len(fit.re_terms) > 1
        missing = [label for label, (a, b) in zip(labels, own) if a is None or b is None]
        boundary = boundary_of(lecture, fit)
        why = {label: BOUNDARY_WHY.get(boundary.get(label), "its own fit cannot be estimated")
               for label in missing}
        missing_text = ("" if not missing else
                        " " + "; ".join(f"{label}: {why[label]}" for label in missing)
                        + ": no own line, so no open point; the mixed model still places it.")

        # Section: own fits as points, the fixed effect as a cross
        shown_own = [(a, b) for a, b in own if a is not None and b is not None]
        xs = [a for a, _ in shown_own + mixed] + [g00]
        ys = [b for _, b in shown_own + mixed] + [g10]
        scale = link_scale(fit)
        x_label = intercept_axis_label(s, fit)
        y_label = (f"slope, {scale} scale (per {s.x_label})" if scale
                   else f"slope ({s.y_label} per {s.x_label})")
        y_label = fitting_label(y_label, PLOT_REGION.height - 0.9)
        x_label = fitting_label(x_label, PLOT_REGION.width - 1.2)
        axes = make_axes(padded_range(xs), padded_range(ys), x_label, y_label, theme)
        title = title_text(self.title, theme)
        ink = crowd_scale(len(labels))   # 100 arrows and points thinner and lighter: a field, not a block
        hollow = VGroup(*[hollow_mark(axes.c2p(a, b), theme.no_pool, radius=0.09 * max(ink, 0.6)) for a, b in shown_own])
        filled = VGroup(*[filled_mark(axes.c2p(a, b), theme.partial, radius=0.085 * max(ink, 0.6)) for a, b in mixed])
        arrows = VGroup(*[shrink_arrow(axes.c2p(*p), axes.c2p(*q), theme.foreground, stroke_width=2.5 * ink)
                          for p, q in zip(own, mixed) if p[0] is not None and p[1] is not None])
        for arrow in arrows:     # (a near-zero pull's stub stays invisible)
            arrow.set_opacity(min(arrow.get_stroke_opacity(), 0.4 + 0.6 * ink))
        cross = fixed_effect_mark(axes.c2p(g00, g10), theme)
        key = legend([("no_pool", "own fit per group"), ("fixed", "fixed effect"),
                      ("partial", "mixed model")], theme)
        fixed_values = VGroup(
            Readout(r"\hat\gamma_{00} =", g00, theme, color=theme.grand_mean, size=SIZE),
            Readout(r"\hat\gamma_{10} =", g10, theme, color=theme.grand_mean, size=SIZE),
        ).arrange(RIGHT, buff=0.4)
        if slopes_vary:
            corr = fit.re_corr[0][1]
            tau0, tau1 = fit.re_sd[fit.re_terms[0]], fit.re_sd[fit.re_terms[1]]
            spread = VGroup(
                Readout(r"\hat\tau_0 =", tau0, theme, color=theme.between, size=SIZE,
                        key="tau0_hat", recorder=rec),
                Readout(r"\hat\tau_1 =", tau1, theme, color=theme.between, size=SIZE,
                        key="tau1_hat", recorder=rec),
                Readout(r"\hat\rho =", corr, theme, color=theme.between, size=SIZE, key="rho_hat", recorder=rec),
            ).arrange(RIGHT, buff=0.35)
            if spread.width > PANEL_REGION.width:    # one per line, not shrunk to fit the row
                spread.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
            how = (f"How intercept and slope move jointly depends on τ̂₀ = {fmt(tau0)}, "
                   f"τ̂₁ = {fmt(tau1)} and their correlation ρ̂ = {fmt(corr)}, so a point need not "
                   "head straight for the cross.")
            note = wrapped_text("Random intercept and slope: both are pulled, jointly.",
                                PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        else:
            spread = Readout(r"\hat\tau_0 =", fit.re_sd[INTERCEPT_TERM], theme, color=theme.between,
                             size=SIZE, key="tau0_hat", recorder=rec)
            how = (f"With a random intercept only, the model has no slope variance: every "
                   f"{s.group_label} gets the slope γ̂₁₀ = {fmt(g10)} and the filled points line up.")
            note = wrapped_text(f"Random intercept only: the model has no slope variance, so every "
                                f"{s.group_label} gets the slope γ̂₁₀ and the filled points line up.",
                                PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.muted)
        self.values = {"group": s.group_label, "scale": scale_phrase(fit) and f" ({scale} scale)",
                       "gamma00": fmt(g00), "gamma10": fmt(g10), "not_estimable": missing_text,
                       "how": how, "toward": "" if slopes_vary else " toward the cross"}
        items = [key, fixed_values, spread, note]
        if missing:
            items.append(wrapped_text(missing_text.strip(), PANEL_REGION.width, theme,
                                      size=LABEL_SIZE, color=theme.no_pool))
        side_panel(*items, buff=0.35)

        self.add(title)
        self.play(Create(axes), FadeIn(key[0]), FadeIn(key[1]), run_time=1.0)
        self.play(LaggedStart(*[FadeIn(m, scale=0.5) for m in hollow], lag_ratio=0.05),
                  Create(cross), FadeIn(fixed_values), *[FadeIn(m) for m in items[4:]], run_time=1.2)
        self.slide_point("own_fits")

        # Section: the pull toward the fixed effect
        moving = hollow.copy().set_fill(theme.partial, opacity=1).set_stroke(theme.partial)
        targets = [f for f, p in zip(filled, own) if p[0] is not None and p[1] is not None]
        self.add(moving)
        self.play(*[GrowArrow(a) for a in arrows], *[m.animate.move_to(f) for m, f in zip(moving, targets)],
                  FadeIn(key[2]), run_time=1.6)
        self.add(filled)
        self.remove(moving)
        self.bring_to_front(cross)   # the narration's cross stays visible over the points pulled onto it
        self.cross, self.pulled = cross, filled
        self.play(FadeIn(spread), FadeIn(note), run_time=0.6)
        self.slide_point("shrunk")
