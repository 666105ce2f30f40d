"""Scene notes: one short muted line at the right end of the title strip, saying what the viewer
should know about the data on screen ("shown with the simpson preset", "other predictors held
at: Sex = Female"). The one place that draws them: scenes/context.py puts a note on the
rendering scene when it hands the scene other data than the lecture's (a lecture preset) or
when the plotted lines hold other predictors fixed, so no scene has to place notes itself.

Scenes may also call `add_scene_note(self, text)` for a note of their own; notes stack
downwards in the corner, and the same text is added once.
"""
from __future__ import annotations

from manim import DOWN, RIGHT, Text, VGroup

from scenes.theme import FONT, LABEL_SIZE
from scenes.vocab.layout import TITLE_REGION

NOTE_WIDTH = 3.0   # scene units: the title strip's right end beside a title of ~6 words


def scene_note(text: str, theme) -> VGroup:
    """A note as one or two right-aligned lines of the smallest readable text, vertically
    centred at the right end of the title strip (two lines when one would be too wide; scaled
    down only if two lines are still too wide)."""
    lines = [text]
    if _width(text) > NOTE_WIDTH and " " in text:
        words = text.split(" ")
        cuts = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
        lines = list(min(cuts, key=lambda pair: max(_width(pair[0]), _width(pair[1]))))
    note = VGroup(*[Text(line, font=FONT, font_size=LABEL_SIZE, color=theme.muted) for line in lines])
    note.arrange(DOWN, aligned_edge=RIGHT, buff=0.08)
    if note.width > NOTE_WIDTH:
        note.scale_to_fit_width(NOTE_WIDTH)
    if note.height > TITLE_REGION.height:
        note.scale_to_fit_height(TITLE_REGION.height)
    note.move_to([TITLE_REGION.right - note.width / 2, TITLE_REGION.center[1], 0])
    return note


def _width(text: str) -> float:
    return Text(text, font=FONT, font_size=LABEL_SIZE).width


def add_scene_note(scene, text: str):
    """Add `text` as a note on `scene` (kept in front; below the scene's earlier notes); the
    texts shown are listed in `scene.notes` (the tests read them)."""
    notes = scene.__dict__.setdefault("notes", [])
    mobjects = scene.__dict__.setdefault("_note_mobjects", [])
    if text in notes:
        return None
    note = scene_note(text, scene.theme)
    if mobjects:
        note.next_to(mobjects[-1], DOWN, buff=0.06).align_to(mobjects[-1], RIGHT)
    notes.append(text)
    mobjects.append(note)
    scene.add_foreground_mobject(note)
    return note
