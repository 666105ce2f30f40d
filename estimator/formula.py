"""Parse the lme4 formula subset the lecture needs into a FormulaSpec.

Supported: `y ~ x1 + x2 + (1 | g)`, `(0 + x | g)`, `(1 + x | g)`, `(x | g)`, `0 +` / `- 1` / `1 +`
on the fixed part, and `(1 + x || g)` (uncorrelated terms). One grouping factor. Errors quote the
formula and point at the offending token, so the user sees what to change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from estimator.errors import InputError

INTERCEPT = "(Intercept)"
_TOKEN = re.compile(r"\s*(?:(\|\|)|([A-Za-z_.][A-Za-z0-9_.]*)|(\d+)|(.))")


@dataclass(frozen=True)
class FormulaSpec:
    """A parsed mixed-model formula.

    response: name of the response column.
    fixed: names of the numeric fixed-effect predictor columns, in formula order.
    fixed_intercept: whether the fixed part has an intercept (lme4's default: yes).
    random: names of the random-effect predictor columns (without the intercept).
    random_intercept: whether the random part has an intercept.
    group: the grouping-factor column.
    uncorrelated: `||` was used, so the random-effects covariance is diagonal.
    text: the formula as the user wrote it (for messages and summaries).
    """

    response: str
    fixed: tuple[str, ...]
    fixed_intercept: bool
    random: tuple[str, ...]
    random_intercept: bool
    group: str
    uncorrelated: bool
    text: str

    @property
    def fixef_names(self) -> list[str]:
        return ([INTERCEPT] if self.fixed_intercept else []) + list(self.fixed)

    @property
    def re_names(self) -> list[str]:
        return ([INTERCEPT] if self.random_intercept else []) + list(self.random)

    @property
    def columns(self) -> list[str]:
        """Every data column the formula reads, response first."""
        seen: list[str] = []
        for name in (self.response, *self.fixed, *self.random, self.group):
            if name not in seen:
                seen.append(name)
        return seen


def _fail(text: str, pos: int, problem: str) -> InputError:
    pointer = f"{text[:pos]}>>{text[pos:]}" if 0 <= pos <= len(text) else text
    return InputError(f"malformed formula '{pointer}': {problem} "
                      f"(expected e.g. 'y ~ x + (1 + x | g)')")


def _tokens(text: str) -> list[tuple[str, int]]:
    out = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            break
        tok = match.group(match.lastindex)
        if tok.strip():
            out.append((tok, match.start(match.lastindex)))
        pos = match.end()
    return out


def _parse_terms(text: str, toks: list[tuple[str, int]], allow_paren: bool):
    """Parse `a + b - 1 + (...)` into (names, intercept flag, random groups as token lists)."""
    names: list[str] = []
    intercept: bool | None = None
    parens: list[list[tuple[str, int]]] = []
    i = 0
    sign = "+"
    expect_term = True
    while i < len(toks):
        tok, pos = toks[i]
        if expect_term:
            if tok == "(" and allow_paren:
                depth, j = 1, i + 1
                while j < len(toks) and depth:
                    depth += {"(": 1, ")": -1}.get(toks[j][0], 0)
                    j += 1
                if depth:
                    raise _fail(text, pos, "unclosed '('")
                if sign == "-":
                    raise _fail(text, pos, "a random term cannot be subtracted")
                parens.append(toks[i + 1:j - 1])
                i = j
            elif tok in ("0", "1"):
                want = (tok == "1") == (sign == "+")
                intercept = want
                i += 1
            elif re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.]*", tok):
                if sign == "-":
                    raise _fail(text, pos, f"only '- 1' can be subtracted, not '{tok}'")
                if tok in names:
                    raise _fail(text, pos, f"'{tok}' appears twice")
                names.append(tok)
                i += 1
            else:
                raise _fail(text, pos, f"unexpected '{tok}' where a term should be")
            expect_term = False
        else:
            if tok not in "+-":
                raise _fail(text, pos, f"unexpected '{tok}' (terms are joined by '+')")
            sign = tok
            expect_term = True
            i += 1
    if expect_term:
        raise _fail(text, len(text), "the formula ends where a term should be")
    return names, intercept, parens


def parse_formula(text: str) -> FormulaSpec:
    """Parse `text`; raise InputError pointing at the first token that does not fit."""
    if not isinstance(text, str) or "~" not in text:
        raise InputError(f"malformed formula '{text}': it needs a '~' between the response and "
                         "the terms (e.g. 'y ~ x + (1 | g)')")
    lhs, rhs = text.split("~", 1)
    offset = len(lhs) + 1
    response = lhs.strip()
    if not re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.]*", response):
        raise _fail(text, 0, f"the response '{response}' must be one column name")
    toks = [(tok, pos + offset) for tok, pos in _tokens(rhs)]
    if not toks:
        raise _fail(text, len(text), "there are no terms after '~'")
    fixed, fixed_intercept, parens = _parse_terms(text, toks, allow_paren=True)
    if not parens:
        raise InputError(f"formula '{text}' has no random term: add one such as '(1 | g)'")
    if len(parens) > 1:
        raise InputError(f"formula '{text}' has {len(parens)} random terms: this tool fits one, "
                         "e.g. '(1 + x | g)' (or '(1 + x || g)' for uncorrelated effects)")
    inner = parens[0]
    bars = [k for k, (tok, _) in enumerate(inner) if tok in ("|", "||")]
    if len(bars) != 1:
        pos = inner[0][1] if inner else offset
        raise _fail(text, pos, "a random term needs exactly one '|' as in '(1 + x | g)'")
    k = bars[0]
    uncorrelated = inner[k][0] == "||"
    left, right = inner[:k], inner[k + 1:]
    if not left:
        raise _fail(text, inner[k][1], "nothing before '|'")
    if len(right) != 1 or not re.fullmatch(r"[A-Za-z_.][A-Za-z0-9_.]*", right[0][0]):
        pos = right[0][1] if right else inner[k][1] + 1
        raise _fail(text, pos, "after '|' comes exactly one grouping column")
    random, random_intercept, nested = _parse_terms(text, left, allow_paren=False)
    if nested:
        raise _fail(text, left[0][1], "random terms cannot be nested")
    random_intercept = True if random_intercept is None else random_intercept
    if not random and not random_intercept:
        raise _fail(text, left[0][1], "the random term has no effect left ('0' alone)")
    spec = FormulaSpec(response=response, fixed=tuple(fixed),
                       fixed_intercept=True if fixed_intercept is None else fixed_intercept,
                       random=tuple(random), random_intercept=random_intercept,
                       group=right[0][0], uncorrelated=uncorrelated, text=text.strip())
    if not spec.fixef_names:
        raise InputError(f"formula '{text}' has no fixed effect: keep the intercept or add a predictor")
    if spec.group in (spec.response, *spec.fixed, *spec.random):
        raise InputError(f"formula '{text}' uses '{spec.group}' both as grouping factor and as a "
                         "predictor or response: use a different column")
    return spec
