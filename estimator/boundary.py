"""Why a group's own (no-pooling) estimate is missing, read off its outcomes.

FitResult reports a no-pooling intercept that runs off to +-infinity as null (every outcome 0 or
1 under logit, every count 0 under log); a plot that shows that group needs the direction, and
a narration needs the reason. This is a description of the data the fit used (no estimation),
kept beside the estimator's own boundary rule (estimator/pooling.py) so both agree.
"""
from __future__ import annotations

import numpy as np

ALL_ZERO = "all_zero"      # every outcome 0: own log-odds / log-rate is -infinity
ALL_ONE = "all_one"        # every outcome 1 (binomial): own log-odds is +infinity


def boundary_groups(y, group, labels, family: str) -> dict[str, str]:
    """{label: ALL_ZERO | ALL_ONE} for the groups whose own intercept is infinite under
    `family` ("binomial": every proportion 0 or every proportion 1; "poisson": every count 0);
    `y` is the response as fitted (proportions of trials for a binomial with trials), `group`
    the group index of each row, in `labels` order. Other families have none."""
    if family not in ("binomial", "poisson"):
        return {}
    p = np.asarray(y, float)
    g = np.asarray(group, int)
    n = len(labels)
    sizes = np.bincount(g, minlength=n)
    low = np.bincount(g, weights=(p <= 0).astype(float), minlength=n)
    high = np.bincount(g, weights=(p >= 1).astype(float), minlength=n)
    out = {}
    for j, label in enumerate(labels):
        if sizes[j] and low[j] == sizes[j]:
            out[label] = ALL_ZERO
        elif family == "binomial" and sizes[j] and high[j] == sizes[j]:
            out[label] = ALL_ONE
    return out


def side(kind: str) -> int:
    """-1 for an estimate at -infinity, +1 for +infinity."""
    return -1 if kind == ALL_ZERO else 1
