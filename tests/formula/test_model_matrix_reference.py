"""Design matrices against lme4's lFormula/glFormula on R's data sets read back from CSV, column by
column (names, order, values), and fits against lme4 at its optimum. Fixtures:
tests/reference/model_matrix_reference.R."""
import json
from pathlib import Path

import numpy as np
import pytest

from estimator.collate import r_sorted
from estimator.design import build_design
from estimator.fit import fit
from estimator.formula import parse_formula
from estimator.table import read_csv

REFERENCE = Path(__file__).parents[1] / "reference"
CASES = sorted(p for p in (REFERENCE / "model_matrix").glob("*.json") if p.stem not in ("collation", "terms"))
TERMS = json.loads((REFERENCE / "model_matrix" / "terms.json").read_text())
FITS = [p for p in CASES if "fit" in json.loads(p.read_text())]


def load(path):
    case = json.loads(path.read_text())
    return case, read_csv(REFERENCE / "data" / case["csv"])


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_design_matrix_equals_lme4s(path):
    case, table = load(path)
    design = build_design(parse_formula(case["formula"]), table, trials=case["trials"])
    assert list(design.fixef_names) == case["fixef_names"]
    assert design.n_obs == case["n_obs"] and design.n_dropped == case["n_dropped"]
    for k, name in enumerate(case["fixef_names"]):
        np.testing.assert_allclose(design.X[:, k], case["X"][name], rtol=1e-9, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(design.y, case["y"], rtol=1e-12)
    assert list(design.re_names) == case["re_names"]
    assert list(design.group_labels) == case["group_levels"]
    if case["offset"] is not None:
        np.testing.assert_allclose(design.offset, case["offset"], rtol=1e-12)


@pytest.mark.parametrize("path", FITS, ids=[p.stem for p in FITS])
def test_fit_matches_lme4_at_its_optimum(path):
    case, table = load(path)
    ref = case["fit"]
    result = fit(case["formula"], table, family=case["family"], trials=case["trials"])
    assert list(result.fixef) == list(ref["fixef"])
    assert result.loglik == pytest.approx(ref["loglik"], abs=2e-5)
    for name, value in ref["fixef"].items():
        assert result.fixef[name] == pytest.approx(value, rel=1e-4, abs=1e-4 * ref["se"][name]), name
    assert result.n_dropped == case["n_dropped"] and result.n_obs == case["n_obs"]


def test_rank_deficient_column_is_dropped_with_lme4s_message():
    case, table = load(REFERENCE / "model_matrix" / "orthodont_collinear.json")
    design = build_design(parse_formula(case["formula"]), table)
    assert design.dropped_columns == ("I(2 * age - 1)",)
    assert any("rank deficient so dropping 1 column / coefficient" in w for w in design.warnings)


def test_text_labels_sort_as_r_does():
    data = json.loads((REFERENCE / "model_matrix" / "collation.json").read_text())
    assert r_sorted(data["labels"]) == data["r_sorted"]


@pytest.mark.parametrize("case", TERMS["cases"], ids=[c["rhs"] for c in TERMS["cases"]])
def test_term_algebra_and_coding_follow_model_matrix(case):
    """`*`, `^`, `/`, `%in%`, `-`, `0 +`, interactions of numbers, factors and matrices: R's
    columns in R's order with R's names (synthetic data; names and values from model.matrix)."""
    table = read_csv(REFERENCE / "data" / TERMS["csv"])
    design = build_design(parse_formula(f"y ~ {case['rhs']} + (1 | g)"), table)
    names = case["names"]
    kept = [n for n in names if n in design.fixef_names]
    assert list(design.fixef_names) == kept and set(names) - set(kept) == set(design.dropped_columns)
    for name in kept:
        k = design.fixef_names.index(name)
        np.testing.assert_allclose(design.X[:, k], case["X"][name], rtol=1e-9, atol=1e-12, err_msg=name)
