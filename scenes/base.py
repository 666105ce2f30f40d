"""LectureScene: the base of every scene. It applies the theme, and marks slide points.

A slide point is a moment a lecturer would pause on; each scene declares its slide points (name
and narration, in order) as the class attribute `slides`, and calls `self.slide_point(name)` at
that moment in `construct`. The same marks drive the stills export (one PNG per slide point),
the slide decks, the chapter markers and the captions (narration timed between slide points).
A narration may name the fit's numbers through `{name}` fields ("the pooled slope is
{pooled_slope}"): the scene returns their values from `narration_values()`, the render records
them, and the pipeline fills captions, handout and decks (scenes/narration.py); the catalog and
`list` show the template.

How long each slide point holds is the pace (scenes/pacing.py). What a scene reads besides its
code (the lecture input, presets, data files) it declares as class attributes (scenes/reads.py):
the render cache keys on them, and an undeclared read fails the render.
"""
from __future__ import annotations

import json
import os
from typing import Callable, ClassVar

from manim import Scene

from scenes import reads
from scenes.narration import fill_narration
from scenes.pacing import HOLD_SECONDS, READING, current_pace, reading_seconds
from scenes.theme import current_theme

STILLS_ENV = "GLMM_EXPLAINER_STILLS_DIR"
MARKS_ENV = "GLMM_EXPLAINER_MARKS_FILE"

# The render pipeline may install its own capture (PNG/SVG/PDF, transparency) with
# set_still_writer(fn); fn(scene, index, name) is called at every slide point.
_still_writer: Callable[["LectureScene", int, str], None] | None = None


def set_still_writer(writer: Callable[["LectureScene", int, str], None] | None) -> None:
    global _still_writer
    _still_writer = writer


class LectureScene(Scene):
    """Subclasses set `description` (one line), `slides` ((name, narration), ...) and, if the
    scene needs the simulation's truth, `needs_truth = True` (skipped for a user's own data).
    They declare what they read: `reads_input = True` for the lecture input, `presets` for
    built-in presets they load, `data_files` for files next to their module (scenes/reads.py)."""

    description: ClassVar[str] = ""
    slides: ClassVar[tuple[tuple[str, str], ...]] = ()
    needs_truth: ClassVar[bool] = False
    families: ClassVar[tuple[str, ...]] = ("gaussian", "poisson", "binomial", "gamma")
    reads_input: ClassVar[bool] = False
    presets: ClassVar[tuple[str, ...]] = ()
    data_files: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs):
        """Every construct runs with its scene's declared reads active (scenes/reads.py)."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("construct")
        if own is not None and not getattr(own, "checks_reads", False):
            cls.construct = reads.checked_construct(own)

    def setup(self):
        self.theme = current_theme()
        self.pace = current_pace()
        self.camera.background_color = self.theme.background
        self.marks: list[dict] = []
        self.displayed: dict[str, float] = {}

    def record_number(self, key: str, value: float) -> float:
        """Note a number this scene puts on screen, so tests can check it equals the fit's."""
        self.displayed[key] = float("nan") if value is None else float(value)  # None: shown as NA
        return value

    def narration_values(self) -> dict:
        """Values for the `{name}` fields of this scene's narration, from its fit (strings as
        shown on screen); scenes whose narration names numbers override it. Called after
        construct has set up what it reads, at slide points and at the end."""
        return {}

    def narration(self, name: str) -> str:
        """Slide point `name`'s narration with the fit's numbers filled in."""
        return fill_narration(dict(self.slides)[name], self.narration_values())

    @classmethod
    def slide_names(cls) -> list[str]:
        return [name for name, _ in cls.slides]

    def slide_point(self, name: str, hold: float = HOLD_SECONDS, narration: str | None = None) -> None:
        """Hold (at least `hold` s; at the reading pace until the narration since the previous
        mark can be read), then mark this moment as slide point `name` (declared in `slides`).
        `narration`: this render's own words for the slide point; default the declared text with
        its `{fields}` filled from narration_values(). Words that differ from the declared text
        are stored in the mark, which captions, handout and decks read first."""
        names = self.slide_names()
        if name not in names:
            raise ValueError(f"{type(self).__name__}: slide point '{name}' is not declared in slides")
        expected = names[len(self.marks)] if len(self.marks) < len(names) else None
        if name != expected:
            raise ValueError(f"{type(self).__name__}: slide point '{name}' out of order (expected {expected})")
        if self.pace == READING:
            since = float(self.renderer.time) - (self.marks[-1]["time"] if self.marks else 0.0)
            hold = max(hold, reading_seconds(narration or self.narration(name)) - since)
        if hold > 0:
            self.wait(hold)
        index = len(self.marks) + 1
        mark = {"index": index, "name": name, "time": float(self.renderer.time)}
        said = narration or self.narration(name)
        if said != dict(self.slides)[name]:
            mark["narration"] = " ".join(said.split())
        self.marks.append(mark)
        if _still_writer is not None:
            _still_writer(self, index, name)
            return
        stills_dir = os.environ.get(STILLS_ENV)
        if stills_dir:
            self._save_still(os.path.join(stills_dir, self.still_name(index, name)))

    @classmethod
    def still_name(cls, index: int, name: str) -> str:
        return f"{cls.__name__}-{index:02d}-{name}.png"

    def _save_still(self, path: str) -> None:
        from PIL import Image

        from manim.utils.iterables import list_update

        # from the background up: the renderer's cached image of static mobjects (left by a
        # frozen wait) would otherwise be drawn under them a second time
        self.camera.reset()
        self.camera.capture_mobjects(list_update(self.mobjects, self.foreground_mobjects))
        image = Image.fromarray(self.camera.pixel_array.copy())
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".tmp.png"
        image.save(tmp)
        os.replace(tmp, path)

    def tear_down(self):
        missing = self.slide_names()[len(self.marks):]
        if missing:
            raise ValueError(f"{type(self).__name__}: slide points never reached: {', '.join(missing)}")
        marks_file = os.environ.get(MARKS_ENV)
        if marks_file:
            tmp = marks_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump({"scene": type(self).__name__, "duration": float(self.renderer.time),
                           "marks": self.marks, "numbers": self.displayed,
                           "narration_values": self.narration_values()}, handle)
            os.replace(tmp, marks_file)
