"""`glmm-explainer fit`: the JSON contract, the readable summary, and bad input."""
import json
import math

import pytest
from click.testing import CliRunner

from estimator.scenario import Scenario
from estimator.simulate import simulate
from estimator.table import write_csv
from scripts.cli import cli

CONTRACT = {"family": str, "link": str, "method": str, "n_obs": int, "n_groups": int, "fixef": dict,
            "fixef_se": dict, "re_terms": list, "re_cov": list, "sigma": (float, type(None)),
            "loglik": float, "aic": float, "bic": float, "ranef": dict, "icc": (float, type(None)),
            "shrinkage": dict, "singular": bool, "converged": bool, "fit_seconds": float}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_user_error(result, fragment):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], result.stderr
    assert result.stdout == ""


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("fit") / "d.csv"
    data = simulate(Scenario(n_groups=6, tau1=0.5, rho=0.3, seed=4))
    table = dict(data.table)
    y = table["y"]
    table["count"] = [int(v > 60) + int(v > 70) for v in y]
    table["bin"] = [int(v > 65) for v in y]
    table["pos"] = [abs(v) + 0.5 for v in y]
    table["word"] = ["a"] * len(y)
    write_csv(table, path)
    return path


@pytest.mark.parametrize("formula, options, method", [
    ("y ~ x + (1 | group)", [], "REML"),
    ("y ~ x + (1 + x | group)", ["--method", "ml"], "ML"),
    ("y ~ x + (0 + x | group)", [], "REML"),
    ("bin ~ x + (1 | group)", ["--family", "binomial"], "Laplace"),
    ("count ~ x + (1 | group)", ["--family", "poisson", "--nagq", "9"], "AGQ(9)"),
    ("pos ~ x + (1 | group)", ["--family", "gamma"], "Laplace"),
])
def test_json_contract(data_csv, formula, options, method):
    result = run("fit", data_csv, "--formula", formula, *options, "--json")
    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)
    for name, kind in CONTRACT.items():
        assert isinstance(fit[name], kind), name
    q = len(fit["re_terms"])
    assert len(fit["re_cov"]) == q and all(len(row) == q for row in fit["re_cov"])
    assert set(fit["fixef"]) == set(fit["fixef_se"])
    assert len(fit["ranef"]) == 6 and all(len(v) == q for v in fit["ranef"].values())
    assert set(fit["shrinkage"]) == set(fit["ranef"])
    assert fit["method"] == method and fit["n_groups"] == 6 and fit["converged"]
    assert all(0 <= v <= 1 for v in fit["shrinkage"].values())
    assert math.isclose(fit["aic"], -2 * fit["loglik"] + 2 * (len(fit["fixef"]) + q * (q + 1) // 2
                                                               + (fit["family"] in ("gaussian", "gamma"))),
                        rel_tol=1e-9)


def test_readable_summary_has_lme4_layout(data_csv):
    result = run("fit", data_csv, "--formula", "y ~ x + (1 + x | group)")
    assert result.exit_code == 0, result.output
    for piece in ("Linear mixed model fit by REML", "REML criterion at convergence", "Random effects:",
                  "Residual", "Fixed effects:", "(Intercept)", "Number of obs"):
        assert piece in result.stdout


@pytest.mark.parametrize("args, fragment", [
    (["missing.csv", "--formula", "y ~ x + (1 | group)"], "does not exist"),
    (["{csv}", "--formula", "y ~ z + (1 | group)"], "column 'z' is not in the data"),
    (["{csv}", "--formula", "y ~ x + (1 | school)"], "column 'school' is not in the data"),
    (["{csv}", "--formula", "y ~ x + (1 | group"], "unclosed"),
    (["{csv}", "--formula", "y ~ word + (1 | group)"], "must be numeric"),
    (["{csv}", "--formula", "y ~ x + (1 | word)"], "only one group"),
    (["{csv}", "--formula", "y ~ x + (1 | group)", "--family", "poisson"], "count"),
    (["{csv}", "--formula", "y ~ x + (1 | group)", "--family", "binomial"], "0"),
    (["{csv}", "--formula", "count ~ x + (1 | group)", "--family", "gamma"], "positive"),
    (["{csv}", "--formula", "count ~ x + (1 + x | group)", "--family", "poisson", "--nagq", "5"],
     "single random intercept"),
    (["{csv}", "--formula", "y ~ x + (1 | group)", "--trials", "count"], "binomial family only"),
    (["{csv}", "--formula", "count ~ x + (1 | group)", "--family", "poisson", "--nagq", "40"],
     "out of range"),
])
def test_bad_input_is_one_line_exit_2(data_csv, args, fragment):
    args = [a.replace("{csv}", str(data_csv)) for a in args]
    assert_user_error(run("fit", *args, "--json"), fragment)


def test_empty_cells_and_too_few_rows(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text("g,x,y\na,1,2\na,2,\nb,3,4.5\nb,4,5\nc,5,6.5\nc,6,7\n")
    result = run("fit", path, "--formula", "y ~ x + (1 | g)", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["n_dropped"] == 1   # na.omit, as lme4
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("g,x,y\na,1,2\nb,2,3\na,3,4\n")
    assert_user_error(run("fit", tiny, "--formula", "y ~ x + (1 | g)"), "explain response 'y' exactly")
    tiny.write_text("g,x,y\na,1,2\nb,2,3\n")
    assert_user_error(run("fit", tiny, "--formula", "y ~ x + (1 | g)"), "too few")
