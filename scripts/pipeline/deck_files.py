"""What the deck writers share: the slide record and writing a file whole or not at all."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DeckSlide:
    """One slide point of the deck: its still, and (animated) the clip that leads to it."""

    scene: str
    scene_title: str
    index: int
    name: str
    narration: str
    image: Path
    video: Path | None = None  # None: static deck, or nothing moves before this slide point
    loop: bool = False         # the scene asked for this clip to loop (LectureScene.loop_slides)
    question: str = ""         # predict, then reveal: the question this slide poses to the class
    answer: str = ""           # ... or the answer it reveals (slide_point(question=, answer=))

    @property
    def notes(self) -> str:
        """The notes and caption: the narration, then the question this slide poses (the deck holds
        on its still until the lecturer steps forward: time for the class to predict) or the
        answer it reveals."""
        parts = [self.narration]
        if self.question:
            parts.append(f"Question: {self.question}")
        if self.answer:
            parts.append(f"Answer: {self.answer}")
        return "\n".join(part for part in parts if part)

    @property
    def stem(self) -> str:
        return f"{self.scene}-{self.index:02d}-{self.name}"


def write_bytes(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
