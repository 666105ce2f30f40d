"""Simpson's reversal explained, not only flagged: split x into the group's mean and the deviation
from it (group-mean centring), fit y ~ x_within + x_mean + (1 | g), and the one pooled slope comes
apart into a within-group slope, a between-group slope (through the groups' centres) and their
difference, the contextual effect. The pooled slope mixes the two: when the groups' mean x runs
against the within-group trend, the mix points the wrong way.

Every slope, line and centre comes from estimator.centring (decompose, through the public fit()).
When the lecture's data show no reversal (or are not Gaussian), the simpson preset is shown,
and the panel says so.
"""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter, Indicate,
                   LaggedStart, MoveToTarget, Text, Transform, VGroup)

from estimator.centring import decompose
from estimator.errors import InputError
from estimator.family_descriptions import describe_family
from scenes.base import LectureScene
from scenes.context import lecture_input, preset_input
from scenes.theme import FONT, LABEL_SIZE, fmt
from scenes.vocab import (PANEL_REGION, Readout, Region, data_cloud, filled_mark, fitted_line,
                          group_lines, make_axes, math_tex, padded_range, side_panel, title_text,
                          wrapped_code, wrapped_text, x_axis_limits)

SIZE = 20
PRESET_NOTE = "shown with the simpson preset: the lecture's data do not reverse"


def preset_note(family: str) -> str:
    """Why the preset stands in, truly: a Gaussian lecture's data do not reverse; any other
    family's might, but the decomposition is drawn for a Gaussian model (centres on the y scale)."""
    if family == "gaussian":
        return PRESET_NOTE
    return f"shown with the simpson preset: drawn for Gaussian data, not a {describe_family(family).title}"


def reversal_input():
    """(lecture input, its decomposition, note): the lecture's own data when they are Gaussian and
    reverse, else the simpson preset (and a note saying why)."""
    lecture = lecture_input()
    if lecture.family == "gaussian":
        try:
            own = decompose(lecture.formula, lecture.table, lecture.family, lecture.trials)
        except InputError:
            own = None
        if own is not None and own.reversed:
            return lecture, own, None
    preset = preset_input("simpson")
    return preset, decompose(preset.formula, preset.table), preset_note(lecture.family)


def _narration(key: str, d, reversed_: bool) -> str:
    if key == "pooled":
        return (f"One line through all the points: the naive pooled slope is {fmt(d.pooled_slope)}. "
                "But x varies in two ways at once: between groups and within them.")
    if key == "split":
        return ("Split each x into its group's mean and its distance from that mean: x = x̄ⱼ + (x − x̄ⱼ). "
                "Every point first moves to its group's mean x, the between part, then back by its own "
                "deviation, the within part. The big marks are the groups' centres; both parts enter "
                "the model as predictors.")
    if key == "within":
        return (f"Inside a group, a larger x goes with a larger y: the within-group slope is "
                f"{fmt(d.within_slope)}, the same for every group's line.")
    if key == "between":
        return (f"Across groups, the centres tell a different story: the between-group slope through "
                f"them is {fmt(d.between_slope)}.")
    verdict = ("The pooled slope mixes the two, and here the between-group part wins: the pooled line "
               "nearly follows the centres. That is the reversal."
               if reversed_ else "The pooled slope mixes the two.")
    return (f"The contextual effect, between minus within, is {fmt(d.contextual)}: what a group's mean x "
            f"adds beyond a person's own x. {verdict}")


class SimpsonDecomposed(LectureScene):
    """Pooled slope -> within slope + between slope; the contextual effect explains the reversal."""

    description = ("Simpson's reversal decomposed: group-mean centring splits x into x_mean and x_within; "
                   "within, between and contextual slopes beside the naive pooled slope.")
    reads_input = True
    presets = ("simpson",)   # shown when the lecture's data do not reverse
    slides = (
        ("pooled", "One line through all the points: the naive pooled slope. But x varies in two ways "
                   "at once: between groups and within them."),
        ("split", "Split each x into its group's mean and its distance from that mean: "
                  "x = x̄ⱼ + (x − x̄ⱼ). Both parts enter the model as predictors."),
        ("within", "Inside a group, the within-group slope: the same for every group's line."),
        ("between", "Across groups, the between-group slope through the groups' centres."),
        ("contextual", "The contextual effect, between minus within: what a group's mean x adds beyond "
                       "the individual x. The pooled slope mixes the two slopes."),
    )
    title = "Simpson's paradox, decomposed"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture, d, note_text = reversal_input()
        s = lecture.scenario
        x, y, g, labels = lecture.arrays()
        spans = [(float(x[g == j].min()), float(x[g == j].max())) for j in range(len(labels))]
        centres = [d.group_means[label] for label in labels]

        # Section: the plot and the naive pooled line
        axes = make_axes(x_axis_limits(x, s if lecture.has_truth else None), padded_range(y), s.x_label,
                         s.y_label, theme)
        cloud = data_cloud(axes, x, y, g, theme, uncoloured=True, opacity=0.6)
        pooled_line = fitted_line(axes, *d.pooled_line, theme.complete, stroke_width=5)
        rows = [Readout(r"\hat\beta =", d.pooled_slope, theme, prefix="pooled", color=theme.complete,
                        size=SIZE, key="pooled_slope", recorder=rec),
                Readout(r"\hat\beta_W =", d.within_slope, theme, prefix="within", color=theme.partial,
                        size=SIZE, key="within_slope", recorder=rec),
                Readout(r"\hat\beta_B =", d.between_slope, theme, prefix="between", color=theme.grand_mean,
                        size=SIZE, key="between_slope", recorder=rec),
                Readout(r"\hat\beta_B - \hat\beta_W =", d.contextual, theme, prefix="contextual",
                        color=theme.foreground, size=SIZE, key="contextual", recorder=rec)]
        split = math_tex(r"x_{ij} = \bar x_j + (x_{ij} - \bar x_j)", theme, size=28)
        # broken after a ' +' rather than scaled to the panel's width (it was 14.7 pt)
        syntax = wrapped_code(d.formula, PANEL_REGION.width, theme, size=LABEL_SIZE)
        centre_key = Text("○ big marks: group centres (x̄ⱼ, ȳⱼ)", font=FONT, font_size=LABEL_SIZE,
                          color=theme.muted)
        panel = side_panel(split, syntax, centre_key, *rows, buff=0.17)
        note = (Text(note_text, font=FONT, font_size=LABEL_SIZE, color=theme.muted) if note_text else None)
        if note is not None:
            if note.width > PANEL_REGION.width:
                note = wrapped_text(note_text, PANEL_REGION.width, theme, size=LABEL_SIZE, color=theme.muted)
            note.move_to([PANEL_REGION.left + note.width / 2, PANEL_REGION.bottom + note.height / 2, 0])
        self.add(title_text(self.title, theme))
        self.play(Create(axes), FadeIn(cloud), *([FadeIn(note)] if note else []), run_time=1.0)
        self.play(Create(pooled_line), FadeIn(rows[0]), run_time=1.0)
        self.slide_point("pooled", narration=_narration("pooled", d, d.reversed))

        # Section: colour the groups, mark their centres, show the split and the model
        marks = VGroup()
        for j, (mx, my) in enumerate(centres):
            point = axes.c2p(mx, my)
            marks.add(VGroup(filled_mark(point, theme.group_color(j), radius=0.13),
                             Circle(radius=0.13, color=theme.foreground, stroke_width=2.5).move_to(point)))
        self.play(Transform(cloud, cloud.coloured()), pooled_line.animate.set_stroke(opacity=0.4),
                  FadeIn(split), run_time=1.0)
        # the between part: every point at its group's mean x; then back by its within part
        spread = cloud.copy()
        collapsed = cloud.copy()
        for j, (mx, _) in enumerate(centres):
            for mark, yi in zip(collapsed.groups[j], y[g == j]):
                mark.move_to(axes.c2p(mx, float(yi)))
        self.play(Transform(cloud, collapsed), run_time=1.2)
        self.play(LaggedStart(*[GrowFromCenter(m) for m in marks], lag_ratio=0.1), FadeIn(syntax),
                  FadeIn(centre_key), run_time=1.0)
        self.play(Transform(cloud, spread), run_time=1.2)
        self.slide_point("split", narration=_narration("split", d, d.reversed))

        # Section: the within-group slope: one slope, each group at its own level
        within = group_lines(axes, [d.within_lines[label] for label in labels], theme, x_spans=spans,
                             stroke_width=3.5)
        self.play(LaggedStart(*[Create(line) for line in within], lag_ratio=0.08), FadeIn(rows[1]),
                  run_time=1.4)
        self.slide_point("within", narration=_narration("within", d, d.reversed))

        # Section: the between-group slope through the centres
        lo, hi = min(c[0] for c in centres), max(c[0] for c in centres)
        between = fitted_line(axes, *d.between_line, theme.grand_mean, x_span=(lo, hi), stroke_width=5,
                              dashed=True)
        self.play(Create(between), pooled_line.animate.set_stroke(opacity=0.25),
                  Indicate(marks, color=theme.grand_mean, scale_factor=1.15),
                  FadeIn(rows[2]), run_time=1.4)
        self.slide_point("between", narration=_narration("between", d, d.reversed))

        # Section: the contextual effect and the slopes side by side, with their signs
        mix = "Pooled = a mix of within and between" + (": here between wins, so the sign flips."
                                                        if d.reversed else ".")
        verdict = wrapped_text(mix, PANEL_REGION.width, theme, size=LABEL_SIZE)
        verdict.move_to(split.get_corner(LEFT + UP), aligned_edge=LEFT + UP)
        # the readouts move up into the room the split, the formula and the key leave: below them
        # the chart had too little height (its row labels thinned, and their note ran into the
        # readouts, with the preset note at the bottom)
        readouts = VGroup(*rows)
        readouts.generate_target()
        readouts.target.next_to(verdict, DOWN, buff=0.3).align_to(readouts, LEFT)
        if readouts.target.get_top()[1] < readouts.get_top()[1]:
            readouts.target.move_to(readouts)
        chart = self._slope_chart(d, readouts.target, note)
        self.play(FadeIn(rows[3]), run_time=0.6)
        self.play(FadeOut(VGroup(split, syntax, centre_key)), FadeIn(verdict), MoveToTarget(readouts),
                  run_time=0.8)
        self.play(FadeIn(chart), run_time=1.0)
        self.slide_point("contextual", narration=_narration("contextual", d, d.reversed))

    def _slope_chart(self, d, panel, note) -> VGroup:
        """The four slopes as marks on one number line each, zero dashed, signs named, between the
        readouts and the preset note."""
        theme = self.theme
        bottom = (note.get_top()[1] + 0.2) if note is not None else PANEL_REGION.bottom
        region = Region(PANEL_REGION.left, PANEL_REGION.right, bottom, panel.get_bottom()[1] - 0.3)
        entries = [(3.0, "pooled", d.pooled_slope, theme.complete), (2.0, "within", d.within_slope, theme.partial),
                   (1.0, "between", d.between_slope, theme.grand_mean),
                   (0.0, "contextual", d.contextual, theme.foreground)]
        values = [v for _, _, v, _ in entries]
        chart = make_axes(padded_range(values, 0.12, include=(0.0,)), (-0.6, 3.6), "slope", "", theme,
                          region=region, n_x=4, y_tick_labels={r: name for r, name, _, _ in entries},
                          y_tick_colors={r: c for r, _, _, c in entries})
        zero = DashedLine(chart.c2p(0, -0.6), chart.c2p(0, 3.6), color=theme.muted, stroke_width=2,
                          dash_length=0.06)
        dots = VGroup(*[filled_mark(chart.c2p(v, r), c, radius=0.09) for r, _, v, c in entries])
        signs = VGroup(Text("< 0", font=FONT, font_size=LABEL_SIZE, color=theme.muted),
                       Text("> 0", font=FONT, font_size=LABEL_SIZE, color=theme.muted))
        signs[0].next_to(chart.c2p(0, 3.6), LEFT, buff=0.12).shift(UP * 0.12)
        signs[1].next_to(chart.c2p(0, 3.6), RIGHT, buff=0.12).shift(UP * 0.12)
        return VGroup(chart, zero, dots, signs)
