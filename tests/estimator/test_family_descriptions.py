"""The one description of each family (estimator/family_descriptions.py) says what the estimator
does: its plain-text link, inverse link and latent variance evaluate to the family's own
functions, its R calls are the fitted model's, and the numbers of estimator/family_effects.py
are the fit's (the ICC rebuilt from them is the fit's ICC). The CLI reads the same list."""
from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.errors import InputError
from estimator.families import FAMILIES, get_family
from estimator.family_descriptions import (DESCRIPTIONS, FAMILY_NAMES, GLMM_FAMILY_NAMES, brms_formula,
                                           describe_family, r_formula)
from estimator.family_effects import family_effects
from estimator.presets import load_preset
from estimator.scenario import FAMILIES as SCENARIO_FAMILIES
from estimator.simulate import simulate
from estimator.fit import fit
from scripts.cli import cli

ETA = np.array([-2.0, -0.3, 0.0, 0.7, 2.5])


def _evaluate(expression: str, **names) -> float:
    """A plain-text formula as a reader would compute it (^ is a power)."""
    scope = {"log": np.log, "exp": np.exp, "pi": math.pi, **names}
    return eval(expression.replace("^", "**"), {"__builtins__": {}}, scope)  # noqa: S307 - our own text


def test_one_list_of_families_everywhere():
    assert set(DESCRIPTIONS) == set(FAMILIES)
    assert SCENARIO_FAMILIES == FAMILY_NAMES
    assert GLMM_FAMILY_NAMES == ("poisson", "binomial", "gamma")
    for name, desc in DESCRIPTIONS.items():
        assert desc.link == get_family(name).link_name
        assert desc.title.endswith("GLMM" if desc.is_glmm else "LMM")


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_plain_formulas_are_the_familys_functions(name):
    desc, family = describe_family(name), get_family(name)
    mean = "p" if name == "binomial" else "mu"
    mu = family.linkinv(ETA)
    inverse_lhs, inverse_rhs = (side.strip() for side in desc.inverse_plain.split("="))
    assert inverse_lhs == mean
    assert np.allclose(_evaluate(inverse_rhs, eta=ETA), mu)
    link_lhs, link_rhs = (side.strip() for side in desc.link_plain.split("="))
    assert link_rhs == "eta"
    assert np.allclose(_evaluate(link_lhs, **{mean: mu}), ETA)


@pytest.mark.parametrize("name, given", [("gaussian", {"sigma": 1.7}), ("binomial", {}),
                                         ("poisson", {"intercept": 0.4}), ("gamma", {"shape": 3.5})])
def test_latent_variance_text_is_what_the_icc_uses(name, given):
    desc, family = describe_family(name), get_family(name)
    expected = family.latent_residual_variance(**given)
    names = {"sigma": given.get("sigma"), "shape": given.get("shape"),
             "mu": math.exp(given.get("intercept", 0.0))}
    assert _evaluate(desc.latent_variance_plain, **names) == pytest.approx(expected)
    assert desc.icc_plain == f"tau0^2 / (tau0^2 + {desc.latent_variance_plain})"
    if name == "gamma":   # says which of the two Gamma approximations it is
        assert "lognormal" in desc.latent_variance_note and "trigamma" in desc.latent_variance_note


def test_calls_are_the_fitted_models():
    formula = "absences ~ hours + (1 | school)"
    assert describe_family("poisson").lme4_call(formula) == \
        "glmer(absences ~ hours + (1 | school), data = d, family = poisson)"
    assert describe_family("gaussian").reference_call(formula) == \
        "lmer(absences ~ hours + (1 | school), data = d)"
    assert describe_family("gamma").reference_call(formula).startswith("glmmTMB(absences ~ hours")
    assert 'Gamma(link = "log")' in describe_family("gamma").brms_call(formula)
    binomial = describe_family("binomial")
    assert binomial.lme4_call("y ~ x + (1 | g)", trials="n") == \
        "glmer(cbind(y, n - y) ~ x + (1 | g), data = d, family = binomial)"
    assert binomial.brms_call("y ~ x + (1 | g)", trials="n") == \
        "brm(y | trials(n) ~ x + (1 | g), data = d, family = binomial())"
    assert binomial.brms_call("y ~ x + (1 | g)").endswith("family = bernoulli())")
    assert binomial.lme4_call("y ~ x + (1 | g)", trials="n tried").startswith("glmer(cbind(y, `n tried` - y) ~")
    assert r_formula(" y ~ x ") == "y ~ x" and brms_formula("y ~ x") == "y ~ x"


def test_unknown_family_is_one_line():
    with pytest.raises(InputError, match="family 'tweedie' is unknown: use gaussian, poisson, binomial or gamma"):
        describe_family("tweedie")
    assert describe_family("Gamma").name == "gamma"


@pytest.mark.parametrize("preset", ["poisson", "logistic", "gamma", "default"])
def test_effects_are_the_fits_numbers(preset):
    scenario = load_preset(preset)
    result = fit(scenario.formula, simulate(scenario).table, family=scenario.family)
    effects = family_effects(result)
    g00, g10 = result.fixef["(Intercept)"], result.fixef["x"]
    assert (effects["gamma00"], effects["gamma10"]) == (g00, g10)
    tau0_sq = result.re_cov[0][0]
    assert tau0_sq / (tau0_sq + effects["latent_variance"]) == pytest.approx(result.icc, rel=1e-12)
    if preset == "poisson":
        assert effects["rate_ratio"] == pytest.approx(math.exp(g10))
        assert effects["mean_at_zero"] == pytest.approx(math.exp(g00))
    if preset == "logistic":
        assert effects["odds_ratio"] == pytest.approx(math.exp(g10))
        p = 1 / (1 + math.exp(-(g00 + g10 * effects["steepest_x"])))
        assert p == pytest.approx(0.5)
        h = 1e-6   # the S-curve's slope there, by differences: gamma10 / 4
        x0 = effects["steepest_x"]
        slope = (1 / (1 + math.exp(-(g00 + g10 * (x0 + h)))) - 1 / (1 + math.exp(-(g00 + g10 * (x0 - h))))) / (2 * h)
        assert effects["steepest_slope"] == pytest.approx(slope, rel=1e-6)
    if preset == "gamma":
        assert effects["cv"] == pytest.approx(result.sigma)   # glmmTMB's sigma: 1/sqrt(shape)
        assert effects["mean_ratio"] == pytest.approx(math.exp(g10))
    if preset == "default":
        assert effects["sigma_sq"] == pytest.approx(result.sigma ** 2)


def test_cli_reads_the_same_descriptions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    help_text = " ".join(runner.invoke(cli, ["fit", "--help"]).output.split())
    for desc in DESCRIPTIONS.values():
        assert f"{desc.name}: {desc.data_kind}" in help_text
    made = runner.invoke(cli, ["simulate", "--preset", "gamma", "--out", "times.csv"])
    assert made.exit_code == 0, made.output
    summary = runner.invoke(cli, ["fit", "times.csv", "--formula", "y ~ x + (1 | group)", "--family", "gamma"])
    assert summary.exit_code == 0, summary.output
    assert " Family: Gamma  ( log )" in summary.output   # as glmmTMB and lme4 print it
