"""The animated deck's clips: each slide's animation cut out of its scene's MP4 (the very render
the videos and the lecture use; nothing is rendered twice).

Slide k's clip runs from slide point k-1 (the scene's start for the first) to the moment the
picture stopped changing before slide point k (the mark's `still_from`, where its hold starts),
so it starts on the previous still and ends on this slide's still, without the hold the video
spends there. Times are on the scene's frame grid: the clip holds the frames a..b with
a = round(previous mark * fps) and b = round(still_from * fps), both included.

Cutting needs a re-encode (a mark is rarely on a keyframe): one ffmpeg per clip, seeking on the
input (decoding from the keyframe before it), x264 at the videos' own settings, timestamps
passed through (the scene's retimed holds stay single long frames), and bit-exact output.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.encode import BITEXACT, EncodeError, telling_line, x264_args

MIN_FRAMES = 2  # fewer frames than this between two slide points: no clip, the still is enough


@dataclass(frozen=True)
class Span:
    """Frames first..last (both included) of a scene's video at `fps`."""

    first: int
    last: int
    fps: int

    @property
    def frames(self) -> int:
        return self.last - self.first + 1

    @property
    def start(self) -> float:
        return (self.first - 0.5) / self.fps  # half a frame early: rounding never loses frame a

    @property
    def duration(self) -> float:
        return (self.last + 0.5) / self.fps - max(0.0, self.start)


def spans(marks: list[dict], fps: int) -> list[Span | None]:
    """One span per mark, None where nothing moves between two slide points."""
    out, previous = [], 0.0
    for mark in marks:
        first = round(previous * fps)
        last = round(float(mark.get("still_from", mark["time"])) * fps)
        out.append(Span(first, last, fps) if last - first + 1 >= MIN_FRAMES else None)
        previous = float(mark["time"])
    return out


def cut(video: Path, span: Span, target: Path) -> None:
    """Write frames span.first..span.last of `video` as an MP4 at `target` (temp name, then
    renamed; nothing is left on failure)."""
    tmp = target.with_name(f".{target.name}.part.mp4")
    cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
           "-ss", f"{max(0.0, span.start):.6f}", "-i", str(video), "-t", f"{span.duration:.6f}",
           "-an", "-fps_mode", "passthrough", *x264_args(), *BITEXACT, "-y", str(tmp)]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0 or not tmp.is_file():
            detail = telling_line(done.stderr) or f"exit status {done.returncode}"
            raise EncodeError(f"cutting the slide clip {target.name} from {video.name} failed: "
                              f"{detail}; run `glmm-explainer doctor` to check ffmpeg")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
