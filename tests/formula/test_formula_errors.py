"""Formula errors as a user meets them: one line, the formula quoted with '>>' at the bad token,
the supported forms named; unknown columns name the closest one."""
import json

import pytest
from click.testing import CliRunner

from estimator.design import build_design
from estimator.errors import InputError
from estimator.fit import fit
from estimator.formula import parse_formula
from scripts.cli import cli

TABLE = {"school": ["a", "a", "b", "b", "c", "c", "d", "d"] * 2,
         "class": ["1", "2", "3", "4", "5", "6", "7", "8"] * 2,
         "hours": [str(v) for v in range(16)],
         "exam score": [str(3 + 0.5 * v + (v % 3)) for v in range(16)],
         "sex": ["F", "M"] * 8}


def message(text, table=None):
    with pytest.raises(InputError) as info:
        spec = parse_formula(text)
        build_design(spec, table or TABLE)
    out = str(info.value)
    assert "\n" not in out
    return out


@pytest.mark.parametrize("text, pointed", [
    ("score ~ hours + * sex + (1 | school)", "score ~ hours + >>* sex"),
    ("score ~ hours + (1 | school", ">>(1 | school"),
    ("score ~ hours + (1 + | school)", "(1 + >>| school)"),
    ("score ~ log(hours + (1 | school)", "score ~ >>log("),
    ("score ~ hours @ sex + (1 | school)", "score ~ hours >>@"),
    ("score ~ hours + 1 | school", "score ~ hours + 1 >>| school"),
    ("score ~ hours^x + (1 | school)", "score ~ hours>>^x"),
])
def test_syntax_errors_point_at_the_token_and_name_the_supported_forms(text, pointed):
    out = message(text)
    assert out.startswith("malformed formula '") and pointed in out
    assert "supported:" in out and "(1 + x | g)" in out


@pytest.mark.parametrize("text, fragment", [
    ("`exam score` ~ hours + (1 | school) + (1 | class)", "crossed or nested"),
    ("`exam score` ~ hours + (1 | school/class)", "(1 | school>>/class)"),
    ("`exam score` ~ hours + (1 | school:class)", "interaction grouping"),
])
def test_crossed_and_nested_grouping_factors_are_refused_with_the_supported_forms(text, fragment):
    out = message(text)
    assert fragment in out and "(1 | g) + (0 + x | g)" in out


@pytest.mark.parametrize("text, fragment", [
    ("`exam score` ~ hour + (1 | school)", "column 'hour' is not in the data: did you mean 'hours'?"),
    ("`exam score` ~ Sex + (1 | school)", "did you mean 'sex'?"),
    ("exam_score ~ hours + (1 | school)", "did you mean 'exam score'?"),
    ("`exam score` ~ hours + (1 | School)", "did you mean 'school'?"),
    ("`exam score` ~ lg(hours) + (1 | school)", "unknown function 'lg()'"),
    ("`exam score` ~ hours + (1 + hours | school) + (0 + sex | school)", "several random terms"),
])
def test_data_errors_name_the_fix(text, fragment):
    assert fragment in message(text)


def test_a_name_with_a_space_is_told_to_use_backticks():
    out = message("exam score ~ hours + (1 | school)")
    assert "exam >>score" in out and "backticks, as `exam score`" in out


def test_unknown_column_points_into_the_formula():
    out = message("`exam score` ~ hours + hour + (1 | school)")
    assert "(in the formula: '`exam score` ~ hours + >>hour + (1 | school)')" in out


def test_a_number_column_with_a_stray_word_is_named_not_made_a_factor():
    table = {**TABLE, "hours": ["1", "2", "three"] + TABLE["hours"][3:]}
    out = message("`exam score` ~ hours + (1 | school)", table)
    assert "'hours' must be numeric but data row 3 is 'three'" in out and "factor(hours)" in out


def test_backticked_names_fit_and_keep_rs_names():
    result = fit("`exam score` ~ hours + sex + (1 | school)", TABLE)
    assert list(result.fixef) == ["(Intercept)", "hours", "sexM"]
    assert result.formula.startswith("`exam score`")


def test_cli_reports_dropped_rows_and_rank_warning(tmp_path):
    path = tmp_path / "d.csv"
    rows = ["school,hours,score,double"] + [f"{'abcd'[i % 4]},{i},{(i * 7) % 5 + 0.3 * i},{2 * i}"
                                           for i in range(24)]
    rows[5] = "b,4,,8"
    path.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(cli, ["fit", str(path), "--formula", "score ~ hours + double + (1 | school)",
                                      "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_dropped"] == 1 and data["n_obs"] == 23 and list(data["fixef"]) == ["(Intercept)", "hours"]
    assert "dropping 1 column / coefficient (double)" in data["warnings"][0]
    summary = CliRunner().invoke(cli, ["fit", str(path), "--formula", "score ~ hours + double + (1 | school)"])
    assert "(1 observation deleted due to missingness)" in summary.stdout
    assert "fixed-effect model matrix is rank deficient so dropping 1 column" in summary.stdout  # lme4 words


def test_cli_formula_error_is_one_line_exit_2(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("g,x,y\n" + "".join(f"{'ab'[i % 2]},{i},{i % 3}\n" for i in range(10)))
    result = CliRunner().invoke(cli, ["fit", str(path), "--formula", "y ~ x + (1 | g) + (1 | x)"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "crossed or nested" in lines[0]


def test_nan_from_a_transform_drops_the_row_and_says_so():
    """R's log(-1) is NaN, which na.omit drops (with R's warning 'NaNs produced')."""
    table = {**TABLE, "hours": ["-1"] + TABLE["hours"][1:]}
    design = build_design(parse_formula("`exam score` ~ log(hours + 0.5) + (1 | school)"), table)
    assert design.n_dropped == 1 and design.warnings == ("NaNs produced in log(hours + 0.5) (rows dropped)",)
