"""When does partial pooling win? Complete pooling, no pooling and the mixed model side by side
by AIC and BIC (seed 1's "compare AIC/BIC"), posed as a question first; then the likelihood-ratio
test of the random-effect variance, drawn against its boundary-corrected null distribution (a
50:50 mixture of chi-square distributions) beside the naive chi-square cut-off.

Every number comes from estimator.comparison (compare_pooling: ML fits of the three models and
the LRT); the scene only lays them out.
"""
from __future__ import annotations

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, Line, SurroundingRectangle, Text,
                   VGroup, VMobject)

from estimator.comparison import compare_pooling, mixture_critical_value, mixture_density
from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE
from scenes.vocab import PANEL_REGION, PLOT_REGION, make_axes, side_panel, title_text, wrapped_text

MODELS = (("complete", "complete pooling", "one line for all groups"),
          ("no_pooling", "no pooling", "a coefficient per group"),
          ("mixed", "mixed model", "partial pooling"))
COLUMNS = ("npar", "log-lik", "AIC", "BIC")   # npar: as R's anova() heads the parameter count
ALPHA = 0.05
CELL = 24


def signed(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace("-", "\u2212")


def baseline(text: Text) -> float:
    """The y of a Text's baseline: the lowest bottom of its glyphs that do not descend."""
    glyphs = [glyph for glyph, char in zip(text, text.original_text.replace(" ", "")) if char not in "gjpqy,;()"]
    return min(glyph.get_bottom()[1] for glyph in glyphs or list(text))


def p_text(p: float) -> str:
    return "p < 0.0001" if p < 1e-4 else f"p = {p:.4f}" if p < 0.01 else f"p = {p:.3f}"


def clear_of_curve(label, xs, ys, axes, margin: float = 0.08) -> None:
    """Slide `label` right until the falling density curve (xs, ys) passes below it, so the
    curve never runs through the words (near T = 0 the chi-square density is steep and tall)."""
    bottom = label.get_bottom()[1] - margin
    for x, y in zip(xs, ys):
        if axes.c2p(x, y)[1] < bottom:
            left = axes.c2p(x, 0)[0] + margin
            if left > label.get_left()[0]:
                label.shift(RIGHT * (left - label.get_left()[0]))
            return


class ModelComparison(LectureScene):
    """AIC/BIC of the three ways to pool, then the boundary-corrected LRT of tau0^2 = 0."""

    description = ("When partial pooling wins: AIC/BIC of complete, no and partial pooling, and the "
                   "LRT of tau0^2 = 0 with its 50:50 chi-square boundary mixture.")
    reads_input = True
    slides = (
        ("question", "Three ways to model the same groups: one line for everyone, a separate "
                     "estimate for every group, or the mixed model in between. Before we look: "
                     "which one will AIC prefer?"),
        ("criteria", "AIC and BIC reward fit and charge for parameters. No pooling fits best but "
                     "pays for a coefficient per group; complete pooling is cheap but misses the "
                     "groups; the lowest value wins."),
        ("lrt", "Is the group variance zero? The likelihood-ratio test compares the mixed model with "
                "the model without it. Under the null the variance sits on the boundary, so the "
                "statistic follows a 50:50 mixture, and the naive chi-square p-value is twice too large."),
    )
    title = "When does partial pooling win?"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        comparison = compare_pooling(lecture.formula, lecture.table, lecture.family, lecture.trials)
        title = title_text(self.title, theme)
        self.add(title)
        table, cells = self._table(comparison)
        self.play(FadeIn(table), run_time=1.0)
        question = wrapped_text("Which model will AIC prefer?", PANEL_REGION.width, theme, size=CELL)
        side_panel(question)
        self.play(FadeIn(question), run_time=0.6)
        self.slide_point("question", question="Complete pooling, no pooling or the mixed model: which one "
                                                        "will AIC prefer for these data?")

        self.play(*[FadeIn(cell) for row in cells.values() for cell in row[1:]], run_time=1.2)
        best_aic, best_bic = comparison.best("aic"), comparison.best("bic")
        boxes = VGroup(SurroundingRectangle(cells[best_aic][3], color=theme.partial, buff=0.08),
                       SurroundingRectangle(cells[best_bic][4], color=theme.partial, buff=0.08))
        names = dict((key, name) for key, name, _ in MODELS)
        verdict = (f"Lowest AIC: {names[best_aic]}." if best_aic == best_bic else
                   f"Lowest AIC: {names[best_aic]}; lowest BIC: {names[best_bic]}.")
        answer = wrapped_text(verdict + " Differences above about 2 matter; above 10 they are decisive.",
                              PANEL_REGION.width, theme, size=SMALL_SIZE)
        answer.next_to(question, DOWN, buff=0.4).align_to(question, LEFT)
        self.play(Create(boxes), FadeIn(answer), run_time=1.0)
        self.slide_point("criteria", answer=verdict)

        lrt_view = self._lrt(comparison) if comparison.lrt else None
        if lrt_view is None:
            note = wrapped_text(f"No likelihood-ratio test here: {comparison.lrt_note}.",
                                PLOT_REGION.width, theme, size=SMALL_SIZE)
            note.next_to(table, DOWN, buff=0.5).align_to(table, LEFT)
            self.play(FadeIn(note), run_time=0.6)
        else:
            plot, panel_items = lrt_view
            shown = VGroup(table, boxes, question, answer, *[c for row in cells.values() for c in row[1:]])
            self.play(FadeOut(shown), run_time=0.6)
            self.play(FadeIn(plot), run_time=1.0)
            self.play(*[FadeIn(item) for item in panel_items], run_time=0.8)
        self.slide_point("lrt")

    # ------------------------------------------------------------------ the criteria table
    def _table(self, comparison, decimals: int = 1):
        """The criteria table at its full size: with one decimal, else (many groups: five-digit
        criteria, a three-digit npar) whole numbers, which still resolve the differences of 2
        that matter; scaled down only if even that is too wide (at 100 groups it was, to 17 pt)."""
        theme = self.theme
        rows = comparison.rows()
        header = [Text("model", font=FONT, font_size=CELL - 2, color=theme.muted)]
        header += [Text(name, font=FONT, font_size=CELL - 2, color=theme.muted) for name in COLUMNS]
        grid = [header]
        cells = {}
        colors = {"complete": theme.complete, "no_pooling": theme.no_pool, "mixed": theme.partial}
        for key, name, gloss in MODELS:
            row = rows[key]
            title = Text(name, font=FONT, font_size=CELL, color=colors[key])
            # the gloss wraps under its name: one long line widened the first column until the
            # whole table (at 100 groups its numbers widen too) was shrunk to 14 pt
            label = VGroup(title, wrapped_text(gloss, max(title.width, 1.6), theme, size=LABEL_SIZE,
                                               color=theme.muted)
                           ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
            values = [str(row.n_params)] + [signed(v, decimals) for v in (row.loglik, row.aic, row.bic)]
            cells[key] = [label] + [Text(v, font=FONT, font_size=CELL, color=theme.foreground) for v in values]
            grid.append(cells[key])
        widths = [max(r[c].width for r in grid) for c in range(len(header))]
        x0, y = PLOT_REGION.left + 0.1, PLOT_REGION.top - 0.6
        gap = 0.28
        group = VGroup()
        for r, row in enumerate(grid):
            x = x0
            height = max(cell.height for cell in row)
            for c, cell in enumerate(row):
                if c == 0:
                    cell.move_to([x + cell.width / 2, y - height / 2, 0])
                else:   # numbers right-aligned, as tables print them
                    cell.move_to([x + widths[c] - cell.width / 2, y - height / 2, 0])
                x += widths[c] + gap
            y -= height + 0.45
            if r == 0:
                rule = Line([x0, y + 0.22, 0], [x - gap, y + 0.22, 0], color=theme.muted, stroke_width=1.5)
                group.add(rule)
        line = baseline(header[0])
        for cell in header[1:]:   # on one baseline: centred, 'npar' and 'log-lik' sat high
            cell.shift(UP * (line - baseline(cell)))
        group.add(*header, *[cells[key][0] for key, _, _ in MODELS])
        everything = VGroup(group, *[cell for row in grid[1:] for cell in row[1:]])
        if everything.width > PLOT_REGION.width and decimals:
            return self._table(comparison, decimals=0)
        if everything.width > PLOT_REGION.width:   # scale the table and its value cells together
            everything.scale(PLOT_REGION.width / everything.width, about_point=[x0, PLOT_REGION.top, 0])
        return group, cells

    # ------------------------------------------------------------------ the boundary LRT
    def _lrt(self, comparison):
        theme = self.theme
        lrt = comparison.lrt
        cut = mixture_critical_value(ALPHA, lrt.df_mixture)
        naive_cut = mixture_critical_value(ALPHA, (lrt.df_mixture[1], lrt.df_mixture[1]))
        x_max = max(8.0, 2.0 * naive_cut)   # where the null density lives; a larger T points off the axis
        axes = make_axes((0.0, x_max), (0.0, 1.0), "likelihood-ratio statistic T", "density", theme)
        xs = np.linspace(0.03, x_max, 240)
        ys = np.clip(mixture_density(xs, lrt.df_mixture), 0.0, 0.98)
        curve = VMobject(color=theme.foreground, stroke_width=3)
        curve.set_points_as_corners([axes.c2p(x, y) for x, y in zip(xs, ys)])
        parts = VGroup(axes, curve)
        if lrt.df_mixture[0] == 0:   # the point mass 1/2 at T = 0
            spike = Line(axes.c2p(0, 0), axes.c2p(0, 0.5), color=theme.partial, stroke_width=8)
            spike_label = Text("½ at T = 0", font=FONT, font_size=LABEL_SIZE, color=theme.partial)
            spike_label.move_to(spike.get_end(), DOWN + LEFT).shift(RIGHT * 0.12)
            clear_of_curve(spike_label, xs, ys, axes)
            parts.add(spike, spike_label)
        boundary = DashedLine(axes.c2p(cut, 0), axes.c2p(cut, 0.9), color=theme.partial, stroke_width=3)
        labels = VGroup(Text(f"5 % boundary {cut:.2f}", font=FONT, font_size=LABEL_SIZE, color=theme.partial),
                        Text(f"naive {naive_cut:.2f}", font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        labels[0].next_to(boundary.get_end(), RIGHT, buff=0.1)
        # the naive line stops under the boundary's label, so it never runs through its words
        naive_top = np.array(axes.c2p(naive_cut, 0.9))
        naive_top[1] = min(naive_top[1], labels[0].get_bottom()[1] - 0.1)
        naive = DashedLine(axes.c2p(naive_cut, 0), naive_top, color=theme.muted, stroke_width=3)
        labels[1].next_to(naive.get_end(), RIGHT, buff=0.1).align_to(naive.get_end(), UP)
        parts.add(boundary, naive, labels)
        shown_t = min(lrt.statistic, x_max)
        t_mark = Line(axes.c2p(shown_t, 0), axes.c2p(shown_t, 0.6), color=theme.warning, stroke_width=5)
        t_label = Text("T = " + signed(lrt.statistic, 2)
                       + ("" if lrt.statistic <= x_max else " →"), font=FONT, font_size=SMALL_SIZE,
                       color=theme.warning)
        t_label.next_to(t_mark, UP, buff=0.1)
        if t_label.get_right()[0] > PLOT_REGION.right:
            t_label.shift(LEFT * (t_label.get_right()[0] - PLOT_REGION.right))
        parts.add(t_mark, t_label)
        mixture = (f"null: ½ χ²({lrt.df_mixture[0]}) + ½ χ²({lrt.df_mixture[1]})")
        null_text = ("against the model without random effects" if lrt.null == "complete" else
                     "against the random-intercept model")
        items = [wrapped_text(f"T = 2 (logLik mixed − logLik null), {null_text}.", PANEL_REGION.width,
                              theme, size=SMALL_SIZE),
                 Text(mixture, font=FONT, font_size=SMALL_SIZE, color=theme.foreground),
                 Text(f"boundary-corrected {p_text(lrt.p_value)}", font=FONT, font_size=SMALL_SIZE,
                      color=theme.partial),
                 Text(f"naive χ²({lrt.df_mixture[1]}) {p_text(lrt.p_naive)}", font=FONT,
                      font_size=SMALL_SIZE, color=theme.muted)]
        side_panel(*items)
        return parts, items
