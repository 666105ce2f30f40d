"""User text (group labels from a CSV) never breaks LaTeX: vocab.math_with_label draws a group
label inside a formula with Pango, so the shrinkage scene shows labels such as `R&D`, `50%` or
`Zürich` as written. One real render of ShrinkageDiagram on such data, at -ql."""
from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from manim import MathTex, Text, tempconfig

from scenes import context
from scenes.vocab import LABEL_SLOT, Readout, focus_group, math_with_label, scene_fit
from scenes.shrinkage import LAMBDA_OF_LABEL, ShrinkageDiagram, lambda_formula
from scenes.theme import DARK
from estimator.presets import load_preset
from tests.scenes.rendering import render_low

AWKWARD = ["A_1", "R&D", "50%", "#3", "$x", "{a}", "a~b", "x^2", "back\\slash", "a--b", "<i>|\"",
           "two  words"]
NON_ASCII = ["Zürich", "Łódź", "Ørsted", "straße", "東京", "שלום", "Ω", "x²"]


@pytest.fixture(scope="module", autouse=True)
def tex_cache(tmp_path_factory):
    """TeX and Pango output of the formulas built outside a render go to a temporary folder
    (one for the module, so equal formulas compile once), not into ./media."""
    with tempconfig({"media_dir": str(tmp_path_factory.mktemp("media")), "verbosity": "ERROR"}):
        yield


# --------------------------------------------------------------------------------------------
# math_with_label: the label drawn by Pango inside a formula
# --------------------------------------------------------------------------------------------

def _label_part(formula):
    return formula[LAMBDA_OF_LABEL.index(LABEL_SLOT)]


@pytest.mark.parametrize("label", AWKWARD + NON_ASCII + ["", "   "])
def test_math_with_label_shows_the_label_as_written(label):
    formula = math_with_label(*LAMBDA_OF_LABEL, "=", "0.5", label=label, size=30, theme=DARK)
    part = _label_part(formula)
    shown = label if label.strip() else '""'
    assert part.label == shown
    (text,) = part.submobjects
    assert isinstance(text, Text) and len(text) >= 1 and text.width > 0
    lam, equals = formula[0], formula[3]
    # After lambda, lowered as a subscript, and the "=" moved right to make room.
    assert text.get_left()[0] >= lam.get_right()[0] - 0.02
    assert equals.get_left()[0] >= text.get_right()[0]
    assert text.get_bottom()[1] < lam.get_center()[1] and text.get_top()[1] < lam.get_top()[1]


@pytest.mark.parametrize("label", ["X", "R&D Zürich"])
def test_math_with_label_keeps_the_tex_layout_around_the_label(label):
    """The label starts where TeX put the placeholder, has its cap height, and the rest of the
    formula keeps TeX's spacing after it: it moves right by exactly the width change."""
    tex = MathTex(*LAMBDA_OF_LABEL, "=", "0.5", font_size=30)
    mine = math_with_label(*LAMBDA_OF_LABEL, "=", "0.5", label=label, size=30, theme=DARK)
    slot, text = tex[1], _label_part(mine)[0]
    assert math.isclose(text.get_left()[0], slot.get_left()[0], abs_tol=1e-6)
    assert math.isclose(text[0].height, slot.height, rel_tol=0.02)      # "X" / "R" vs TeX's X
    gap_tex = tex[3].get_left()[0] - slot.get_right()[0]
    gap_mine = mine[3].get_left()[0] - text.get_right()[0]
    assert math.isclose(gap_mine, gap_tex, abs_tol=1e-6)
    assert math.isclose(mine.width - tex.width, text.width - slot.width, abs_tol=1e-6)


def test_readout_takes_a_formula_with_a_label():
    label = math_with_label(*LAMBDA_OF_LABEL, "=", label="R&D_1", size=32, color=DARK.partial)
    shown = {}
    readout = Readout(label, 0.25, DARK, color=DARK.partial, key="lambda[R&D_1]",
                      recorder=lambda k, v: shown.__setitem__(k, v))
    assert readout.label is label and _label_part(label).label == "R&D_1"
    assert readout.number.get_left()[0] > label.get_right()[0]
    assert shown == {"lambda[R&D_1]": 0.25}


# --------------------------------------------------------------------------------------------
# The shrinkage scene on a user's CSV with awkward group labels
# --------------------------------------------------------------------------------------------

FOCUS = "Zürich R&D_1 {50%} #3 $x"
OTHERS = ["a~b", "x^2", "back\\slash", "A_1", "Ørsted"]


def _use_awkward_csv(tmp_path, monkeypatch) -> context.LectureInput:
    rng = np.random.default_rng(7)
    rows = []
    for j, (label, n) in enumerate([(FOCUS, 5)] + [(label, 12) for label in OTHERS]):
        u = rng.normal(0.0, 2.0)
        for _ in range(n):
            x = rng.uniform(0, 10)
            rows.append([label, f"{x:.3f}", f"{10 + u + 0.8 * x + rng.normal(0, 1.5):.3f}"])
    path = tmp_path / "labels.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["site", "dose", "score"])
        writer.writerows(rows)
    payload = tmp_path / "input.json"
    context.write_input_file(str(payload), load_preset("default"), data_csv=str(path),
                             formula="score ~ dose + (1 | site)")
    monkeypatch.setenv(context.INPUT_ENV, str(payload))
    context.lecture_input.cache_clear()
    return context.lecture_input()


def test_lambda_formula_for_every_awkward_group(tmp_path, monkeypatch):
    lecture = _use_awkward_csv(tmp_path, monkeypatch)
    fit = scene_fit(lecture)
    assert set(fit.group_labels) == {FOCUS, *OTHERS} and focus_group(fit) == FOCUS
    for label in fit.group_labels:
        general, filled, numbers = lambda_formula(fit, label, DARK)
        assert _label_part(filled).label == label
        assert numbers[f"lambda[{label}]"] == fit.shrinkage[label]
    context.lecture_input.cache_clear()


def test_shrinkage_diagram_renders_awkward_labels(tmp_path, monkeypatch):
    lecture = _use_awkward_csv(tmp_path, monkeypatch)
    fit = scene_fit(lecture)
    scene = render_low(ShrinkageDiagram, tmp_path, monkeypatch)
    context.lecture_input.cache_clear()
    # The numbers shown are the fit's, keyed by the labels as written ...
    shown = scene.displayed
    assert shown[f"lambda[{FOCUS}]"] == pytest.approx(fit.shrinkage[FOCUS], rel=1e-12)
    for label, n in fit.group_sizes.items():
        assert shown[f"n[{label}]"] == n
    # ... and the substituted formula on screen carries the focus group's label, visibly.
    slots = [part for mobject in scene.mobjects for part in mobject.get_family()
             if isinstance(getattr(part, "label", None), str)]
    assert [part.label for part in slots] == [FOCUS]
    (text,) = slots[0].submobjects
    assert isinstance(text, Text) and text.get_fill_opacity() > 0.95 and text.width > 0.3
    # The Pango text spells the label: one glyph per visible character.
    assert len(text) == len(FOCUS.replace(" ", ""))
