"""ModelComparison through the console command: the AIC/BIC table and the LRT slide show exactly
what estimator.comparison computes for the scene's data (read back from screen_numbers.json),
for a Gaussian and a binomial model, and the question slide hides the answer."""
from __future__ import annotations

import json

import pytest

from estimator.comparison import compare_pooling, mixture_critical_value
from estimator.presets import load_preset
from estimator.simulate import simulate
from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


@pytest.mark.parametrize("preset", ["default", "logistic"])
def test_the_slides_show_the_comparisons_numbers(tmp_path, preset):
    result = run_cli(tmp_path, "stills", "ModelComparison", "-q", "low", "--preset", preset)
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["ModelComparison"]}
    scenario = load_preset(preset)
    expected = compare_pooling(scenario.formula, simulate(scenario).table, scenario.family,
                               scenario.trials_column)
    numbers = lambda slide: {n for item in slides[slide] for n in item["numbers"]}  # noqa: E731
    criteria = numbers("criteria")
    for row in expected.rows().values():
        assert {round(row.aic, 1), round(row.bic, 1), row.n_params} <= criteria
    assert not {round(row.aic, 1) for row in expected.rows().values()} & numbers("question")
    lrt = numbers("lrt")
    assert round(expected.lrt.statistic, 2) in lrt
    assert round(mixture_critical_value(0.05, expected.lrt.df_mixture), 2) in lrt
    texts = " ".join(item["text"] for item in slides["lrt"])
    assert "boundary" in texts and "naive" in texts
