"""Lines against x with other predictors held (issue 11): factors at their reference level,
numbers at their mean, from the estimator (FitResult.held), used by coef_pairs for every
pooling method, worded by held_note, in `fit --json`, and on screen in the scenes that draw lines."""
from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.fit import fit
from estimator.plotted import coef_pairs, held_note, held_values, slope_term
from estimator.table import read_csv
from scripts.cli import cli


@pytest.fixture
def pupils(tmp_path):
    """Pupils in schools: hours (plotted), Sex varying within schools, age 10-12."""
    rng = np.random.default_rng(4)
    rows = ["score,hours,Sex,age,school"]
    for j in range(8):
        u = rng.normal(0, 5)
        for i in range(int(rng.integers(6, 16))):
            h, sex, age = rng.uniform(0, 10), ("Female", "Male")[i % 2], 10 + i % 3
            y = 50 + 2 * h + 3 * (sex == "Male") + 0.8 * (age - 11) + u + rng.normal(0, 4)
            rows.append(f"{y:.3f},{h:.3f},{sex},{age},S{j + 1}")
    path = tmp_path / "pupils.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_one_predictor_holds_nothing(pupils):
    result = fit("score ~ hours + (1 | school)", read_csv(str(pupils)))
    assert result.held == {} and held_note(result) is None
    coefs = result.group_coefficients()
    assert coef_pairs(result, "partial") == [(coefs[g]["(Intercept)"], result.fixef["hours"])
                                             for g in result.group_labels]


def test_factor_at_reference_and_number_at_mean(pupils):
    table = read_csv(str(pupils))
    result = fit("score ~ Sex + hours + age + (1 | school)", table)
    age_mean = float(np.mean([float(v) for v in table["age"]]))
    values = held_values(result)
    assert values["Sex"] == "Female" and values["age"] == pytest.approx(age_mean)
    assert held_note(result) == f"other predictors held at: Sex = Female, age = {age_mean:.1f}"
    assert slope_term(result) == "hours"          # the plotted x, not the first coefficient (SexMale)
    b = result.fixef
    for kind, beta in (("complete", result.complete_pooling["fixef"]), ("partial", None)):
        for label, (a, s) in zip(result.group_labels, coef_pairs(result, kind)):
            coefs = beta or {**b, "(Intercept)": result.group_coefficients()[label]["(Intercept)"]}
            assert a == pytest.approx(coefs["(Intercept)"] + coefs["age"] * age_mean)
            assert s == pytest.approx(coefs["hours"])
    own = coef_pairs(result, "no_pool")
    common = result.no_pooling["common_slope"]
    for label, (a, s) in zip(result.group_labels, own):
        assert a == pytest.approx(common[label]["(Intercept)"] + common[label]["age"] * age_mean)
        assert s == pytest.approx(common[label]["hours"])


def test_interactions_give_the_reference_levels_line(pupils):
    """The line at Sex = Male from a fit with Female as reference equals the held line of the
    same model refitted with Male as the reference (relevel): one model, two codings."""
    table = read_csv(str(pupils))
    female_ref = fit("score ~ hours * Sex + (1 | school)", table)
    male_ref = fit('score ~ hours * relevel(factor(Sex), ref = "Male") + (1 | school)', table)
    assert held_values(female_ref) == {"Sex": "Female"}
    assert list(held_values(male_ref).values()) == ["Male"]
    b = female_ref.fixef
    a_male, s_male = coef_pairs(male_ref, "complete")[0]
    fb = female_ref.complete_pooling["fixef"]
    assert a_male == pytest.approx(fb["(Intercept)"] + fb["SexMale"], rel=1e-6)
    assert s_male == pytest.approx(fb["hours"] + fb["hours:SexMale"], rel=1e-6)
    assert coef_pairs(female_ref, "partial")[0][1] == pytest.approx(b["hours"])   # Female's slope


def test_random_slopes_and_held_values_together(pupils):
    result = fit("score ~ hours + Sex + (1 + hours | school)", read_csv(str(pupils)))
    coefs = result.group_coefficients()
    for label, (a, s) in zip(result.group_labels, coef_pairs(result, "partial")):
        assert a == pytest.approx(coefs[label]["(Intercept)"]) and s == pytest.approx(coefs[label]["hours"])


def test_fit_json_reports_the_held_values(pupils, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fit", "pupils.csv", "--formula",
                                      "score ~ hours + Sex + age + (1 | school)", "--json"])
    assert result.exit_code == 0, result.output
    held = json.loads(result.stdout)["held"]
    assert held["x"] == "hours" and held["values"]["Sex"] == "Female"
    assert held["at_x0"]["hours"] == 0.0 and held["at_x1"]["hours"] == 1.0
    assert held["at_x0"]["age"] == pytest.approx(held["values"]["age"])


def test_scenes_say_where_the_others_are_held(pupils, tmp_path, monkeypatch):
    """Rendered from a user's CSV: the Simpson scene draws the hours slope and says where Sex
    and age are held, in the shared notes corner; the results table does not."""
    from scenes import context
    from scenes.results import ModelResults
    from scenes.simpson import SimpsonReversal
    from estimator.presets import load_preset
    from tests.scenes.rendering import render_low

    formula = "score ~ Sex + hours + age + (1 | school)"
    payload = tmp_path / "input.json"
    context.write_input_file(str(payload), load_preset("default"), str(pupils), formula)
    monkeypatch.setenv(context.INPUT_ENV, str(payload))
    context.lecture_input.cache_clear()
    try:
        expected = held_note(context.lecture_input().fit())
        scene = render_low(SimpsonReversal, tmp_path / "a", monkeypatch)
        assert scene.notes == [expected]
        assert scene.displayed["gamma10_hat"] == pytest.approx(context.lecture_input().fit().fixef["hours"])
        table = render_low(ModelResults, tmp_path / "b", monkeypatch)
        assert getattr(table, "notes", []) == []
    finally:
        context.lecture_input.cache_clear()


def test_the_random_slope_predictor_is_plotted_and_its_simpson_slopes_reported(pupils):
    """With the random slope on the second predictor, every scene plots that one (the fan is
    about its slope), and fit.simpson compares that predictor's pooled and within slopes, not a
    factor dummy or the first column's."""
    result = fit("score ~ Sex + age + hours + (1 + hours | school)", read_csv(str(pupils)))
    assert result.held["x"] == "hours" and slope_term(result) == "hours"
    assert result.simpson["predictor"] == "hours"
    assert result.simpson["pooled_slope"] == pytest.approx(result.complete_pooling["fixef"]["hours"])
    assert result.simpson["mixed_slope"] == pytest.approx(result.fixef["hours"])
    # without a random slope the first numeric predictor stays the plotted one
    plain = fit("score ~ Sex + age + hours + (1 | school)", read_csv(str(pupils)))
    assert plain.held["x"] == "age" and plain.simpson["predictor"] == "age"
