"""What several estimator test modules share: reading the lme4 reference fixtures, and finding
NaN or Inf anywhere in a fit."""
from __future__ import annotations

import json
import math


def load(path):
    return json.loads(path.read_text())


def formula_of(case):
    """The fixture's formula in our CLI's form (lme4's cbind(successes, failures) -> --trials)."""
    text = case["formula"]
    if text.startswith("cbind("):
        text = "incidence ~" + text.split("~", 1)[1]
    return text


def non_finite(value, path="result") -> list[str]:
    """Paths of every NaN or Inf inside a FitResult's fields (None is an allowed 'no value')."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in non_finite(item, f"{path}.{key}")]
    if isinstance(value, (list, tuple)):
        return [p for i, item in enumerate(value) for p in non_finite(item, f"{path}[{i}]")]
    return []
