"""The model the lecture fits, as a statsmodels script runnable as written on the kit's data.csv.

The fixed part is rewritten from the parsed formula into patsy's syntax (`^` -> `**`, backticked
names -> Q("..."), R's TRUE -> True), and the script defines R's transforms (log, scale, poly,
factor, relevel, ...) with R's meaning, so a formula with `I(Days^2)` or `poly(x, 2)` keeps its
columns. The random part maps onto what statsmodels has: MixedLM (REML/ML) for Gaussian models;
the Bayesian Poisson/Binomial mixed GLMs at their posterior mode (fit_map; independent random
effects) for counts and binary outcomes; Gamma has no mixed model in statsmodels, so the script fits the nearest
marginal analogue (GEE, exchangeable) and says so.
"""
from __future__ import annotations

from estimator.formula import Formula
from estimator.rsyntax import BinOp, Call, Name, Num, Paren, Str, Unary

_PY_CONSTANTS = {"TRUE": "True", "T": "True", "FALSE": "False", "F": "False", "Inf": "np.inf",
                 "NaN": "np.nan", "NA": "np.nan", "pi": "np.pi"}
_PY_OPS = {"^": "**", "%%": "%", "%/%": "//", "&&": "&", "||": "|"}
_PY_FUNCTIONS = {"as.factor": "factor", "as.numeric": "as_numeric"}

HELPERS = '''\
# R's transforms with R's meaning, so the formula above reads as lme4 reads it.
def log(x, base=None):
    return np.log(x) if base is None else np.log(x) / np.log(base)
log2, log10, log1p, exp, expm1, sqrt = np.log2, np.log10, np.log1p, np.exp, np.expm1, np.sqrt
floor, ceiling = np.floor, np.ceil
abs = np.abs  # noqa: A001  (R's abs on arrays)
def as_numeric(x):
    return np.asarray(x, dtype=float)
def scale(x, center=True, scale=True):   # R: centre, then divide by the sd (n - 1)
    x = np.asarray(x, dtype=float)
    x = x - x.mean() if center else x
    return x / x.std(ddof=1) if scale else x
def poly(x, degree=1):                   # R's orthogonal polynomials (QR of the centred powers)
    x = np.asarray(x, dtype=float)
    q, r = np.linalg.qr(np.vander(x - x.mean(), degree + 1, increasing=True))
    z = q * np.diag(r)
    return z[:, 1:] / np.sqrt((z[:, 1:] ** 2).sum(axis=0))
def factor(x, levels=None):
    return pd.Categorical(x, categories=levels)
def relevel(x, ref):
    x = factor(x)
    return x.reorder_categories([ref] + [c for c in x.categories if c != ref])
'''


def py_expr(node) -> str:
    """A formula variable as Python (patsy evaluates it with the helpers above in scope)."""
    if isinstance(node, Name):
        if node.name in _PY_CONSTANTS:
            return _PY_CONSTANTS[node.name]
        return node.name if node.name.isidentifier() else f'Q("{node.name}")'
    if isinstance(node, Num):
        return repr(int(node.value)) if node.value == int(node.value) else repr(node.value)
    if isinstance(node, Str):
        return repr(node.value)
    if isinstance(node, Paren):
        return f"({py_expr(node.inner)})"
    if isinstance(node, Unary):
        return ("~" if node.op == "!" else node.op) + py_expr(node.arg)
    if isinstance(node, BinOp):
        return f"{py_expr(node.left)} {_PY_OPS.get(node.op, node.op)} {py_expr(node.right)}"
    if isinstance(node, Call):
        args = [py_expr(a) for a in node.args] + [f"{k}={py_expr(v)}" for k, v in node.kwargs]
        return f"{_PY_FUNCTIONS.get(node.fn, node.fn)}({', '.join(args)})"
    raise TypeError(node)


def _terms_text(terms, intercept: bool) -> str:
    by_key = {v.key: v for v in terms.variables}
    parts = ["1" if intercept else "0"]
    parts += [":".join(py_expr(by_key[key].node) for key in term) for term in terms.terms]
    return " + ".join(parts)


def _column(name: str) -> str:
    return f'd["{name}"]'


def statsmodels_code(formula: Formula, family: str, trials: str | None, method: str, header: str) -> str:
    response = py_expr(formula.lhs.node)
    fixed = f"{response} ~ {_terms_text(formula.fixed_terms, formula.fixed_terms.intercept)}"
    group = formula.random_terms[0].group.key if formula.random_terms else None
    notes = []
    if formula.fixed_terms.offsets:
        notes.append("# statsmodels' mixed models take no offset: the offset term is left out here.")
    lines = [header, "import numpy as np", "import pandas as pd", "import statsmodels.formula.api as smf", "",
             HELPERS, 'd = pd.read_csv("data.csv", keep_default_na=True)',
             f'd[{group!r}] = d[{group!r}].astype(str)  # the grouping column is a factor', ""]
    lines += notes
    if family == "gaussian":
        re_formula, vc = _mixedlm_random(formula)
        vc_text = f", vc_formula={vc!r}" if vc else ""
        lines += [f"model = smf.mixedlm({fixed!r}, d, groups={_column(group)},",
                  f"                    re_formula={re_formula!r}{vc_text})",
                  f"result = model.fit(reml={method == 'reml'})", "print(result.summary())",
                  "print(result.random_effects)"]
    elif family in ("poisson", "binomial"):
        lines += _bayes_glmm_lines(formula, family, trials, fixed, group)
    else:
        lines += ["# statsmodels has no Gamma mixed model. The nearest analogue is a marginal model (GEE,",
                  "# exchangeable correlation within groups): its coefficients answer a population-average",
                  "# question, not the group-specific one the mixed model answers.",
                  "import statsmodels.api as sm",
                  f"model = smf.gee({fixed!r}, groups={_column(group)}, data=d,",
                  "                family=sm.families.Gamma(link=sm.families.links.Log()),",
                  "                cov_struct=sm.cov_struct.Exchangeable())",
                  "print(model.fit().summary())"]
    return "\n".join(lines) + "\n"


def _mixedlm_random(formula: Formula) -> tuple[str, dict]:
    """MixedLM's re_formula (one correlated block) and vc_formula (independent extra terms)."""
    first, *rest = formula.random_terms
    re_formula = _terms_text(first.effects, first.effects.intercept)
    vc = {f"re{i}": _terms_text(term.effects, term.effects.intercept) for i, term in enumerate(rest, 1)}
    return re_formula, vc


def _bayes_glmm_lines(formula: Formula, family: str, trials: str | None, fixed: str, group: str) -> list[str]:
    """Poisson/BinomialBayesMixedGLM: each random effect an independent variance component."""
    q = f'C(Q("{group}"))'
    vcs = {}
    for term in formula.random_terms:
        if term.effects.intercept:
            vcs["(Intercept)"] = f"0 + {q}"
        for key in term.effects.terms:
            text = ":".join(py_expr(v.node) for v in term.effects.variables if v.key in key)
            vcs[":".join(key)] = f"0 + {q}:{text}"
    lines = []
    if trials:
        response = formula.lhs.key
        lines += ["# BinomialBayesMixedGLM takes 0/1 outcomes: each row becomes its successes and failures.",
                  f'n, k = d["{trials}"].astype(int), d["{response}"].astype(int)',
                  "d = pd.concat([d.loc[d.index.repeat(k)].assign(**{" + repr(response) + ": 1}),",
                  "               d.loc[d.index.repeat(n - k)].assign(**{" + repr(response) + ": 0})],",
                  "              ignore_index=True)"]
    cls = "PoissonBayesMixedGLM" if family == "poisson" else "BinomialBayesMixedGLM"
    lines += ["# The posterior mode under statsmodels' default priors, random effects independent: close",
              "# to, not equal to, the maximum-likelihood (Laplace) numbers on screen.",
              f"from statsmodels.genmod.bayes_mixed_glm import {cls}",
              f"model = {cls}.from_formula({fixed!r}, {vcs!r}, d)",
              "result = model.fit_map()", "print(result.summary())"]
    return lines
