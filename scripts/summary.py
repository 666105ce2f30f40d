"""A FitResult printed the way lme4's summary() lays it out, so lecturers recognise it: the title,
the AIC/BIC/logLik/deviance line, scaled residuals, the random-effects table under the real
grouping name, `Number of obs: 180, groups:  Subject, 18`, fixed effects with `t value` (LMM) or
`z value` and `Pr(>|z|)` (GLMM), the correlation of fixed effects, and lme4's warnings in its
words. Numbers follow R's column formatting (every entry of a column with the same decimals,
enough for 4 significant digits in each)."""
from __future__ import annotations

import math
import re

from scipy.stats import norm

from estimator.family_descriptions import describe_family
from estimator.result import FitResult

INTERCEPT = "(Intercept)"
SIGNIF_LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
_GLMM_TITLE = "Generalized linear mixed model fit by maximum likelihood ({method})"


def _title(fit: FitResult) -> str:
    if fit.family == "gaussian":
        return "Linear mixed model fit by " + ("REML" if fit.method == "REML" else "maximum likelihood")
    method = ("Laplace Approximation" if fit.method == "Laplace"
              else f"Adaptive Gauss-Hermite Quadrature, nAGQ = {fit.nagq}")
    return _GLMM_TITLE.format(method=method)


def grouping_name(fit: FitResult) -> str:
    """The grouping factor as the formula names it: `Subject` in `(Days | Subject)`."""
    named = getattr(fit, "group_name", None)
    if named:
        return str(named)
    match = re.search(r"\|\|?\s*([^()|]+?)\s*\)", fit.formula or "")
    return match.group(1) if match else "group"


def uncorrelated(fit: FitResult) -> bool:
    return "||" in (fit.formula or "")


def _decimals(value: float, digits: int) -> int:
    if value == 0 or not math.isfinite(value):
        return 0
    text = f"{value:.{digits}g}"
    if "e" in text or "." not in text:
        return max(0, digits - 1 - int(math.floor(math.log10(abs(value))))) if "e" in text else 0
    return len(text.split(".")[1].rstrip("0"))


def column(values, digits: int = 4, cap: int = 8) -> list[str]:
    """R's format() of a numeric column: one number of decimals for all, the most any entry
    needs to show `digits` significant digits (capped); NA for missing."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    decimals = min(max((_decimals(v, digits) for v in finite), default=0), cap)
    return ["NA" if v is None or not math.isfinite(v) else f"{v:.{decimals}f}" for v in values]


def abbreviate(name: str, length: int = 6) -> str:
    """R's abbreviate(): drop lower-case vowels from the right, then lower-case letters, then
    truncate ('(Intercept)' -> '(Intr)', 'period2' -> 'perid2')."""
    chars = list(name)
    for pool in ("aeiou", "abcdefghijklmnopqrstuvwxyz"):
        i = len(chars) - 1
        while len(chars) > length and i > 0:
            if chars[i] in pool:
                del chars[i]
            i -= 1
    return "".join(chars[:length]) if len(chars) > length else "".join(chars)


def _table(rows: list[list[str]], align: list[str]) -> list[str]:
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [cell.ljust(w) if a == "l" else cell.rjust(w) for cell, w, a in zip(r, widths, align)]
        out.append(" ".join(cells).rstrip())
    return out


def _fit_line(fit: FitResult) -> list[str]:
    if fit.method == "REML":
        return [f"REML criterion at convergence: {fit.objective:.1f}"]
    n_params = len(fit.fixef) + len(fit.theta) + (1 if fit.sigma is not None else 0)
    values = [f"{fit.aic:.1f}", f"{fit.bic:.1f}", f"{fit.loglik:.1f}", f"{fit.deviance:.1f}",
              str(fit.n_obs - n_params)]
    names = ["AIC", "BIC", "logLik", "deviance", "df.resid"]
    widths = [max(len(a), len(b)) + 1 for a, b in zip(names, values)]
    return ["".join(n.rjust(w) for n, w in zip(names, widths)),
            "".join(v.rjust(w) for v, w in zip(values, widths))]


def _residuals(fit: FitResult) -> list[str]:
    q = fit.scaled_residuals
    if not q:
        return []
    names = ["Min", "1Q", "Median", "3Q", "Max"]
    values = [f"{q[k]:.4f}" for k in names]
    width = max(len(v) for v in values + names)
    return ["Scaled residuals: ", " ".join(n.rjust(width) for n in names),
            " ".join(v.rjust(width) for v in values), ""]


def _flush(cells: list[str]) -> list[str]:
    """Right-align a column's numbers among themselves (lme4 then left-aligns the column)."""
    width = max(len(c) for c in cells)
    return [c.rjust(width) for c in cells]


def _random_effects(fit: FitResult) -> list[str]:
    group, diagonal = grouping_name(fit), uncorrelated(fit)
    q = len(fit.re_terms)
    variances = [fit.re_cov[k][k] for k in range(q)]
    sds = [fit.re_sd[t] for t in fit.re_terms]
    if fit.family == "gaussian":
        variances.append(fit.sigma ** 2)
        sds.append(fit.sigma)
    var_col, sd_col = _flush(column(variances)), _flush(column(sds))
    show_corr = q > 1 and not diagonal
    corr_width = max((len(f"{fit.re_corr[k][m]:.2f}") for k in range(q) for m in range(k)), default=4)
    header = ["Groups", "Name", "Variance", "Std.Dev."] + (["Corr"] if show_corr else [])
    rows = [header]
    for k, term in enumerate(fit.re_terms):
        name = (group if k == 0 else f"{group}.{k}") if diagonal else (group if k == 0 else "")
        row = [name, term, var_col[k], sd_col[k]]
        if show_corr:
            row.append(" ".join(f"{fit.re_corr[k][m]:.2f}".rjust(corr_width) for m in range(k)))
        rows.append(row)
    if fit.family == "gaussian":
        rows.append(["Residual", "", var_col[q], sd_col[q]] + ([""] if show_corr else []))
    lines = ["Random effects:"] + [" " + line for line in _table(rows, ["l", "l", "l", "l", "l"])]
    if fit.family == "gamma" and fit.sigma is not None:
        lines.append(f"Residual Std.Dev. (coefficient of variation): {fit.sigma:.4g}  (shape {fit.shape:.4g})")
    lines.append(f"Number of obs: {fit.n_obs}, groups:  {group}, {fit.n_groups}")
    dropped = getattr(fit, "n_dropped", 0)
    if dropped:
        lines.append(f"({dropped} observation{'s' if dropped > 1 else ''} deleted due to missingness)")
    return lines


def p_values(ps) -> list[str]:
    """R's format.pval(digits = 3) as summary prints it: '< 2e-16' below machine precision,
    scientific below 1e-4, the others with common decimals showing 3 significant digits."""
    fixed = [p for p in ps if math.isfinite(p) and p >= 1e-4]
    fixed_text = dict(zip(fixed, column(fixed, digits=3, cap=10)))
    out = []
    for p in ps:
        if not math.isfinite(p):
            out.append("NA")
        elif p < 2.220446e-16:
            out.append("<2e-16")
        elif p < 1e-4:
            out.append(f"{p:.2e}")
        else:
            out.append(fixed_text[p])
    return out


def _stars(p: float) -> str:
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else "." if p < 0.1 else ""


def _fixed_effects(fit: FitResult) -> list[str]:
    names = list(fit.fixef)
    est = [fit.fixef[n] for n in names]
    se = [fit.fixef_se[n] for n in names]
    stat = [e / s if s else math.nan for e, s in zip(est, se)]
    glmm = fit.family != "gaussian"
    header = ["", "Estimate", "Std. Error", "z value" if glmm else "t value"]
    joint = column(est + se)          # printCoefmat formats estimates and errors together
    cols = [joint[:len(est)], joint[len(est):], [("NA" if not math.isfinite(t) else f"{t:.3f}") for t in stat]]
    rows = [header] + [[n, *(c[i] for c in cols)] for i, n in enumerate(names)]
    align = ["l", "r", "r", "r"]
    if glmm:
        p = [2 * norm.sf(abs(t)) if math.isfinite(t) else math.nan for t in stat]
        rows[0] += ["Pr(>|z|)", ""]
        for i, (value, text) in enumerate(zip(p, p_values(p))):
            rows[i + 1] += [text, _stars(value)]
        align += ["r", "l"]
    lines = ["Fixed effects:"] + _table(rows, align)
    if glmm:
        lines += ["---", SIGNIF_LEGEND]
    return lines


def _correlation(fit: FitResult) -> list[str]:
    names = list(fit.fixef)
    if len(names) < 2 or not fit.fixef_corr:
        return []
    short = [abbreviate(n) for n in names]
    rows = [[""] + short[:-1]]
    for i in range(1, len(names)):
        rows.append([names[i]] + [f"{fit.fixef_corr[i][k]:.3f}" for k in range(i)] + [""] * (len(names) - 1 - i))
    return ["", "Correlation of Fixed Effects:"] + _table(rows, ["l"] + ["r"] * (len(names) - 1))


def warnings(fit: FitResult) -> list[str]:
    """lme4's own words for a singular fit and for a failed convergence check, after the
    design's own (e.g. rank-deficient columns dropped)."""
    out = list(getattr(fit, "warnings", None) or [])
    if not fit.converged:
        match = re.search(r"gradient ([0-9.eE+-]+)", fit.message or "")
        grad = match.group(1) if match else "NA"
        out.append(f"Model failed to converge with max|grad| = {grad} (projected gradient of the "
                   "deviance at the end)")
    if fit.singular:
        out.append("boundary (singular) fit: see help('isSingular')")
    return out


def format_summary(fit: FitResult) -> str:
    lines = [_title(fit)]
    if fit.family != "gaussian":
        lines.append(f" Family: {describe_family(fit.family).r_family}  ( {fit.link} )")  # Gamma, as R
    lines += [f"Formula: {fit.formula}", ""]
    lines += _fit_line(fit) + [""]
    lines += _residuals(fit)
    lines += _random_effects(fit) + [""]
    lines += _fixed_effects(fit)
    lines += _correlation(fit)
    extra = [f"ICC: {'NA' if fit.icc is None else f'{fit.icc:.3g}'}"]
    if fit.simpson and fit.simpson.get("reversed"):
        s = fit.simpson
        extra.append(f"Simpson's reversal: pooled slope of {s['predictor']} is {s['pooled_slope']:.3g} "
                     f"but the within-group slope is {s['within_slope']:.3g}")
    if fit.no_pooling.get("not_estimable"):
        extra.append("No-pooling fit not estimable for: " + ", ".join(fit.no_pooling["not_estimable"]))
    lines += [""] + extra
    notes = warnings(fit)
    if notes:
        lines += [""] + notes
    return "\n".join(lines)
