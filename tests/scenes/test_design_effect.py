"""DesignEffect through the console command: the ICC, deff, N / deff and both standard errors on
screen are estimator.design_effect's for the scene's data (read back from screen_numbers.json),
for a Gaussian and a logistic model (ICC on the latent scale)."""
from __future__ import annotations

import json

import pytest

from estimator.design_effect import design_effect
from estimator.fit import fit
from estimator.presets import load_preset
from estimator.simulate import simulate
from scenes.theme import fmt
from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


@pytest.mark.parametrize("preset, theme", [("default", "dark"), ("logistic", "light")])
def test_the_slides_show_the_design_effect(tmp_path, preset, theme):
    result = run_cli(tmp_path, "stills", "DesignEffect", "-q", "low", "--preset", preset, "--theme", theme)
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["DesignEffect"]}
    scenario = load_preset(preset)
    effect = design_effect(fit(scenario.formula, simulate(scenario).table, family=scenario.family,
                               trials=scenario.trials_column))
    texts = lambda slide: " ".join(item["text"] for item in slides[slide])  # noqa: E731
    assert f"ICC = {fmt(effect.icc)}" in texts("icc")
    assert ("latent" in texts("icc")) == (scenario.family != "gaussian")
    deff = texts("deff")
    assert f"= 1 + ({fmt(effect.n_bar)} − 1) × {fmt(effect.icc)} = {fmt(effect.deff)}" in deff
    assert f"N = {effect.n_obs}" in deff and f"N / deff = {fmt(effect.n_eff)}" in deff
    assert f"{effect.n_obs} / {effect.n_groups} = {fmt(effect.n_bar)}" in deff
    se = texts("se")
    assert f"ignoring groups {fmt(effect.se_complete)}" in se and f"mixed model {fmt(effect.se_mixed)}" in se
    numbers = {n for item in slides["se"] for n in item["numbers"]}
    assert {float(fmt(effect.se_ratio)), float(fmt(effect.sqrt_deff))} <= numbers
