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


CODE_INDENT = "    "


def _code_cuts(line: str) -> list[tuple[int, int, int]]:
    """Where a formula may break: after ' ~' and ' +' (the operator ends the line, as in R) and
    before ' |' inside a bracket; (end of the head, start of the tail, bracket depth)."""
    cuts, depth = [], 0
    for i, char in enumerate(line):
        depth += (char == "(") - (char == ")")
        if line.startswith((" + ", " ~ "), i):
            cuts.append((i + 2, i + 3, depth))
        elif line.startswith(" | ", i):
            cuts.append((i, i + 1, depth))
    return cuts


def code_lines(code: str, fits: Callable[[str], bool], indent: str = CODE_INDENT) -> list[str]:
    """An lme4 formula (or a bracket of one) broken into lines that `fits` allows, continuation
    lines indented: at the last ' +' or ' ~' outside brackets that fits, else inside a bracket
    (before its ' |'). A piece that cannot break further stays long (the caller's to shrink)."""
    lines, rest = [], code
    while not fits(rest):
        cuts = [c for c in _code_cuts(rest) if c[0] > len(indent)]
        if not cuts:
            break
        fitting = [c for c in cuts if fits(rest[:c[0]])]
        outside = [c for c in fitting if c[2] == 0]
        head, tail, _ = (outside or fitting or cuts[:1])[-1]
        lines.append(rest[:head])
        rest = indent + rest[tail:].lstrip()
    lines.append(rest)
    return lines
