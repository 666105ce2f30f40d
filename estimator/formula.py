"""Parse an lme4 formula into typed terms: the response, the fixed part and the random terms.

The fixed part follows R's terms(): `a*b` = a + b + a:b, `(a + b)^2`, `a/b` = a + a:b, `- 1`,
`0 +`, `offset()`; terms are sorted by order and each names its variables in the order they
first appear (so `b:a` after `a + b` is labelled `a:b`), because that is what fixes R's column
order and names. The random part is lme4's: `(effects | g)` and `(effects || g)` on ONE grouping
factor, which may carry several terms (`(1 | g) + (0 + x | g)`). Crossed and nested grouping
factors are refused with the supported forms named.

Columns are only materialised later (estimator.model_matrix), because whether a variable is a
factor depends on the data.
"""
from __future__ import annotations

from dataclasses import dataclass

from estimator.errors import InputError
from estimator.rsyntax import BinOp, Call, FormulaSyntaxError, Name, Num, Paren, Unary, deparse, parse_expression
from estimator.terms import (INTERCEPT, SUPPORTED, TermBuilder, Terms, Variable, data_error,
                             formula_error)

__all__ = ["INTERCEPT", "SUPPORTED", "Formula", "FormulaSpec", "RandomTerm", "Terms", "Variable",
           "data_error", "formula_error", "parse_formula"]


@dataclass(frozen=True)
class RandomTerm:
    """lme4's `(effects | group)`: the effects' model matrix, the grouping factor, and whether
    the term came from `||` (then it is one of its split scalar terms)."""

    effects: Terms
    group: Variable
    uncorrelated: bool
    text: str


@dataclass(frozen=True)
class Formula:
    """The parsed formula: lhs (the response variable), fixed_terms, random_terms (all on one
    grouping factor), text. The properties below give the flat view older code reads."""

    lhs: Variable
    fixed_terms: Terms
    random_terms: tuple[RandomTerm, ...]
    text: str

    # --- the flat view the rest of the code reads (names as far as known before the data) ---
    @property
    def response(self) -> str:
        """The response as R names it ('y', 'log(Reaction)')."""
        return self.lhs.key

    @property
    def fixed(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.fixed_terms.variables)

    @property
    def fixed_intercept(self) -> bool:
        return self.fixed_terms.intercept

    @property
    def random(self) -> tuple[str, ...]:
        keys: list[str] = []
        for term in self.random_terms:
            keys += [v.key for v in term.effects.variables if v.key not in keys]
        return tuple(keys)

    @property
    def random_intercept(self) -> bool:
        return any(t.effects.intercept for t in self.random_terms)

    @property
    def group(self) -> str:
        return self.random_terms[0].group.key

    @property
    def uncorrelated(self) -> bool:
        """True when the random effects are separate terms (from `||` or written apart), so their
        covariance is diagonal."""
        return len(self.random_terms) > 1

    @property
    def fixef_names(self) -> list[str]:
        return ([INTERCEPT] if self.fixed_intercept else []) + self.fixed_terms.labels

    @property
    def re_names(self) -> list[str]:
        out: list[str] = []
        for term in self.random_terms:
            out += ([INTERCEPT] if term.effects.intercept else []) + term.effects.labels
        return out

    @property
    def columns(self) -> list[str]:
        """Every data column the formula reads, response first."""
        seen: list[str] = []
        variables = [self.lhs, *self.fixed_terms.variables, *self.fixed_terms.offsets]
        for term in self.random_terms:
            variables += [*term.effects.variables, term.group]
        for variable in variables:
            seen += [c for c in variable.columns if c not in seen]
        return seen


FormulaSpec = Formula     # the name the rest of the code has used


def parse_formula(text: str) -> Formula:
    """Parse `text`; raise InputError pointing at the first token that does not fit."""
    if not isinstance(text, str) or not text.strip():
        raise InputError("the formula is empty: write e.g. 'y ~ x + (1 | g)'")
    text = text.strip()
    if "~" not in text:
        raise InputError(f"malformed formula '{text}': it needs a '~' between the response and "
                         "the terms (e.g. 'y ~ x + (1 | g)')")
    if text.startswith("~"):
        raise formula_error(text, 0, "the response is missing: write its column before '~'")
    try:
        tree = parse_expression(text)
    except FormulaSyntaxError as exc:
        raise formula_error(text, exc.pos, exc.problem) from None
    if not (isinstance(tree, BinOp) and tree.op == "~"):
        tilde = text.find("~")
        if tilde < 0:
            raise InputError(f"malformed formula '{text}': it needs a '~' between the response and "
                             "the terms (e.g. 'y ~ x + (1 | g)')")
        raise formula_error(text, tilde, "one '~' between the response and the terms")
    if isinstance(tree.left, BinOp) and tree.left.op == "~" or _contains(tree.right, "~"):
        raise formula_error(text, text.find("~", text.find("~") + 1), "a second '~'")
    response = _response(text, tree.left)
    fixed_nodes, bar_nodes = _split_bars(text, tree.right)
    fixed = TermBuilder(text, allow_offset=True, reserved=(response.key,)).build(fixed_nodes)
    random_terms = tuple(term for bar in bar_nodes for term in _random_terms(text, bar))
    if not random_terms:
        raise InputError(f"formula '{text}' has no random term: add one such as '(1 | g)' "
                         f"({SUPPORTED})")
    _check_one_grouping_factor(text, random_terms)
    formula = Formula(lhs=response, fixed_terms=fixed, random_terms=random_terms, text=text)
    if not formula.fixef_names:
        raise InputError(f"formula '{text}' has no fixed effect: keep the intercept or add a predictor")
    group = formula.group
    used = [response.key, *formula.fixed, *formula.random]
    used += [c for v in formula.fixed_terms.variables for c in v.columns]
    if group in used:
        raise InputError(f"formula '{text}' uses '{group}' both as grouping factor and as a "
                         "predictor or response: use a different column")
    return formula


def _contains(node, op: str) -> bool:
    if isinstance(node, BinOp):
        return node.op == op or _contains(node.left, op) or _contains(node.right, op)
    if isinstance(node, (Paren,)):
        return _contains(node.inner, op)
    if isinstance(node, Unary):
        return _contains(node.arg, op)
    return False


def _response(text: str, node) -> Variable:
    if isinstance(node, (BinOp, Unary)) and node.op in ("+", "-", "*", ":", "|", "||", "/") and \
            not (isinstance(node, Unary) and node.op == "-"):
        raise formula_error(text, node.pos, "the response is one column or one expression such as "
                                            "log(y) or cbind(successes, failures)")
    if isinstance(node, Num):
        raise formula_error(text, node.pos, "the response must name a column")
    return Variable(deparse(node), node)


def _split_bars(text: str, node):
    """The right-hand side's additive pieces: fixed-part nodes (with their signs) and bar terms."""
    fixed, bars = [], []

    def walk(n, sign):
        if isinstance(n, BinOp) and n.op in ("+", "-"):
            walk(n.left, sign)
            walk(n.right, "-" if n.op == "-" else "+")
        elif isinstance(n, Paren) and isinstance(n.inner, BinOp) and n.inner.op in ("|", "||"):
            if sign == "-":
                raise formula_error(text, n.pos, "a random term cannot be subtracted")
            bars.append(n.inner)
        elif isinstance(n, BinOp) and n.op in ("|", "||"):
            raise formula_error(text, n.pos, "a random term goes in parentheses, as in '(1 | g)'")
        else:
            if _contains(n, "|") or _contains(n, "||"):
                raise formula_error(text, n.pos, "a random term '(... | g)' can only be added to "
                                                 "the fixed part, not combined with it")
            fixed.append((sign, n))

    walk(node, "+")
    return fixed, bars


def _random_terms(text: str, bar: BinOp) -> list[RandomTerm]:
    group_node = bar.right
    if isinstance(group_node, Paren):
        group_node = group_node.inner
    if isinstance(group_node, BinOp) and group_node.op in ("/", ":"):
        kind = "nested" if group_node.op == "/" else "interaction"
        raise formula_error(text, group_node.pos, f"{kind} grouping factors ('{deparse(group_node)}') "
                                                  "are not supported yet: use one grouping column")
    if not isinstance(group_node, (Name, Call)) or isinstance(group_node, Call) and \
            group_node.fn not in ("factor", "as.factor"):
        raise formula_error(text, getattr(group_node, "pos", bar.pos),
                            "after '|' comes exactly one grouping column")
    group = Variable(deparse(group_node), group_node)
    builder = TermBuilder(text, allow_offset=False, reserved=())
    effects = builder.build(_additive(bar.left))
    if not effects.terms and not effects.intercept:
        raise formula_error(text, bar.left.pos, "the random term has no effect left ('0' alone)")
    source = f"({deparse(bar)})"
    if bar.op == "|":
        return [RandomTerm(effects, group, False, source)]
    # lme4's `||`: one scalar term for the intercept and one per other term.
    split = []
    if effects.intercept:
        split.append(RandomTerm(Terms(True, (), ()), group, True, source))
    for term in effects.terms:
        variables = tuple(effects.variable(key) for key in term)
        split.append(RandomTerm(Terms(False, variables, (term,)), group, True, source))
    return split


def _additive(node):
    pieces = []

    def walk(n, sign):
        if isinstance(n, BinOp) and n.op in ("+", "-"):
            walk(n.left, sign)
            walk(n.right, "-" if n.op == "-" else "+")
        else:
            pieces.append((sign, n))

    walk(node, "+")
    return pieces


def _check_one_grouping_factor(text: str, terms: tuple[RandomTerm, ...]) -> None:
    groups = list(dict.fromkeys(t.group.key for t in terms))
    if len(groups) > 1:
        second = next(t for t in terms if t.group.key == groups[1])
        pos = second.group.node.pos
        raise formula_error(text, pos, f"random terms on {len(groups)} grouping factors "
                                       f"({', '.join(repr(g) for g in groups)}): crossed or nested "
                                       "grouping factors are not supported yet")
