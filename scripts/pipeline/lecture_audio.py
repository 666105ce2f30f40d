"""The spoken lecture's sound and captions, joined from its scenes.

Each spoken scene's video object carries its whole audio track (`<Scene>.speech.wav`, exactly as
long as its video) and the segments of speech on it (slide point, start, end, caption text). The
lecture's track is the tracks end to end (encoded once, so no AAC priming piles up at the
joins), and every caption cue starts when its words start: a cue stays up until the next piece
of speech of its slide point begins, and the last one until the slide point itself.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from scripts.pipeline.captions import Cue, _split


def join_tracks(jobs, videos, target: Path) -> Path | None:
    """One WAV of every scene's speech track in order, or None when no scene is spoken."""
    if all(obj.meta.get("speech") is None for obj in videos):
        return None
    from scripts.pipeline.speech import RATE, read_wav, write_wav

    parts = []
    for job, obj in zip(jobs, videos):
        length = int(round(obj.meta["frames"] / obj.meta["fps"] * RATE))
        name = f"{job.scene.name}.speech.wav"
        samples = read_wav(obj.file(name))[0] if name in obj.meta["files"] else np.zeros(0)
        piece = np.zeros(length)
        piece[:min(length, samples.size)] = samples[:length]
        parts.append(piece)
    write_wav(target, np.concatenate(parts))
    return target


def spoken_cues(jobs, videos) -> list[Cue]:
    cues: list[Cue] = []
    offset = 0.0
    for job, obj in zip(jobs, videos):
        marks = {mark["name"]: float(mark["time"]) for mark in obj.meta["marks"]}
        segments = obj.meta.get("speech") or []
        for i, segment in enumerate(segments):
            following = segments[i + 1] if i + 1 < len(segments) else None
            if following is not None and following["slide"] == segment["slide"]:
                end = following["start"]
            else:
                end = max(segment["end"], marks.get(segment["slide"], segment["end"]))
            if not segment["text"]:
                continue
            pieces = _split(offset + segment["start"], offset + segment["end"], segment["text"])
            last = pieces[-1]
            pieces[-1] = Cue(last.start, round(offset + end, 3), last.text)
            cues.extend(pieces)
        offset += obj.meta["frames"] / obj.meta["fps"]
    return cues
