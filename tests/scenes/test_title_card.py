"""The title card shows the model actually fitted: the family's lines, every fixed predictor,
random slopes when the fit has them, and a user's column names (set by Pango, not TeX)."""
from __future__ import annotations

import pytest
from manim import Text

from estimator.fit import fit
from estimator.presets import load_preset
from estimator.simulate import simulate
from scenes import context
from scenes.title import TitleCard, model_lines
from tests.scenes.rendering import render_low


def _preset_fit(name: str):
    scenario = load_preset(name)
    data = simulate(scenario)
    return fit(scenario.formula, data.table, family=scenario.family, trials=scenario.trials_column)


def _tex(lines) -> str:
    return " ".join(tex for tex, _ in lines.predictor)


@pytest.mark.parametrize("preset, law, lhs", [
    ("default", None, r"y_{ij}"),
    ("poisson", r"\mathrm{Poisson}(\mu_{ij})", r"\log \mu_{ij}"),
    ("logistic", r"\mathrm{Bernoulli}(p_{ij})", r"\mathrm{logit}\, p_{ij}"),
    ("gamma", r"\mathrm{Gamma}(\mu_{ij},\, \nu)", r"\log \mu_{ij}"),
])
def test_each_family_has_its_own_lines(preset, law, lhs):
    lines = model_lines(_preset_fit(preset))
    assert lines.predictor[0][0] == lhs
    assert (lines.law is None) if law is None else (law in lines.law)
    gaussian = preset == "default"
    assert (r"\varepsilon_{ij}" in _tex(lines)) == gaussian           # no residual term for GLMMs
    assert any(r"\varepsilon" in tex for tex, _ in lines.effects) == gaussian
    assert r"u_{0j}" in _tex(lines) and r"u_{1j}" not in _tex(lines)


def test_random_slopes_appear_when_fitted():
    lines = model_lines(_preset_fit("fan-out"))
    assert r"u_{1j}\,x_{ij}" in _tex(lines)
    assert any(r"(u_{0j},\, u_{1j}) \sim N(0,\, \Sigma)" == tex for tex, _ in lines.effects)


def test_binomial_with_trials_says_binomial():
    scenario = load_preset("logistic").replace(trials=10)
    data = simulate(scenario)
    result = fit(scenario.formula, data.table, family="binomial", trials=scenario.trials_column)
    assert r"\mathrm{Binomial}(n_{ij}" in model_lines(result, trials=True).law


def test_several_predictors_get_their_own_gammas(tmp_path):
    rows = ["score,hours,Sex,g"] + [f"{50 + i % 7 + j},{i % 5},{'FM'[i % 2]},s{j}"
                                    for j in range(4) for i in range(12)]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n")
    from estimator.table import read_csv

    lines = model_lines(fit("score ~ Sex + hours + (1 + hours | g)", read_csv(str(path))))
    tex = _tex(lines)
    assert r"\gamma_{10}\,x_{1ij}" in tex and r"\gamma_{20}\,x_{2ij}" in tex
    assert r"u_{1j}\,x_{1ij}" in tex                    # hours (the plotted x) is x1 and has the slope
    assert lines.names == {"x1": "hours", "x2": "SexM"}


def test_user_csv_names_are_on_the_card(tmp_path, monkeypatch):
    rows = ["Reaction time,Days,Subject"] + [f"{250 + 10 * d + s},{d},S{s}" for s in range(5) for d in range(6)]
    path = tmp_path / "sleep.csv"
    path.write_text("\n".join(rows) + "\n")
    payload = tmp_path / "input.json"
    context.write_input_file(str(payload), load_preset("default"), str(path),
                             "`Reaction time` ~ Days + (1 | Subject)")
    monkeypatch.setenv(context.INPUT_ENV, str(payload))
    context.lecture_input.cache_clear()
    try:
        scene = render_low(TitleCard, tmp_path, monkeypatch)
    finally:
        context.lecture_input.cache_clear()
    words = [m.text for m in scene.mobjects if isinstance(m, Text)]
    assert "y=Reactiontime,x=Days,j=Subject(5groups)" in words, words   # Text.text drops spaces
    assert scene.displayed["n_groups"] == 5
