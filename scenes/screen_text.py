"""What a slide point shows in words and numbers: every visible text, formula and number mobject
on screen, as written, with the numbers read out of it.

Recorded at each slide point (scenes/base.py) and written by the pipeline as the render's
`screen_numbers.json`, so a lecturer (or a test) can check every number a still shows against
the fit without reading pixels. Group labels (G03), sub- and superscripts (γ₀₀, τ₀²) are names,
not numbers, and are not read as numbers.
"""
from __future__ import annotations

import re

from manim import DecimalNumber, MarkupText, MathTex, Mobject, SingleStringMathTex, Text

_NUMBER = re.compile(r"(?<![A-Za-z_\d.])[-−]?\d+(?:\.\d+)?(?:e[-−]?\d+)?(?![A-Za-z_\d])")
_TEX_SCRIPT = re.compile(r"[_^](\{[^{}]*\}|\\?[A-Za-z]+|\d)")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_MARKUP = re.compile(r"<[^>]+>")


def _visible(mob: Mobject) -> bool:
    try:
        return max(mob.get_fill_opacity(), mob.get_stroke_opacity()) > 0.05 or any(
            _visible(sub) for sub in mob.submobjects)
    except (AttributeError, IndexError, ValueError):
        return True


def _texts(mob: Mobject, out: list[tuple[str, str]]) -> None:
    """(kind, text) of each text-like mobject, depth first, without descending into one."""
    if isinstance(mob, DecimalNumber):
        out.append(("number", repr(float(mob.number))))
        return
    if isinstance(mob, MarkupText):
        out.append(("text", _MARKUP.sub("", getattr(mob, "original_text", ""))))
        return
    if isinstance(mob, Text):
        out.append(("text", getattr(mob, "original_text", "")))
        return
    if isinstance(mob, (MathTex, SingleStringMathTex)):
        out.append(("tex", mob.tex_string))
        return
    for sub in mob.submobjects:
        _texts(sub, out)


def numbers_in(kind: str, text: str) -> list[float]:
    """The numbers a reader sees in `text` (TeX: sub/superscripts and commands removed first)."""
    if kind == "tex":
        text = _TEX_COMMAND.sub(" ", _TEX_SCRIPT.sub(" ", text)).replace("{", " ").replace("}", " ")
    return [float(n.replace("−", "-")) for n in _NUMBER.findall(text)]


def screen_numbers(mobjects) -> list[dict]:
    """Each visible text holding a number: {"text": as written, "numbers": [...]}, in scene order."""
    found: list[tuple[str, str]] = []
    for mob in mobjects:
        if _visible(mob):
            _texts(mob, found)
    out = []
    for kind, text in found:
        text = " ".join(text.split())
        numbers = numbers_in(kind, text)
        if numbers:
            out.append({"text": text, "numbers": numbers})
    return out
