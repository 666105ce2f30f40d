"""How the scene tests render: straight through manim (no pipeline), at the lowest quality and
10 fps, with a still saved at every slide point; and how they point a scene at a preset."""
from __future__ import annotations

from pathlib import Path

from manim import tempconfig

from scenes import context
from scenes.base import STILLS_ENV
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
