"""How long a scene lingers at its slide points (no manim here: the pipeline reads it too).

A slide point's narration is captioned from the previous mark to its own. At the 'reading' pace
(the default) a slide point holds until that span is long enough to read its narration at
READING_CPS characters per second - subtitle guidelines ask for 15-17; the animations alone
would run the lecture's captions at ~40. 'brisk' holds only HOLD_SECONDS, for a lecturer who
talks over the video and pauses it. Holds are static frames: they cost almost nothing to render
or encode and never change a still.
"""
from __future__ import annotations

import os

PACE_ENV = "GLMM_EXPLAINER_PACE"
READING, BRISK = "reading", "brisk"
PACES = (READING, BRISK)
DEFAULT_PACE = READING
STILLS_PACE = BRISK  # a still is the same picture at any pace: the shortest holds do
HOLD_SECONDS = 0.8
READING_CPS = 15.0


def current_pace() -> str:
    pace = os.environ.get(PACE_ENV, "").strip().lower() or DEFAULT_PACE
    if pace not in PACES:
        raise ValueError(f"{PACE_ENV}={pace!r} is not a pace: use one of {', '.join(PACES)}")
    return pace


def reading_seconds(narration: str) -> float:
    """Time to read `narration` as a caption at the reading pace."""
    return len(" ".join(narration.split())) / READING_CPS
