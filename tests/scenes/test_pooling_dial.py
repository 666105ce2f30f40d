"""PoolingDial through the console command: the dial's numbers on screen are estimator.pooling_dial's
(read back from screen_numbers.json and the scene's recorded numbers), for a Gaussian and a
logistic model (link scale named on screen), and with --data the sweep slide says it needs a
simulation."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.pooling_dial import SWEEP_SIZES, group_size_sweep, pooling_dial
from estimator.presets import load_preset
from scenes.context import input_from_scenario
from scenes.theme import fmt
from scripts.cli import cli

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("ffmpeg", "latex", "dvisvgm")),
                                reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


def _render(out: Path, *args) -> tuple[dict, dict]:
    """({slide: [shown items]}, meta with marks and recorded numbers) of one PoolingDial render."""
    result = CliRunner().invoke(cli, ["stills", "PoolingDial", "-q", "low", "--out", str(out), "--json",
                                      *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [sidecar] = list(out.glob("*/reproduce/screen_numbers.json"))
    slides = {s["slide"]: s["shown"] for s in json.loads(sidecar.read_text())["scenes"]["PoolingDial"]}
    [manifest] = list(out.glob("*/low-*/manifest.json"))
    [key] = {f["cache_key"] for f in json.loads(manifest.read_text())["files"] if f["scene"] == "PoolingDial"}
    meta = json.loads((out / ".cache" / "objects" / key[:2] / key / "meta.json").read_text())
    return slides, meta


def _texts(items) -> str:
    return " ".join(item["text"] for item in items)


def _narration(meta, name):
    [mark] = [m for m in meta["marks"] if m["name"] == name]
    return mark.get("narration", "")


def test_the_dial_shows_the_fits_positions_and_the_sweeps_refits(tmp_path):
    slides, meta = _render(tmp_path / "o", "--preset", "default")
    lecture = input_from_scenario(load_preset("default"))
    dial = pooling_dial(lecture.fit())
    numbers = meta["numbers"]
    assert numbers["complete_intercept"] == pytest.approx(dial.complete[0])
    assert f"intercept {fmt(dial.complete[0])}, slope" in _texts(slides["complete"])
    for label, lam in zip(dial.labels, dial.reliability):
        assert numbers[f"lambda[{label}]"] == pytest.approx(lam)
    focus_lambda = dial.reliability[dial.focus_index]
    shown = {n for item in slides["mixed"] for n in item["numbers"]}
    assert float(fmt(focus_lambda)) in shown and f"{dial.focus} (n = " in _texts(slides["mixed"])
    assert fmt(focus_lambda) in _narration(meta, "mixed")
    sweep = group_size_sweep(lecture.scenario, dial.focus, SWEEP_SIZES)
    for point in sweep:
        assert numbers[f"sweep_lambda[n={point.n}]"] == pytest.approx(point.reliability)
    swept = {n for item in slides["sweep"] for n in item["numbers"]}
    assert float(fmt(sweep[-1].reliability)) in swept            # the live readout's last value
    assert {float(fmt(p.reliability, 2)) for p in sweep} <= swept  # the trail of every refit
    assert fmt(sweep[0].reliability) in _narration(meta, "sweep")
    assert not any("λⱼ" in item["text"] for item in slides["dial"])  # the marks come with their slide


def test_a_logistic_dial_names_the_link_scale(tmp_path):
    slides, meta = _render(tmp_path / "o", "--preset", "logistic", "--set", "n_groups=5", "--theme", "light")
    assert "on the log-odds scale" in _narration(meta, "complete")
    assert "pooled: intercept" in _texts(slides["complete"])
    assert len([k for k in meta["numbers"] if k.startswith("sweep_lambda[")]) == len(SWEEP_SIZES)


def test_with_own_data_the_sweep_slide_says_it_needs_a_simulation(tmp_path):
    csv = tmp_path / "scores.csv"
    result = CliRunner().invoke(cli, ["simulate", "--preset", "default", "--out", str(csv)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    slides, meta = _render(tmp_path / "o", "--data", csv, "--formula", "y ~ x + (1 | group)")
    assert "needs a simulation" in _narration(meta, "sweep")
    assert not any(k.startswith("sweep_lambda") for k in meta["numbers"])


@pytest.mark.parametrize("n_groups", [8, 30, 100])
def test_the_dial_marks_stay_apart_with_many_groups(n_groups):
    """Many groups' λⱼ crowd near 1: the marks shrink and stack in more rows (crowd_scale), so
    no two marks overlap and all stay above the end words (at 30 groups they used to form one
    overlapping block)."""
    from scenes.theme import DARK
    from scenes.vocab import PLOT_REGION, Region, crowd_scale
    from scenes.vocab.dial import PoolingDialTrack

    track = PoolingDialTrack(Region(PLOT_REGION.left, PLOT_REGION.right, PLOT_REGION.bottom,
                                    PLOT_REGION.bottom + 1.65), DARK, crowd=crowd_scale(n_groups))
    lam = list(np.linspace(0.8, 0.99, n_groups))   # as the default preset: most groups near 1
    rows = track.rows_for(lam)
    marks = track.group_marks(lam, rows, ["#ffffff"] * n_groups, ["circle"] * n_groups)
    boxes = [(m.get_left()[0], m.get_right()[0], m.get_bottom()[1], m.get_top()[1]) for m in marks]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] <= b[0] or b[1] <= a[0] or a[3] <= b[2] or b[3] <= a[2], (a, b)
    words_top = max(w.get_top()[1] for w in track.words)
    assert min(b[2] for b in boxes) > words_top
