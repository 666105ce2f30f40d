"""LectureScene: the base of every scene. It applies the theme, and marks slide points.

A slide point is a moment a lecturer would pause on; each scene declares its slide points (name
and narration, in order) as the class attribute `slides`, and calls `self.slide_point(name)` at
that moment in `construct`. Narration that names the fit's numbers (or differs per family) is
passed as `self.slide_point(name, narration=text)`: the text is stored in the slide point's mark
and the captions, handout and decks use it; the class's `slides` text, which the catalog reads
without rendering, is the fallback (`glmm-explainer list`, and marks without their own text).
The declared text may also name `{field}`s that the scene's `narration_values()` fills from its
fit (scenes/narration.py); the filled text is then the mark's. The same marks drive the stills
export (one PNG per slide point),
the slide decks, the chapter markers and the captions (narration timed between slide points).
A mark records when the picture stopped changing (`still_from`, the hold's start), so the
animated deck can cut each slide's animation out of the scene's video without its hold; a scene
names in `loop_slides` the slide points whose animation the deck should loop.
A narration may name the fit's numbers through `{name}` fields ("the pooled slope is
{pooled_slope}"): the scene returns their values from `narration_values()`, the render records
them, and the pipeline fills captions, handout and decks (scenes/narration.py); the catalog and
`list` show the template.

How long each slide point holds is the pace (scenes/pacing.py), or, when the narration is spoken,
until its speech has ended (set_narration_hold). What a scene reads besides its
code (the lecture input, presets, data files) it declares as class attributes (scenes/reads.py):
the render cache keys on them, and an undeclared read fails the render.
"""
from __future__ import annotations

import json
import os
from typing import Callable, ClassVar

from manim import Scene

from estimator.family_descriptions import FAMILY_NAMES
from scenes import reads
from scenes.narration import fill_narration
from scenes.screen_text import note_transforms, screen_numbers
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


# The pipeline may also say how long after the previous slide point a slide point may come at the
# earliest: fn(scene, name) -> seconds, or None for the pace's own rule. It does so when the
# narration is spoken (the slide point holds until its speech has ended) or replaced from a
# narration file (read at the reading pace from the text the captions will show).
_narration_hold: Callable[["LectureScene", str, str], float | None] | None = None
_narration_texts: dict[str, str] | None = None   # this render's texts by slide point (a narration file)


def set_narration_hold(hold: Callable[["LectureScene", str, str], float | None] | None) -> None:
    """The render worker's rule for how long slide point `name`, saying `text`, must hold."""
    global _narration_hold
    _narration_hold = hold


def set_narration_texts(texts: dict[str, str] | None) -> None:
    """The narration this render uses, by slide point: the declared texts, or a lecturer's own
    from a narration file (scripts/pipeline/narration.py)."""
    global _narration_texts
    _narration_texts = dict(texts) if texts else None


class LectureScene(Scene):
    """Subclasses set `description` (one line), `slides` ((name, narration), ...) and, if the
    scene needs the simulation's truth, `needs_truth = True` (skipped for a user's own data).
    They declare what they read: `reads_input = True` for the lecture input, `presets` for
    built-in presets they load, `data_files` for files next to their module, and
    `lecture_preset` for the preset they show when the user gave no input (scenes/reads.py)."""

    description: ClassVar[str] = ""
    slides: ClassVar[tuple[tuple[str, str], ...]] = ()
    needs_truth: ClassVar[bool] = False
    families: ClassVar[tuple[str, ...]] = FAMILY_NAMES    # every family, unless a scene says
    reads_input: ClassVar[bool] = False
    presets: ClassVar[tuple[str, ...]] = ()
    data_files: ClassVar[tuple[str, ...]] = ()
    # Slide points whose animation (from the previous slide point) the animated deck plays in a
    # loop instead of once, e.g. a parameter sweep; every other segment plays once and holds.
    loop_slides: ClassVar[tuple[str, ...]] = ()
    lecture_preset: ClassVar[str | None] = None
    plots_against_x: ClassVar[bool] = True   # False: draws no lines in x (no held-predictor note)

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

    def play(self, *animations, **kwargs):
        """Play, then note the Transforms (so screen_numbers reads what they now show)."""
        super().play(*animations, **kwargs)
        note_transforms(animations)

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

    def words_at(self, name: str, given: str | None = None) -> str:
        """What slide point `name` says in this render. A lecturer's own text (a narration file)
        wins, with its {fields} filled from the fit; else the scene's own words for this render
        (`given`, e.g. with the fit's numbers); else the declared text, its {fields} filled."""
        declared = dict(self.slides)[name]
        own = (_narration_texts or {}).get(name)
        if own is not None and own != declared:
            return fill_narration(own, self.narration_values())
        return given or self.narration(name)

    @classmethod
    def slide_names(cls) -> list[str]:
        return [name for name, _ in cls.slides]

    def slide_point(self, name: str, hold: float = HOLD_SECONDS, narration: str | None = None,
                    question: str | None = None, answer: str | None = None) -> None:
        """Hold (at least `hold` s; at the reading pace until the narration since the previous
        mark can be read), then mark this moment as slide point `name` (declared in `slides`).
        `narration`: this render's own words for the slide point (e.g. with the fit's numbers
        filled in); default the declared text. Predict, then reveal: `question` marks a slide
        point that poses a question before its answer is shown (the deck pauses there, the
        exercise sheet asks it); `answer` marks the slide point that reveals the answer to the
        scene's latest question, in words from the fit (the answer key)."""
        names = self.slide_names()
        if name not in names:
            raise ValueError(f"{type(self).__name__}: slide point '{name}' is not declared in slides")
        expected = names[len(self.marks)] if len(self.marks) < len(names) else None
        if name != expected:
            raise ValueError(f"{type(self).__name__}: slide point '{name}' out of order (expected {expected})")
        unknown = sorted(set(self.loop_slides) - set(names))
        if unknown:
            raise ValueError(f"{type(self).__name__}: loop_slides names undeclared slide "
                             f"point(s): {', '.join(unknown)}")
        narration = self.words_at(name, narration)
        needed = _narration_hold(self, name, narration) if _narration_hold is not None else None
        if needed is None and self.pace == READING:
            needed = reading_seconds(narration)
        if needed is not None:
            since = float(self.renderer.time) - (self.marks[-1]["time"] if self.marks else 0.0)
            hold = max(hold, needed - since)
        still_from = float(self.renderer.time)  # the picture stops changing here (the hold)
        if hold > 0:
            self.wait(hold)
        index = len(self.marks) + 1
        mark = {"index": index, "name": name, "time": float(self.renderer.time),
                "still_from": still_from, "loop": name in self.loop_slides,
                "screen": screen_numbers([*self.mobjects, *self.foreground_mobjects])}
        if narration != dict(self.slides)[name]:   # the render's own words (e.g. the fit's numbers)
            mark["narration"] = " ".join(narration.split())
        if question:
            mark["question"] = " ".join(question.split())
        if answer:
            mark["answer"] = " ".join(answer.split())
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
