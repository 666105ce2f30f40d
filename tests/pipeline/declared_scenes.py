"""Tiny scenes for the cache-key tests (tests/pipeline/test_cache_keys.py), registered through
GLMM_EXPLAINER_SCENE_MODULES; never part of the lecture. Each draws one number from what it
reads, so a stale cache entry would show the wrong number."""
from __future__ import annotations

from manim import Text

from scenes.base import LectureScene
from scenes.context import lecture_input, preset_input
from scenes.theme import BODY_SIZE, FONT


class PresetCard(LectureScene):
    description = "Shows the fan-out preset's number of groups, whatever the lecture input is."
    slides = (("groups", "The fan-out preset's groups."),)
    presets = ("fan-out",)

    def construct(self):
        n = preset_input("fan-out").scenario.n_groups
        self.record_number("n_groups", n)
        self.add(Text(f"{n} groups", font=FONT, font_size=BODY_SIZE, color=self.theme.foreground))
        self.slide_point("groups", hold=0.2)


class SilentInput(LectureScene):
    description = "Reads the lecture input without declaring it (must fail)."
    slides = (("groups", "Never reached."),)

    def construct(self):
        self.add(Text(str(lecture_input().scenario.n_groups), font=FONT, font_size=BODY_SIZE))
        self.slide_point("groups", hold=0.2)


class SilentPreset(LectureScene):
    description = "Reads a preset it does not declare (must fail)."
    slides = (("groups", "Never reached."),)
    presets = ("fan-out",)

    def construct(self):
        self.add(Text(str(preset_input("poisson").scenario.n_groups), font=FONT, font_size=BODY_SIZE))
        self.slide_point("groups", hold=0.2)
