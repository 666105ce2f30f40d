"""`glmm-explainer fit` without --json prints lme4's summary() layout. Compared line by line with
lme4's own printed summary, stored in the fixtures of tests/reference/condvar_reference.R."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from estimator.fit import fit
from estimator.result import FitResult
from estimator.table import write_csv
from scripts.cli import cli
from scripts.summary import abbreviate, column, format_summary, p_values

REFERENCE = Path(__file__).parent / "reference" / "condvar"


def load(name):
    return json.loads((REFERENCE / f"{name}.json").read_text())


def formula_of(case):
    text = case["formula"]
    return "incidence ~" + text.split("~", 1)[1] if text.startswith("cbind(") else text


def cli_summary(tmp_path, case, *options):
    csv = tmp_path / "d.csv"
    write_csv(case["data"], csv)
    trials = ["--trials", case["trials"]] if case.get("trials") else []
    out = CliRunner().invoke(cli, ["fit", str(csv), "--formula", " ".join(formula_of(case).split()),
                                   "--family", case["family"], *trials, *options])
    assert out.exit_code == 0, out.output
    return out.stdout


def block(lines, start, stop=""):
    """The lines after the one starting with `start`, up to the first one equal to `stop`."""
    i = next(k for k, line in enumerate(lines) if line.startswith(start))
    out = []
    for line in lines[i + 1:]:
        if line.strip() == stop:
            break
        out.append(line.rstrip())
    return out


def fit_line(lines):
    """The AIC/BIC/logLik/deviance/df.resid header and its values."""
    i = next(k for k, line in enumerate(lines) if line.split()[:2] == ["AIC", "BIC"])
    return [lines[i].split(), lines[i + 1].split()]


def test_lmm_summary_matches_lme4_line_by_line(tmp_path):
    case = load("sleepstudy_slope")
    ours = cli_summary(tmp_path, case).splitlines()
    lme4 = case["summary"]
    assert ours[0] == "Linear mixed model fit by REML"
    assert "REML criterion at convergence: 1743.6" in ours
    assert block(ours, "Scaled residuals") == [line.rstrip() for line in block(lme4, "Scaled residuals")]
    assert block(ours, "Random effects:", stop="") == [line.rstrip() for line in block(lme4, "Random effects:")]
    assert "Number of obs: 180, groups:  Subject, 18" in ours
    assert block(ours, "Fixed effects:") == [line.rstrip() for line in block(lme4, "Fixed effects:")]
    assert block(ours, "Correlation of Fixed Effects:") == block(lme4, "Correlation of Fixed Effects:")
    assert "t/z value" not in "\n".join(ours) and "group " not in "\n".join(ours)


def test_glmm_summary_has_z_and_p_values_and_the_fit_line(tmp_path):
    case = load("cbpp_binomial")
    ours = cli_summary(tmp_path, case).splitlines()
    lme4 = case["summary"]
    assert ours[0] == "Generalized linear mixed model fit by maximum likelihood (Laplace Approximation)"
    assert " Family: binomial  ( logit )" in ours
    assert fit_line(ours) == fit_line(lme4)             # 194.1 204.2 -92.0 184.1 51
    assert block(ours, "Scaled residuals") == [line.rstrip() for line in block(lme4, "Scaled residuals")]
    assert "Number of obs: 56, groups:  herd, 15" in ours
    header = block(ours, "Random effects:")[0]
    assert "Corr" not in header
    fixed = block(ours, "Fixed effects:", stop="---")
    assert fixed[0].split() == ["Estimate", "Std.", "Error", "z", "value", "Pr(>|z|)"]
    theirs = block(lme4, "Fixed effects:", stop="---")
    for mine, ref in zip(fixed[1:], theirs[1:]):
        # estimates to lme4's printed digits; z and p from the RX-based standard errors, which
        # differ from lme4's Hessian-based ones by a few percent (documented)
        assert mine.split()[:2] == ref.split()[:2]
        assert mine.split()[-1] == ref.split()[-1]       # significance stars
    assert any(line.startswith("Signif. codes:") for line in ours)
    corr = block(ours, "Correlation of Fixed Effects:")
    assert corr[0].split() == ["(Intr)", "perid2", "perid3"]


def test_uncorrelated_terms_print_as_lme4_does(tmp_path):
    case = load("sleepstudy_slope")
    case["formula"] = "Reaction ~ Days + (Days || Subject)"
    ours = cli_summary(tmp_path, case, "--method", "ml").splitlines()
    effects = block(ours, "Random effects:")
    assert effects[0].split() == ["Groups", "Name", "Variance", "Std.Dev."]
    assert effects[1].split()[:2] == ["Subject", "(Intercept)"]
    assert effects[2].split()[:2] == ["Subject.1", "Days"]
    assert "0.00" not in "\n".join(effects)
    assert ours[0] == "Linear mixed model fit by maximum likelihood"
    assert fit_line(ours)[0] == ["AIC", "BIC", "logLik", "deviance", "df.resid"]


def test_singular_and_unconverged_fits_warn_in_lme4s_words():
    case = load("sleepstudy_intercept")
    result = fit(case["formula"], case["data"])
    data = result.to_dict()
    data.update(singular=True, converged=False, message="gradient 0.0412 at the end: ABNORMAL")
    text = format_summary(FitResult.from_dict(data))
    assert "boundary (singular) fit: see help('isSingular')" in text
    assert "Model failed to converge with max|grad| = 0.0412" in text


def test_r_formatting_helpers():
    assert abbreviate("(Intercept)") == "(Intr)"
    assert abbreviate("period2") == "perid2"
    assert abbreviate("Days") == "Days"
    assert column([612.0897, 35.07166, 654.94]) == ["612.09", "35.07", "654.94"]
    assert p_values([1.79e-9, 0.001212, 0.000549, 1e-20]) == ["1.79e-09", "0.001212", "0.000549", "<2e-16"]
    assert re.fullmatch(r"\d+\.\d{3}", column([251.405, 10.467, 6.825, 1.546])[0])
