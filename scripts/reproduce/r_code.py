"""The model the lecture fits, as R code for lme4, glmmTMB and brms, runnable as written on the
kit's data.csv (`Rscript lme4.R` in that folder).

lme4 and glmmTMB read lme4's formula syntax as the user typed it; only a binomial response with
a trials column changes shape (`cbind(successes, trials - successes)`, brms: `y | trials(n)`).
"""
from __future__ import annotations

from estimator.formula import Formula
from estimator.rsyntax import r_name

_READ = 'd <- read.csv("data.csv", check.names = FALSE)  # check.names: keep the column names as written\n'
_FAMILY = {"lme4": {"poisson": "poisson", "binomial": "binomial", "gamma": 'Gamma(link = "log")'},
           "glmmTMB": {"gaussian": "gaussian", "poisson": "poisson", "binomial": "binomial",
                       "gamma": 'Gamma(link = "log")'},
           "brms": {"gaussian": "gaussian()", "poisson": "poisson()", "binomial": "binomial()",
                    "bernoulli": "bernoulli()", "gamma": 'Gamma(link = "log")'}}


def _rhs(formula: Formula) -> str:
    return formula.text.split("~", 1)[1].strip()


def _lhs(formula: Formula, trials: str | None, style: str) -> str:
    response = formula.text.split("~", 1)[0].strip()   # as typed: R reads it as it is
    if trials is None:
        return response
    n = r_name(trials)
    return f"{response} | trials({n})" if style == "brms" else f"cbind({response}, {n} - {response})"


def _factor_line(formula: Formula) -> str:
    """The grouping column as a factor (lme4 makes it one; brms and glmmTMB need it too)."""
    if not formula.random_terms:
        return ""
    name = formula.random_terms[0].group.key.replace("\\", "\\\\").replace('"', '\\"')
    return f'd[["{name}"]] <- factor(d[["{name}"]])  # the grouping column is a factor\n'


def lme4_code(formula: Formula, family: str, trials: str | None, method: str, header: str) -> str:
    model = f"{_lhs(formula, trials, 'lme4')} ~ {_rhs(formula)}"
    if family == "gaussian":
        call = f"lmer({model},\n          data = d, REML = {'TRUE' if method == 'reml' else 'FALSE'})"
        tight = ""
    else:
        call = (f"glmer({model},\n           data = d, family = {_FAMILY['lme4'][family]}, nAGQ = 1,\n"
                "           control = glmerControl(tolPwrss = 1e-12))  # tight: lme4's true optimum")
        tight = ("# Gamma: glmer's Gamma fit estimates the shape differently; glmmTMB.R gives the numbers\n"
                 "# this tool shows for Gamma models.\n") if family == "gamma" else ""
    return (f"{header}library(lme4)\n{_READ}{_factor_line(formula)}{tight}m <- {call}\n"
            "print(summary(m))\nprint(ranef(m, condVar = TRUE))\n")


def glmmtmb_code(formula: Formula, family: str, trials: str | None, method: str, header: str) -> str:
    model = f"{_lhs(formula, trials, 'glmmTMB')} ~ {_rhs(formula)}"
    reml = f", REML = {'TRUE' if method == 'reml' else 'FALSE'}" if family == "gaussian" else ""
    return (f"{header}library(glmmTMB)\n{_READ}{_factor_line(formula)}"
            f"m <- glmmTMB({model},\n             data = d, family = {_FAMILY['glmmTMB'][family]}{reml})\n"
            "print(summary(m))\nprint(ranef(m))\n")


def brms_code(formula: Formula, family: str, trials: str | None, binary: bool, header: str) -> str:
    fam = "bernoulli" if family == "binomial" and trials is None and binary else family
    model = f"{_lhs(formula, trials, 'brms')} ~ {_rhs(formula)}"
    return (f"{header}# brms is Bayesian (Stan, its default priors): the posterior summaries are close to,\n"
            "# not equal to, the maximum-likelihood numbers on screen. The first run compiles the model.\n"
            f"library(brms)\n{_READ}{_factor_line(formula)}"
            f"m <- brm({model},\n         data = d, family = {_FAMILY['brms'][fam]}, seed = 1, refresh = 0)\n"
            "print(summary(m))\nprint(ranef(m))\n")
