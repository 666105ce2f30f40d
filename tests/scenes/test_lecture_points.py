"""The default lecture makes the points its narration makes, on the data each scene draws.

`glmm-explainer lecture` with no input runs each scene that declares a `lecture_preset` on that
preset (scenes/context.py): the Simpson scene on data that reverse, the pooling and shrinkage
scenes on small unequal groups. These tests take each scene's input exactly as a default run
hands it over (no hand-over file, or one the pipeline marked `lecture_presets`), check the claim
on it, render the scenes whose claim is drawn (arrow lengths, the verdict text) and check that
an explicit --preset/--set/--data keeps every scene on the user's data, with cache keys that
follow what each scene draws.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from manim import Arrow, Text

from estimator.plotted import INTERCEPT_TERM, coef_pairs, focus_group, slope_term
from estimator.presets import PRESET_DIR, load_preset
from scenes import context, lecture
from scenes.pooling import PoolingComparison, intercept_errors, root_mean_square
from scenes.pooling_tradeoff import METHOD_NAMES, PoolingTradeoff
from scenes.shrinkage import ShrinkageDiagram, ShrinkageSweep
from scenes.simpson import SimpsonReversal
from scenes.vocab import scene_fit
from scenes.vocab.layout import FRAME_WIDTH
from scripts.cli import cli
from scripts.pipeline.inputs import resolve_input
from tests.scenes.rendering import outermost, render_checked, visible_texts

PIXELS_PER_UNIT_720P = 1280 / FRAME_WIDTH
MIN_ARROW_PIXELS = 40          # the smallest group's pull, at 720p: clearly visible
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def default_lecture(monkeypatch):
    """What the scenes see in `glmm-explainer lecture` with no options: no hand-over file (as
    when a scene is rendered on its own) - the pipeline's marked file is tested below."""
    monkeypatch.delenv(context.INPUT_ENV, raising=False)
    context.lecture_input.cache_clear()
    yield
    context.lecture_input.cache_clear()


def _pipeline_hand_over(tmp_path, monkeypatch, *args, **kwargs):
    """Point the scenes at the hand-over file the pipeline writes for resolve_input(...)."""
    run_input = resolve_input(*args, **kwargs)
    path = tmp_path / "input.json"
    run_input.write(path)
    monkeypatch.setenv(context.INPUT_ENV, str(path))
    context.lecture_input.cache_clear()
    return run_input


# ------------------------------------------------------------------ which input each scene gets
def test_default_lecture_scenes_get_their_declared_presets(default_lecture):
    assert context.input_for(SimpsonReversal).scenario.name == "simpson"
    for cls in (PoolingComparison, PoolingTradeoff, ShrinkageDiagram, ShrinkageSweep):
        lecture_in = context.input_for(cls)
        assert lecture_in.scenario.name == "unequal-groups", cls.__name__
        assert lecture_in.preset_note == "shown with the unequal-groups preset"
    from scenes.data_generation import DataGeneration

    assert context.input_for(DataGeneration).scenario.name == "default"
    assert context.input_for(DataGeneration).preset_note is None


@pytest.mark.parametrize("given", [{"preset": "default"}, {"assignments": ("seed=3",)},
                                   {"preset": "small-groups"}])
def test_any_user_input_keeps_every_scene_on_it(given, tmp_path, monkeypatch):
    run_input = _pipeline_hand_over(tmp_path, monkeypatch, **given)
    assert not run_input.lecture_presets
    for cls in (SimpsonReversal, PoolingTradeoff, ShrinkageDiagram):
        assert context.input_for(cls).scenario == run_input.scenario
        assert context.input_for(cls).preset_note is None


def test_user_csv_keeps_every_scene_on_it(tmp_path, monkeypatch):
    csv = tmp_path / "mine.csv"
    rows = ["y,x,g"] + [f"{(i % 7) + j * 2.0},{i % 5},{'abc'[j]}" for j in range(3) for i in range(8)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_input = _pipeline_hand_over(tmp_path, monkeypatch, data=str(csv), formula="y ~ x + (1 | g)")
    assert not run_input.lecture_presets
    assert context.input_for(SimpsonReversal).data is None        # the CSV, not the simpson preset


def test_the_pipelines_default_hand_over_marks_the_lecture_presets(tmp_path, monkeypatch):
    run_input = _pipeline_hand_over(tmp_path, monkeypatch)
    assert run_input.lecture_presets
    assert json.loads((tmp_path / "input.json").read_text())["lecture_presets"] is True
    assert context.input_for(SimpsonReversal).scenario.name == "simpson"
    explicit = resolve_input(preset="default")
    assert explicit.scenario == run_input.scenario and explicit.digest != run_input.digest  # own folders


def test_cache_keys_follow_the_preset_a_default_run_draws(tmp_path, monkeypatch):
    """In the default run a lecture-preset scene is keyed on its preset file, not on the input;
    with a user's input, on the input as before."""
    import shutil

    from estimator.presets import PRESET_DIR_ENV
    from scripts.pipeline import catalog
    from scripts.pipeline.cache import Cache
    from scripts.pipeline.jobs import SceneJob
    from scripts.pipeline.layout import QUALITIES

    folder = tmp_path / "presets"
    shutil.copytree(PRESET_DIR, folder)
    monkeypatch.setenv(PRESET_DIR_ENV, str(folder))
    monkeypatch.delenv(lecture.MODULES_ENV, raising=False)
    scenes = catalog.load(Cache(tmp_path / "cache"))
    info = {scene.name: scene for scene in scenes}
    assert info["SimpsonReversal"].lecture_preset == "simpson"
    assert info["ShrinkageDiagram"].lecture_preset == "unequal-groups"

    def keys(default_run: bool, digest: str = "input-a"):
        return {s.name: SceneJob(s, "video", QUALITIES["low"], "dark", ("mp4",),
                                 lecture_presets=default_run).key("mp4", digest) for s in scenes}

    before_default, before_user = keys(True), keys(False)
    substitutes = {s.name for s in scenes if s.lecture_preset}
    readers = {s.name for s in scenes if s.reads_input}
    # the input digest no longer reaches the substituted scenes in a default run
    assert {n for n in before_default if before_default[n] != keys(True, "input-b")[n]} == readers - substitutes
    simpson = folder / "simpson.toml"
    simpson.write_text(simpson.read_text().replace("seed = 8", "seed = 9"))
    after_default, after_user = keys(True), keys(False)
    # a scene that declares the preset as its fallback (SimpsonDecomposed) re-keys in any run; the
    # scene that shows it only in the default lecture (SimpsonReversal) only in a default run
    fallback = {s.name for s in scenes if "simpson" in s.presets}
    assert {n for n in before_default if before_default[n] != after_default[n]} == {"SimpsonReversal"} | fallback
    assert {n for n in before_user if before_user[n] != after_user[n]} == fallback


def test_a_default_cli_render_draws_the_lecture_preset_and_says_so(tmp_path, monkeypatch):
    """Through the CLI as a user types it: `stills` with no input draws the scene's lecture
    preset; `--preset default` draws the default scenario."""
    module = tmp_path / "lecture_preset_scene.py"
    module.write_text(
        "from manim import Text\n"
        "from scenes.base import LectureScene\n"
        "from scenes.context import lecture_input\n"
        "class PresetPoint(LectureScene):\n"
        "    reads_input = True\n"
        "    lecture_preset = 'simpson'\n"
        "    slides = (('groups', 'The groups.'),)\n"
        "    def construct(self):\n"
        "        n = lecture_input().scenario.n_groups\n"
        "        self.record_number('n_groups', n)\n"
        "        self.record_number('notes', len(getattr(self, 'notes', [])))\n"
        "        self.add(Text(f'{n} groups', font_size=30))\n"
        "        self.slide_point('groups', hold=0.1)\n", encoding="utf-8")
    monkeypatch.setenv(lecture.MODULES_ENV, str(module))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def numbers(*extra):
        result = runner.invoke(cli, ["stills", "PresetPoint", "-q", "low", "--out", "media", "--json",
                                     *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        metas = [json.loads(p.read_text()) for p in Path("media/.cache/objects").glob("*/*/meta.json")]
        return sorted((m["numbers"]["n_groups"], m["numbers"]["notes"]) for m in metas)

    assert numbers() == [(6, 1)]                                   # simpson, with its note
    assert numbers("--preset", "default") == [(6, 1), (8, 0)]      # the default scenario, no note


# ------------------------------------------------------------------ the claims, on the scene's data
def test_simpson_scene_data_reverse(default_lecture):
    fit = scene_fit(context.input_for(SimpsonReversal))
    term = slope_term(fit)
    pooled = fit.complete_pooling["fixef"][term]
    within = [own[term] for own in fit.no_pooling["separate"].values() if own]
    assert fit.simpson["reversed"]
    assert np.sign(pooled) == -np.sign(fit.fixef[term]) != 0
    assert len(within) == fit.n_groups and all(np.sign(w) == np.sign(fit.fixef[term]) for w in within)
    assert abs(pooled) > 0.5 and abs(fit.fixef[term]) > 0.5   # both clearly away from zero


def test_shrinkage_scene_data_pull_small_groups_hard(default_lecture):
    fit = scene_fit(context.input_for(ShrinkageDiagram))
    sizes = fit.group_sizes
    smallest = focus_group(fit)
    largest = max(fit.group_labels, key=lambda g: (sizes[g], g))
    assert fit.shrinkage[smallest] < 0.6 and fit.shrinkage[largest] > 0.75
    assert sizes[largest] >= 4 * sizes[smallest]


def test_shrinkage_arrows_on_screen(default_lecture, tmp_path, monkeypatch):
    """Measured on the rendered scene: the arrow of the smallest group (the row the narration
    follows) is clearly visible at 720p and longer than the largest group's."""
    scene = render_checked(ShrinkageDiagram, tmp_path, monkeypatch)
    assert scene.notes == ["shown with the unequal-groups preset"]
    fit = scene_fit(context.input_for(ShrinkageDiagram))
    arrows = outermost(scene, Arrow)
    labels = {t.text: t for t in visible_texts(scene) if isinstance(t, Text)}

    def arrow_pixels(label: str) -> float:
        y = labels[label].get_center()[1]
        row = [a for a in arrows if abs(a.get_center()[1] - y) < 0.15]
        assert len(row) == 1, (label, len(row))
        visible = row[0].get_stroke_opacity() > 0.05
        return visible * float(np.linalg.norm(row[0].get_end() - row[0].get_start())) * PIXELS_PER_UNIT_720P

    sizes = fit.group_sizes
    smallest = focus_group(fit)
    largest = max(fit.group_labels, key=lambda g: (sizes[g], g))
    small_px, large_px = arrow_pixels(smallest), arrow_pixels(largest)
    assert small_px >= MIN_ARROW_PIXELS, small_px
    assert small_px >= 2 * large_px, (small_px, large_px)


def test_pooling_tradeoff_verdict_is_what_its_data_support(default_lecture, tmp_path, monkeypatch):
    """The scene names the method with the lowest RMSE in its data; that must be partial pooling
    (the narration's point), and it must be the lowest one in the data the scene drew."""
    lecture_in = context.input_for(PoolingTradeoff)
    fit = scene_fit(lecture_in)
    order = [list(lecture_in.data.group_labels).index(g) for g in fit.group_labels]
    errors = intercept_errors({k: coef_pairs(fit, k) for k in ("complete", "no_pool", "partial")},
                              np.asarray(lecture_in.data.truth["intercepts"])[order])
    rmse = {k: root_mean_square(e) for k, e in errors.items()}
    assert min(rmse, key=rmse.get) == "partial"
    assert rmse["partial"] < 0.8 * rmse["no_pool"] < 0.8 * rmse["complete"]   # visibly, not a tie

    scene = render_checked(PoolingTradeoff, tmp_path, monkeypatch)
    for kind, value in rmse.items():
        assert abs(scene.displayed[f"rmse[{kind}]"] - value) < 1e-9
    words = " ".join(t.text for t in visible_texts(scene) if isinstance(t, Text))
    claim = re.search(r"lowest error[^:]*:\s*([a-z ]+?)(?: \(a tie\))?\.", words, re.IGNORECASE)
    if claim:    # a text that names a winner names the one these data support
        claimed = [kind for kind, name in METHOD_NAMES.items() if name in claim.group(1)]
        assert claimed == ["partial"], claim.group(0)


def test_simpson_scene_says_reversal_on_the_default_lecture(default_lecture, tmp_path, monkeypatch):
    scene = render_checked(SimpsonReversal, tmp_path, monkeypatch)
    fit = scene_fit(context.input_for(SimpsonReversal))
    assert scene.notes == ["shown with the simpson preset"]
    assert scene.displayed["pooled_slope"] * scene.displayed["gamma10_hat"] < 0
    assert abs(scene.displayed["gamma10_hat"] - fit.fixef["x"]) < 1e-9
    words = " ".join(t.text for t in visible_texts(scene) if isinstance(t, Text))
    assert "Noreversal" not in words.replace(" ", "")


def test_the_tradeoff_preset_is_a_typical_draw_not_a_lucky_one():
    """One draw is an anecdote: over 40 seeds of the same settings partial pooling has the
    lowest mean RMSE and wins most draws, so the drawn seed shows what is expected."""
    from estimator.simulate import simulate

    scenario = load_preset(PoolingTradeoff.lecture_preset)
    totals, wins = {"complete": 0.0, "no_pool": 0.0, "partial": 0.0}, 0
    seeds = range(1, 41)
    for seed in seeds:
        data = simulate(scenario.replace(seed=seed))
        result = scene_fit(context.input_from_scenario(scenario.replace(seed=seed)))
        order = [list(data.group_labels).index(g) for g in result.group_labels]
        errors = intercept_errors({k: coef_pairs(result, k) for k in totals},
                                  np.asarray(data.truth["intercepts"])[order])
        rmse = {k: root_mean_square(e) for k, e in errors.items()}
        wins += min(rmse, key=rmse.get) == "partial"
        for k in totals:
            totals[k] += rmse[k] / len(seeds)
    assert totals["partial"] < totals["no_pool"] < totals["complete"], totals
    assert wins >= 0.65 * len(seeds), wins
