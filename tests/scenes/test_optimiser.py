"""OptimiserPath through the console command: the estimate, the minimum criterion and the number
of evaluations on screen are estimator.profile's for the scene's data (read back from
screen_numbers.json): the profile curve for a random intercept, the path by evaluation for a GLMM."""
from __future__ import annotations

import json

import pytest

from estimator.fit import fit
from estimator.presets import load_preset
from estimator.profile import optimiser_path
from estimator.simulate import simulate
from scenes.optimiser import crit, product_text
from scenes.theme import fmt
from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


@pytest.mark.parametrize("preset, theme", [("default", "light"), ("poisson", "dark")])
def test_the_slides_show_the_optimisers_path(tmp_path, preset, theme):
    result = run_cli(tmp_path, "stills", "OptimiserPath", "-q", "low", "--preset", preset, "--theme", theme)
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["OptimiserPath"]}
    assert list(slides) == ["surface", "path", "estimate"]
    scenario = load_preset(preset)
    table = simulate(scenario).table
    fitted = fit(scenario.formula, table, family=scenario.family, trials=scenario.trials_column)
    path = optimiser_path(fitted, scenario.formula, table, scenario.trials_column)
    texts = lambda slide: " ".join(item["text"] for item in slides[slide])  # noqa: E731
    estimate = texts("estimate")
    # "minimum <criterion>: <value>" wraps when too long for the panel (the sidecar keeps the lines
    # with numbers): the value is on the slide
    assert f" {crit(path.minimum)}" in f" {estimate}"
    if path.curve is not None:
        assert f"evaluation {path.n_evals} of {path.n_evals}" in texts("path")
        assert f"θ̂ = {fmt(path.estimate[0])}" in estimate
        assert f"= {fmt(fitted.re_sd['(Intercept)'])}" in estimate
        product = estimate.split("τ̂₀ = θ̂ · σ̂ = ")[1].split()
        assert fmt(float(product[0]) * float(product[2])) == product[4]   # a student's multiplication agrees
        assert f"{crit(float(path.curve[1][0]))}" in texts("surface")
    else:
        assert f"{path.n_evals} evaluations" in texts("path")
        assert f"θ̂₁ (Intercept) = {fmt(path.estimate[0])}" in estimate
        assert f"τ̂₀ = {fmt(fitted.re_sd['(Intercept)'])}" in estimate


@pytest.mark.parametrize("a, b", [(1.1482, 5.0007), (1.15, 5.0), (0.0231, 48.37), (3.0, 2.0)])
def test_a_product_on_screen_multiplies_out(a, b):
    """θ̂ × σ̂ = τ̂₀: the factors carry enough digits that multiplying them gives the product shown
    (1.15 × 5.00 = 5.74 read as an arithmetic slip at 12 groups)."""
    left, _, right, _, shown = product_text(a, b, a * b).split()
    assert shown == fmt(a * b) and fmt(float(left) * float(right)) == shown


def test_the_panel_names_the_optimiser_the_fit_used():
    """A Laplace GLMM is optimised on its exact gradient, not on differences (glmm_objective.py)."""
    from types import SimpleNamespace

    from scenes.optimiser import LAPLACE_OPTIMISER, OPTIMISER, optimiser_words

    assert optimiser_words(SimpleNamespace(family="poisson", nagq=1)) == LAPLACE_OPTIMISER
    assert optimiser_words(SimpleNamespace(family="binomial", nagq=9)) == OPTIMISER[False]
    assert optimiser_words(SimpleNamespace(family="gaussian", nagq=1)) == OPTIMISER[False]


def test_the_glmm_panel_keeps_a_readable_size(tmp_path, monkeypatch):
    """'minimum Laplace deviance: 3047.53' on one line was scaled to the panel's width (16.6 pt)."""
    from scenes import context
    from scenes.optimiser import OptimiserPath
    from scenes.theme import LABEL_SIZE
    from tests.scenes.rendering import render_checked, use_preset

    use_preset(monkeypatch, tmp_path, "poisson")
    try:
        render_checked(OptimiserPath, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    finally:
        context.lecture_input.cache_clear()
