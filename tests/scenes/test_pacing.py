"""The pace: at 'reading' every slide point lingers until its narration (captioned from the
previous mark) can be read at READING_CPS; at 'brisk' it holds HOLD_SECONDS; a bad value is a
one-line error naming the choices."""
from __future__ import annotations

import pytest
from manim import FadeIn, Square, tempconfig

from scenes.base import LectureScene
from scenes.pacing import HOLD_SECONDS, PACE_ENV, READING_CPS, current_pace, reading_seconds

LONG = ("This narration is deliberately long: a viewer needs several seconds to read it, far "
        "longer than the one-second animation before it.")


class PacedCard(LectureScene):
    slides = (("long", LONG), ("short", "Short."), ("silent", ""))

    def construct(self):
        self.play(FadeIn(Square()), run_time=1.0)
        self.slide_point("long")
        self.slide_point("short")
        self.play(FadeIn(Square().shift(2)), run_time=1.0)
        self.slide_point("silent", hold=0.3)


def _marks(monkeypatch, pace: str) -> dict[str, float]:
    monkeypatch.setenv(PACE_ENV, pace)
    with tempconfig({"quality": "low_quality", "frame_rate": 10, "write_to_movie": False,
                     "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR"}):
        scene = PacedCard()
        scene.render()
    return {mark["name"]: mark["time"] for mark in scene.marks}


def test_reading_pace_waits_until_the_narration_can_be_read(monkeypatch):
    marks = _marks(monkeypatch, "reading")
    assert marks["long"] == pytest.approx(reading_seconds(LONG), abs=0.11)  # 1 s play + hold
    assert reading_seconds(LONG) == pytest.approx(len(LONG) / READING_CPS)
    # short narration: the minimum hold; no narration: the scene's own hold
    assert marks["short"] - marks["long"] == pytest.approx(HOLD_SECONDS, abs=0.11)
    assert marks["silent"] - marks["short"] == pytest.approx(1.3, abs=0.11)


def test_brisk_pace_only_holds_briefly(monkeypatch):
    marks = _marks(monkeypatch, "brisk")
    assert marks["long"] == pytest.approx(1.0 + HOLD_SECONDS, abs=0.11)
    assert marks["silent"] - marks["short"] == pytest.approx(1.3, abs=0.11)


def test_unknown_pace_names_the_choices(monkeypatch):
    monkeypatch.setenv(PACE_ENV, "slow")
    with pytest.raises(ValueError, match="reading, brisk"):
        current_pace()
    monkeypatch.delenv(PACE_ENV)
    assert current_pace() == "reading"
