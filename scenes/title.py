"""The lecture's opening card: what mixed models are for, and the model in one line."""
from __future__ import annotations

from manim import DOWN, UP, FadeIn, MathTex, Text, Write

from scenes.base import LectureScene
from scenes.context import lecture_input
from scenes.theme import BODY_SIZE, FONT, TITLE_SIZE


class TitleCard(LectureScene):
    description = "Opening card: grouped data and the mixed model in one line."
    reads_input = True
    slides = (("model", "Observations come in groups: pupils in schools, patients in clinics. "
                        "A mixed model gives every group its own deviation u0j from the common line."),)

    def construct(self):
        lecture = lecture_input()
        s = lecture.scenario
        title = Text("Mixed models, one idea at a time", font=FONT, font_size=TITLE_SIZE,
                     color=self.theme.foreground).to_edge(UP, buff=0.6)
        model = MathTex(r"y_{ij} = \gamma_{00} + \gamma_{10}\,x_{ij} + u_{0j} + \varepsilon_{ij}",
                        color=self.theme.foreground).scale(1.1)
        model[0][4:7].set_color(self.theme.grand_mean)
        if lecture.has_truth:
            who = f"{s.n_groups} {s.group_label}s"
        else:   # a user's CSV: count its groups, name its grouping column
            who = f"{len(lecture.arrays()[3])} groups of {s.group_label}"
        subtitle = Text(f"{who}, {s.y_label} against {s.x_label}", font=FONT,
                        font_size=BODY_SIZE, color=self.theme.muted).next_to(model, DOWN, buff=0.6)
        self.play(FadeIn(title))
        self.play(Write(model), run_time=1.5)
        self.play(FadeIn(subtitle))
        self.slide_point("model")
