"""Complete, no and partial pooling as a plot and a comparison read them, for every family.

`method_lines` gives each group's (intercept, slope) on the link scale for one method, with None
where no pooling has no number (an all-0 or all-1 group's own log-odds is -inf/+inf, an all-zero
group's log-rate -inf: the estimator reports those as null); `unestimable_reasons` says why, in
words a slide can show. `tradeoff` compares each method's group intercepts with a simulation's
truth: errors per group and the RMSE over the groups every method could estimate, so the three
RMSEs are averages over the same groups.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from estimator.plotted import INTERCEPT_TERM, coef_pairs, slope_term

METHODS = ("complete", "no_pool", "partial")
LINK_UNITS = {"gaussian": "", "poisson": "log-rate", "binomial": "log-odds", "gamma": "log-mean"}


def method_lines(fit, kind: str) -> list[tuple[float, float] | None]:
    """(intercept, slope) per group in fit.group_labels order; no_pool gives None for a group
    whose own estimate is not a number (coef_pairs otherwise)."""
    if kind != "no_pool":
        return coef_pairs(fit, kind)
    term = slope_term(fit)
    common = fit.no_pooling.get("common_slope", {})
    separate = fit.no_pooling.get("separate", {})
    use_separate = len(fit.re_terms) > 1 or INTERCEPT_TERM not in fit.re_terms
    out = []
    for label in fit.group_labels:
        source = (separate.get(label) if use_separate else None) or common.get(label) or {}
        a = source.get(INTERCEPT_TERM)
        b = source.get(term) if term else 0.0
        ok = a is not None and b is not None and math.isfinite(a) and math.isfinite(b)
        out.append((float(a), float(b)) if ok else None)
    return out


def unestimable_reasons(fit, y, group) -> dict[str, str]:
    """{label: why no pooling has no estimate} for the groups method_lines(fit, "no_pool") leaves
    out. `y` is the response as plotted (proportions for a binomial with trials), `group` each
    row's index into fit.group_labels."""
    y, group = np.asarray(y, float), np.asarray(group, int)
    units = LINK_UNITS.get(fit.family, "")
    reasons = {}
    for j, (label, pair) in enumerate(zip(fit.group_labels, method_lines(fit, "no_pool"))):
        if pair is not None:
            continue
        own = y[group == j]
        if fit.family == "binomial" and own.size and np.all(own <= 0):
            reasons[label] = f"every outcome is 0: its own {units} is −∞"
        elif fit.family == "binomial" and own.size and np.all(own >= 1):
            reasons[label] = f"every outcome is 1: its own {units} is +∞"
        elif fit.family == "poisson" and own.size and np.all(own <= 0):
            reasons[label] = f"every count is 0: its own {units} is −∞"
        else:
            reasons[label] = "its own fit has no unique estimate (too few rows or x constant)"
    return reasons


def intercept_errors(estimates: dict, true_intercepts) -> dict[str, np.ndarray]:
    """Per method, estimate - truth of every group's intercept (link scale); NaN where the
    method has no estimate. `estimates` maps a method to per-group (intercept, slope) pairs or
    None, in the same group order as `true_intercepts` (the simulation's gamma00 + u0j)."""
    truth = np.asarray(true_intercepts, float)
    return {method: np.array([np.nan if p is None or p[0] is None else p[0] for p in pairs], float) - truth
            for method, pairs in estimates.items()}


def root_mean_square(errors) -> float:
    """sqrt(mean(error^2)) over the finite errors: a method's RMSE of the group intercepts."""
    errors = np.asarray(errors, float)
    errors = errors[np.isfinite(errors)]
    return float(math.sqrt(float(np.mean(errors ** 2)))) if errors.size else math.nan


@dataclass(frozen=True)
class Tradeoff:
    """errors {method: per-group estimate - truth (NaN: not estimable)}; rmse {method: RMSE over
    the `compared` groups (those every method estimates)}; left_out: groups not compared;
    lowest: the method(s) with the lowest RMSE at `sig` significant digits (ties kept)."""

    errors: dict
    rmse: dict
    compared: list
    left_out: list
    lowest: list


def tradeoff(fit, true_intercepts, sig: int = 3) -> Tradeoff:
    """Each method's intercept errors against the truth (in fit.group_labels order)."""
    errors = intercept_errors({kind: method_lines(fit, kind) for kind in METHODS}, true_intercepts)
    shared = np.all([np.isfinite(errors[kind]) for kind in METHODS], axis=0)
    labels = fit.group_labels
    rmse = {kind: root_mean_square(errors[kind][shared]) for kind in METHODS}
    rounded = {kind: float(f"{rmse[kind]:.{sig}g}") for kind in METHODS if math.isfinite(rmse[kind])}
    best = min(rounded.values()) if rounded else math.nan
    lowest = [kind for kind in METHODS if rounded.get(kind) == best]
    return Tradeoff(errors=errors, rmse=rmse, compared=[l for l, s in zip(labels, shared) if s],
                    left_out=[l for l, s in zip(labels, shared) if not s], lowest=lowest)
