"""Related models of a user's formula, written in the user's own terms: the random-intercept
model of a random-slope formula (the lecture compares the two on the same data).
"""
from __future__ import annotations

import re

from estimator.formula import parse_formula


def _bar_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracket holding a '|' (lme4's random terms), skipping
    backticked names."""
    spans, depth, start, has_bar, quoted = [], 0, 0, False, False
    for i, char in enumerate(text):
        if char == "`":
            quoted = not quoted
        if quoted:
            continue
        if char == "(":
            if depth == 0:
                start, has_bar = i, False
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and has_bar:
                spans.append((start, i + 1))
        elif char == "|" and depth == 1:
            has_bar = True
    return spans


def random_intercept_formula(text: str) -> str:
    """`text` with its random part replaced by `(1 | group)`, the fixed part as written:
    'score ~ hours + (1 + hours | school)' -> 'score ~ hours + (1 | school)'. Raises InputError
    (from the parser) if the formula is not valid."""
    formula = parse_formula(text)
    out = text
    for start, end in reversed(_bar_spans(text)):
        out = out[:start] + "\0" + out[end:]
    out = re.sub(r"\s*\+\s*\0|\0\s*\+\s*|\0", "", out).strip()
    if out.endswith("~"):
        out += " 1"
    out = f"{out} + (1 | {formula.group})"
    parse_formula(out)
    return out
