"""Where a plot against one predictor holds the others: the fixed-effect design row of a line.

A scene draws each group's line against one numeric predictor x (`plotted_predictor`). With more predictors,
a line exists only once the others are fixed: factors (text, TRUE/FALSE, factor()) at their
reference level, numeric variables at their mean over the rows fitted (R's convention for
effect displays). `held_lines` evaluates the model frame once more, replaces every variable by
that held value (x by 0 and by 1), and builds the fixed-effects row with the same model.matrix
code as the fit, so interactions come out right (x:Sex at Sex's reference is 0; age:weight is
mean(age) * mean(weight)). A group's line is then intercept = beta . row(x = 0) and
slope = beta . (row(x = 1) - row(x = 0)), for any of the fit's coefficient vectors
(estimator/plotted.py: coef_pairs).

Variables computed from x's own column (I(x^2), poly(x, 2), log(x) beside x) are not "other
predictors": they stay at 0, as they were before (such a model has no straight line in x).
"""
from __future__ import annotations

import numpy as np

from estimator.design import Design, _frame_variables
from estimator.formula import Formula
from estimator.model_frame import Evaluator, Factor, Logical, Matrix, Numeric, Text, as_factor, subset
from estimator.model_matrix import model_matrix
from estimator.terms import data_error


def plotted_predictor(spec: Formula, design: Design) -> str | None:
    """The x of every plot: the first numeric single-column variable with a random slope (the
    slope the random-slope scenes and the fan are about: in `y ~ ses + hours + (1 + hours | g)`
    that is hours), else the first numeric one of the formula."""
    sloped = [key for key in spec.random if key in design.predictors]
    return next(iter(sloped), None) or next(
        (key for key in (*spec.fixed, *spec.random) if key in design.predictors), None)


def held_lines(spec: Formula, table, design: Design) -> dict:
    """{} when x is the only fixed predictor (nothing to hold); else {"x": x's key, "values":
    {variable: reference level (text) or mean (number)}, "at_x0": {coefficient: value},
    "at_x1": {coefficient: value}}, the design rows over the fit's fixed-effect names."""
    x = plotted_predictor(spec, design)
    if x is None:
        return {}
    variables = {v.key: v for v in spec.fixed_terms.variables}
    x_columns = set(variables[x].columns) if x in variables else {x}
    others = [key for key, var in variables.items()
              if key != x and not (set(var.columns) & x_columns)]
    if not others:
        return {}
    ev = Evaluator(table, lambda pos, problem: data_error(spec.text, pos, problem))
    frame_variables = _frame_variables(spec)
    keep = design.kept_rows if design.kept_rows is not None else np.arange(design.n_obs)
    frame = {key: subset(ev.evaluate(frame_variables[key].node), keep) for key in variables}
    held_values, held = {}, {}
    for key in variables:
        value = frame[key]
        if key == x:
            continue
        if key in others:
            held[key], held_values[key] = _held(value)
        else:                                   # computed from x's column: kept at 0
            held[key] = _zero(value)
    rows = []
    for at in (0.0, 1.0):
        one = dict(held)
        one[x] = Numeric(np.array([at]))
        X, names = model_matrix(spec.fixed_terms, one, 1)
        row = dict(zip(names, X[0].tolist()))
        rows.append({name: float(row.get(name, 0.0)) for name in design.fixef_names})
    return {"x": x, "values": held_values, "at_x0": rows[0], "at_x1": rows[1]}


def _held(value):
    """(the variable at its held value, as a one-row frame entry; the value to show)."""
    if isinstance(value, (Text, Logical, Factor)):
        factor = as_factor(value)
        return Factor(np.array([0]), list(factor.levels)), factor.levels[0]
    if isinstance(value, Matrix):
        means = np.nanmean(value.values, axis=0)
        return Matrix(means[None, :], value.colnames), float(means[0]) if len(means) == 1 else "mean"
    mean = float(np.nanmean(value.values))
    return Numeric(np.array([mean])), mean


def _zero(value):
    if isinstance(value, Matrix):
        return Matrix(np.zeros((1, value.values.shape[1])), value.colnames)
    if isinstance(value, (Text, Logical, Factor)):
        return Factor(np.array([0]), list(as_factor(value).levels))
    return Numeric(np.zeros(1))
