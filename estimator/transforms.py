"""The functions a formula may call, each computed as R computes it.

I() (arithmetic and comparisons), log/log2/log10/log1p/exp/expm1/sqrt/abs/floor/ceiling/round,
scale(), poly() (R's
orthogonal polynomials: centred, each column orthogonal to the lower powers and of unit length;
raw = TRUE for plain powers), factor() (optionally with levels = c(...)), relevel(f, ref = ...),
as.numeric(), offset() and cbind() (a binomial response as successes and failures).
"""
from __future__ import annotations

import numpy as np

from estimator.model_frame import Factor, Matrix, Numeric, Text, as_factor
from estimator.rsyntax import Call, Num, Str, Unary, deparse, r_number

_MATH = {"log": np.log, "log2": np.log2, "log10": np.log10, "log1p": np.log1p, "exp": np.exp,
         "expm1": np.expm1, "sqrt": np.sqrt, "abs": np.abs, "floor": np.floor, "ceiling": np.ceil}
FUNCTIONS = ("I", *_MATH, "round", "scale", "poly", "factor", "as.factor", "relevel", "as.numeric", "offset",
             "cbind")


def call(ev, node: Call):
    fn = node.fn
    handler = _HANDLERS.get(fn) or (_math if fn in _MATH else None)
    if handler is None:
        raise ev.fail(node.pos, f"unknown function '{fn}()': the formula may use {', '.join(FUNCTIONS)}")
    return handler(ev, node)


def _args(ev, node: Call, names: tuple[str, ...], required: int = 1) -> dict:
    """Match positional and named arguments to `names` as R does (exact names only)."""
    out = dict(zip(names, node.args))
    if len(node.args) > len(names):
        raise ev.fail(node.args[len(names)].pos, f"{node.fn}() takes at most {len(names)} argument(s)")
    for key, value in node.kwargs:
        if key not in names or key in out:
            raise ev.fail(value.pos, f"{node.fn}() has no argument '{key}' here (it takes "
                                     f"{', '.join(names)})")
        out[key] = value
    missing = [n for n in names[:required] if n not in out]
    if missing:
        raise ev.fail(node.pos, f"{node.fn}() needs its argument '{missing[0]}'")
    return out


def _constant(ev, node, kind=float):
    """A literal argument (degree = 2, base = 10, raw = TRUE, ref = "b")."""
    if isinstance(node, Num) and kind in (float, int):
        return kind(node.value)
    if isinstance(node, Unary) and node.op == "-" and isinstance(node.arg, Num) and kind is float:
        return -node.arg.value
    if isinstance(node, Str) and kind is str:
        return node.value
    if kind is bool and getattr(node, "name", None) in ("TRUE", "T", "FALSE", "F"):
        return node.name in ("TRUE", "T")
    raise ev.fail(node.pos, f"'{deparse(node)}' must be a literal {kind.__name__} here")


def _identity(ev, node: Call):
    args = _args(ev, node, ("x",))
    return ev.evaluate(args["x"])


def _round(ev, node: Call):
    """R's round: halves go to the even digit (IEC 60559), as numpy's."""
    args = _args(ev, node, ("x", "digits"))
    digits = _constant(ev, args["digits"], int) if "digits" in args else 0
    return Numeric(np.round(ev.number(ev.evaluate(args["x"]), args["x"]), digits))


def _math(ev, node: Call):
    names = ("x", "base") if node.fn == "log" else ("x",)
    args = _args(ev, node, names)
    x = ev.number(ev.evaluate(args["x"]), args["x"])
    with np.errstate(all="ignore"):
        value = _MATH[node.fn](x)
        if "base" in args:
            value = value / np.log(_constant(ev, args["base"]))
    return Numeric(value)


def _scale(ev, node: Call):
    args = _args(ev, node, ("x", "center", "scale"))
    x = ev.number(ev.evaluate(args["x"]), args["x"])
    centre = _constant(ev, args["center"], bool) if "center" in args else True
    spread = _constant(ev, args["scale"], bool) if "scale" in args else True
    ok = ~np.isnan(x)
    if centre:
        x = x - x[ok].mean()
    if spread:
        # R: sd about the mean when centred, root mean square (n - 1) otherwise
        denom = np.sqrt(np.sum(x[ok] ** 2) / max(ok.sum() - 1, 1))
        x = x / denom
    return Matrix(x[:, None], None)


def _poly(ev, node: Call):
    args = _args(ev, node, ("x", "degree", "coefs", "raw"))
    if "coefs" in args:
        raise ev.fail(args["coefs"].pos, "poly(coefs = ...) is not supported")
    x = ev.number(ev.evaluate(args["x"]), args["x"])
    degree = _constant(ev, args["degree"], int) if "degree" in args else 1
    raw = _constant(ev, args["raw"], bool) if "raw" in args else False
    if degree < 1:
        raise ev.fail(node.pos, "poly() needs degree >= 1")
    if np.isnan(x).any():
        raise ev.fail(node.pos, f"'{deparse(node)}': missing values are not allowed in 'poly' (as in R): "
                                "drop those rows from the data")
    names = [str(k) for k in range(1, degree + 1)]
    if raw:
        return Matrix(np.column_stack([x ** k for k in range(1, degree + 1)]), names)
    if degree >= len(np.unique(x)):
        raise ev.fail(node.pos, f"'{deparse(node)}': 'degree' must be less than number of unique points")
    centred = x - x.mean()
    powers = np.column_stack([centred ** k for k in range(degree + 1)])
    q, r = np.linalg.qr(powers)
    basis = q * np.diag(r)          # each power minus its projection on the lower ones, as R
    basis = basis[:, 1:] / np.linalg.norm(basis[:, 1:], axis=0)
    return Matrix(basis, names)


def _factor(ev, node: Call):
    args = _args(ev, node, ("x", "levels"))
    value = ev.evaluate(args["x"])
    if isinstance(value, Matrix):
        raise ev.fail(node.pos, f"factor() of '{deparse(args['x'])}' needs one column")
    factor = as_factor(value)
    if "levels" not in args:
        return factor
    wanted = _level_list(ev, args["levels"], value)
    index = {label: k for k, label in enumerate(wanted)}
    labels = [None if c < 0 else factor.levels[c] for c in factor.codes]
    return Factor(np.array([index.get(label, -1) if label is not None else -1 for label in labels]), wanted)


def _level_list(ev, node, value) -> list[str]:
    items = node.args if isinstance(node, Call) and node.fn == "c" and not node.kwargs else [node]
    out = []
    for item in items:
        if isinstance(item, Str):
            out.append(item.value)
        elif isinstance(item, Num) and not isinstance(value, Text):
            out.append(r_number(item.value))
        else:
            raise ev.fail(item.pos, "levels = c(...) takes literal labels, as in levels = c(\"b\", \"a\")")
    if len(set(out)) != len(out):
        raise ev.fail(node.pos, "levels = c(...) repeats a level")
    return out


def _relevel(ev, node: Call):
    args = _args(ev, node, ("x", "ref"), required=2)
    factor = as_factor(ev.evaluate(args["x"]))
    ref = args["ref"]
    label = r_number(ref.value) if isinstance(ref, Num) else _constant(ev, ref, str)
    if label not in factor.levels:
        raise ev.fail(ref.pos, f"relevel(): '{label}' is not a level of {deparse(args['x'])} "
                               f"(levels: {', '.join(factor.levels[:10])})")
    k = factor.levels.index(label)
    order = [k] + [j for j in range(len(factor.levels)) if j != k]
    remap = np.empty(len(order) + 1, int)
    remap[-1] = -1
    remap[order] = np.arange(len(order))
    return Factor(remap[factor.codes], [factor.levels[j] for j in order])


def _as_numeric(ev, node: Call):
    args = _args(ev, node, ("x",))
    value = ev.evaluate(args["x"])
    if isinstance(value, Factor):
        return Numeric(np.where(value.codes < 0, np.nan, value.codes + 1.0))
    return Numeric(ev.number(value, args["x"]).astype(float))


def _cbind(ev, node: Call):
    if len(node.args) != 2 or node.kwargs:
        raise ev.fail(node.pos, "cbind() as a response takes two columns: cbind(successes, failures)")
    columns = [ev.number(ev.evaluate(a), a) for a in node.args]
    return Matrix(np.column_stack(columns), None)


def _offset(ev, node: Call):
    args = _args(ev, node, ("object",))
    return Numeric(ev.number(ev.evaluate(args["object"]), args["object"]))


_HANDLERS = {"I": _identity, "round": _round, "scale": _scale, "poly": _poly, "factor": _factor, "as.factor": _factor,
             "relevel": _relevel, "as.numeric": _as_numeric, "cbind": _cbind, "offset": _offset}
