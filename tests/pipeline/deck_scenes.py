"""A tiny scene for the animated deck's tests (registered through GLMM_EXPLAINER_SCENE_MODULES):
three slide points in ~2 s at low quality, no TeX. Its last slide point asks the deck to loop
its animation (`loop_slides`), which goes out and back so the loop is seamless. The first poses a
question that the second answers (predict, then reveal)."""
from __future__ import annotations

from manim import LEFT, RIGHT, UP, Dot, FadeIn, Square, Text

from scenes.base import LectureScene
from scenes.theme import BODY_SIZE, FONT


class DeckCard(LectureScene):
    description = "Three slide points for the deck tests; the last one loops."
    slides = (("dot", "A dot appears."),
              ("moved", "The dot moves right and a square appears."),
              ("orbit", "The dot goes back and forth, in a loop."))
    loop_slides = ("orbit",)

    def construct(self):
        label = Text("Deck test", font=FONT, font_size=BODY_SIZE,
                     color=self.theme.foreground).to_edge(UP)
        dot = Dot(LEFT * 3, radius=0.3, color=self.theme.partial)
        self.play(FadeIn(label), FadeIn(dot), run_time=0.4)
        self.slide_point("dot", hold=0.2, question="Where will the dot go?")
        square = Square(side_length=1.2, color=self.theme.no_pool).shift(LEFT * 3)
        self.play(dot.animate.shift(RIGHT * 6), FadeIn(square), run_time=0.8)
        self.slide_point("moved", hold=0.2, answer="Right, beside a square.")
        self.play(dot.animate.shift(LEFT * 3), run_time=0.4)
        self.play(dot.animate.shift(RIGHT * 3), run_time=0.4)
        self.slide_point("orbit", hold=0.2)
