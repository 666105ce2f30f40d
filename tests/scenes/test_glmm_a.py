"""DataGeneration, PoolingComparison, PoolingTradeoff and VarianceComponents work for every family,
through the CLI as a user types it (`stills ... --preset poisson`, a user's count CSV with
--data): no scene is skipped for its family, outcome axes respect the outcome (counts from 0,
probabilities 0 to 1), the ICC shown is the estimator's latent-scale ICC with the family's
residual variance, the trade-off's verdict names the method with the lowest RMSE in this draw,
and narration carries the fit's numbers. Small scenarios (few groups) keep the renders short."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.latent_scale import latent_split
from estimator.pooling_view import tradeoff, unestimable_reasons
from estimator.presets import load_preset
from scenes.context import input_from_scenario
from scenes.theme import fmt
from scripts.cli import cli

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("ffmpeg", "latex", "dvisvgm")),
                                reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")

SCENES = ("DataGeneration", "PoolingComparison", "PoolingTradeoff", "VarianceComponents")
SMALL = {"n_groups": 4, "group_size_min": 8, "group_size_max": 14}
CASES = {"gaussian": ("default", {}), "poisson": ("poisson", {}), "bernoulli": ("logistic", {"seed": 3}),
         "binomial-trials": ("binomial-trials", {}), "gamma": ("gamma", {})}


def _cli(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _rendered(out: Path, statuses) -> dict:
    """{scene: meta (marks, numbers)} from the manifest's cache objects."""
    [manifest] = list(out.glob("*/low-*/manifest.json"))
    keys = {f["scene"]: f["cache_key"] for f in json.loads(manifest.read_text())["files"]}
    return {scene: json.loads((out / ".cache" / "objects" / key[:2] / key / "meta.json").read_text())
            for scene, key in keys.items()}


def _statuses(result) -> dict:
    return {s["scene"]: s for s in json.loads(result.stdout)["scenes"]}


@pytest.fixture(scope="module", params=list(CASES))
def family_render(request, tmp_path_factory):
    preset, extra = CASES[request.param]
    sets = {**SMALL, **extra}
    out = tmp_path_factory.mktemp(request.param)
    args = ["stills", *SCENES, "-q", "low", "--preset", preset, "--out", out, "--json"]
    for key, value in sets.items():
        args += ["--set", f"{key}={value}"]
    if request.param == "bernoulli":
        args += ["--theme", "light"]
    result = _cli(*args)
    lecture = input_from_scenario(load_preset(preset).replace(**sets))
    return request.param, _statuses(result), _rendered(out, None), lecture, out


def _numbers(meta):
    return {k: (math.nan if v is None else v) for k, v in meta["numbers"].items()}


def _narration(meta, name):
    [mark] = [m for m in meta["marks"] if m["name"] == name]
    return mark.get("narration", "")


def test_no_scene_is_skipped_and_every_slide_has_a_still(family_render):
    case, statuses, metas, _, out = family_render
    for scene in SCENES:
        assert statuses[scene]["status"] in ("rendered", "cached"), (case, statuses[scene])
        assert scene in metas
    stills = list(out.glob("*/low-*/stills/png/*.png"))
    assert len(stills) == sum(len(m["marks"]) for m in metas.values())


def test_outcome_axes_respect_the_outcome(family_render):
    case, _, metas, lecture, _ = family_render
    for scene in ("DataGeneration", "PoolingComparison"):
        shown = _numbers(metas[scene])
        if case == "gaussian":
            continue
        assert shown["y_axis_min"] >= 0.0, (case, scene, shown["y_axis_min"])
        if lecture.family == "binomial":
            assert shown["y_axis_min"] == 0.0 and shown["y_axis_max"] == 1.0, (case, scene)
    if lecture.family in ("poisson", "binomial"):    # the pmf drawn holds (nearly) all the mass
        assert _numbers(metas["DataGeneration"])["draw_mass"] > 0.99


def test_icc_shown_is_the_latent_icc_with_the_family_residual(family_render):
    case, _, metas, lecture, _ = family_render
    fit = lecture.fit()
    split = latent_split(fit)
    shown = _numbers(metas["VarianceComponents"])
    assert math.isclose(shown["icc"], split.icc, rel_tol=1e-9) and math.isclose(split.icc, fit.icc, rel_tol=1e-9)
    expected = {"gaussian": (fit.sigma or 0) ** 2, "binomial": math.pi ** 2 / 3,
                "poisson": math.log1p(math.exp(-fit.fixef["(Intercept)"])),
                "gamma": math.log1p(1 / (fit.shape or 1))}[fit.family]
    assert math.isclose(shown["sigma_sq"], expected, rel_tol=1e-9), case
    assert fmt(split.icc) in _narration(metas["VarianceComponents"], "icc")
    assert "no simulation" not in _narration(metas["VarianceComponents"], "sweep")


def test_tradeoff_verdict_names_this_draws_lowest_rmse(family_render):
    case, _, metas, lecture, _ = family_render
    fit = lecture.fit()
    data = lecture.data
    order = [list(data.group_labels).index(label) for label in fit.group_labels]
    result = tradeoff(fit, np.asarray(data.truth["intercepts"])[order])
    shown = _numbers(metas["PoolingTradeoff"])
    for kind, value in result.rmse.items():
        assert math.isclose(shown[f"rmse[{kind}]"], value, rel_tol=1e-9), (case, kind)
    said = _narration(metas["PoolingTradeoff"], "rmse")
    names = {"complete": "complete pooling", "no_pool": "no pooling", "partial": "partial pooling"}
    assert f"In this one draw {' and '.join(names[k] for k in result.lowest)} has the lowest" in said
    assert "anecdote" in said


def test_unestimable_groups_are_counted_and_named(family_render):
    case, _, metas, lecture, _ = family_render
    fit = lecture.fit()
    x, y, g, _ = lecture.arrays()
    reasons = unestimable_reasons(fit, y, g)
    assert _numbers(metas["PoolingComparison"])["n_unestimable"] == len(reasons)
    for label in reasons:
        assert label in _narration(metas["PoolingComparison"], "no_pooling")


def test_user_count_csv_renders_and_the_sweep_says_there_is_no_simulation(tmp_path):
    csv = tmp_path / "counts.csv"
    _cli("simulate", "--preset", "poisson", *sum((["--set", f"{k}={v}"] for k, v in SMALL.items()), []),
         "--out", csv)
    out = tmp_path / "o"
    result = _cli("stills", *SCENES, "-q", "low", "--data", csv, "--formula", "y ~ x + (1 | group)",
                  "--family", "poisson", "--out", out, "--json")
    statuses = _statuses(result)
    assert statuses["PoolingComparison"]["status"] in ("rendered", "cached")
    assert statuses["VarianceComponents"]["status"] in ("rendered", "cached")
    for scene in ("DataGeneration", "PoolingTradeoff"):     # they need the simulation's truth
        assert statuses[scene]["status"] == "skipped" and "true effects" in statuses[scene]["detail"]
    metas = _rendered(out, statuses)
    assert "no simulation" in _narration(metas["VarianceComponents"], "sweep")
    assert _numbers(metas["PoolingComparison"])["y_axis_min"] >= 0.0


def test_a_marks_own_narration_is_what_the_captions_say():
    from scripts.pipeline.captions import cues_for

    marks = [{"index": 1, "name": "icc", "time": 4.0, "narration": "Here ICC = 0.387."},
             {"index": 2, "name": "sweep", "time": 8.0}]
    cues = cues_for([(0.0, marks, {"icc": "The static text.", "sweep": "Static sweep."})])
    assert [c.text for c in cues] == ["Here ICC = 0.387.", "Static sweep."]
