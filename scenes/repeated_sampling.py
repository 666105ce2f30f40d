"""Why partial pooling wins, by repeated sampling: one data set proves nothing, so simulate 200 from
the scenario, fit each three ways through the public fit(), and let each group's error of its
own intercept pile up by group size, method by method; then the expected error (RMSE) of each
method with its Monte Carlo uncertainty, overall and for small, medium and large groups.

Every number comes from estimator.repeated (repeated_sampling); the scene lays out the errors it
returns and never decides a winner itself (RepeatedSampling.clearly_best does, or says none).
"""
from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedLine, Dot, FadeIn, LaggedStart, Text, VGroup

from estimator.repeated import METHODS, repeated_sampling
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Region, make_axes, plural, side_panel, title_text,
                          wrapped_text)

N_DATASETS = 200
SHOWN = 40                 # data sets drawn as dots (all 200 enter the RMSE)
NAMES = {"complete": "complete pooling", "no_pool": "no pooling", "partial": "partial pooling"}
# why a group's own fit can have no finite intercept, in this family's words
_NO_ESTIMATE = {"binomial": "every outcome 0 or every outcome 1", "poisson": "every count 0",
                "gamma": "too few values", "gaussian": "too few values"}


class RepeatedSampling(LectureScene):
    """Errors of 200 simulated data sets by method and group size, then RMSE with MC error."""

    description = ("Why partial pooling wins, by repeated sampling: 200 simulated data sets fitted three "
                   "ways; each group's error by group size, and each method's RMSE with its Monte Carlo error.")
    reads_input = True
    needs_truth = True
    lecture_preset = "unequal-groups"   # the default lecture: small unequal groups, where pooling matters
    slides = (
        ("one_draw", "One data set, fitted three ways: each dot is one group's error, the estimate "
                     "minus the true intercept. In a single draw any method can look best. Which "
                     "one errs least on average?"),
        ("many_draws", "Now forty of two hundred simulated data sets. Complete pooling is biased for "
                       "every group; no pooling is unbiased but scatters widely for small groups; "
                       "partial pooling pulls the small groups in."),
        ("rmse", "Over all two hundred data sets, the root mean squared error of each method, with "
                 "its Monte Carlo uncertainty, overall and by group size."),
    )
    title = "Why partial pooling wins: 200 data sets"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        result = repeated_sampling(lecture.scenario, N_DATASETS)
        self.add(title_text(self.title, theme))
        shown = {m: result.errors[m][:SHOWN] for m in METHODS}
        finite = np.concatenate([v[np.isfinite(v)] for v in shown.values()])
        reach = float(np.quantile(np.abs(finite), 0.995)) * 1.1 if finite.size else 1.0
        sizes = result.sizes[:SHOWN]
        # round the size axis to tens: three narrow panels have room for about three tick numbers
        size_lim = (10.0 * np.floor((sizes.min() - 1) / 10), 10.0 * np.ceil((sizes.max() + 1) / 10))
        panels, axes = self._panels(size_lim, (-reach, reach),
                                    lecture.scenario.group_label)
        self.play(FadeIn(panels), run_time=1.0)
        colors = {"complete": theme.complete, "no_pool": theme.no_pool, "partial": theme.partial}

        beyond = [0]   # dots drawn on the axis end because their error lies beyond it

        def dots(rows: slice) -> VGroup:
            """One dot per group error; an error beyond the axis sits on its end, and is counted so
            the note can say so (a row of dots on the edge would otherwise read as a pile-up)."""
            group = VGroup()
            for method, ax in zip(METHODS, axes):
                lo, hi = ax.y_lim
                err, size = shown[method][rows], sizes[rows]
                for e, n in zip(err.ravel(), size.ravel()):
                    if np.isfinite(e):
                        beyond[0] += not lo <= e <= hi
                        group.add(Dot(ax.c2p(float(n), float(np.clip(e, lo, hi))), radius=0.035,
                                      color=colors[method], fill_opacity=0.55))
            return group

        question = wrapped_text("Which method errs least on average?", PANEL_REGION.width, theme,
                                size=SMALL_SIZE + 4)
        side_panel(question)
        first = dots(slice(0, 1))
        self.play(LaggedStart(*[FadeIn(d) for d in first], lag_ratio=0.05), FadeIn(question), run_time=1.2)
        self.slide_point("one_draw", question="Over 200 data sets like this one, which method estimates a "
                                                        "group's intercept with the smallest error on average?")

        rest = dots(slice(1, SHOWN))
        note = f"first {SHOWN} of {N_DATASETS} data sets shown"
        if beyond[0]:
            note += (f"; {beyond[0]} {plural('error', beyond[0])} beyond ±{fmt(axes[0].y_lim[1], 2)} "
                     "drawn on the axis end")
        count = Text(note, font=FONT, font_size=LABEL_SIZE,
                     color=theme.muted).next_to(panels, DOWN, buff=0.15).align_to(panels, LEFT)
        self.play(FadeIn(rest, lag_ratio=0.002), FadeIn(count), run_time=2.0)
        self.slide_point("many_draws")

        self.play(question.animate.set_opacity(0.0), run_time=0.3)
        self.remove(question)
        items = [Text(f"RMSE over {N_DATASETS} data sets (± 2 MC SE)", font=FONT, font_size=SMALL_SIZE,
                      color=theme.foreground)]
        for method in METHODS:
            items.append(Text(f"{NAMES[method]}  {fmt(result.rmse[method])} ± {fmt(2 * result.rmse_se[method], 2)}",
                              font=FONT, font_size=SMALL_SIZE, color=colors[method]))
        items.append(self._by_size(result, colors))
        best = result.clearly_best()
        verdict = (f"Lowest expected error here: {NAMES[best]}, by more than its Monte Carlo uncertainty."
                   if best else "No method is clearly best here: the RMSEs lie within their Monte Carlo "
                                "uncertainty of each other.")
        missing = result.n_missing["no_pool"]
        if missing:
            why = _NO_ESTIMATE.get(lecture.scenario.family, "no finite estimate")
            verdict += f" No pooling has no estimate for {missing} group fits ({why})."
        items.append(wrapped_text(verdict, PANEL_REGION.width, theme, size=SMALL_SIZE))
        side_panel(*items, buff=0.22)
        self.play(LaggedStart(*[FadeIn(item) for item in items], lag_ratio=0.2), run_time=1.6)
        self.slide_point("rmse", answer=verdict + " RMSE: " + ", ".join(
            f"{NAMES[m]} {fmt(result.rmse[m])}" for m in METHODS) + ".")

    def _panels(self, x_lim, y_lim, group_label: str):
        """One small axes per method, side by side, sharing the error axis."""
        theme = self.theme
        width = PLOT_REGION.width / 3
        group, axes = VGroup(), []
        for k, method in enumerate(METHODS):
            region = Region(PLOT_REGION.left + k * width, PLOT_REGION.left + (k + 1) * width - 0.15,
                            PLOT_REGION.bottom + 0.35, PLOT_REGION.top - 0.45)
            ax = make_axes(x_lim, y_lim, "size n", "error" if k == 0 else "", theme,
                           region=region, n_x=2, n_y=5)
            heading = Text(NAMES[method], font=FONT, font_size=SMALL_SIZE, color=theme.foreground)
            if heading.width > 0.85 * width:   # three panels side by side: each heading in its own
                heading.scale_to_fit_width(0.85 * width)
            heading.move_to([(region.left + region.right) / 2, region.top + heading.height / 2 + 0.1, 0])
            zero = ax.c2p(x_lim[0], 0), ax.c2p(x_lim[1], 0)
            group.add(ax, heading, DashedLine(*zero, color=theme.muted, stroke_width=1.5))
            axes.append(ax)
        return group, axes

    def _by_size(self, result, colors) -> VGroup:
        theme = self.theme
        rows = VGroup(Text("RMSE by group size", font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        for k, (lo, hi) in enumerate(result.size_edges):
            row = VGroup(Text(f"n {lo}–{hi}", font=FONT, font_size=LABEL_SIZE, color=theme.foreground))
            row.add(*[Text(fmt(result.rmse_by_size[m][k]), font=FONT, font_size=LABEL_SIZE, color=colors[m])
                      for m in METHODS])
            rows.add(row.arrange(RIGHT, buff=0.3))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        return rows
