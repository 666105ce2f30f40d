"""The model the lecture fits, as R code for lme4, glmmTMB and brms, runnable as written on the
kit's data.csv (`Rscript lme4.R` in that folder).

lme4 and glmmTMB read lme4's formula syntax as the user typed it; only a binomial response with
a trials column changes shape (`cbind(successes, trials - successes)`, brms: `y | trials(n)`).
The family arguments and those formula rewrites come from estimator/family_descriptions.py, the
one place the families are described, so the kit and the slides' R calls cannot disagree.
"""
from __future__ import annotations

import re

from estimator.family_descriptions import brms_formula, describe_family, r_formula
from estimator.formula import Formula
from estimator.rsyntax import r_name

_READ = 'd <- read.csv("data.csv", check.names = FALSE)  # check.names: keep the column names as written\n'
# Debian/Ubuntu's r-cran-bh is an empty shell (Boost comes from libboost-dev), so rstan's check
# for BH's headers fails with "Boost not found" although Boost is installed: point rstan at it.
_BOOST = ('if (!nzchar(system.file("include", package = "BH")) && file.exists("/usr/include/boost/version.hpp") &&\n'
          '    requireNamespace("rstan", quietly = TRUE))  # Debian/Ubuntu: Boost comes from libboost-dev\n'
          '  rstan::rstan_options(boost_lib = "/usr/include")\n')


_BACKTICKED = re.compile(r"`((?:[^`\\]|\\.)*)`")


def _r_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _factor_line(formula: Formula) -> str:
    """The grouping column as a factor (lme4 makes it one; brms and glmmTMB need it too)."""
    if not formula.random_terms:
        return ""
    name = _r_string(formula.random_terms[0].group.key)
    return f'd[[{name}]] <- factor(d[[{name}]])  # the grouping column is a factor\n'


def plain_names(formula_text: str, trials: str | None, columns=()) -> dict[str, str]:
    """A plain (syntactic) name for each column the formula backticks: brms parses variable names
    without backticks and stops at `exam score`. Letters, digits and dots are kept, anything else
    becomes one underscore (never two: brms reserves __), and the name is new among `columns`."""
    wanted = [m.group(1).replace("\\`", "`") for m in _BACKTICKED.finditer(formula_text)]
    taken, out = set(columns), {}
    for name in dict.fromkeys(wanted + ([trials] if trials else [])):
        if r_name(name) == name:
            continue
        base = re.sub(r"[^A-Za-z0-9.]+", "_", name).strip("_")
        base = base if re.match(r"[A-Za-z]", base) else "v_" + base.lstrip("_")
        base = base if r_name(base) == base else base + "_"   # a reserved word (if, TRUE, ...)
        candidate, i = base, 2
        while candidate in taken:
            candidate, i = f"{base}_{i}", i + 1
        taken.add(candidate)
        out[name] = candidate
    return out


def _renamed(formula_text: str, trials: str | None, names: dict[str, str]) -> tuple[str, str | None]:
    def plain(match):
        return names.get(match.group(1).replace("\\`", "`"), match.group(0))
    return _BACKTICKED.sub(plain, formula_text), names.get(trials, trials)


def lme4_code(formula: Formula, family: str, trials: str | None, method: str, header: str) -> str:
    """lmer (REML as on screen) or glmer at lme4's true optimum (Laplace, tight PIRLS tolerance)."""
    model = r_formula(formula.text, trials)
    lme4_family = describe_family(family).lme4_family
    if lme4_family is None:
        call = f"lmer({model},\n          data = d, REML = {'TRUE' if method == 'reml' else 'FALSE'})"
    else:
        call = (f"glmer({model},\n           data = d, family = {lme4_family}, nAGQ = 1,\n"
                "           control = glmerControl(tolPwrss = 1e-12))  # tight: lme4's true optimum")
    note = ""
    if describe_family(family).reference_fitter != "lme4":
        note = ("# Gamma: glmer's Gamma fit estimates the shape differently; glmmTMB.R gives the numbers\n"
                "# this tool shows for Gamma models.\n")
    return (f"{header}library(lme4)\n{_READ}{_factor_line(formula)}{note}m <- {call}\n"
            "print(summary(m))\nprint(ranef(m, condVar = TRUE))\n")


def glmmtmb_code(formula: Formula, family: str, trials: str | None, method: str, header: str) -> str:
    """glmmTMB (Laplace; REML for a Gaussian model, as on screen)."""
    model = r_formula(formula.text, trials)
    reml = f", REML = {'TRUE' if method == 'reml' else 'FALSE'}" if family == "gaussian" else ""
    return (f"{header}library(glmmTMB)\n{_READ}{_factor_line(formula)}"
            f"m <- glmmTMB({model},\n             data = d, family = {describe_family(family).glmmtmb_family}{reml})\n"
            "print(summary(m))\nprint(ranef(m))\n")


def brms_code(formula: Formula, family: str, trials: str | None, header: str, columns=()) -> str:
    """brm with its default priors; 0/1 outcomes are bernoulli, successes out of n trials binomial.
    `columns`: the data's column names, so a column renamed for brms takes a name not in use."""
    brms_family = describe_family(family).brms_family
    if trials:
        brms_family = brms_family.replace("bernoulli()", "binomial()")
    names = plain_names(formula.text, trials, columns)
    model_text, trials = _renamed(formula.text, trials, names)
    rename = "".join(f"names(d)[names(d) == {_r_string(old)}] <- {_r_string(new)}\n" for old, new in names.items())
    if rename:
        rename = "# brms reads variable names without backticks: these columns get plain names\n" + rename
    return (f"{header}# brms is Bayesian (Stan, its default priors): the posterior summaries are close to,\n"
            "# not equal to, the maximum-likelihood numbers on screen. The first run compiles the model\n"
            "# (a minute or more).\n"
            f"library(brms)\n{_BOOST}{_READ}{_factor_line(formula)}{rename}"
            f"m <- brm({brms_formula(model_text, trials)},\n"
            f"         data = d, family = {brms_family}, seed = 1, refresh = 0)\n"
            "print(summary(m))\n"
            "print(fixef(m, robust = TRUE))  # posterior medians (and MADs): the nearest to the numbers on screen\n"
            "print(ranef(m))\n")
