"""R's expression syntax, as far as a model formula uses it: tokens, a parse tree, and R's deparse.

Why deparse: R names every model-frame variable (and so every coefficient) by deparsing its
expression, so `I(Days ^ 2)` becomes `I(Days^2)` and `log(x+1)` becomes `log(x + 1)`. Giving the
same names as lme4 means printing the tree back the way R does, not echoing what the user typed.
Every node keeps the character position of its first token, so errors can point at it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from estimator.errors import InputError


class FormulaSyntaxError(InputError):
    """A syntax problem at character `pos` of the formula text."""

    def __init__(self, pos: int, problem: str):
        super().__init__(problem)
        self.pos, self.problem = pos, problem


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?L?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<tick>`[^`]*`)
  | (?P<name>(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*)
  | (?P<op>%[^%]*%|\|\||&&|==|!=|<=|>=|[~+\-*/^:|&!<>(),=])
""", re.VERBOSE)


@dataclass(frozen=True)
class Token:
    kind: str       # num, str, name, op, end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise FormulaSyntaxError(pos, f"unexpected character {text[pos]!r}")
        kind = match.lastgroup
        if kind == "tick":
            if len(match.group()) == 2:
                raise FormulaSyntaxError(pos, "empty backticked name ``")
            out.append(Token("name", match.group()[1:-1], pos))
        elif kind != "space":
            out.append(Token(kind, match.group(), pos))
        pos = match.end()
    if text.count("`") % 2:
        raise FormulaSyntaxError(text.rindex("`"), "unclosed backtick '`'")
    out.append(Token("end", "", len(text)))
    return out


# --- parse tree -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Name:
    name: str
    pos: int


@dataclass(frozen=True)
class Num:
    value: float
    pos: int
    integer: bool = False     # written with R's L suffix (2L), which deparse keeps


@dataclass(frozen=True)
class Str:
    value: str
    pos: int


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple          # positional expressions
    kwargs: tuple        # ((name, expression), ...)
    pos: int


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object
    pos: int             # position of the operator


@dataclass(frozen=True)
class Unary:
    op: str
    arg: object
    pos: int


@dataclass(frozen=True)
class Paren:
    inner: object
    pos: int


# Binary operators by R's precedence, loosest first; (left-assoc, ops).
_LEVELS = [("~",), ("|", "||"), ("&", "&&"), ("==", "!=", "<", ">", "<=", ">="), ("+", "-"),
           ("*", "/"), ("%",), (":",)]
_UNARY_NOT_LEVEL = 3         # `!x` sits between & and comparisons
_UNARY_SIGN_LEVEL = len(_LEVELS)   # unary +/- bind tighter than ':' but looser than '^'


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, text: str, what: str) -> Token:
        if self.tok.text != text or self.tok.kind not in ("op",):
            raise FormulaSyntaxError(self.tok.pos, f"{what}, found {_describe(self.tok)}")
        return self.take()

    def parse(self):
        tree = self.binary(0)
        if self.tok.kind != "end":
            raise FormulaSyntaxError(self.tok.pos, f"unexpected {_describe(self.tok)}{self._space_hint()}")
        return tree

    def _space_hint(self) -> str:
        """Two names in a row are most often one column name with a space in it."""
        before = self.toks[self.i - 1] if self.i else None
        if before is not None and before.kind == "name" and self.tok.kind == "name":
            return (f": a column name with spaces goes in backticks, as `{before.text} "
                    f"{self.tok.text}`")
        return ""

    def _matches(self, level: int) -> bool:
        tok = self.tok
        if tok.kind != "op":
            return False
        ops = _LEVELS[level]
        return tok.text in ops or (ops == ("%",) and tok.text.startswith("%"))

    def binary(self, level: int):
        if level == _UNARY_SIGN_LEVEL:
            return self.unary_sign()
        if level == _UNARY_NOT_LEVEL and self.tok.kind == "op" and self.tok.text == "!":
            tok = self.take()
            return Unary("!", self.binary(level), tok.pos)
        left = self.binary(level + 1)
        while self._matches(level):
            tok = self.take()
            right = self.binary(level + 1)
            left = BinOp(tok.text, left, right, tok.pos)
        return left

    def unary_sign(self):
        if self.tok.kind == "op" and self.tok.text in "+-" and self.tok.text:
            tok = self.take()
            return Unary(tok.text, self.unary_sign(), tok.pos)
        return self.power()

    def power(self):
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "^":
            tok = self.take()
            exponent = self.unary_sign()       # right-associative, and 2^-1 is legal
            return BinOp("^", base, exponent, tok.pos)
        return base

    def atom(self):
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return Num(float(tok.text.rstrip("L")), tok.pos, tok.text.endswith("L"))
        if tok.kind == "str":
            self.take()
            return Str(tok.text[1:-1], tok.pos)
        if tok.kind == "name":
            self.take()
            if self.tok.kind == "op" and self.tok.text == "(":
                return self.call(tok)
            return Name(tok.text, tok.pos)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            inner = self.binary(0)
            if self.tok.text != ")" or self.tok.kind != "op":
                if self.tok.kind == "end":
                    raise FormulaSyntaxError(tok.pos, "unclosed '(': add its ')'")
                raise FormulaSyntaxError(self.tok.pos, f"expected ')' but found {_describe(self.tok)}"
                                                       f"{self._space_hint()}")
            self.take()
            return Paren(inner, tok.pos)
        if tok.kind == "end":
            raise FormulaSyntaxError(tok.pos, "the formula ends where a term should be")
        raise FormulaSyntaxError(tok.pos, f"unexpected {_describe(tok)} where a term should be")

    def call(self, name: Token) -> Call:
        open_tok = self.take()
        args, kwargs = [], []
        while not (self.tok.kind == "op" and self.tok.text == ")"):
            if self.tok.kind == "end":
                raise FormulaSyntaxError(name.pos, f"unclosed '{name.text}(': add its ')'")
            if self.tok.kind == "name" and self.toks[self.i + 1].text == "=" \
                    and self.toks[self.i + 1].kind == "op":
                key = self.take().text
                self.take()
                kwargs.append((key, self.binary(1)))
            else:
                if kwargs:
                    raise FormulaSyntaxError(self.tok.pos, "a positional argument after a named one")
                args.append(self.binary(1))
            if self.tok.kind == "op" and self.tok.text == ",":
                self.take()
            elif not (self.tok.kind == "op" and self.tok.text == ")"):
                if self.tok.kind == "end":
                    raise FormulaSyntaxError(name.pos, f"unclosed '{name.text}(': add its ')'")
                raise FormulaSyntaxError(self.tok.pos, f"expected ',' or ')' in {name.text}(...) but "
                                                       f"found {_describe(self.tok)}")
        self.take()
        return Call(name.text, tuple(args), tuple(kwargs), name.pos)


def _describe(tok: Token) -> str:
    return "the end of the formula" if tok.kind == "end" else f"'{tok.text}'"


def parse_expression(text: str):
    return _Parser(text).parse()


# --- deparse as R prints it --------------------------------------------------------------------
_SYNTACTIC = re.compile(r"(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*\Z")
_RESERVED = {"if", "else", "repeat", "while", "function", "for", "next", "break", "TRUE", "FALSE",
             "NULL", "Inf", "NaN", "NA", "in"}
_CONSTANTS = {"TRUE", "FALSE", "NA", "Inf", "NaN", "T", "F"}
_TIGHT = {"^", ":", "/", "%%"}          # R prints these without spaces


def r_name(name: str) -> str:
    """A name as R prints it: backticked unless syntactic."""
    if _SYNTACTIC.match(name) and name not in _RESERVED:
        return name
    return "`" + name.replace("`", "\\`") + "`"


def r_number(value: float) -> str:
    """as.character / deparse of a double with 15 significant digits, as R chooses fixed or
    scientific notation (the shorter; fixed on a tie)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Inf" if value > 0 else "-Inf"
    if value == 0:
        return "0"
    for digits in range(1, 16):
        sci = f"{value:.{digits - 1}e}"
        if float(sci) == float(f"{value:.14e}"):
            break
    mantissa, exponent = sci.split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    exp_value = int(exponent)
    sci_text = f"{mantissa}e{'-' if exp_value < 0 else '+'}{abs(exp_value):02d}"
    decimals = max(0, digits - 1 - exp_value)
    fixed_text = f"{value:.{decimals}f}"
    return fixed_text if len(fixed_text) <= len(sci_text) else sci_text


def deparse(node) -> str:
    if isinstance(node, Name):
        return node.name if node.name in _CONSTANTS else r_name(node.name)
    if isinstance(node, Num):
        return r_number(node.value) + ("L" if node.integer else "")
    if isinstance(node, Str):
        return '"' + node.value.replace('"', '\\"') + '"'
    if isinstance(node, Paren):
        return f"({deparse(node.inner)})"
    if isinstance(node, Unary):
        return f"{node.op}{deparse(node.arg)}"
    if isinstance(node, BinOp):
        if node.op in _TIGHT:
            return f"{deparse(node.left)}{node.op}{deparse(node.right)}"
        return f"{deparse(node.left)} {node.op} {deparse(node.right)}"
    if isinstance(node, Call):
        parts = [deparse(a) for a in node.args] + [f"{r_name(k)} = {deparse(v)}" for k, v in node.kwargs]
        return f"{r_name(node.fn)}({', '.join(parts)})"
    raise TypeError(node)


def names_in(node) -> list[str]:
    """Every variable name an expression reads (function names excluded), in order."""
    if isinstance(node, Name):
        return [node.name]
    if isinstance(node, Call):
        out = []
        for child in (*node.args, *(v for _, v in node.kwargs)):
            out += names_in(child)
        return out
    if isinstance(node, BinOp):
        return names_in(node.left) + names_in(node.right)
    if isinstance(node, (Unary,)):
        return names_in(node.arg)
    if isinstance(node, Paren):
        return names_in(node.inner)
    return []
