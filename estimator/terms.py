"""R's term algebra for one side of a formula (model.c's EncodeVars), and the formula's errors.

Why separate: terms() decides the order and the names of the model-matrix columns, before any data
are seen: `a*b` = a + b + a:b, `(a + b)^2` adds the pairwise interactions, `a/b` = a + a:b,
`a %in% b`, `- x` removes a term, `0 +` / `- 1` drop the intercept, `offset()` is no term; terms are
sorted by order (stable), and a term lists its variables in the order they first appear.
"""
from __future__ import annotations

from dataclasses import dataclass

from estimator.errors import InputError
from estimator.rsyntax import BinOp, Call, Name, Num, Paren, Unary, deparse, names_in

INTERCEPT = "(Intercept)"
SUPPORTED = ("supported: y ~ x + f + x:f + x*f + (a + b)^2 + I(x^2) + log(x) + poly(x, 2) + "
             "factor(x) + offset(log(t)), with one grouping factor: (1 | g), (1 + x | g), "
             "(1 + x || g) or (1 | g) + (0 + x | g)")


@dataclass(frozen=True)
class Variable:
    """One model-frame variable: an expression over the table's columns, named as R deparses it."""

    key: str
    node: object

    @property
    def columns(self) -> list[str]:
        return names_in(self.node)


@dataclass(frozen=True)
class Terms:
    """A right-hand side as R's terms(): intercept flag, the variables in order of appearance,
    the terms (tuples of variable keys, in variable order, sorted by degree), and offsets."""

    intercept: bool
    variables: tuple[Variable, ...]
    terms: tuple[tuple[str, ...], ...]
    offsets: tuple[Variable, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [":".join(term) for term in self.terms]

    def variable(self, key: str) -> Variable:
        return next(v for v in self.variables if v.key == key)


def _pointed(text: str, pos: int) -> str:
    return f"{text[:pos]}>>{text[pos:]}" if 0 <= pos <= len(text) else text


def formula_error(text: str, pos: int, problem: str) -> InputError:
    """One line: the formula with '>>' before the bad token, the problem, the supported forms."""
    return InputError(f"malformed formula '{_pointed(text, pos)}': {problem} ({SUPPORTED})")


def data_error(text: str, pos: int, problem: str) -> InputError:
    """A formula that parses but does not fit the data: the problem, then where in the formula."""
    return InputError(f"{problem} (in the formula: '{_pointed(text, pos)}')")


class TermBuilder:
    """R's term algebra (model.c's EncodeVars) over one additive list of (sign, node)."""

    def __init__(self, text: str, allow_offset: bool, reserved: tuple[str, ...]):
        self.text, self.allow_offset, self.reserved = text, allow_offset, reserved
        self.variables: list[Variable] = []
        self.offsets: list[Variable] = []
        self.intercept = True

    def build(self, pieces) -> Terms:
        terms: list[frozenset] = []
        for sign, node in pieces:
            encoded = self.encode(node, sign)
            if sign == "+":
                terms = _union(terms, encoded)
            else:
                terms = [t for t in terms if t not in encoded]
        order = {v.key: k for k, v in enumerate(self.variables)}
        terms = [t for t in terms if t]
        terms.sort(key=len)
        labelled = tuple(tuple(sorted(t, key=order.__getitem__)) for t in terms)
        return Terms(self.intercept, tuple(self.variables), labelled, tuple(self.offsets))

    def encode(self, node, sign="+") -> list[frozenset]:
        if isinstance(node, Paren):
            if isinstance(node.inner, BinOp) and node.inner.op in ("|", "||"):
                raise formula_error(self.text, node.pos, "a random term cannot sit inside another term")
            return self.encode(node.inner, sign)
        if isinstance(node, Num):
            if node.value in (0.0, 1.0):
                self.intercept = (node.value == 1.0) == (sign == "+")
                return []
            raise formula_error(self.text, node.pos, f"a number ({deparse(node)}) is not a term; "
                                                     "write I(...) for arithmetic")
        if isinstance(node, Unary) and node.op in "+-":
            return self.encode(node.arg, "-" if (node.op == "-") != (sign == "-") else "+")
        if isinstance(node, BinOp):
            if node.op in ("+", "-"):
                left = self.encode(node.left, sign)
                right = self.encode(node.right, sign if node.op == "+" else _flip(sign))
                return _union(left, right) if node.op == "+" else [t for t in left if t not in right]
            if node.op == ":":
                return _interact(self.encode(node.left), self.encode(node.right))
            if node.op == "*":
                left, right = self.encode(node.left), self.encode(node.right)
                return _union(_union(left, right), _interact(left, right))
            if node.op == "^":
                return self._power(node)
            if node.op == "/":
                left, right = self.encode(node.left), self.encode(node.right)
                everything = frozenset().union(*left) if left else frozenset()
                return _union(left, [everything | t for t in right])
            if node.op == "%in%":
                left, right = self.encode(node.left), self.encode(node.right)
                everything = frozenset().union(*right) if right else frozenset()
                return [t | everything for t in left]
            if node.op.startswith("%"):
                raise formula_error(self.text, node.pos, f"operator '{node.op}' is not supported")
        if isinstance(node, Name) and node.name == ".":
            raise formula_error(self.text, node.pos, "'.' (all other columns) is not supported: "
                                                     "name the columns")
        if isinstance(node, Call) and node.fn == "offset":
            if not self.allow_offset:
                raise formula_error(self.text, node.pos, "offset() belongs in the fixed part")
            if sign == "-":
                raise formula_error(self.text, node.pos, "an offset cannot be subtracted")
            self.offsets.append(Variable(deparse(node), node))
            return []
        return [frozenset([self._install(node)])]

    def _power(self, node: BinOp) -> list[frozenset]:
        exponent = node.right
        if not (isinstance(exponent, Num) and exponent.value >= 1 and exponent.value == int(exponent.value)):
            raise formula_error(self.text, node.pos, "'^' in a formula needs a whole number, as in "
                                                     "(a + b)^2; write I(x^2) for a square")
        base = self.encode(node.left)
        result = list(base)
        for _ in range(int(exponent.value) - 1):
            result = _union(result, _interact(result, base))
        return result

    def _install(self, node) -> str:
        key = deparse(node)
        if key in self.reserved:
            raise formula_error(self.text, node.pos, f"the response '{key}' also appears as a predictor")
        if key not in (v.key for v in self.variables):
            self.variables.append(Variable(key, node))
        return key


def _flip(sign: str) -> str:
    return "-" if sign == "+" else "+"


def _union(a: list, b: list) -> list:
    out = list(a)
    for term in b:
        if term not in out:
            out.append(term)
    return out


def _interact(left: list, right: list) -> list:
    out: list = []
    for a in left:
        for b in right:
            term = a | b
            if term not in out:
                out.append(term)
    return out
