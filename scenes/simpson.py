"""Scene 2: Simpson's reversal, for every family. One pooled line over uncoloured points points
one way; colour the groups and their own lines point the other way; a slope panel compares the
pooled slope, each group's slope and the mixed model's γ̂₁₀, with their signs.

For a GLMM the plot is on the response scale (counts from 0, probabilities 0 to 1): each line is
a straight line on the link scale pushed through the family's inverse link, which keeps the sign
of its slope, and the slope panel is on the link scale (log-rate, log-odds), both said on screen.

Every slope comes from FitResult: complete_pooling (pooled), no_pooling.separate (each group's own
fit; a group whose own fit is not estimable has no line, and the panel says so), fixef (γ̂₁₀) and
simpson.reversed (whether the signs differ). Best with the `simpson` preset; with no reversal in
the data the scene says so instead of warning.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter,
                   Indicate, LaggedStart, Text, Transform, VGroup)

from scenes.base import LectureScene
from scenes.vocab import (PANEL_REGION, Readout, Region, coef_pairs, crowd_scale, data_cloud, filled_mark,
                           group_mark, make_axes, padded_range, scene_fit, side_panel, slope_term,
                           title_text, wrapped_text, x_axis_limits)
from scenes.vocab.glmm_b import (link_scale, model_path, model_paths, outcome_limits,
                                 readable_labels, response_scale_note, thin_tick_numbers)
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

SIZE = 22          # readouts in the panel
WARNING = ("Simpson risk: the complete-pooling line shows a different direction than the "
           "within-group effects. Do not ignore the group structure!")
NO_REVERSAL = ("No reversal in these data: the pooled trend and the within-group trend point the "
               "same way. When groups sit at different x, they need not.")
NO_REVERSAL_SHORT = "No reversal in these data: the pooled and within-group slopes share their sign."
WARNING_SHORT = "⚠ Simpson risk: the pooled slope has the other sign than the within-group slopes."


def strip_offsets(points_x: list[float], min_dx: float, offsets=(0.0, 0.27, -0.27)) -> list[float]:
    """Vertical offsets for marks on one row so that neighbours closer than min_dx (scene units)
    go to different sub-rows (a small beeswarm); beyond len(offsets) sub-rows they may touch."""
    order = np.argsort(points_x, kind="stable")
    last = [-np.inf] * len(offsets)
    out = [0.0] * len(points_x)
    for i in order:
        k = next((k for k, x in enumerate(last) if points_x[i] - x >= min_dx),
                 int(np.argmin(last)))
        last[k] = points_x[i]
        out[i] = offsets[k]
    return out


def strip_style(n_groups: int, row_gap: float) -> tuple[float, tuple[float, ...]]:
    """Mark radius (scene units) and sub-row offsets (in rows; `row_gap` scene units per row) for
    the slope panel's row of group slopes. Past a dozen groups the marks shrink (crowd_scale) and
    spread over as many sub-rows as fit inside their row (up to seven), so 30 or 100 slopes read as a beeswarm instead of
    one solid blob."""
    crowd = crowd_scale(n_groups)
    if crowd == 1.0:
        return 0.075, (0.0, 0.27, -0.27)
    radius = 0.075 * max(crowd, 0.45)
    step = 2.1 * radius / row_gap                   # one mark's height, plus a little, in rows
    levels = int(np.clip(0.36 // step, 1, 3))       # sub-rows each side that stay inside the row
    rows = [0.0]
    for k in range(1, levels + 1):
        rows += [k * step, -k * step]
    return radius, tuple(rows)


def sign_word(value: float) -> str:
    return "positive" if value > 0 else "negative" if value < 0 else "zero"


# the built-in data that show the reversal, per family (estimator/presets/*-simpson.toml)
SIMPSON_PRESETS = {"gaussian": "simpson", "poisson": "poisson-simpson", "binomial": "logistic-simpson",
                   "gamma": "gamma-simpson"}


def verdict(reversed_: bool, pooled: float, own: list[float], group: str, family: str = "gaussian") -> str:
    """The slope slide's last sentence, true of the data drawn: how many groups' own slopes
    have the other sign than the pooled one (a count of what is on screen); without a reversal,
    which preset of the family shows one."""
    if not own:
        return f"No {group} has a slope of its own to compare."
    opposite = [v for v in own if (v > 0) != (pooled > 0)]
    if reversed_:
        share = "every" if len(opposite) == len(own) else f"{len(opposite)} of {len(own)}"
        return (f"The pooled slope is {fmt(pooled)}, yet {share} {group}'s own slope is "
                f"{sign_word(-pooled) if pooled else 'not zero'}: that is Simpson's paradox.")
    return (f"Here the signs agree ({len(own) - len(opposite)} of {len(own)} own slopes share the "
            f"pooled sign): these data show no reversal (the {SIMPSON_PRESETS[family]} preset shows one).")


class SimpsonReversal(LectureScene):
    """Pooled slope vs within-group slopes vs the mixed model's gamma10."""

    description = "Simpson's reversal: the pooled trend against the within-group trends and γ̂₁₀."
    reads_input = True
    lecture_preset = "simpson"   # the default lecture shows this preset (scenes/context.py)
    slides = (
        ("pooled", "Ignore the groups and fit one line through all the points: complete pooling"
                   "{curve}. Its slope is {pooled_slope}{scale}."),
        ("groups", "Now colour the points by {group} and fit a line within each {group}: their own "
                   "slopes run from {group_min} to {group_max}. Compare their direction with the "
                   "pooled one.{missing}"),
        ("slopes", "The slope panel puts the numbers side by side: the pooled slope, each "
                   "{group}'s own slope, and their signs. {verdict}"),
        ("mixed", "The mixed model gives each {group} its own intercept, so the differences "
                  "between {group}s no longer masquerade as a slope: γ̂₁₀ = {gamma10} is the "
                  "within-{group} effect."),
    )

    def narration_values(self) -> dict:
        return getattr(self, "values", {})
    title = "Pooled trend vs within groups"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        s = readable_labels(lecture.scenario)
        fit = scene_fit(lecture)
        family = fit.family
        x, y, g, labels = lecture.arrays()
        term = slope_term(fit)
        rec = self.record_number
        pooled_a, pooled_b = coef_pairs(fit, "complete")[0]
        gamma10 = fit.fixef[term]
        separate = fit.no_pooling.get("separate", {})
        own = [separate.get(label) for label in labels]
        own_slopes = [o[term] if o else None for o in own]
        reversed_ = bool(fit.simpson.get("reversed", False))
        scale = link_scale(fit)
        slope_unit = f" ({scale} per {s.x_label})" if scale else ""
        shown = [v for v in own_slopes if v is not None]
        lo, hi = (min(shown), max(shown)) if shown else (None, None)
        missing = [label for label, o in zip(labels, own) if not o]
        self.values = {
            "group": s.group_label, "pooled_slope": fmt(pooled_b), "scale": slope_unit,
            "curve": (f", drawn as a curve on the response scale (a straight line on the {scale} "
                      "scale)") if scale else "",
            "group_min": fmt(lo), "group_max": fmt(hi), "gamma10": fmt(gamma10),
            "verdict": verdict(reversed_, pooled_b, shown, s.group_label, family),
            "missing": (f" {', '.join(missing)} cannot be fitted on its own (too few rows, or every "
                        "outcome the same), so it has no line.") if missing else ""}

        # Section: plot and the pooled line over uncoloured points
        axes = make_axes(x_axis_limits(x, s if lecture.has_truth else None), outcome_limits(y, family),
                         s.x_label, s.y_label, theme)
        title = title_text(self.title, theme)
        cloud = data_cloud(axes, x, y, g, theme, uncoloured=True)
        pooled_line = model_path(axes, family, pooled_a, pooled_b, theme.complete, stroke_width=5)

        prefix = "pooled" if not scale else f"pooled, {scale}"
        pooled_row = Readout(r"\hat\beta_1 =", pooled_b, theme, prefix=prefix, color=theme.complete,
                             size=SIZE, key="pooled_slope", recorder=rec)
        if shown:
            rec("group_slope_min", lo)
            rec("group_slope_max", hi)
        group_row = VGroup(
            Readout(r"\hat\beta_{1j}:", lo, theme, size=SIZE, prefix="groups"),
            Text(f"to {fmt(hi)}", font=FONT, font_size=SIZE, color=theme.foreground))
        group_row[1].next_to(group_row[0], RIGHT, buff=0.15).align_to(group_row[0].number, DOWN)
        mixed_row = Readout(r"\hat\gamma_{10} =", gamma10, theme, prefix="mixed", color=theme.grand_mean,
                            size=SIZE, key="gamma10_hat", recorder=rec)
        if scale:    # the panel also names the scale: shorter notes leave the slope chart its room
            text = WARNING_SHORT if reversed_ else NO_REVERSAL_SHORT
        else:
            text = ("⚠ " + WARNING) if reversed_ else NO_REVERSAL
        note = wrapped_text(text, PANEL_REGION.width, theme,
                            size=LABEL_SIZE if scale else SMALL_SIZE,
                            color=theme.warning if reversed_ else theme.foreground)
        scale_note = response_scale_note(fit, s.y_label)
        readouts = side_panel(pooled_row, group_row, mixed_row, buff=0.15 if scale else 0.25)
        extras = []
        if scale_note:
            extras.append(wrapped_text(scale_note, PANEL_REGION.width, theme, size=LABEL_SIZE,
                                       color=theme.muted))
        bottom = VGroup(*extras, note).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        bottom.move_to([PANEL_REGION.left + bottom.width / 2, PANEL_REGION.bottom + bottom.height / 2, 0])

        self.add(title)
        self.play(Create(axes), FadeIn(cloud), run_time=1.2)
        self.play(Create(pooled_line), FadeIn(pooled_row), *[FadeIn(m) for m in extras], run_time=1.2)
        self.slide_point("pooled", question=f"When each {s.group_label} gets its own line, will its slope "
                                            "point the same way as this pooled line?")

        # Section: colour the groups; their own lines appear
        spans = [(float(x[g == j].min()), float(x[g == j].max())) for j in range(len(labels))]
        own_coefs = [(o["(Intercept)"], o[term]) if o else (pooled_a, pooled_b) for o in own]
        lines = model_paths(axes, family, own_coefs, theme, x_spans=spans, stroke_width=3.5)
        for line, o in zip(lines, own):
            if o is None:
                line.set_stroke(opacity=0)
        self.play(Transform(cloud, cloud.coloured()), pooled_line.animate.set_stroke(opacity=0.45),
                  run_time=1.0)
        self.play(LaggedStart(*[Create(line) for line in lines], lag_ratio=0.1), FadeIn(group_row),
                  run_time=1.5)
        self.slide_point("groups")

        # Section: the slope panel (pooled, each group, mixed) with signs
        # the last tick number is centred on the axis end: room for its half (0.3 poked into the margin)
        chart_region = Region(PANEL_REGION.left, PANEL_REGION.right - 0.25, bottom.get_top()[1] + 0.35,
                              readouts.get_bottom()[1] - 0.35)
        values = [pooled_b, gamma10] + shown
        rows = {2.0: "pooled", 1.0: "groups", 0.0: "mixed"}
        colors = {2.0: theme.complete, 1.0: theme.foreground, 0.0: theme.grand_mean}
        chart = make_axes(padded_range(values, 0.1, include=(0.0,)), (-0.6, 2.6),
                          f"slope, {scale} scale" if scale else "slope", "",
                          theme, region=chart_region, n_x=4, y_tick_labels=rows, y_tick_colors=colors)
        thin_tick_numbers(chart)
        zero = DashedLine(chart.c2p(0, -0.6), chart.c2p(0, 2.6), color=theme.muted, stroke_width=2,
                          dash_length=0.06)
        signs = VGroup(Text("< 0", font=FONT, font_size=LABEL_SIZE, color=theme.muted),
                       Text("> 0", font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        signs[0].next_to(chart.c2p(0, 2.6), LEFT, buff=0.12).shift(UP * 0.12)
        signs[1].next_to(chart.c2p(0, 2.6), RIGHT, buff=0.12).shift(UP * 0.12)
        pooled_mark = filled_mark(chart.c2p(pooled_b, 2.0), theme.complete, radius=0.09)
        mixed_mark = filled_mark(chart.c2p(gamma10, 0.0), theme.grand_mean, radius=0.09)
        scene_x = [float(chart.c2p(v, 1.0)[0]) if v is not None else 0.0 for v in own_slopes]
        radius, rows = strip_style(len(labels), chart.c2p(0, 1.0)[1] - chart.c2p(0, 0.0)[1])
        offsets = strip_offsets(scene_x, 2.27 * radius, rows)
        group_marks = VGroup(*[
            group_mark(theme.group_shape(j), chart.c2p(v, 1.0 + dy), theme.group_color(j), radius)
            for j, (v, dy) in enumerate(zip(own_slopes, offsets)) if v is not None])
        self.play(FadeIn(chart), Create(zero), FadeIn(signs), run_time=0.8)
        self.play(GrowFromCenter(pooled_mark), Indicate(pooled_line, color=theme.complete,
                                                          scale_factor=1.03), run_time=0.8)
        self.play(LaggedStart(*[GrowFromCenter(m) for m in group_marks], lag_ratio=0.08),
                  FadeIn(note), run_time=1.2)
        self.slide_point("slopes", answer=self.values["verdict"])

        # Section: the mixed model separates within from between
        partial = model_paths(axes, family, coef_pairs(fit, "partial"), theme, x_spans=spans,
                              stroke_width=3.5)
        gm = model_path(axes, family, fit.fixef["(Intercept)"], gamma10, theme.grand_mean,
                        stroke_width=4.0, dashed=True)
        self.play(*[Transform(a, b) for a, b in zip(lines, partial)], Create(gm), run_time=1.5)
        self.play(GrowFromCenter(mixed_mark), FadeIn(mixed_row), run_time=0.8)
        self.slide_point("mixed")
