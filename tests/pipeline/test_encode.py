"""FramePipe: held frames are sent once and retimed, yet the video shows every frame for as
long as the scene held it (decoded at the declared frame rate, frame for frame)."""
from __future__ import annotations

import hashlib
import json
import subprocess

import numpy as np
import pytest

from scripts.pipeline.encode import FramePipe

W, H, FPS = 64, 48, 10
COLOURS = {"a": (230, 159, 0), "b": (86, 180, 233), "c": (0, 158, 115), "d": (240, 228, 66),
           "e": (0, 114, 178), "f": (213, 94, 0)}


def solid(name: str) -> np.ndarray:
    frame = np.empty((H, W, 4), np.uint8)
    frame[..., :3] = COLOURS[name]
    frame[..., 3] = 255
    return frame


def encode(path, plan) -> FramePipe:
    pipe = FramePipe(path, W, H, FPS)
    for name, repeat in plan:
        pipe.write(solid(name), repeat)
    pipe.close()
    return pipe


def decoded_runs(path) -> list[tuple[str, int]]:
    """The video decoded at its declared frame rate, as (colour, run length) pairs."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vf", f"fps={FPS}", "-f",
                          "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, H, W, 3)
    runs: list[tuple[str, int]] = []
    for frame in frames:
        mean = frame.reshape(-1, 3).mean(axis=0)
        name = min(COLOURS, key=lambda c: np.abs(mean - COLOURS[c]).sum())
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + 1)
        else:
            runs.append((name, 1))
    return runs


def probe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=duration:stream=r_frame_rate", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("plan", [
    [("a", 1), ("b", 1), ("c", 12), ("d", 1), ("e", 2), ("f", 7)],   # holds inside and at the end
    [("c", 9), ("a", 1), ("b", 3), ("c", 3), ("d", 1)],              # a hold first, holds back to back
    [("a", 1), ("b", 1), ("c", 1)],                                   # no hold at all
])
def test_holds_last_exactly_as_long_as_the_scene_held_them(tmp_path, plan):
    path = tmp_path / "scene.mp4"
    pipe = encode(path, plan)
    total = sum(repeat for _, repeat in plan)
    assert pipe.frames == total
    assert pipe.sent == sum(2 if repeat >= 3 else repeat for _, repeat in plan)
    expected: list[tuple[str, int]] = []
    for name, repeat in plan:
        if expected and expected[-1][0] == name:
            expected[-1] = (name, expected[-1][1] + repeat)
        else:
            expected.append((name, repeat))
    assert decoded_runs(path) == expected
    info = probe(path)
    assert info["streams"][0]["r_frame_rate"] == f"{FPS}/1"
    assert float(info["format"]["duration"]) == pytest.approx(total / FPS, abs=0.5 / FPS)
    assert not list(tmp_path.glob(".*part*")), "no temp file is left behind"


def test_same_frames_give_the_same_bytes(tmp_path):
    plan = [("a", 1), ("b", 30), ("c", 1), ("d", 4)]
    digests = {hashlib.sha256(encode(tmp_path / f"{i}.mp4", plan).target.read_bytes()).hexdigest()
               for i in range(2)}
    assert len(digests) == 1


def test_long_holds_cost_two_frames_not_hundreds(tmp_path):
    pipe = encode(tmp_path / "long.mp4", [("a", 1), ("b", 600), ("c", 1)])
    assert pipe.sent == 4 and pipe.frames == 602
    assert float(probe(pipe.target)["format"]["duration"]) == pytest.approx(60.2, abs=0.05)
