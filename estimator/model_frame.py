"""R's model frame: every formula variable evaluated on the table's rows, then `na.omit`.

A CSV column is typed the way read.csv types it (all cells numbers -> numeric, all TRUE/FALSE ->
logical, otherwise text, which becomes a factor); empty cells and NA are missing. Variables are
evaluated on all rows first and incomplete rows dropped afterwards, as model.frame does (so
`scale(x)` uses every row's x). Factor levels are those left after the drop (lme4's
drop.unused.levels), in R's order (estimator.collate for text).
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

import numpy as np

from estimator.collate import r_sorted
from estimator.rsyntax import BinOp, Call, Name, Num, Paren, Str, Unary, deparse, r_number

_MISSING = {"", "NA", "NaN", "nan", "NAN"}
_TRUE, _FALSE = {"TRUE", "T", "true", "True"}, {"FALSE", "F", "false", "False"}
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:inf(?:inity)?))")


def is_number(text: str) -> bool:
    """A cell read.csv would read as a number."""
    return bool(_NUMBER.fullmatch(text.strip()))


@dataclass
class Numeric:
    values: np.ndarray            # float, NaN = missing


@dataclass
class Logical:
    values: np.ndarray            # 0/1 floats, NaN = missing


@dataclass
class Text:
    values: list                  # str or None (missing)


@dataclass
class Factor:
    codes: np.ndarray             # int, -1 = missing
    levels: list


@dataclass
class Matrix:
    values: np.ndarray            # (n, k)
    colnames: list | None


def missing_mask(value) -> np.ndarray:
    if isinstance(value, (Numeric, Logical)):
        return np.isnan(value.values)
    if isinstance(value, Text):
        return np.array([v is None for v in value.values], bool)
    if isinstance(value, Factor):
        return value.codes < 0
    return np.isnan(value.values).any(axis=1)


def subset(value, keep: np.ndarray):
    """Rows `keep` of a variable; factors lose the levels that no longer occur."""
    if isinstance(value, Numeric):
        return Numeric(value.values[keep])
    if isinstance(value, Logical):
        return Logical(value.values[keep])
    if isinstance(value, Matrix):
        return Matrix(value.values[keep], value.colnames)
    factor = as_factor(value)
    codes = factor.codes[keep]
    present = sorted(set(codes.tolist()) - {-1})
    remap = np.full(len(factor.levels) + 1, -1)
    remap[present] = np.arange(len(present))
    return Factor(remap[codes], [factor.levels[k] for k in present])


def as_factor(value) -> Factor:
    if isinstance(value, Factor):
        return value
    if isinstance(value, Text):
        levels = r_sorted(v for v in value.values if v is not None)
        index = {label: k for k, label in enumerate(levels)}
        return Factor(np.array([-1 if v is None else index[v] for v in value.values], int), levels)
    if isinstance(value, Logical):
        codes = np.where(np.isnan(value.values), -1, value.values).astype(int)
        return Factor(codes, ["FALSE", "TRUE"])
    if isinstance(value, Numeric):
        x = value.values
        distinct = np.unique(x[~np.isnan(x)])
        codes = np.full(len(x), -1)
        ok = ~np.isnan(x)
        codes[ok] = np.searchsorted(distinct, x[ok])
        return Factor(codes, [r_number(float(v)) for v in distinct])
    raise TypeError(value)


_PLAIN_NUMBERS = {float, int, np.float64, np.float32, np.int64, np.int32}


def type_column(name: str, cells: list):
    """read.csv's type.convert: numeric, logical or text; numbers given as Python values stay."""
    kinds = {type(c) for c in cells}
    if kinds and kinds <= _PLAIN_NUMBERS:   # simulated or numpy data: one C-level conversion (NaN = NA)
        return Numeric(np.asarray(cells, float))
    if kinds <= {str}:
        return _type_text_cells([c.strip() for c in cells])
    present = [c for c in cells if not _is_missing(c)]
    if present and all(isinstance(c, (bool, np.bool_)) for c in present):
        return Logical(np.array([np.nan if _is_missing(c) else float(c) for c in cells]))
    if all(isinstance(c, (int, float, np.number)) and not isinstance(c, (bool, np.bool_)) for c in present):
        return Numeric(np.array([np.nan if _is_missing(c) else float(c) for c in cells], float))
    return _type_text_cells([None if _is_missing(c) else str(c).strip() for c in cells])


def _type_text_cells(cells: list) -> object:
    missing = [c is None or c in _MISSING for c in cells]
    try:
        values = np.array(["nan" if m else c for c, m in zip(cells, missing)], dtype=float)
        return Numeric(values)
    except ValueError:
        pass
    shown = {c for c, m in zip(cells, missing) if not m}
    if shown and shown <= _TRUE | _FALSE:
        return Logical(np.array([np.nan if m else float(c in _TRUE) for c, m in zip(cells, missing)]))
    return Text([None if m else c for c, m in zip(cells, missing)])


def _is_missing(cell) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    return isinstance(cell, str) and cell.strip() in _MISSING


class Evaluator:
    """Evaluates formula expressions over one table; `errors` knows how to point into the text."""

    def __init__(self, table: dict, fail):
        self.table, self.fail = table, fail
        self.n = len(next(iter(table.values()))) if table else 0
        self._columns: dict = {}

    def column(self, node: Name):
        name = node.name
        if name not in self.table:
            raise self.fail(node.pos, _unknown_column(name, list(self.table)))
        if name not in self._columns:
            self._columns[name] = type_column(name, list(self.table[name]))
        return self._columns[name]

    def evaluate(self, node):
        if isinstance(node, Name):
            if node.name in ("TRUE", "T", "FALSE", "F") and node.name not in self.table:
                return Logical(np.full(self.n, float(node.name in ("TRUE", "T"))))
            return self.column(node)
        if isinstance(node, Num):
            return Numeric(np.full(self.n, node.value))
        if isinstance(node, Str):
            return Text([node.value] * self.n)
        if isinstance(node, Paren):
            return self.evaluate(node.inner)
        if isinstance(node, Unary):
            arg = self.evaluate(node.arg)
            if node.op == "!":
                return Logical(_not(self.logical(arg, node)))
            x = self.number(arg, node)
            return Numeric(-x if node.op == "-" else x)
        if isinstance(node, BinOp):
            return self.binary(node)
        if isinstance(node, Call):
            from estimator.transforms import call
            return call(self, node)
        raise self.fail(getattr(node, "pos", 0), f"cannot evaluate '{deparse(node)}'")

    def binary(self, node: BinOp):
        op = node.op
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        if op in ("==", "!=") and (_is_text(left) or _is_text(right)):
            a, b = _labels(left), _labels(right)
            equal = np.array([np.nan if x is None or y is None else float(x == y) for x, y in zip(a, b)])
            return Logical(equal if op == "==" else _not(equal))
        if op in ("&", "&&", "|", "||"):
            a, b = self.logical(left, node), self.logical(right, node)
            value = np.minimum(a, b) if "&" in op else np.maximum(a, b)
            value[np.isnan(a) | np.isnan(b)] = np.nan
            return Logical(value)
        a, b = self.number(left, node), self.number(right, node)
        with np.errstate(all="ignore"):
            if op in ("+", "-", "*", "/", "^"):
                value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "^": np.power(a, b)}[op]
                return Numeric(value)
            if op in ("<", ">", "<=", ">=", "==", "!="):
                value = {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b, "==": a == b,
                         "!=": a != b}[op].astype(float)
                value[np.isnan(a) | np.isnan(b)] = np.nan
                return Logical(value)
            if op == "%%":
                return Numeric(a - np.floor(a / b) * b)
        raise self.fail(node.pos, f"operator '{op}' is not supported inside an expression")

    def number(self, value, node) -> np.ndarray:
        if isinstance(value, (Numeric, Logical)):
            return value.values
        if isinstance(value, Matrix) and value.values.shape[1] == 1:
            return value.values[:, 0]
        raise self.fail(node.pos, f"'{deparse(node)}' needs numbers, but {_what(value)}")

    def logical(self, value, node) -> np.ndarray:
        if isinstance(value, Logical):
            return value.values
        if isinstance(value, Numeric):
            return np.where(np.isnan(value.values), np.nan, (value.values != 0).astype(float))
        raise self.fail(node.pos, f"'{deparse(node)}' needs TRUE/FALSE values, but {_what(value)}")


def _not(x: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), np.nan, 1.0 - x)


def _is_text(value) -> bool:
    return isinstance(value, (Text, Factor))


def _labels(value) -> list:
    if isinstance(value, Text):
        return value.values
    if isinstance(value, Factor):
        return [None if c < 0 else value.levels[c] for c in value.codes]
    if isinstance(value, Logical):
        return [None if math.isnan(v) else ("TRUE" if v else "FALSE") for v in value.values]
    return [None if math.isnan(v) else r_number(float(v)) for v in np.asarray(value.values).ravel()]


def _what(value) -> str:
    if isinstance(value, Text):
        sample = next((v for v in value.values if v is not None), "")
        return f"it holds text (e.g. '{sample}')"
    if isinstance(value, Factor):
        return "it is a factor"
    return "it is a matrix of several columns"


def _unknown_column(name: str, columns: list[str]) -> str:
    lowered = {c.lower(): c for c in columns}
    guess = lowered.get(name.lower()) or next(iter(difflib.get_close_matches(name, columns, 1, 0.6)), None)
    hint = f"did you mean '{guess}'? " if guess else ""
    shown = ", ".join(columns[:12]) + (", ..." if len(columns) > 12 else "")
    return f"column '{name}' is not in the data: {hint}(columns: {shown or 'none'})"
