"""How the scene tests render: straight through manim (no pipeline), at the lowest quality and
10 fps, with a still saved at every slide point, optionally with the layout checked at each
one; and how they point a scene at a preset."""
from __future__ import annotations

import itertools
import math
from pathlib import Path

from manim import MathTex, Text, tempconfig

from scenes import context
from scenes.base import HOLD_SECONDS, STILLS_ENV
from scenes.vocab import SAFE_REGION
from estimator.presets import load_preset


def use_preset(monkeypatch, tmp_path, preset: str) -> context.LectureInput:
    path = tmp_path / f"{preset}.json"
    context.write_input_file(str(path), load_preset(preset))
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    return context.lecture_input()


def render_low(scene_cls, tmp_path, monkeypatch):
    """Render `scene_cls`; check it wrote a movie and one still per declared slide point."""
    stills = tmp_path / "stills"
    monkeypatch.setenv(STILLS_ENV, str(stills))
    with tempconfig({"quality": "low_quality", "media_dir": str(tmp_path / "media"),
                     "disable_caching": True, "frame_rate": 10, "progress_bar": "none",
                     "verbosity": "ERROR"}):
        scene = scene_cls()
        scene.render()
        movie = Path(scene.renderer.file_writer.movie_file_path)
    assert movie.is_file() and movie.stat().st_size > 0
    for index, name in enumerate(scene_cls.slide_names(), start=1):
        assert (stills / scene_cls.still_name(index, name)).is_file(), name
    return scene


def outermost(scene, kinds) -> list:
    """Every outermost mobject of one of `kinds` on screen now (not descending into one)."""
    found = []

    def walk(mobject):
        if isinstance(mobject, kinds):
            found.append(mobject)
            return
        for sub in mobject.submobjects:
            walk(sub)

    for mobject in scene.mobjects:
        walk(mobject)
    return found


def visible_texts(scene) -> list:
    """Every outermost Text / MathTex on screen now that can be seen (not faded out, not empty)."""
    return [m for m in outermost(scene, (Text, MathTex)) if m.get_fill_opacity() > 0.05 and m.width > 0]


def assert_layout(scene, where: str) -> None:
    """Some text is shown, all of it inside the safe area, and no two texts overlap: what a
    handout still made at this slide point must look like."""
    texts = visible_texts(scene)
    assert texts, where
    for t in texts:
        assert SAFE_REGION.contains(t, tol=0.02), (where, "outside the safe area", t)
    for a, b in itertools.combinations(texts, 2):
        overlap_x = min(a.get_right()[0], b.get_right()[0]) - max(a.get_left()[0], b.get_left()[0])
        overlap_y = min(a.get_top()[1], b.get_top()[1]) - max(a.get_bottom()[1], b.get_bottom()[1])
        assert overlap_x <= 0.03 or overlap_y <= 0.03, (where, "texts overlap", a, b)


def text_size(text: Text) -> float:
    """The size a Text is drawn at, in font points (LABEL_SIZE = 18 is the smallest readable at
    720p): its font size times how much it was scaled since. Measured by area, which a rotation
    keeps (a y-axis title), where manim's `font_size` reads the height alone."""
    if "\n" in text.original_text:
        return text.font_size
    fresh = Text(text.original_text, font=text.font, font_size=text._font_size)
    return text._font_size * math.sqrt(text.width * text.height / (fresh.width * fresh.height))


def assert_readable(scene, where: str, min_size: float) -> None:
    """Every Text on screen is drawn at `min_size` points or more (none shrunk to fit)."""
    for t in visible_texts(scene):
        if isinstance(t, Text):
            assert text_size(t) >= min_size - 0.05, (where, "below the readable size", round(text_size(t), 1),
                                                     t.original_text)


def render_checked(scene_cls, tmp_path, monkeypatch, min_size: float | None = None):
    """`render_low`, with the layout checked at every slide point (each one is a handout still),
    and, given `min_size`, every text's size."""
    class Checked(scene_cls):
        def slide_point(self, name, hold=HOLD_SECONDS, **options):
            super().slide_point(name, hold, **options)
            assert_layout(self, f"{scene_cls.__name__}/{name}")
            if min_size is not None:
                assert_readable(self, f"{scene_cls.__name__}/{name}", min_size)

    Checked.__name__ = Checked.__qualname__ = scene_cls.__name__
    return render_low(Checked, tmp_path, monkeypatch)
