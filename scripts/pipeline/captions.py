"""Captions (WebVTT and SRT) timed from the scenes' slide points.

A slide point's narration is on screen from the previous mark (or the scene's start) until the
mark itself, offset by the scene's start in the lecture. Long narration is split into cues of
at most two lines of ~42 characters, at sentence (else word) boundaries, each cue getting a
share of the span proportional to its length.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

LINE = 42
MAX_CUE = 2 * LINE


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues_for(scenes: list[tuple[float, list[dict], dict[str, str]]]) -> list[Cue]:
    """scenes: (offset in the lecture, marks [{index, name, time, narration?}], narration by slide
    name); a mark's own narration (filled in by the scene from its fit) comes first."""
    cues: list[Cue] = []
    for offset, marks, narration in scenes:
        previous = 0.0
        for mark in marks:
            text = (mark.get("narration") or narration.get(mark["name"], "")).strip()
            start, end = offset + previous, offset + float(mark["time"])
            previous = float(mark["time"])
            if text and end - start > 0.05:
                cues.extend(_split(start, end, text))
    return cues


def _split(start: float, end: float, text: str) -> list[Cue]:
    chunks = chunk_text(text)
    total = sum(len(chunk) for chunk in chunks)
    cues, at = [], start
    for i, chunk in enumerate(chunks):
        stop = end if i == len(chunks) - 1 else at + (end - start) * len(chunk) / total
        cues.append(Cue(round(at, 3), round(stop, 3), "\n".join(textwrap.wrap(chunk, LINE))))
        at = stop
    return cues


def chunk_text(text: str) -> list[str]:
    """Pieces of at most MAX_CUE characters: whole sentences where they fit (several short ones
    together), a longer sentence cut into equal-ish parts, preferably after a comma or semicolon."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]
    pieces: list[str] = []
    for sentence in sentences:
        pieces.extend([sentence] if len(sentence) <= MAX_CUE else _balanced(sentence))
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) + 1 + len(piece) <= MAX_CUE:
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return merged


def _balanced(sentence: str) -> list[str]:
    parts = -(-len(sentence) // MAX_CUE)
    clauses = [c for c in re.split(r"(?<=[,;:])\s+", sentence) if c]
    if len(clauses) > 1 and all(len(c) <= MAX_CUE for c in clauses):
        grouped: list[str] = []
        for clause in clauses:  # greedy, but never more than MAX_CUE
            if grouped and len(grouped[-1]) + 1 + len(clause) <= MAX_CUE:
                grouped[-1] += " " + clause
            else:
                grouped.append(clause)
        if len(grouped) <= parts + 1:
            return grouped
    width = -(-len(sentence) // parts)
    while True:
        wrapped = textwrap.wrap(sentence, width)
        if len(wrapped) <= parts or width >= MAX_CUE:
            return wrapped
        width += 2


def _stamp(seconds: float, sep: str) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def to_vtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT\n"]
    for i, cue in enumerate(cues, start=1):
        blocks.append(f"{i}\n{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}\n{cue.text}\n")
    return "\n".join(blocks)


def to_srt(cues: list[Cue]) -> str:
    return "\n".join(f"{i}\n{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}\n{cue.text}\n"
                     for i, cue in enumerate(cues, start=1))
