"""SimpsonDecomposed through the console command: the within, between and contextual slopes and the
naive pooled slope on screen are estimator.centring's (read back from screen_numbers.json), the
simpson preset stands in when the lecture's data do not reverse (and says so), and a lecture
whose own data reverse is shown as it is."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from estimator.centring import decompose
from estimator.presets import load_preset
from estimator.simulate import simulate
from scenes.theme import fmt
from scripts.cli import cli

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("ffmpeg", "latex", "dvisvgm")),
                                reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


def _render(out: Path, *args) -> tuple[dict, dict]:
    result = CliRunner().invoke(cli, ["stills", "SimpsonDecomposed", "-q", "low", "--out", str(out), "--json",
                                      *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [sidecar] = list(out.glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["SimpsonDecomposed"]}
    [manifest] = list(out.glob("*/low-*/manifest.json"))
    [key] = {f["cache_key"] for f in json.loads(manifest.read_text())["files"] if f["scene"] == "SimpsonDecomposed"}
    meta = json.loads((out / ".cache" / "objects" / key[:2] / key / "meta.json").read_text())
    return slides, meta


def _shown(value) -> float:
    """A value as the screen prints it (fmt's rounding), read back as a number."""
    return float(fmt(value).replace("\u2212", "-"))


def _numbers(items) -> set:
    return {n for item in items for n in item["numbers"]}


def _narration(meta, name):
    [mark] = [m for m in meta["marks"] if m["name"] == name]
    return mark.get("narration", "")


def test_no_reversal_in_the_lecture_shows_the_simpson_preset_decomposed(tmp_path):
    slides, meta = _render(tmp_path / "o", "--preset", "default")
    d = decompose("y ~ x + (1 | group)", simulate(load_preset("simpson")).table)
    assert d.reversed
    numbers = meta["numbers"]
    for key in ("pooled_slope", "within_slope", "between_slope", "contextual"):
        assert numbers[key] == pytest.approx(getattr(d, key))
    assert _shown(d.pooled_slope) in _numbers(slides["pooled"])
    assert _shown(d.within_slope) in _numbers(slides["within"])
    assert _shown(d.within_slope) not in _numbers(slides["pooled"])   # each slope with its slide
    assert _shown(d.between_slope) in _numbers(slides["between"])
    assert _shown(d.contextual) in _numbers(slides["contextual"])
    assert fmt(d.contextual) in _narration(meta, "contextual") and "reversal" in _narration(meta, "contextual")
    # the default lecture does not reverse, so these are the simpson preset's numbers
    assert not decompose("y ~ x + (1 | group)", simulate(load_preset("default")).table).reversed


def test_own_data_that_reverse_are_decomposed_as_they_are(tmp_path):
    csv = tmp_path / "classes.csv"
    result = CliRunner().invoke(cli, ["simulate", "--preset", "simpson", "--set", "seed=3", "--set",
                                      "n_groups=5", "--out", str(csv)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    slides, meta = _render(tmp_path / "o", "--data", csv, "--formula", "y ~ x + (1 | group)",
                           "--theme", "light")
    scenario = load_preset("simpson").replace(seed=3, n_groups=5)
    d = decompose(scenario.formula, simulate(scenario).table)
    assert d.reversed
    assert meta["numbers"]["within_slope"] == pytest.approx(d.within_slope, abs=1e-6)
    assert _shown(d.between_slope) in _numbers(slides["between"])
    preset = decompose("y ~ x + (1 | group)", simulate(load_preset("simpson")).table)
    assert abs(d.within_slope - preset.within_slope) > 0.01   # so the numbers above are the user's


def test_the_centred_formula_keeps_a_readable_size(tmp_path, monkeypatch):
    """`y ~ x_within + x_mean + (1 | group)` is wider than the panel: it was scaled to 14.7 pt;
    it breaks after a ' +' instead."""
    from scenes import context
    from scenes.simpson_decomposed import SimpsonDecomposed
    from scenes.theme import LABEL_SIZE
    from tests.scenes.rendering import render_checked, use_preset

    use_preset(monkeypatch, tmp_path, "simpson")
    render_checked(SimpsonDecomposed, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    context.lecture_input.cache_clear()


def test_the_slope_chart_keeps_its_rows_above_the_preset_note(tmp_path, monkeypatch):
    """Under the preset note (the default lecture does not reverse) the two-line formula pushed
    the readouts down: the chart below them thinned its row labels to 2 of 4, and the note
    saying so ran into the readouts. The readouts now move up into the space the formula leaves."""
    from scenes import context
    from scenes.simpson_decomposed import SimpsonDecomposed
    from scenes.theme import LABEL_SIZE
    from tests.scenes.rendering import render_checked, use_preset, visible_texts

    use_preset(monkeypatch, tmp_path, "default")
    try:
        scene = render_checked(SimpsonDecomposed, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    finally:
        context.lecture_input.cache_clear()
    shown = {getattr(t, "original_text", "") for t in visible_texts(scene)}
    assert {"pooled", "within", "between", "contextual"} <= shown
    assert not any(text.startswith("labels shown") for text in shown)


def test_the_preset_note_gives_the_true_reason():
    """A Gaussian lecture's data do not reverse; a GLMM's may (poisson-simpson does), but the
    decomposition is drawn for a Gaussian model, and the note must say that instead."""
    from scenes.simpson_decomposed import PRESET_NOTE, preset_note

    assert preset_note("gaussian") == PRESET_NOTE
    for family, title in (("poisson", "Poisson GLMM"), ("binomial", "Logistic GLMM"), ("gamma", "Gamma GLMM")):
        note = preset_note(family)
        assert note.startswith("shown with the simpson preset") and note.endswith(title)
        assert "do not reverse" not in note


def test_without_a_reversal_the_verdict_names_the_familys_simpson_preset():
    from scenes.simpson import SIMPSON_PRESETS, verdict

    for family, preset in SIMPSON_PRESETS.items():
        assert load_preset(preset).family == family
        said = verdict(False, 0.4, [0.3, 0.5], "school", family)
        assert "no reversal" in said and f"the {preset} preset shows one" in said
    assert "Simpson's paradox" in verdict(True, -0.4, [0.3, 0.5], "school", "poisson")
