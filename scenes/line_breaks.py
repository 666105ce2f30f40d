"""Greedy line breaking, measured by the caller: the scenes measure words with Manim's Text, the
PDF writers with Cairo's font metrics. Plain Python (imports no manim), so the pipeline's PDF
pages can use it without loading the renderer."""
from __future__ import annotations

from typing import Callable


def greedy_lines(text: str, fits: Callable[[str], bool]) -> list[str]:
    """`text` broken into lines, each as long as `fits(line)` allows; a word that does not fit
    alone stands on its own line (it is the caller's to shrink)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and not fits(trial):
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines
