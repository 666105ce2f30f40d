"""screen_numbers.json: every number a slide point shows, read off the scene's own mobjects at
that slide point. Checked through the console command (relative media/) against the kit's
fit.json, and the reader on its own: group labels and sub/superscripts are names, not numbers."""
from __future__ import annotations

import json

import pytest

from scenes.screen_text import numbers_in
from tests.pipeline.test_reproduce import only_kit, pytestmark, run_cli  # noqa: F401  (same skip)


@pytest.mark.parametrize("kind, text, numbers", [
    ("text", "ICC = 0.374", [0.374]),
    ("text", "G03, with 6 pupils", [6.0]),
    ("text", "logLik −377.4", [-377.4]),
    ("text", "44.3 to 55.5", [44.3, 55.5]),
    ("tex", r"\hat\gamma_{00} = 49.8", [49.8]),
    ("tex", r"\tau_0^2 + \sigma^2", []),
    ("tex", r"\lambda_j = 1 - \frac{4.81}{5.69}", [1.0, 4.81, 5.69]),
])
def test_the_reader_sees_numbers_not_names(kind, text, numbers):
    assert numbers_in(kind, text) == pytest.approx(numbers)


def sig3(value: float) -> float:
    return float(f"{value:.3g}")


def test_the_results_slide_points_record_the_fits_numbers(tmp_path):
    result = run_cli(tmp_path, "stills", "ModelResults", "-q", "low")
    assert result.returncode == 0, result.stderr
    [sidecar] = list((tmp_path / "media").glob("*/reproduce/screen_numbers.json"))
    payload = json.loads(sidecar.read_text(encoding="utf-8"))
    assert payload["versions"]["numpy"] and payload["input"]["name"] == "default"
    slides = payload["scenes"]["ModelResults"]
    assert [s["slide"] for s in slides] == ["fixed", "variance", "fit"]
    last = {n for item in slides[-1]["shown"] for n in item["numbers"]}
    fit = json.loads((only_kit(tmp_path) / "fit.json").read_text())["fit"]
    for value in (*fit["fixef"].values(), fit["icc"], fit["sigma"], fit["aic"], fit["bic"]):
        assert any(abs(shown - value) <= 0.051 * max(1.0, abs(value) / 100) for shown in last) or \
            sig3(value) in last, value
