"""Turn a table and a FormulaSpec into the arrays the estimator works on: y, X, Z, group index.

This is the one place that checks the data against the formula, so every message about a
missing column, a text cell in a numeric column or an empty cell comes from here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from estimator.errors import InputError
from estimator.formula import FormulaSpec
from estimator.table import Table


@dataclass(frozen=True)
class Design:
    """Model matrices for one grouping factor.

    y: response (n,). X: fixed-effects design (n, p), columns named by fixef_names.
    Z: random-effects design (n, q), columns named by re_names. group: index 0..J-1 per row.
    group_labels: the J labels in index order. trials: binomial trials per row, or None.
    predictors: every numeric predictor column by name (for pooling lines and Simpson's check).
    """

    y: np.ndarray
    X: np.ndarray
    Z: np.ndarray
    group: np.ndarray
    group_labels: tuple[str, ...]
    fixef_names: tuple[str, ...]
    re_names: tuple[str, ...]
    trials: np.ndarray | None
    predictors: dict

    @property
    def n_obs(self) -> int:
        return len(self.y)

    @property
    def n_groups(self) -> int:
        return len(self.group_labels)

    @property
    def group_sizes(self) -> np.ndarray:
        return np.bincount(self.group, minlength=self.n_groups)


def _numeric_column(table: Table, name: str, role: str) -> np.ndarray:
    values = table[name]
    out = np.empty(len(values))
    for row, cell in enumerate(values):
        if isinstance(cell, str):
            text = cell.strip()
            if text == "" or text.upper() in ("NA", "NAN", "NULL", "NONE"):
                raise InputError(f"column '{name}' has an empty or missing cell in data row {row + 1}: "
                                 "fill it in or drop that row")
            try:
                value = float(text)
            except ValueError:
                raise InputError(f"{role} column '{name}' must be numeric but data row {row + 1} is "
                                 f"'{text}': fix the cell or choose a numeric column") from None
        else:
            value = float(cell)
        if not math.isfinite(value):
            raise InputError(f"column '{name}' has a non-finite value ({value}) in data row {row + 1}: "
                             "fill it in or drop that row")
        out[row] = value
    return out


def _group_column(table: Table, name: str) -> tuple[np.ndarray, tuple[str, ...]]:
    labels = []
    for row, cell in enumerate(table[name]):
        text = str(cell).strip()
        if text == "" or text.upper() in ("NA", "NAN"):
            raise InputError(f"grouping column '{name}' has an empty cell in data row {row + 1}: "
                             "fill it in or drop that row")
        labels.append(text)
    distinct = sorted(set(labels), key=_label_key)
    index = {label: k for k, label in enumerate(distinct)}
    return np.array([index[label] for label in labels], dtype=np.intp), tuple(distinct)


def _label_key(label: str):
    """Numeric labels sort as numbers (2 before 10), others alphabetically, like R's factor()."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def build_design(spec: FormulaSpec, table: Table, trials: str | None = None) -> Design:
    """Check every column the formula names and build the matrices."""
    needed = spec.columns + ([trials] if trials else [])
    for name in needed:
        if name not in table:
            known = ", ".join(table) or "none"
            raise InputError(f"column '{name}' is not in the data (columns: {known}): fix the "
                             "formula or the data")
    y = _numeric_column(table, spec.response, "response")
    n = len(y)
    predictors = {name: _numeric_column(table, name, "predictor")
                  for name in dict.fromkeys((*spec.fixed, *spec.random))}
    group, labels = _group_column(table, spec.group)
    ones = np.ones(n)
    X = np.column_stack(([ones] if spec.fixed_intercept else []) + [predictors[c] for c in spec.fixed])
    Z = np.column_stack(([ones] if spec.random_intercept else []) + [predictors[c] for c in spec.random])
    trial_counts = _numeric_column(table, trials, "trials") if trials else None
    design = Design(y=y, X=X, Z=Z, group=group, group_labels=labels,
                    fixef_names=tuple(spec.fixef_names), re_names=tuple(spec.re_names),
                    trials=trial_counts, predictors=predictors)
    _check_identifiable(design, spec)
    return design


def _check_identifiable(design: Design, spec: FormulaSpec) -> None:
    if design.n_groups < 2:
        raise InputError(f"grouping column '{spec.group}' has only one group "
                         f"('{design.group_labels[0]}'): a mixed model needs at least two groups")
    p, q = design.X.shape[1], design.Z.shape[1]
    n_params = p + q * (q + 1) // 2 + 1
    if design.n_obs <= n_params:
        raise InputError(f"{design.n_obs} rows are too few for {n_params} parameters: add data or "
                         "simplify the formula")
    if np.linalg.matrix_rank(design.X) < p:
        raise InputError(f"the fixed-effect columns of '{spec.text}' are collinear (or constant): "
                         "drop the redundant predictor")
