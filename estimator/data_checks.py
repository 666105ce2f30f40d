"""Checks of a built design against lme4's own rules, so `fit` refuses what lmer/glmer refuse.

lme4 1.1-31 checks every model before fitting (lme4:::checkNlevels and lme4:::checkZdims with
the defaults of lmerControl()/glmerControl(); tests/badinput/lme4_rules.R reproduces each case and
tests/badinput/lme4_rules.json holds lme4's answers):

- "grouping factors must have > 1 sampled level" (check.nlev.gtr.1, lmer and glmer);
- lmer: number of levels of each grouping factor must be < number of observations
  (check.nobs.vs.nlev); glmer allows one row per group (an observation-level random effect);
- lmer: number of observations <= number of random effects of a term is refused
  (check.nobs.vs.nRE); glmer refuses only n < number of random effects. A `(1 + x | g)` term has
  2 J random effects; `(1 + x || g)` is split by lme4 into terms of J each;
- glmer: "Response is constant" (check.response.not.const). lmer has no such check but breaks
  down on a constant response (sigma = 0, a non-positive-definite vcov), so we refuse it for
  every family, with a message that says so;
- a fixed predictor with one value next to an intercept: lme4 drops that column ("fixed-effect
  model matrix is rank deficient so dropping 1 column / coefficient"), and so does the design step
  (estimator/design.py, with that warning in the fit's `warnings`). In the random part,
  `(1 + x | g)` with a constant x is the same term as `(1 | g)` with a singular covariance, so
  that is refused, naming the column.

Every check raises `InputError` with one line naming the problem, lme4's rule and the fix.
"""
from __future__ import annotations

import numpy as np

from estimator.errors import InputError

INTERCEPT = "(Intercept)"


def check_design(design, spec, family: str) -> None:
    """Refuse a design lme4 would refuse (or could not fit meaningfully); see the module docstring.

    `design` is an estimator.design.Design, `spec` the FormulaSpec it was built from (only its
    group, response, uncorrelated and text attributes are read), `family` the family's name.
    """
    group = getattr(spec, "group", "group")
    check_groups(design.n_obs, design.n_groups, design.group_labels, group, family,
                 n_random=design.Z.shape[1], uncorrelated=bool(getattr(spec, "uncorrelated", False)),
                 term=_term_text(design, spec))
    check_response(design, getattr(spec, "response", "y"))
    if family == "gaussian":
        check_exact_fit(design, getattr(spec, "response", "y"))
    check_constant_predictors(design, group)


def lme4_count_rule(n_obs: int, n_groups: int, family: str, per_group: int) -> str | None:
    """lme4's message when n rows, J groups and `per_group` random effects per group (per term)
    break its counts rules for this family, else None."""
    lmer = family == "gaussian"
    if n_groups < 2:
        return "grouping factors must have > 1 sampled level"
    if lmer and n_groups >= n_obs:
        return "number of levels of each grouping factor must be < number of observations"
    n_re = per_group * n_groups
    if (n_obs <= n_re) if lmer else (n_obs < n_re):
        return f"number of observations (={n_obs}) {'<=' if lmer else '<'} number of random effects (={n_re})"
    return None


def check_groups(n_obs: int, n_groups: int, labels, group: str, family: str, n_random: int,
                 uncorrelated: bool = False, term: str = "") -> None:
    """lme4's counts rules: > 1 group; lmer: J < n and n > q J; glmer: n >= q J."""
    per_group = 1 if uncorrelated else max(n_random, 1)
    rule = lme4_count_rule(n_obs, n_groups, family, per_group)
    if rule is None:
        return
    if n_groups < 2:
        only = f" ('{labels[0]}')" if len(labels) else ""
        raise InputError(f"grouping column '{group}' has only one group{only}: a mixed model needs at "
                         f"least two groups (lme4: '{rule}'); add groups or fit a plain regression")
    if rule.startswith("number of levels"):
        raise InputError(f"grouping column '{group}' has {n_groups} groups for {n_obs} rows, so no "
                         "group has two rows and the group and residual variances cannot be told "
                         f"apart (lmer: '{rule}'): give the groups two or more rows each")
    raise InputError(f"{n_obs} rows are too few for the {per_group * n_groups} random effects of "
                     f"{term or 'the model'} ({per_group} per group x {n_groups} groups; lme4: "
                     f"'{rule}'): use a random intercept only, or more rows per group")


def check_response(design, response: str) -> None:
    """A constant response (every y equal; for binomial with trials, every proportion equal)."""
    y = np.asarray(design.y, float)
    trials = getattr(design, "trials", None)
    if trials is not None:
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 trials: the family check names it
            values = y / np.asarray(trials, float)
    else:
        values = y
    if len(values) and np.all(values == values[0]):
        shown = f"{values[0]:g}"
        raise InputError(f"response '{response}' has the same value ({shown}) in every row, so there "
                         "is nothing to model (glmer: 'Response is constant'; lmer's fit breaks down): "
                         "check that the formula names the right response column")


def check_exact_fit(design, response: str) -> None:
    """y an exact linear function of the fixed-effect columns: no residual variance is left, and
    lmer's answer is degenerate (sigma 0, REML criterion -Inf), so there is nothing to show."""
    X, y = np.asarray(design.X, float), np.asarray(design.y, float)
    if getattr(design, "offset", None) is not None:
        y = y - np.asarray(design.offset, float)
    if not len(y) or X.shape[1] == 0:
        return
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ beta
    scale = max(float(np.abs(y - y.mean()).max()), float(np.abs(y).max()) * 1e-12, 1e-300)
    if float(np.abs(residual).max()) <= 1e-10 * scale:
        raise InputError(f"the fixed effects explain response '{response}' exactly (no residual "
                         "variation is left, so lmer's fit breaks down: sigma 0, REML criterion "
                         "-Inf): check the response column, or add the data's real variation")


def check_constant_predictors(design, group: str) -> None:
    """A random slope on a column with one value, beside a random intercept. (A constant fixed
    column never gets here: the design step drops it with lme4's rank-deficiency warning.)"""
    names = list(design.re_names)
    if INTERCEPT not in names:
        return
    matrix = np.asarray(design.Z, float)
    for k, name in enumerate(names):
        if name == INTERCEPT or not len(matrix):
            continue
        column = matrix[:, k]
        if np.all(column == column[0]):
            raise InputError(f"'{name}' has the same value ({column[0]:g}) in every row, so "
                             f"(1 + {name} | {group}) is the same as (1 | {group}) with a singular "
                             f"covariance: use (1 | {group})")


def _term_text(design, spec) -> str:
    group = getattr(spec, "group", "group")
    names = ["1" if name == INTERCEPT else name for name in design.re_names]
    if INTERCEPT not in design.re_names:
        names = ["0", *names]
    bar = "||" if getattr(spec, "uncorrelated", False) else "|"
    return f"({' + '.join(names)} {bar} {group})"
