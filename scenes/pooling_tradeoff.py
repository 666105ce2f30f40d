"""Scene 3b: bias against variance (needs the simulation's truth). PoolingTradeoff: each pooling
method's error in every group's intercept (link scale), and the RMSEs over the groups every method
estimates; its conclusion says which method had the lowest error in this one draw, never more.

Errors and RMSEs come from estimator.pooling_view.tradeoff; nothing is computed here.
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, Create, DashedLine, FadeIn, GrowFromCenter, GrowFromEdge, LaggedStart, Text, VGroup

from estimator.pooling_view import LINK_UNITS, METHODS, tradeoff, unestimable_reasons
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.pooling import dropped_words
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE
from scenes.vocab import (PANEL_REGION, count_of, filled_mark, group_mark, hollow_mark, legend, make_axes,
                          mini_bars, scene_fit, side_panel, title_text, wrapped_text)
from scenes.vocab.glmm_a import narrate

METHOD_NAMES = {"complete": "complete pooling", "no_pool": "no pooling", "partial": "partial pooling"}
TRADEOFF_NARRATION = {
    "errors": {"default": "Because the data are simulated we know every group's true intercept. Each row "
                          "shows how far each method's estimate lands from it{scale}; small groups are at "
                          "the top.{dropped}"},
    "rmse": {"default": "Root mean squared errors over {n_compared} groups: complete pooling {complete}, "
                        "no pooling {no_pool}, partial pooling {partial}. In this one draw {best} has the "
                        "lowest error. One draw is an anecdote: another seed can order them differently."},
}


class PoolingTradeoff(LectureScene):
    """Each method's error in the group intercepts against the simulation's truth."""

    description = "Bias and variance: each method's intercept errors against the truth, and their RMSE in this draw."
    reads_input = True
    lecture_preset = "unequal-groups"   # the default lecture shows this preset (scenes/context.py)
    needs_truth = True
    slides = (
        ("errors", "Because the data are simulated we know every group's true intercept. Each row "
                   "shows how far each method's estimate lands from it; small groups are at the top."),
        ("rmse", "Averaged over the groups: the root mean squared error of each method, and which one "
                 "was lowest in this one draw. One draw is an anecdote: another seed can order them "
                 "differently."),
    )
    title = "Bias against variance"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        if lecture.data is None:
            raise ValueError("PoolingTradeoff needs simulated data (needs_truth): use a scenario, not a CSV")
        s, data = lecture.scenario, lecture.data
        fit = scene_fit(lecture)
        family = fit.family
        labels = fit.group_labels
        x, y, g, _ = lecture.arrays()
        reasons = unestimable_reasons(fit, y, g)
        truth_index = [list(data.group_labels).index(label) for label in labels]
        true_intercepts = np.asarray(data.truth["intercepts"], float)[truth_index]
        result = tradeoff(fit, true_intercepts)
        errors, rmse = result.errors, {kind: rec(f"rmse[{kind}]", v) for kind, v in result.rmse.items()}
        rec("n_compared", len(result.compared))
        sizes = [fit.group_sizes[label] for label in labels]
        for label, n in zip(labels, sizes):
            rec(f"n[{label}]", n)
        units = LINK_UNITS[family] or s.y_label

        # Section: one row per group, smallest groups on top; zero = the truth
        order = sorted(range(len(labels)), key=lambda j: (sizes[j], labels[j]))
        row_of = {j: len(labels) - 1 - r for r, j in enumerate(order)}
        rows = {float(row_of[j]): f"{labels[j]} n={sizes[j]}" for j in order}
        colors = {float(row_of[j]): theme.group_color(j) for j in order}
        reach = max(float(np.nanmax(np.abs(e))) for e in errors.values())
        axes = make_axes((-reach * 1.05, reach * 1.05), (-0.6, len(labels) - 0.4),
                         f"estimate − true intercept ({units})", f"{s.group_label} (by size)", theme,
                         y_tick_labels=rows, y_tick_colors=colors)
        title = title_text(self.title, theme)
        truth_line = DashedLine(axes.c2p(0, -0.6), axes.c2p(0, len(labels) - 0.4), color=theme.truth,
                                stroke_width=3, dash_length=0.08)
        offsets = {"complete": 0.22, "no_pool": 0.0, "partial": -0.22}
        marks = {}
        for kind in METHODS:
            group = VGroup()
            for j in range(len(labels)):
                error = float(errors[kind][j])
                if not np.isfinite(error):     # no estimate: said in words on its row
                    words = Text("no pooling: no estimate", font=FONT, font_size=LABEL_SIZE - 4, color=theme.no_pool)
                    words.move_to(axes.c2p(reach * 0.55, row_of[j] + offsets[kind]))
                    group.add(words)
                    continue
                point = axes.c2p(error, row_of[j] + offsets[kind])
                if kind == "complete":
                    group.add(group_mark("square", point, theme.complete, 0.06))
                elif kind == "no_pool":
                    group.add(hollow_mark(point, theme.no_pool, radius=0.075, stroke_width=3))
                else:
                    group.add(filled_mark(point, theme.partial, radius=0.075))
            marks[kind] = group

        key = legend([("square", "complete pooling", theme.complete), ("no_pool", "no pooling"),
                      ("partial", "partial pooling"), ("grand_mean", "truth (error 0)", theme.truth)], theme)
        over = f" over {len(result.compared)} of {count_of(len(labels), s.group_label)}" if result.left_out else ""
        bars = mini_bars([(name, rmse[kind], {"complete": theme.complete, "no_pool": theme.no_pool,
                                              "partial": theme.partial}[kind])
                          for kind, name in zip(METHODS, ("complete", "no pool", "partial"))],
                         theme, width=PANEL_REGION.width - 0.2, height=2.4,
                         value_label=f"RMSE of the intercepts{over}")
        best = [METHOD_NAMES[kind] for kind in result.lowest]
        verdict_text = (f"Lowest error in this draw: {' and '.join(best)}" + (" (a tie)" if len(best) > 1 else "")
                        + ". One draw is an anecdote: another seed can order them differently.")
        if result.left_out:
            verdict_text += f" Left out: {', '.join(result.left_out)} (no pooling has no estimate)."
        verdict = wrapped_text(verdict_text, PANEL_REGION.width, theme, size=SMALL_SIZE)
        side_panel(key, bars, verdict, buff=0.4)

        fields = dict(scale=f" ({units} scale)" if family != "gaussian" else "", dropped=dropped_words(reasons),
                      n_compared=len(result.compared), best=" and ".join(best),
                      **{kind: rmse[kind] for kind in METHODS})
        self.add(title)
        self.play(Create(axes), Create(truth_line), FadeIn(key[3]), run_time=1.0)
        for k, kind in enumerate(METHODS):
            self.play(LaggedStart(*[GrowFromCenter(m) for m in marks[kind]], lag_ratio=0.05),
                      FadeIn(key[k]), run_time=0.9)
        self.slide_point("errors", narration=narrate(TRADEOFF_NARRATION["errors"], family, **fields))

        # Section: root mean squared error per method, over the groups every method estimates
        self.play(FadeIn(bars.baseline), FadeIn(bars.names), FadeIn(bars.title),
                  *[GrowFromEdge(bar, DOWN) for bar in bars.bars], run_time=1.2)
        self.play(FadeIn(bars.values), FadeIn(verdict), run_time=0.6)
        self.slide_point("rmse", narration=narrate(TRADEOFF_NARRATION["rmse"], family, **fields))
