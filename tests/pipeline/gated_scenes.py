"""Scenes that stop in the middle of their video until a test lets them go, for the fault tests
(tests/pipeline/test_faults.py; registered through GLMM_EXPLAINER_SCENE_MODULES next to
sample_scenes.py).

GatedCard plays half a second and passes its slide point (so its ffmpeg is running, its partial
MP4 and its still exist), writes <GLMM_TEST_GATE>/reached-GatedCard holding the worker's pid,
then waits until <GLMM_TEST_GATE>/open exists (at most 120 s) before it plays its last half
second. Without GLMM_TEST_GATE it does not wait. A signal, a SIGKILL or a full disk can so be
brought about at a known point of a real render. GatedCardB is the same scene under another name.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from manim import Dot, FadeIn, FadeOut

from scenes.base import LectureScene

GATE_ENV = "GLMM_TEST_GATE"


def wait_at_gate(scene_name: str) -> None:
    gate = os.environ.get(GATE_ENV)
    if not gate:
        return
    reached = Path(gate, f"reached-{scene_name}")
    tmp = reached.with_name(reached.name + ".tmp")
    tmp.write_text(str(os.getpid()))
    os.replace(tmp, reached)
    deadline = time.monotonic() + 120
    while not Path(gate, "open").exists():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never opened the gate")
        time.sleep(0.05)


class GatedCard(LectureScene):
    description = "Waits mid-video for the test's gate (fault tests)."
    slides = (("gate", "Waiting at the gate."),)

    def construct(self):
        dot = Dot(color=self.theme.partial)
        self.play(FadeIn(dot), run_time=0.5)
        self.slide_point("gate", hold=0.2)
        wait_at_gate(type(self).__name__)
        self.play(FadeOut(dot), run_time=0.5)


class GatedCardB(GatedCard):
    description = "GatedCard under another name (two gated renders at once)."
