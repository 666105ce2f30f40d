"""RepeatedSampling through the console command: the RMSEs on screen are the estimator's over 200
data sets, and the verdict is the one the Monte Carlo error supports."""
from __future__ import annotations

import json

from estimator.presets import load_preset
from estimator.repeated import METHODS, repeated_sampling
from scenes.repeated_sampling import N_DATASETS
from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


def test_the_rmse_slide_shows_the_estimators_numbers(tmp_path):
    result = run_cli(tmp_path, "stills", "RepeatedSampling", "-q", "low", "--preset", "small-groups")  # an explicit preset wins over lecture_preset
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["RepeatedSampling"]}
    expected = repeated_sampling(load_preset("small-groups"), N_DATASETS)
    shown = {n for item in slides["rmse"] for n in item["numbers"]}
    for method in METHODS:
        assert float(f"{expected.rmse[method]:.3g}") in shown
    text = " ".join(item["text"] for item in slides["rmse"])
    assert f"over {N_DATASETS} data sets" in text
    assert not any("RMSE" in item["text"] for item in slides["many_draws"])
