"""The scene's FitResult (no statistics are computed in scenes: they read what the estimator fitted)."""
from __future__ import annotations


def scene_fit(lecture):
    """The scene's main FitResult: `lecture.fit()` (cached), or an uncached fit of the same
    model if the cache cannot hash the input."""
    try:
        return lecture.fit()
    except TypeError:
        return lecture.fit(formula=lecture.formula)
