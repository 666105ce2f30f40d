"""A scene that fails, for the pipeline's error tests (registered via GLMM_EXPLAINER_SCENE_MODULES)."""
from __future__ import annotations

from scenes.base import LectureScene


class Broken(LectureScene):
    description = "Raises in construct."
    slides = (("never", "Never reached."),)

    def construct(self):
        raise RuntimeError("boom: this scene is broken on purpose")
