"""The caterpillar plot: every group's conditional mode b̂ⱼ with its 95 % interval from the
conditional variance, sorted, for the random intercept and (when the model has one) the slope;
which groups' intervals are widest and why; then the singular fit, where τ̂₀ sits on its boundary
0 and every interval collapses onto the fixed effect: what lme4 would say and what to do.

Every number comes from estimator.caterpillar (caterpillar: the rows; boundary: what is on the
boundary and lme4's words). The singular example is the lecture's own fit when that is singular,
else the built-in preset 'singular'.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, Create, DashedLine, FadeIn, FadeOut, LaggedStart, Line,
                   ReplacementTransform, SurroundingRectangle, Text, VGroup)

from estimator.caterpillar import REMEDIES, Z95, boundary, caterpillar
from scenes.base import LectureScene
from scenes.context import lecture_input, preset_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, PLOT_REGION, Region, code_text, filled_mark, legend,
                          make_axes, math_tex, padded_range, scene_fit, side_panel, title_text,
                          wrapped_text)

MAX_LABELLED_ROWS = 24      # beyond this, every k-th group is named (rows never collide)
SCALE = {"binomial": "log-odds", "poisson": "log-rate", "gamma": "log scale"}


def term_symbol(term: str, k: int) -> str:
    """b̂₀ⱼ for the intercept, b̂₁ⱼ, b̂₂ⱼ, ... for the slopes (Unicode, as in the narration)."""
    return "b̂" + "₀₁₂₃₄₅₆₇₈₉"[min(k, 9)] + "ⱼ"


def term_name(term: str) -> str:
    return "intercept" if term == "(Intercept)" else f"slope of {term}"


def _two_lines(text: str) -> list[str]:
    """lme4's warning broken after its colon, so it fits the panel at a readable size."""
    head, sep, tail = text.partition(": ")
    return [head + sep.strip(), tail] if sep else [text]


class Caterpillar(LectureScene):
    """Conditional modes with conditional-SD intervals, sorted; then the singular fit."""

    description = ("The caterpillar plot: each group's conditional mode with a 95 % interval from its "
                   "conditional variance, sorted; then a singular fit (τ̂₀ = 0): lme4's warning and what to do.")
    reads_input = True
    presets = ("singular",)
    slides = (
        ("modes", "Each row is one group's conditional mode, its predicted deviation from the fixed "
                  "effect, with a 95 % interval of plus or minus 1.96 conditional standard deviations, "
                  "sorted from lowest to highest."),
        ("widths", "The intervals are not equally wide: a small group carries less information, so "
                   "its interval is wider and its mode is pulled harder toward zero."),
        ("singular", "Now a data set where the groups barely differ. The estimated SD of the intercepts "
                     "is zero, on the boundary of what a variance can be: every mode is zero. lme4 warns: "
                     "boundary (singular) fit."),
        ("remedies", "What to do with a singular fit: simplify the random part, check the data, or "
                     "use a weak prior that keeps the variance off zero."),
    )
    title = "Caterpillar plot: modes and intervals"

    def construct(self):
        theme = self.theme
        lecture = lecture_input()
        fit = scene_fit(lecture)
        scenario = lecture.scenario
        self.add(title_text(self.title, theme))
        panels = caterpillar(fit)
        shown = panels[:2]
        plots = self._plots(shown, fit, scenario)
        self.play(LaggedStart(*[FadeIn(p.axes) for p in plots], lag_ratio=0.2), run_time=0.8)
        self.play(*[Create(p.zero) for p in plots],
                  *[LaggedStart(*[Create(line) for line in p.lines], lag_ratio=0.04) for p in plots],
                  *[LaggedStart(*[FadeIn(dot) for dot in p.dots], lag_ratio=0.04) for p in plots],
                  run_time=1.6)
        first = panels[0]
        formula = math_tex(r"\hat b_j \pm 1.96\,\sqrt{\mathrm{Var}(b_j \mid y)}", theme, size=30)
        key = legend([("filled", "conditional mode b̂ⱼ", theme.partial),
                      ("line", "95 % interval", theme.muted),
                      ("grand_mean", "0 = the fixed effect")], theme)
        readouts = VGroup(*[Text(f"τ̂{'₀₁₂₃'[k]} = {fmt(p.tau)} ({term_name(p.term)})", font=FONT,
                                 font_size=SMALL_SIZE, color=theme.between) for k, p in enumerate(shown)])
        readouts.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        cover = wrapped_text(f"{first.n_covering_zero} of {len(first.rows)} intercept intervals cover 0",
                             PANEL_REGION.width, theme, size=SMALL_SIZE)
        extra = [] if len(panels) <= 2 else [wrapped_text(
            f"{len(panels) - 2} more random terms are not drawn.", PANEL_REGION.width, theme, size=LABEL_SIZE)]
        panel = side_panel(formula, key, readouts, cover, *extra)
        self.play(FadeIn(panel), run_time=0.8)
        slopes = (f" The slope panel on the right is sorted on its own; τ̂₁ = {fmt(shown[1].tau)}."
                  if len(shown) > 1 else " This model has a random intercept only, so there is one panel.")
        self.slide_point("modes", narration=(
            f"Each row is one {scenario.group_label}'s conditional mode b̂ⱼ, its predicted deviation "
            f"from the fixed effect, with a 95 % interval of ± 1.96 √Var(bⱼ | y), sorted. τ̂₀ = "
            f"{fmt(first.tau)}; {first.n_covering_zero} of {len(first.rows)} intervals cover 0." + slopes))

        wide, narrow = first.widest, first.narrowest
        frames = VGroup(*[SurroundingRectangle(plots[0].row_group(row.group), color=theme.warning, buff=0.06)
                          for row in (wide, narrow)])
        widths = VGroup(
            Text(f"widest: {wide.group}, n = {wide.n}, ± {fmt(Z95 * wide.sd)}", font=FONT,
                 font_size=SMALL_SIZE, color=theme.foreground),
            Text(f"narrowest: {narrow.group}, n = {narrow.n}, ± {fmt(Z95 * narrow.sd)}", font=FONT,
                 font_size=SMALL_SIZE, color=theme.foreground),
            wrapped_text("Every interval has width 0: the fit is singular (next slide)."
                         if wide.half_width < 1e-6 * (fit.sigma or 1.0) else
                         "Fewer observations: less information, a wider interval, a stronger pull to 0."
                         if wide.n < narrow.n else
                         "Here the widths differ by more than group size: the spread of x and, for a "
                         "GLMM, the group's mean matter too.", PANEL_REGION.width, theme, size=LABEL_SIZE)
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        self.play(FadeOut(cover), *[FadeOut(e) for e in extra], run_time=0.3)
        widths.next_to(readouts, DOWN, buff=0.35).align_to(readouts, LEFT)
        self.play(Create(frames), FadeIn(widths), run_time=1.0)
        self.slide_point("widths", narration=(
            f"The widest interval is {wide.group}'s, with n = {wide.n}: ± {fmt(Z95 * wide.sd)}; the "
            f"narrowest is {narrow.group}'s, with n = {narrow.n}: ± {fmt(Z95 * narrow.sd)}. A small group "
            "carries less information, so its interval is wider and its mode is pulled harder toward 0."))

        self._singular(fit, scenario, plots, VGroup(panel, frames, widths))

    # ------------------------------------------------------------------ the singular fit
    def _singular(self, fit, scenario, plots, old_panel):
        theme = self.theme
        own = boundary(fit).singular
        example = None if own else preset_input("singular")
        sfit = fit if own else scene_fit(example)
        sscenario = scenario if own else example.scenario
        found = boundary(sfit)
        spanels = caterpillar(sfit)[:2]
        same_scale = sfit.family == fit.family and sscenario.y_label == scenario.y_label
        new_plots = self._plots(spanels, sfit, sscenario,
                                x_lims=[p.axes.x_lim for p in plots] if same_scale else None)
        self.play(FadeOut(old_panel), run_time=0.4)
        self.play(*[ReplacementTransform(old, new) for old, new in zip(plots, new_plots)],
                  *[FadeOut(old) for old in plots[len(new_plots):]],
                  *[FadeIn(new) for new in new_plots[len(plots):]], run_time=1.6)
        source = ("Your fit is singular." if own else
                  f"Another data set (preset 'singular'): true τ₀ = {sscenario.tau0:g} against σ = "
                  f"{sscenario.sigma:g}, {sfit.n_groups} small {sscenario.group_label}s.")
        tau = spanels[0].tau
        intercept_zero = "(Intercept)" in found.zero_sd
        headline = (f"τ̂₀ = {fmt(tau)}: on the boundary τ₀ ≥ 0" if intercept_zero else
                    "A variance parameter is on its boundary")
        items = [wrapped_text(source, PANEL_REGION.width, theme, size=LABEL_SIZE),
                 Text(headline, font=FONT, font_size=SMALL_SIZE, color=theme.between),
                 Text("lme4 would warn:", font=FONT, font_size=LABEL_SIZE, color=theme.muted),
                 VGroup(*[code_text(part, theme, size=LABEL_SIZE, color=theme.warning)
                          for part in _two_lines(found.warning)]).arrange(DOWN, aligned_edge=LEFT, buff=0.08),
                 wrapped_text(found.meaning, PANEL_REGION.width, theme, size=LABEL_SIZE)]
        side_panel(*items, buff=0.2)
        self.play(LaggedStart(*[FadeIn(item) for item in items], lag_ratio=0.2), run_time=1.2)
        story = (f"The estimated SD of the intercepts is τ̂₀ = {fmt(tau)}, on the boundary of what an SD "
                 "can be, so every conditional mode is 0 and every interval collapses onto the fixed effect: "
                 "for the intercepts the mixed model has become complete pooling." if intercept_zero else
                 found.meaning)
        self.slide_point("singular", narration=(
            f"{source} {story} lme4 warns: boundary (singular) fit: see help('isSingular')."))

        heading = Text("What to do", font=FONT, font_size=SMALL_SIZE, color=theme.foreground)
        steps = [wrapped_text(f"{k + 1}. {text}", PANEL_REGION.width, theme, size=LABEL_SIZE)
                 for k, text in enumerate(REMEDIES)]
        keep = VGroup(items[1], items[3])
        self.play(FadeOut(VGroup(items[0], items[2], items[4])), run_time=0.4)
        side_panel(keep[0], keep[1], heading, *steps, buff=0.22)
        self.play(FadeIn(VGroup(heading, *steps), lag_ratio=0.2), run_time=1.2)
        self.slide_point("remedies", narration=(
            "What to do with a singular fit: first, simplify the random part, dropping the term whose "
            "variance is 0 or its correlation; second, check the data: enough groups, groups with one "
            "row, the grouping column coded right; third, if theory says the groups do differ, keep the "
            "term with a weak prior that holds τ₀ off 0, as blme or brms do."))

    # ------------------------------------------------------------------ the caterpillar panels
    def _plots(self, panels, fit, scenario, x_lims=None) -> list["_Plot"]:
        """One caterpillar per panel, side by side; a collapsed panel (a singular fit) keeps the
        x-range it collapses from (`x_lims`), so the eye sees the intervals shrink to 0."""
        width = PLOT_REGION.width / len(panels)
        plots = []
        for k, panel in enumerate(panels):
            region = Region(PLOT_REGION.left + k * width, PLOT_REGION.left + (k + 1) * width - 0.2,
                            PLOT_REGION.bottom, PLOT_REGION.top)
            ends = [row.lower for row in panel.rows] + [row.upper for row in panel.rows]
            x_lim = padded_range(ends, include=(0.0,))
            if max(ends) - min(ends) < 1e-3 * (fit.sigma or 1.0):    # every interval is (nearly) 0
                x_lim = x_lims[k] if x_lims and k < len(x_lims) else (-(fit.sigma or 1.0), fit.sigma or 1.0)
            plots.append(_Plot(panel, k, fit.family, fit.group_labels, scenario, self.theme, region, x_lim))
        return plots


class _Plot(VGroup):
    """One caterpillar: rows sorted by mode (lowest at the bottom), group labels in group colours
    (every k-th when there are many), a dashed 0 line, a dot and interval per group."""

    def __init__(self, panel, k, family, group_labels, scenario, theme, region, x_lim):
        super().__init__()
        rows = panel.rows
        J = len(rows)
        colour_of = {label: theme.group_color(j) for j, label in enumerate(group_labels)}
        step = max(1, -(-J // MAX_LABELLED_ROWS))
        ticks = {float(r): row.group for r, row in enumerate(rows) if r % step == 0}
        colours = {float(r): colour_of[row.group] for r, row in enumerate(rows)}
        scale = SCALE.get(family, scenario.y_label)
        axis = f"{term_symbol(panel.term, k)} ({scale})"
        group_label = scenario.group_label + ("" if step == 1 else f" (1 in {step} named)")
        self.axes = make_axes(x_lim, (-0.6, J - 0.4), axis, f"{group_label}: {term_name(panel.term)}",
                              theme, region=region, n_x=4 if region.width > 5 else 3, y_tick_labels=ticks,
                              y_tick_colors=colours)
        ax = self.axes
        self.zero = DashedLine(ax.c2p(0, ax.y_lim[0]), ax.c2p(0, ax.y_lim[1]), color=theme.grand_mean,
                               stroke_width=3, dash_length=0.09)
        spacing = abs(ax.y_to_scene(1.0) - ax.y_to_scene(0.0))
        radius = min(0.07, 0.35 * spacing)
        self.lines, self.dots, self._rows = VGroup(), VGroup(), {}
        for r, row in enumerate(rows):
            color = colour_of[row.group]
            line = Line(ax.c2p(row.lower, r), ax.c2p(row.upper, r), color=color, stroke_width=3,
                        stroke_opacity=0.8)
            dot = filled_mark(ax.c2p(row.mode, r), color, radius=radius)
            self.lines.add(line)
            self.dots.add(dot)
            self._rows[row.group] = VGroup(line, dot)
        self.add(self.axes, self.zero, self.lines, self.dots)

    def row_group(self, group: str) -> VGroup:
        return self._rows[group]

