"""R's model.matrix for one set of terms: columns, in R's order, with R's names.

Each term is the product of its variables' columns, the first variable varying fastest. A factor
in a term is coded by treatment contrasts (its first level dropped) when the term without it is
already in the model (the intercept for a main effect), else by one indicator per level: R's
rule from model.c's TermCode ("Statistical Models in S", p. 38). Without an intercept the first
factor of the first term that has one gets all its levels. Rank-deficient columns are found
the way lme4's chkRank.X does (pivoted QR with tolerance 1e-7: a column whose part orthogonal
to the earlier kept columns is below 1e-7 of its length is dropped).

Reference levels: the first level is the reference. Text levels come in R's (ICU) order,
`factor(x)` of numbers in numeric order, TRUE/FALSE as FALSE then TRUE. To choose another
reference write `relevel(factor(x), ref = "b")` (lme4 then names the columns
`relevel(factor(x), ref = "b")a`), or give the whole order with `factor(x, levels = c("b", "a"))`.
"""
from __future__ import annotations

import numpy as np

from estimator.errors import InputError
from estimator.terms import INTERCEPT, Terms
from estimator.model_frame import Factor, Logical, Matrix, Numeric, Text, as_factor

RANK_TOL = 1e-7


def _is_factor(value) -> bool:
    return isinstance(value, (Factor, Text, Logical))


def term_codes(terms: Terms, frame: dict) -> list[dict]:
    """Per term, variable key -> 1 (contrasts) or 2 (all levels), for its factor variables."""
    codes = []
    previous: list[frozenset] = []
    for term in terms.terms:
        code = {}
        for key in term:
            if not _is_factor(frame[key]):
                continue
            rest = frozenset(term) - {key}
            code[key] = 1 if not rest or any(rest <= p for p in previous) else 2
        codes.append(code)
        previous.append(frozenset(term))
    if not terms.intercept:
        for term, code in zip(terms.terms, codes):
            first = next((key for key in term if key in code), None)
            if first is not None:
                code[first] = 2
                break
    return codes


def _pieces(key: str, value, code: int | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(value, Numeric):
        return value.values[:, None], [key]
    if isinstance(value, Matrix):
        k = value.values.shape[1]
        names = [key + c for c in value.colnames] if value.colnames else \
            ([key] if k == 1 else [f"{key}{j + 1}" for j in range(k)])
        return value.values, names
    factor: Factor = as_factor(value)
    if len(factor.levels) < 2:
        only = factor.levels[0] if factor.levels else "none"
        raise InputError(f"the categorical predictor '{key}' has one level only ('{only}'): contrasts "
                         "need two or more levels; drop it from the formula (a numeric column "
                         "must be numeric in every cell)")
    levels = factor.levels if code == 2 else factor.levels[1:]
    offset = 0 if code == 2 else 1
    columns = np.zeros((len(factor.codes), len(levels)))
    rows = np.nonzero(factor.codes >= offset)[0]
    columns[rows, factor.codes[rows] - offset] = 1.0
    return columns, [key + label for label in levels]


def model_matrix(terms: Terms, frame: dict, n: int) -> tuple[np.ndarray, list[str]]:
    """The (n, p) matrix and its column names."""
    blocks, names = [], []
    if terms.intercept:
        blocks.append(np.ones((n, 1)))
        names.append(INTERCEPT)
    for term, code in zip(terms.terms, term_codes(terms, frame)):
        matrix, labels = None, None
        for key in term:
            cols, cnames = _pieces(key, frame[key], code.get(key))
            if matrix is None:
                matrix, labels = cols, cnames
                continue
            matrix = np.column_stack([matrix[:, a] * cols[:, b] for b in range(cols.shape[1])
                                      for a in range(matrix.shape[1])])
            labels = [f"{la}:{lb}" for lb in cnames for la in labels]
        blocks.append(matrix)
        names += labels
    X = np.column_stack(blocks) if blocks else np.zeros((n, 0))
    return X, names


def redundant_columns(X: np.ndarray, tol: float = RANK_TOL) -> list[int]:
    """Indices of columns that are (numerically) combinations of earlier ones, as R's dqrdc2:
    |R_jj| of the QR is the length of column j's part orthogonal to the columns before it."""
    if X.shape[1] == 0:
        return []
    lengths = np.linalg.norm(X, axis=0)
    r = np.zeros(X.shape[1])
    diagonal = np.abs(np.diag(np.linalg.qr(X, mode="r")))
    r[:len(diagonal)] = diagonal          # with fewer rows than columns the rest are redundant
    return [j for j in range(X.shape[1]) if lengths[j] == 0 or r[j] < tol * lengths[j]]
