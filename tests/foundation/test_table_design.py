import numpy as np
import pytest

from estimator.design import build_design
from estimator.errors import InputError
from estimator.formula import parse_formula
from estimator.table import read_csv, write_csv


def _table():
    return {"g": ["a", "a", "b", "b", "c", "c", "c"], "x": ["1", "2", "3", "4", "5", "6", "7"],
            "y": ["1.5", "2", "3", "4.5", "5", "6", "8"]}


def test_csv_round_trip(tmp_path):
    path = tmp_path / "d.csv"
    write_csv({"g": ["a", "b"], "x": [1.5, 2.0], "y": [3, 4]}, path)
    assert read_csv(path) == {"g": ["a", "b"], "x": ["1.5", "2.0"], "y": ["3", "4"]}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_design_matrices():
    d = build_design(parse_formula("y ~ x + (1 + x | g)"), _table())
    assert d.X.shape == (7, 2) and d.Z.shape == (7, 2)
    assert d.group_labels == ("a", "b", "c") and list(d.group_sizes) == [2, 2, 3]
    assert np.allclose(d.X[:, 0], 1) and np.allclose(d.Z[:, 1], np.arange(1, 8))


def test_numeric_group_labels_sort_as_numbers():
    t = _table()
    t["g"] = ["10", "10", "2", "2", "1", "1", "1"]
    assert build_design(parse_formula("y ~ x + (1 | g)"), t).group_labels == ("1", "2", "10")


@pytest.mark.parametrize("change, formula, fragment", [
    ({}, "y ~ z + (1 | g)", "column 'z' is not in the data"),
    ({}, "y ~ x + (1 | h)", "column 'h' is not in the data"),
    ({"x": ["1", "2", "a", "4", "5", "6", "7"]}, "y ~ x + (1 | g)", "must be numeric"),
    ({"y": ["1", "inf", "3", "4", "5", "6", "7"]}, "y ~ x + (1 | g)", "infinite in data row 2"),
    ({}, "y ~ x + (1 + x | g)", None),
])
def test_bad_data_is_named(change, formula, fragment):
    t = {**_table(), **change}
    if fragment is None:
        build_design(parse_formula(formula), t)
        return
    with pytest.raises(InputError, match=fragment):
        build_design(parse_formula(formula), t)


def test_too_few_rows():
    t = {"g": ["a", "b"], "x": ["1", "2"], "y": ["1", "3"]}
    with pytest.raises(InputError, match="2 rows are too few for 2 fixed-effect columns"):
        build_design(parse_formula("y ~ x + (1 | g)"), t)


@pytest.mark.parametrize("content, fragment", [
    ("", "is empty"), ("g,x,y\n", "no data rows"), ("g,x,y\na,1\n", "has 2 cells"),
    ("g,g,y\na,1,2\n", "repeated column"),
])
def test_bad_csv_files(tmp_path, content, fragment):
    path = tmp_path / "d.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=fragment):
        read_csv(path)
    with pytest.raises(InputError, match="does not exist"):
        read_csv(tmp_path / "nope.csv")


@pytest.mark.parametrize("cell", ["", "NA", "NaN"])
def test_rows_with_missing_cells_are_dropped_like_na_omit(cell):
    t = {**_table(), "y": ["1", cell, "3", "4", "5", "6", "7"]}
    d = build_design(parse_formula("y ~ x + (1 | g)"), t)
    assert d.n_dropped == 1 and d.n_obs == 6 and list(d.group_sizes) == [1, 2, 3]


def test_one_group_is_refused_by_fit_with_lme4s_rule():
    t = {**_table(), "g": ["a"] * 7}
    from estimator.fit import fit

    with pytest.raises(InputError, match="only one group .*grouping factors must have > 1 sampled level"):
        fit("y ~ x + (1 | g)", t)
