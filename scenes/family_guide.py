"""Which likelihood for which data: the four families side by side, each with its data, its
link and its lme4/glmmTMB call (broken to the cell's width by scenes.link_functions.r_lines, as in
the link scenes' guides). Draws no data: the words come from estimator.family_descriptions.
"""
from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, LaggedStart, Text, VGroup

from estimator.family_descriptions import FAMILY_NAMES, describe_family
from scenes.base import LectureScene
from scenes.link_functions import r_lines
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE
from scenes.vocab import CONTENT_REGION, code_text, fit_in_region, math_tex, title_text


class FamilyGuide(LectureScene):
    """Which likelihood for which data: the four families side by side."""

    description = "Which family for which data: Gaussian, Poisson, logistic, Gamma with lme4/brms syntax."
    slides = (("guide", "The mixed-model idea carries over to every family: choose the likelihood "
                        "that matches the data, and the link that keeps the mean in its range. "
                        + " ".join(describe_family(n).guide for n in FAMILY_NAMES)),)
    title = "Which family for which data"

    def construct(self):
        theme = self.theme
        rows = VGroup()
        for name in FAMILY_NAMES:
            desc = describe_family(name)
            rows.add(VGroup(
                Text(desc.label, font=FONT, font_size=SMALL_SIZE + 2, color=theme.partial),
                Text(desc.data_detail, font=FONT, font_size=SMALL_SIZE, color=theme.foreground),
                math_tex(desc.link_tex, theme, size=28),
                code_text(r_lines(desc.reference_call("y ~ x + (1 | g)"), chars=34), theme, LABEL_SIZE, theme.muted,
                          line_spacing=0.8),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.14))
        grid = rows.arrange_in_grid(rows=2, cols=2, buff=(1.0, 0.7), cell_alignment=LEFT + UP)
        region = CONTENT_REGION.inset(0.3, 0.3)
        grid.scale(min(region.width / grid.width, region.height / grid.height))
        fit_in_region(grid, region, "center", "center")
        self.add(title_text(self.title, theme))
        self.play(LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.25), run_time=2.0)
        self.slide_point("guide")
