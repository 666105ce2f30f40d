"""What a plot of a FitResult reads off it: each group's (intercept, slope) line for one pooling
method, the plotted predictor and the group a narration follows. These are look-ups in the fit,
kept beside the estimator so every scene (and the hand-outs) read a fit the same way.
"""
from __future__ import annotations

INTERCEPT_TERM = "(Intercept)"
POOLING_KINDS = ("complete", "no_pool", "partial", "separate")


def slope_term(fit) -> str | None:
    """The name of the first non-intercept fixed effect (the plotted predictor), or None."""
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
    separate fit, falling back to the common-slope fit where it is not estimable)."""
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
