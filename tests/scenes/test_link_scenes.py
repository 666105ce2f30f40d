"""The link scenes tell each family's own story with the fit's numbers: the slide notes a
lecturer gets from `glmm-explainer slides` (at -q low) name the rate ratio, the odds ratio and the
S-curve's steepest slope, the Gamma mean ratio and coefficient of variation, and the latent ICC,
each equal to the estimator's; a preset swapped in is said on screen; a user's count CSV gets its
own formula in the guide; the response axes never pass the range the mean can take."""
from __future__ import annotations

import json
import math
import re

from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from manim import Square, Text

from estimator.family_effects import family_effects
from estimator.presets import load_preset
from scenes import context
from scenes.base import LectureScene
from estimator.family_descriptions import FAMILY_NAMES, describe_family
from scenes.family_guide import FamilyGuide
from scenes.link_functions import GammaLink, LinkFunction, LogisticLink, r_lines, response_limits
from scenes.theme import fmt
from scripts.cli import cli
from scripts.pipeline.assemble import narration_of
from tests.scenes.rendering import render_low

LINK_SCENES = (LinkFunction, LogisticLink, GammaLink)
OLD_SENTENCE = "On the link scale the model is still a mixed model with straight lines"


def preset_effects(preset: str) -> dict:
    lecture = context.input_from_scenario(load_preset(preset))
    return family_effects(lecture.fit())


def slide_notes(html: str) -> dict[tuple[str, str], str]:
    """(scene title, slide name) -> the speaker notes of the offline deck."""
    data = re.search(r'<script id="deck-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    return {(item["scene"], item["name"]): item["notes"] for item in json.loads(data)["slides"]}


@pytest.fixture(scope="module")
def notes(tmp_path_factory):
    out = tmp_path_factory.mktemp("deck")
    result = CliRunner().invoke(cli, ["slides", *(s.__name__ for s in LINK_SCENES), "-q", "low", "--static",
                                      "--single-file", "--no-pptx", "--no-pdf", "--out", str(out), "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [page] = out.glob("*/low-dark/parts/*/slides/deck.html")
    return slide_notes(page.read_text(encoding="utf-8"))


def test_every_family_tells_its_own_story(notes):
    assert len(notes) == 9
    for text in notes.values():
        assert "{" not in text and "}" not in text and OLD_SENTENCE not in text
    responses = [text for (_, name), text in notes.items() if name == "response"]
    assert len(set(responses)) == 3


def test_poisson_notes_name_the_rate_ratio(notes):
    e = preset_effects("poisson")
    response, guide = notes[("Link function", "response")], notes[("Link function", "guide")]
    assert f"exp(γ̂₁₀) = {fmt(math.exp(e['gamma10']))}" in response and "rate ratio" in response
    assert f"ICC = {fmt(e['icc'])}" in guide and f"log(1 + 1/μ̂) = {fmt(e['latent_variance'])}" in guide
    assert f"γ̂₀₀ = {fmt(e['gamma00'])}" in notes[("Link function", "eta")]


def test_logistic_notes_name_odds_ratio_and_steepest_point(notes):
    e = preset_effects("logistic")
    response = notes[("Logistic link", "response")]
    assert f"exp(γ̂₁₀) = {fmt(math.exp(e['gamma10']))} is the odds ratio" in response
    assert "p = 0.5" in response and f"at x = {fmt(-e['gamma00'] / e['gamma10'])}" in response
    assert f"γ̂₁₀/4 = {fmt(e['gamma10'] / 4)}" in response
    assert "π²/3" in notes[("Logistic link", "guide")]


def test_gamma_notes_name_mean_ratio_and_cv(notes):
    e = preset_effects("gamma")
    response = notes[("Gamma link", "response")]
    assert f"exp(γ̂₁₀) = {fmt(math.exp(e['gamma10']))}" in response
    assert f"1/√ν̂ = {fmt(e['cv'])}" in response and f"ν̂ = {fmt(e['shape'])}" in response
    assert "lognormal" in notes[("Gamma link", "guide")]


def test_response_axes_stay_in_the_means_range():
    assert response_limits([0, 1, 1, 0], (0.0, 1.0)) == (0.0, 1.0)
    assert response_limits([0, 3, 24], (0.0, None))[0] == 0.0
    assert response_limits([-4.0, 3.0], (None, None))[0] < -4.0


def test_long_calls_break_into_panel_lines():
    lines = r_lines('glmmTMB(absences ~ hours + (1 | school), data = d, family = Gamma(link = "log"))')
    assert lines.splitlines() == ["glmmTMB(absences ~ hours +", "    (1 | school),", "    data = d,",
                                  "    family = Gamma(", '        link = "log"))']
    assert r_lines("lmer(y ~ x + (1 | g), data = d)", chars=34) == "lmer(y ~ x + (1 | g), data = d)"
    trials = r_lines("glmer(cbind(y, trials - y) ~ x + (1 | group), data = d, family = binomial)")
    assert trials.splitlines()[:2] == ["glmer(cbind(y, trials - y) ~", "    x + (1 | group),"]


def test_every_call_line_fits_the_panel_at_the_smallest_size():
    """The guide's R calls were shrunk to 15-16 pt (one line too long for the panel shrinks the
    whole block); every line must fit the panel at LABEL_SIZE."""
    from estimator.family_descriptions import describe_family
    from scenes.theme import DARK, LABEL_SIZE
    from scenes.vocab import PANEL_REGION, code_text

    for name in FAMILY_NAMES:
        desc = describe_family(name)
        for trials in (None, "trials") if name == "binomial" else (None,):
            for call in (desc.reference_call("y ~ x + (1 | group)", trials),
                         desc.brms_call("y ~ x + (1 | group)", trials)):
                block = code_text(r_lines(call), DARK, LABEL_SIZE, line_spacing=0.8)
                assert block.width <= PANEL_REGION.width, r_lines(call)


def test_family_guide_narrates_each_familys_guide_text():
    text = dict(FamilyGuide.slides)["guide"]
    for name in FAMILY_NAMES:
        assert describe_family(name).guide in text


def _texts(scene) -> list[str]:
    return [m.original_text for top in scene.mobjects for m in top.get_family() if isinstance(m, Text)]


def test_user_count_csv_gets_its_own_model(tmp_path, monkeypatch):
    rows = ["school,hours,absences"]
    for j, school in enumerate(["North", "South", "East", "West", "Hill"]):
        rows += [f"{school},{h},{(h * (j + 1)) % 7 + h // 2}" for h in range(0, 10)]
    csv = tmp_path / "absences.csv"
    csv.write_text("\n".join(rows) + "\n")
    spec = tmp_path / "input.json"
    context.write_input_file(str(spec), load_preset("default").replace(family="poisson"), data_csv=str(csv),
                             formula="absences ~ hours + (1 | school)")
    monkeypatch.setenv(context.INPUT_ENV, str(spec))
    context.lecture_input.cache_clear()
    try:
        scene = render_low(LinkFunction, tmp_path, monkeypatch)
        fit = context.lecture_input().fit()
    finally:
        context.lecture_input.cache_clear()
    shown = " ".join(_texts(scene))
    assert "glmer(absences ~ hours +\n    (1 | school),\n    data = d,\n    family = poisson)" in shown
    assert "preset" not in shown                      # the user's data: no preset note
    assert scene.displayed["response_axis_min"] == 0.0
    assert scene.displayed["rate_ratio"] == pytest.approx(math.exp(fit.fixef["hours"]))
    assert scene.displayed["icc"] == pytest.approx(fit.icc)
    response = scene.narration("response")
    assert "unit of hours" in response and "for every school alike" in response


def test_preset_swapped_in_is_said_on_screen(tmp_path, monkeypatch):
    """With the Gaussian default lecture the logistic scene shows the logistic preset, says so,
    and its probability axis runs from 0 to 1, no further."""
    monkeypatch.delenv(context.INPUT_ENV, raising=False)
    context.lecture_input.cache_clear()
    scene = render_low(LogisticLink, tmp_path, monkeypatch)
    assert "shown with the logistic preset" in _texts(scene)
    assert (scene.displayed["response_axis_min"], scene.displayed["response_axis_max"]) == (0.0, 1.0)


class _Templated(LectureScene):
    """A narration with a field its fit fills (the mechanism the link scenes use)."""

    slides = (("one", "The slope is {slope}."), ("two", "No fields here."))

    def narration_values(self) -> dict:
        return {"slope": fmt(0.2004)}

    def construct(self):
        self.add(Square())
        self.slide_point("one", hold=0.1)
        self.slide_point("two", hold=0.1)


def test_the_deck_and_captions_read_the_filled_narration(tmp_path, monkeypatch):
    scene = render_low(_Templated, tmp_path, monkeypatch)
    assert [scene.narration(n) for n in scene.slide_names()] == ["The slope is 0.200.", "No fields here."]
    job = SimpleNamespace(scene=SimpleNamespace(slides=_Templated.slides))
    obj = SimpleNamespace(meta={"marks": scene.marks, "narration_values": scene.narration_values()})
    assert narration_of(job, obj) == {"one": "The slope is 0.200.", "two": "No fields here."}


def test_the_logistic_guide_names_the_data_drawn():
    """With a trials column the plot shows shares of successes: the guide must not call them
    0/1 outcomes (it did, under the binomial-trials preset)."""
    from estimator.family_descriptions import describe_family
    from scenes.link_functions import data_detail

    desc = describe_family("binomial")
    assert data_detail(desc, None) == desc.data_detail
    assert data_detail(desc, "trials") == "Successes out of n trials"
