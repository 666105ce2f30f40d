"""Turn a table and a parsed Formula into the arrays the estimator works on: y, X, Z, group index.

The steps are lme4's: evaluate the model frame (every variable, on every row), drop incomplete
rows (na.omit), build the fixed-effects matrix as model.matrix does and drop rank-deficient
columns with lme4's message, build each random term's matrix and the grouping factor. This is
the one place that checks the data against the formula, so every message about a missing
column, a text cell in a numeric column or an unusable design comes from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from estimator.errors import InputError
from estimator.formula import Formula
from estimator.terms import Variable, data_error
from estimator.model_frame import (Evaluator, Logical, Matrix, Numeric, Text, as_factor,
                                   is_number, missing_mask, subset)
from estimator.model_matrix import model_matrix, redundant_columns
from estimator.rsyntax import Name
from estimator.table import Table


@dataclass(frozen=True)
class Design:
    """Model matrices for one grouping factor.

    y: response (n,). X: fixed-effects design (n, p), columns named by fixef_names (R's names).
    Z: random-effects design (n, q), columns named by re_names, one block of columns per random
    term (re_blocks: their widths). group: index 0..J-1 per row; group_labels: the J labels in
    R's level order. trials: binomial trials per row (from --trials or cbind()), or None.
    offset: the summed offset() terms per row, or None. predictors: every numeric single-column
    variable by name (for pooling lines and plots). n_dropped: rows dropped for missing values
    (na.omit). warnings: lme4's messages (rank-deficient columns dropped, NaNs produced).
    response_levels: for a two-valued text response, its levels (the first is 0, as R codes a
    factor response); empty otherwise.
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
    offset: np.ndarray | None = None
    n_dropped: int = 0
    warnings: tuple[str, ...] = ()
    re_blocks: tuple[int, ...] = ()
    dropped_columns: tuple[str, ...] = ()
    response_levels: tuple[str, ...] = ()
    kept_rows: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_obs(self) -> int:
        return len(self.y)

    @property
    def n_groups(self) -> int:
        return len(self.group_labels)

    @property
    def group_sizes(self) -> np.ndarray:
        return np.bincount(self.group, minlength=self.n_groups)


def build_design(spec: Formula, table: Table, trials: str | None = None) -> Design:
    """Check every column the formula names and build the matrices."""
    text = spec.text
    ev = Evaluator(table, lambda pos, problem: data_error(text, pos, problem))
    variables = _frame_variables(spec)
    raw = {key: ev.evaluate(var.node) for key, var in variables.items()}
    trials = trials or None
    if trials is not None:
        if trials not in table:
            raise InputError(f"column '{trials}' (--trials) is not in the data (columns: "
                             f"{', '.join(table)}): fix --trials or the data")
        raw["--trials"] = ev.column(Name(trials, 0))
    _check_text_columns(spec, variables, raw)
    n_all = ev.n
    missing = np.zeros(n_all, bool)
    for value in raw.values():
        missing |= missing_mask(value)
    keep = np.nonzero(~missing)[0]
    if not len(keep):
        raise InputError(f"every row has a missing value in a column of '{text}': fill in the data")
    warnings = [f"NaNs produced in {key} (rows dropped)" for key, value in raw.items()
                if isinstance(value, (Numeric, Matrix)) and _produced_nan(key, value, variables, ev)]
    frame = {key: subset(value, keep) for key, value in raw.items()}
    _check_finite(frame, keep)
    n = len(keep)
    y, cbind_trials, response_levels = _response(spec, frame[spec.lhs.key])
    X, fixef_names = model_matrix(spec.fixed_terms, frame, n)
    drop = redundant_columns(X)
    dropped = tuple(fixef_names[j] for j in drop)
    if drop:
        plural = "s" if len(drop) > 1 else ""
        warnings.append(f"fixed-effect model matrix is rank deficient so dropping {len(drop)} "
                        f"column{plural} / coefficient{plural} ({', '.join(dropped)})")
        X = np.delete(X, drop, axis=1)
        fixef_names = [name for j, name in enumerate(fixef_names) if j not in drop]
    blocks, re_names = [], []
    for term in spec.random_terms:
        Zk, names = model_matrix(term.effects, frame, n)
        blocks.append(Zk)
        re_names += names
    _check_blocks(spec, [b.shape[1] for b in blocks], re_names)
    group_factor = as_factor(frame[spec.random_terms[0].group.key])
    offset = None
    if spec.fixed_terms.offsets:
        offset = sum(frame[v.key].values for v in spec.fixed_terms.offsets)
    trial_counts = frame["--trials"].values if trials is not None else cbind_trials
    design = Design(y=y, X=X, Z=np.column_stack(blocks), group=group_factor.codes.astype(np.intp),
                    group_labels=tuple(group_factor.levels), fixef_names=tuple(fixef_names),
                    re_names=tuple(re_names), trials=trial_counts,
                    predictors=_predictors(spec, frame), offset=offset, n_dropped=n_all - n,
                    warnings=tuple(warnings), re_blocks=tuple(b.shape[1] for b in blocks),
                    dropped_columns=dropped, response_levels=response_levels, kept_rows=keep)
    _check_identifiable(design, spec)
    return design


def _frame_variables(spec: Formula) -> dict[str, Variable]:
    """Every variable of the model frame, response first (lme4 includes the random part's)."""
    out = {spec.lhs.key: spec.lhs}
    pool = [*spec.fixed_terms.variables, *spec.fixed_terms.offsets]
    for term in spec.random_terms:
        pool += [*term.effects.variables, term.group]
    for var in pool:
        out.setdefault(var.key, var)
    return out


def _check_text_columns(spec: Formula, variables: dict, raw: dict) -> None:
    """A bare column that is numbers except a few cells is a data error, not a factor."""
    for key, var in variables.items():
        value = raw[key]
        if not (isinstance(var.node, Name) and isinstance(value, Text)) or key == spec.group:
            continue
        distinct = {v for v in value.values if v is not None}
        if sum(is_number(v) for v in distinct) > len(distinct) / 2:
            row = next(k for k, v in enumerate(value.values) if v is not None and not is_number(v))
            raise InputError(f"predictor column '{key}' must be numeric but data row {row + 1} is "
                             f"'{value.values[row]}': fix or empty that cell, or write factor({key}) "
                             "to use the column as categories")


def _produced_nan(key, value, variables, ev) -> bool:
    """True when a transform made NaN from present cells (log(-1)): R drops those rows too."""
    node = variables[key].node if key in variables else None
    if node is None or isinstance(node, Name):
        return False
    columns = [ev.column(Name(c, 0)) for c in variables[key].columns if c in ev.table]
    inputs_missing = np.zeros(ev.n, bool)
    for column in columns:
        inputs_missing |= missing_mask(column)
    return bool((missing_mask(value) & ~inputs_missing).any())


def _check_finite(frame: dict, keep: np.ndarray) -> None:
    for key, value in frame.items():
        if isinstance(value, (Numeric, Matrix)):
            bad = ~np.isfinite(value.values.reshape(len(keep), -1)).all(axis=1)
            if bad.any():
                row = int(keep[np.argmax(bad)]) + 1
                raise InputError(f"'{key}' is infinite in data row {row}: fix the value (or the "
                                 "transform, e.g. log of 0) or drop that row")


def _response(spec: Formula, value) -> tuple[np.ndarray, np.ndarray | None, tuple]:
    """(y, trials from cbind or None, levels of a text response)."""
    key = spec.lhs.key
    if isinstance(value, Matrix) and value.values.shape[1] == 2:
        successes, failures = value.values[:, 0], value.values[:, 1]
        return successes, successes + failures, ()
    if isinstance(value, Matrix) and value.values.shape[1] == 1:
        return value.values[:, 0], None, ()
    if isinstance(value, (Numeric, Logical)):
        return value.values.astype(float), None, ()
    factor = as_factor(value)
    if len(factor.levels) != 2:
        shown = ", ".join(factor.levels[:5]) + (", ..." if len(factor.levels) > 5 else "")
        raise InputError(f"response column '{key}' must be numeric but it holds text ({shown}): "
                         "choose a numeric response (a text response needs exactly two values, "
                         "for --family binomial)")
    return (factor.codes > 0).astype(float), None, tuple(factor.levels)


def _predictors(spec: Formula, frame: dict) -> dict:
    out = {}
    for key in (*spec.fixed, *spec.random):
        value = frame.get(key)
        if isinstance(value, (Numeric, Logical)):
            out[key] = value.values.astype(float)
        elif isinstance(value, Matrix) and value.values.shape[1] == 1:
            out[key] = value.values[:, 0]
    return out


def _check_blocks(spec: Formula, widths: list[int], names: list[str]) -> None:
    """The estimator fits one covariance block per grouping factor, full or diagonal."""
    if len(widths) > 1 and max(widths) > 1:
        raise InputError(f"formula '{spec.text}' puts several random terms on '{spec.group}' and one "
                         f"of them has {max(widths)} columns ({', '.join(names)}): supported are one "
                         f"term such as (1 + x | {spec.group}), or separate one-column terms such as "
                         f"(1 | {spec.group}) + (0 + x | {spec.group}) or (1 + x || {spec.group})")
    if len(set(names)) != len(names):
        raise InputError(f"formula '{spec.text}' repeats a random effect ({', '.join(names)}): "
                         "list each effect once")


def _check_identifiable(design: Design, spec: Formula) -> None:
    """Only what no model could fit; lme4's own counting rules (groups vs rows, which differ
    between lmer and glmer) live in estimator/data_checks.py, the one place that applies them."""
    p = design.X.shape[1]
    if design.n_obs <= p:
        raise InputError(f"{design.n_obs} rows are too few for {p} fixed-effect columns: add data or "
                         "simplify the formula")
    if p == 0:
        raise InputError(f"the fixed-effect columns of '{spec.text}' are all redundant: keep the "
                         "intercept or add a predictor")
