"""What a slide point shows in words and numbers: every visible text, formula and number mobject
on screen, as written, with the numbers read out of it.

Recorded at each slide point (scenes/base.py) and written by the pipeline as the render's
`screen_numbers.json`, so a lecturer (or a test) can check every number a still shows against
the fit without reading pixels. Group labels (G03), sub- and superscripts (γ₀₀, τ₀²) are names,
not numbers, and are not read as numbers.

A plain `Transform(a, b)` leaves `a` on screen with `b`'s points but `a`'s own text attributes, so
the scene notes each finished Transform (`note_transforms`): from then on `a` is read as `b`.
"""
from __future__ import annotations

import re

from manim import (AnimationGroup, ClockwiseTransform, CounterclockwiseTransform, DecimalNumber,
                   MarkupText, MathTex, Mobject, SingleStringMathTex, Text, Transform)

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


SHOWN_AS = "_screen_shown_as"    # the mobject whose text a transformed mobject now shows
# Only these: in TransformFromCopy the target is the source, and `.animate` (MoveToTarget) targets
# a copy of the mobject itself that later edits of the mobject would not follow.
_PLAIN_TRANSFORMS = (Transform, ClockwiseTransform, CounterclockwiseTransform)


def note_transforms(animations) -> None:
    """After these animations have played, read each plain Transform's mobject as its target
    (ReplacementTransform and the matching transforms put the target itself on screen)."""
    for animation in animations:
        if isinstance(animation, AnimationGroup):
            note_transforms(animation.animations)
        elif type(animation) in _PLAIN_TRANSFORMS and not animation.replace_mobject_with_target_in_scene:
            setattr(animation.mobject, SHOWN_AS, animation.target_mobject)


def _texts(mob: Mobject, out: list[tuple[str, str]]) -> None:
    """(kind, text) of each text-like mobject, depth first, without descending into one; a
    transformed mobject is read as what it was transformed into."""
    shown_as = getattr(mob, SHOWN_AS, None)
    if shown_as is not None and shown_as is not mob:
        _texts(shown_as, out)
        return
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
