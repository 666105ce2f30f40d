"""Narration that names the fit's own numbers: a slide's narration is a template whose `{name}`
fields the scene fills from its fit (LectureScene.narration_values), e.g. "the pooled slope is
{pooled_slope}". Pure Python (no manim), so the render pipeline fills captions and handouts with
the same function the scene uses to time its reading pace; the catalog keeps the template.
"""
from __future__ import annotations

import re

FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_narration(template: str, values: dict | None) -> str:
    """The template with each `{name}` replaced by str(values[name]); a field without a value
    stays as written (so a missing value is visible, never silently dropped), and any other
    brace (lme4 syntax, TeX) is left alone."""
    if not values:
        return template
    return FIELD.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


def fields_of(template: str) -> list[str]:
    """The `{name}` fields a template asks for, in order."""
    return FIELD.findall(template)
