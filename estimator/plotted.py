"""What a plot of a FitResult reads off it: each group's (intercept, slope) line for one pooling
method, the plotted predictor and the group a narration follows. These are look-ups in the fit,
kept beside the estimator so every scene (and the hand-outs) read a fit the same way.

With several predictors a line against x exists only at fixed values of the others: the fit
says where (FitResult.held, estimator/held.py: factors at their reference level, numbers at
their mean), coef_pairs draws every method's lines there, and `held_note` words it for the
screen ("other predictors held at: Sex = Female, age = 11.0").
"""
from __future__ import annotations

import math

INTERCEPT_TERM = "(Intercept)"
POOLING_KINDS = ("complete", "no_pool", "partial", "separate")


def slope_term(fit) -> str | None:
    """The name of the plotted predictor's fixed effect (the first numeric predictor when
    other predictors are held; else the first non-intercept fixed effect), or None."""
    held_x = (getattr(fit, "held", None) or {}).get("x")
    if held_x in fit.fixef:
        return held_x
    predictor = (fit.simpson or {}).get("predictor")
    if predictor:
        return predictor
    return next((name for name in fit.fixef if name != INTERCEPT_TERM), None)


def coef_pairs(fit, kind: str) -> list[tuple[float, float]]:
    """(intercept, slope) of each group's line, in fit.group_labels order, for one method:
    complete (the one pooled line for every group), no_pool (the group's own estimate: the
    common-slope fit for a random-intercept model, the separate per-group fit when slopes vary,
    falling back to the common-slope fit for a group whose own fit is not estimable) or partial
    (fixed effects + conditional modes, lme4's coef()) or separate (always the group's own
    separate fit, falling back to the common-slope fit where it is not estimable). With other
    predictors (fit.held), each line is the group's fitted line in x with those held."""
    if getattr(fit, "held", None):
        return [_held_line(fit, beta) for beta in coefficient_vectors(fit, kind)]
    term = slope_term(fit)
    labels = fit.group_labels
    if kind == "complete":
        fixef = fit.complete_pooling["fixef"]
        pair = (fixef.get(INTERCEPT_TERM, 0.0), fixef.get(term, 0.0) if term else 0.0)
        return [pair for _ in labels]
    if kind == "partial":
        coefs = fit.group_coefficients()
        return [(coefs[label].get(INTERCEPT_TERM, fit.fixef.get(INTERCEPT_TERM, 0.0)),
                 coefs[label].get(term, fit.fixef.get(term, 0.0)) if term else 0.0) for label in labels]
    if kind in ("no_pool", "separate"):
        common = fit.no_pooling.get("common_slope", {})
        separate = fit.no_pooling.get("separate", {})
        use_separate = kind == "separate" or len(fit.re_terms) > 1 or INTERCEPT_TERM not in fit.re_terms
        out = []
        for label in labels:
            own = separate.get(label) if use_separate else None
            source = own if own else common[label]
            out.append((source.get(INTERCEPT_TERM, 0.0), source.get(term, 0.0) if term else 0.0))
        return out
    raise ValueError(f"pooling kind '{kind}' is unknown: use one of {', '.join(POOLING_KINDS)}")


def focus_group(fit) -> str:
    """The group a narration follows: the smallest (first in label order on ties)."""
    return min(fit.group_labels, key=lambda label: (fit.group_sizes[label], label))


def coefficient_vectors(fit, kind: str) -> list[dict]:
    """Every fixed-effect coefficient of each group's fit {name: value (None if not
    estimable)}, in fit.group_labels order, for one method (as coef_pairs chooses them)."""
    labels = fit.group_labels
    if kind == "complete":
        return [dict(fit.complete_pooling["fixef"]) for _ in labels]
    if kind == "partial":
        coefs = fit.group_coefficients()
        return [{name: coefs[label].get(name, value) for name, value in fit.fixef.items()}
                for label in labels]
    if kind in ("no_pool", "separate"):
        common = fit.no_pooling.get("common_slope", {})
        separate = fit.no_pooling.get("separate", {})
        use_separate = kind == "separate" or len(fit.re_terms) > 1 or INTERCEPT_TERM not in fit.re_terms
        return [dict((separate.get(label) if use_separate else None) or common[label]) for label in labels]
    raise ValueError(f"pooling kind '{kind}' is unknown: use one of {', '.join(POOLING_KINDS)}")


def _held_line(fit, beta: dict) -> tuple[float | None, float | None]:
    """(intercept, slope) in x of the line beta gives with the other predictors held."""
    at0, at1 = fit.held["at_x0"], fit.held["at_x1"]

    def dot(weights):
        total = 0.0
        for name, weight in weights.items():
            if weight == 0.0:
                continue
            value = beta.get(name)
            if value is None:
                return None
            total += weight * value
        return total

    return dot(at0), dot({name: at1[name] - at0.get(name, 0.0) for name in at1})


def held_values(fit) -> dict:
    """{predictor: the value plots hold it at} ({} when x is the only predictor)."""
    return dict((getattr(fit, "held", None) or {}).get("values", {}))


def held_note(fit) -> str | None:
    """The on-screen line saying where the other predictors are held, or None."""
    values = held_values(fit)
    if not values:
        return None
    shown = ", ".join(f"{name} = {_short_number(v) if isinstance(v, float) else v}"
                      for name, v in values.items())
    return f"other predictors held at: {shown}"


def _short_number(value: float) -> str:
    """3 significant digits (at least one decimal below 100), as the scenes round."""
    if value == 0 or not math.isfinite(value):
        return "0.0" if value == 0 else str(value)
    digits = max(1, 2 - int(math.floor(math.log10(abs(value))))) if abs(value) < 100 else 0
    text = f"{round(value, digits):.{digits}f}"
    return "0.0" if float(text) == 0 else text


def most_moved(fit) -> tuple[str, float, float] | None:
    """(label, own intercept, partial-pooling intercept) of the group whose intercept moves most
    from no to partial pooling (link scale), among groups with an own estimate; None if none has."""
    own, mixed = coef_pairs(fit, "no_pool"), coef_pairs(fit, "partial")
    moves = [(abs(b[0] - a[0]), label, a[0], b[0]) for label, a, b in zip(fit.group_labels, own, mixed)
             if a[0] is not None and b[0] is not None]
    if not moves:
        return None
    _, label, start, end = max(moves)
    return label, float(start), float(end)
