"""The pooling dial: one weight w on the group deviations moves every group's line from complete
pooling (w = 0) to no pooling (w = 1); the mixed model then puts each group at its own w_j, its
reliability lambda_j (marked on the dial); and sweeping one group's size n_j (re-simulated and
refitted) slides its mark along the dial: more data, less pooling.

Lines are on the link scale for GLMMs (said on the axis and in the panel). Every line, position and
number comes from estimator.pooling_dial; the scene only moves them. With a user's own data there
is nothing to re-simulate, and the sweep slide says so.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, ReplacementTransform, Text, ValueTracker, VGroup, always_redraw

from estimator.pooling_dial import SWEEP_SIZES, group_size_sweep, pooling_dial
from estimator.pooling_view import unestimable_reasons
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Readout, Region, crowd_scale, data_cloud, group_lines,
                          make_axes, math_tex, padded_range, scene_fit, side_panel, title_text,
                          wrapped_text, x_axis_limits)
from scenes.vocab.dial import PoolingDialTrack

SIZE = 22
DIAL_HEIGHT = 1.75
MOVE = 2.0          # seconds for one sweep of the dial


def _narration(key: str, scale: str, **fields) -> str:
    """This render's words for slide point `key`, with the fit's numbers."""
    on = f" (on the {scale} scale)" if scale else ""
    if key == "complete":
        return (f"One dial for all three models. At w = 0 every group gets the complete-pooling "
                f"line{on}: intercept {fields['a0']}, slope {fields['b0']}.")
    if key == "mixed":
        return (f"The mixed model does not pick one w. Each group sits at its own wⱼ = λⱼ, its "
                f"reliability: big groups near 1, small ones pulled toward complete pooling. "
                f"{fields['focus']}, with n = {fields['n']}, sits at λⱼ = {fields['lam']}.")
    if not fields.get("swept"):
        return ("Sweeping a group's size needs a simulation to redraw its data; with your own "
                "data the scene shows the fitted λⱼ only.")
    return (f"Now give {fields['focus']} more or less data. Re-simulated and refitted with "
            f"n = {fields['n_lo']}, its λⱼ is {fields['lam_lo']}; with n = {fields['n_hi']} it "
            f"is {fields['lam_hi']}. More data, less pooling"
            + (": nⱼ divides σ̂² in λⱼ's formula." if fields.get("closed_form") else "."))


DIAL_WORDS = ("Turn the dial: w scales every group's own deviation from the pooled line. At w = 1 "
              "each group has its own line, no pooling. Everything in between is partial pooling.")


class PoolingDial(LectureScene):
    """Complete -> partial -> no pooling on one dial; the mixed model's lambda_j on it; an n_j sweep."""

    description = ("The pooling dial: one weight w moves every group line from complete to no pooling; "
                   "each group's mixed-model position is its reliability λⱼ; sweeping one group's "
                   "size slides its mark along the dial.")
    reads_input = True
    slides = (
        ("complete", "One dial for all three models. At w = 0 every group gets the complete-pooling line."),
        ("dial", "Turn the dial: w scales every group's own deviation from the pooled line. At w = 1 "
                 "each group has its own line, no pooling. Everything in between is partial pooling."),
        ("mixed", "The mixed model does not pick one w. Each group sits at its own wⱼ = λⱼ, its "
                  "reliability: big groups near 1, small ones pulled toward complete pooling."),
        ("sweep", "Give one group more or less data: re-simulated and refitted, its λⱼ grows with "
                  "its size. More data, less pooling."),
    )
    loop_slides = ("dial",)
    title = "The pooling dial"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        s = lecture.scenario
        fit = scene_fit(lecture)
        dial = pooling_dial(fit)
        glmm = dial.family != "gaussian"
        x, y, g, labels = lecture.arrays()
        k = dial.focus_index
        spans = [(float(x[g == j].min()), float(x[g == j].max())) for j in range(len(labels))]

        # Section: the plot above, the dial below, the panel on the right
        plot_region = Region(PLOT_REGION.left, PLOT_REGION.right, PLOT_REGION.bottom + DIAL_HEIGHT,
                             PLOT_REGION.top)
        dial_region = Region(PLOT_REGION.left + 0.6, PLOT_REGION.right, PLOT_REGION.bottom,
                             PLOT_REGION.bottom + DIAL_HEIGHT - 0.1)
        x_lim = x_axis_limits(x, s if lecture.has_truth else None)
        ends = [a + b * xe for pairs in (dial.lines_at(0.0), dial.lines_at(1.0), dial.mixed_lines())
                for pair, span in zip(pairs, spans) if pair is not None for a, b in [pair] for xe in span]
        y_label = f"{dial.scale} (link scale)" if glmm else s.y_label
        reasons = unestimable_reasons(fit, y, g)
        axes = make_axes(x_lim, padded_range(list(ends) + ([] if glmm else list(y))), s.x_label, y_label,
                         theme, region=plot_region)
        track = PoolingDialTrack(dial_region, theme, crowd=crowd_scale(len(labels)))
        w = ValueTracker(0.0)
        weights = {"value": None}      # per-group weights while the mixed model's positions are shown

        def current_lines():
            shown = dial.lines_at(w.get_value() if weights["value"] is None else weights["value"])
            lines = group_lines(axes, [p if p is not None else dial.complete for p in shown], theme,
                                x_spans=spans, stroke_width=3)
            for line, p in zip(lines, shown):
                if p is None:
                    line.set_stroke(opacity=0)
            return lines

        lines = always_redraw(current_lines)
        knob = always_redraw(lambda: track.knob(w.get_value()))
        formula = math_tex(r"\text{line}_j(w) = \text{pooled} + w\,(\text{own}_j - \text{pooled})", theme,
                           size=32)
        w_slot = Readout("w =", 0.0, theme, size=SIZE, sig=2)

        def w_readout():     # rebuilt every frame, so the screen text is the value shown
            return Readout("w =", round(w.get_value(), 2), theme, size=SIZE, sig=2).move_to(
                w_slot, aligned_edge=LEFT)

        note = wrapped_text("w = 0: complete pooling, one line for every group.", PANEL_REGION.width, theme,
                            size=SMALL_SIZE, color=theme.complete)
        scale_note = wrapped_text(f"Lines on the link scale ({dial.scale}): there the model is linear."
                                  if glmm else "Each group's line drawn over its own x-range.",
                                  PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted)
        side_panel(formula, w_slot, note, buff=0.3)
        w_row = always_redraw(w_readout)
        scale_note.move_to([PANEL_REGION.left + scale_note.width / 2,
                            PANEL_REGION.bottom + scale_note.height / 2, 0])
        self.add(title_text(self.title, theme))
        shown = [axes]
        if not glmm:
            cloud = data_cloud(axes, x, y, g, theme, opacity=0.3)
            shown.append(cloud)
        self.play(Create(axes), *[FadeIn(m) for m in shown[1:]], FadeIn(track), run_time=1.0)
        self.add(lines, knob)
        self.play(FadeIn(formula), FadeIn(note), FadeIn(scale_note), run_time=0.8)
        self.add(w_row)
        a0, b0 = dial.complete
        rec("complete_intercept", a0)
        rec("complete_slope", b0)
        pooled = wrapped_text(f"pooled: intercept {fmt(a0)}, slope {fmt(b0)}", PANEL_REGION.width, theme,
                              size=SMALL_SIZE, color=theme.complete)
        pooled.next_to(note, DOWN, buff=0.2).align_to(note, LEFT)
        self.play(FadeIn(pooled), run_time=0.5)
        lam = dial.reliability[k]
        self.slide_point("complete", narration=_narration("complete", dial.scale, a0=fmt(a0), b0=fmt(b0)))

        # Section: turn the dial from complete to no pooling
        np_words = "w = 1: no pooling, each group its own line. In between: partial pooling."
        if reasons:
            np_words += " No line of its own: " + "; ".join(f"{lab}, {why}" for lab, why in reasons.items()) + "."
        note_np = wrapped_text(np_words, PANEL_REGION.width, theme, size=SMALL_SIZE, color=theme.no_pool)
        note_np.move_to(note, aligned_edge=LEFT + np.array([0, 1, 0]))
        self.play(w.animate.set_value(1.0), FadeOut(pooled), run_time=MOVE)
        self.play(FadeOut(note), FadeIn(note_np), run_time=0.5)
        self.slide_point("dial", narration=DIAL_WORDS)

        # Section: each group slides to its own w_j = lambda_j; the marks show where
        rows = track.rows_for(dial.reliability)
        colors = [theme.group_color(j) for j in range(len(labels))]
        shapes = [theme.group_shape(j) for j in range(len(labels))]
        t = ValueTracker(0.0)
        lam_all = np.asarray(dial.reliability)

        def ride():
            weights["value"] = 1.0 + t.get_value() * (lam_all - 1.0)
            return track.group_marks(weights["value"], rows, colors, shapes)

        marks = always_redraw(ride)
        for j, label in enumerate(labels):
            rec(f"lambda[{label}]", dial.reliability[j])
        marker_note = wrapped_text("● under the dial: where the mixed model puts each group, wⱼ = λⱼ, "
                                   "its reliability (shrinkage).", PANEL_REGION.width, theme,
                                   size=SMALL_SIZE)
        lam_tex = math_tex(r"\lambda_j = \frac{\hat\tau_0^2}{\hat\tau_0^2 + \hat\sigma^2 / n_j}" if dial.closed_form
                           else r"\lambda_j = 1 - \frac{\mathrm{Var}(b_j \mid y)}{\hat\tau_0^2}", theme, size=28)
        lam_tex.move_to(w_slot.get_corner(LEFT + UP), aligned_edge=LEFT + UP)
        focus_row = Readout(f"{dial.focus} (n = {dial.sizes[k]}): λⱼ =", lam, theme, tex=False,
                            color=colors[k], size=SIZE, key="focus_lambda", recorder=rec)
        marker_note.next_to(lam_tex, DOWN, buff=0.25).align_to(w_slot, LEFT)
        focus_row.next_to(marker_note, DOWN, buff=0.3).align_to(w_slot, LEFT)
        self.add(marks)
        w_row.clear_updaters()
        knob.clear_updaters()
        self.play(FadeOut(knob), FadeOut(w_row), FadeOut(note_np), run_time=0.4)
        self.remove(knob, w_row)
        self.play(t.animate.set_value(1.0), FadeIn(marker_note), FadeIn(lam_tex), run_time=MOVE)
        lines.clear_updaters()
        marks.clear_updaters()
        self.play(FadeIn(focus_row), run_time=0.5)
        self.slide_point("mixed", narration=_narration("mixed", dial.scale, focus=dial.focus,
                                                        n=dial.sizes[k], lam=fmt(lam)))

        # Section: sweep the focus group's size; its mark slides along the dial
        if not lecture.has_truth:
            missing = wrapped_text("The n sweep needs a simulation to redraw a group's data: with your "
                                   "own data (--data) only the fitted λⱼ are shown.", PANEL_REGION.width,
                                   theme, size=SMALL_SIZE, color=theme.warning)
            missing.next_to(focus_row, DOWN, buff=0.35).align_to(focus_row, LEFT)
            self.play(FadeIn(missing), run_time=0.6)
            self.slide_point("sweep", narration=_narration("sweep", dial.scale))
            return
        sweep = group_size_sweep(s, dial.focus, SWEEP_SIZES)
        others = VGroup(*[m for j, m in enumerate(marks) if j != k])
        focus_mark = marks[k]
        fade = list(lines)     # the lines belong to the fitted data; the sweep lives on the dial
        head = wrapped_text(f"Sweep {dial.focus}'s size nⱼ: re-simulated, refitted.", PANEL_REGION.width,
                            theme, size=SMALL_SIZE, color=colors[k])
        head.next_to(marker_note, DOWN, buff=0.3).align_to(marker_note, LEFT)
        def live_row(point):
            row = VGroup(Readout("nⱼ =", point.n, theme, tex=False, color=colors[k], size=SIZE, sig=1),
                         Readout("λⱼ =", point.reliability, theme, tex=False, color=colors[k], size=SIZE,
                                 key="sweep_lambda", recorder=rec)).arrange(RIGHT, buff=0.5)
            return row.next_to(head, DOWN, buff=0.2).align_to(head, LEFT)

        live = live_row(sweep[0])
        table = self._trail(sweep, colors[k])
        table.next_to(live, DOWN, buff=0.3).align_to(head, LEFT)
        for point in sweep:
            rec(f"sweep_lambda[n={point.n}]", point.reliability)
        self.play(FadeOut(focus_row), *[line.animate.set_stroke(opacity=0.2) for line in fade],
                  others.animate.set_opacity(0.3), *([cloud.animate.set_opacity(0.1)] if not glmm else []),
                  run_time=0.6)
        self.play(FadeIn(head), FadeIn(live), FadeIn(table[0]), run_time=0.6)
        self.play(focus_mark.animate.scale(1.4).move_to([track.x_of(dial.reliability[k]), track.track_y, 0]),
                  run_time=0.5)   # onto the track itself, clear of the other marks
        for i, point in enumerate(sweep):
            target = [track.x_of(point.reliability), track.track_y, 0]
            shown_now = live_row(point)
            self.play(focus_mark.animate.move_to(target), ReplacementTransform(live, shown_now),
                      FadeIn(table[1][i]), run_time=0.7)
            live = shown_now
        self.slide_point("sweep", narration=_narration(
            "sweep", dial.scale, focus=dial.focus, swept=True, n_lo=sweep[0].n, n_hi=sweep[-1].n,
            lam_lo=fmt(sweep[0].reliability), lam_hi=fmt(sweep[-1].reliability), closed_form=dial.closed_form))

    def _trail(self, sweep, color):
        """The sweep's (n, lambda) pairs as two aligned rows: header and one column per size."""
        theme = self.theme
        head = VGroup(Text("nⱼ", font=FONT, font_size=LABEL_SIZE, color=theme.muted),
                      Text("λⱼ", font=FONT, font_size=LABEL_SIZE, color=theme.muted)
                      ).arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        columns = VGroup()
        for point in sweep:
            column = VGroup(Text(str(point.n), font=FONT, font_size=LABEL_SIZE, color=theme.foreground),
                            Text(fmt(point.reliability, 2), font=FONT, font_size=LABEL_SIZE, color=color)
                            ).arrange(DOWN, buff=0.15)
            columns.add(column)
        columns.arrange(RIGHT, buff=0.12)
        group = VGroup(head, columns).arrange(RIGHT, buff=0.18)
        for column in columns:
            column[0].match_y(head[0])
            column[1].match_y(head[1])
        if group.width > PANEL_REGION.width:
            group.scale_to_fit_width(PANEL_REGION.width)
        return group
