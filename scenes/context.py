"""What a scene renders: the scenario and its data, handed over by the render pipeline.

The pipeline writes a small JSON file and points GLMM_EXPLAINER_INPUT at it, so each scene
(possibly in its own process) sees the same scenario, data and formula. Without it, scenes use
the default preset, so `manim scenes/<topic>.py Scene` works on its own too.

`lecture_input()` and `preset_input(name)` are the only ways a scene reaches its data, and both
check the rendering scene's declaration first (`reads_input`, `presets`: scenes/reads.py), so
the render cache, which keys on the declaration, never serves a video drawn from other data.

The default lecture (the user gave no --preset, --scenario, --set or --data; or no hand-over
file at all) runs each scene that declares a `lecture_preset` on that preset instead: one
scenario cannot make every scene's point (a Simpson reversal needs groups spread along x, the
shrinkage arrows need small groups). `lecture_input()` then returns the preset, with
`shown_preset` set, and puts a small "shown with the <name> preset" note on the scene
(scenes/vocab/notes.py), so a viewer knows the data changed. Likewise the scene's main fit
(`LectureInput.fit()`) of a model with several predictors puts "other predictors held at: ..."
on every scene that draws lines against x (all but those declaring `plots_against_x = False`). `input_for(SceneClass)` gives the
input a scene gets without rendering it (the tests check each scene's claims on it).
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from estimator.design import build_design
from estimator.fit import fit
from estimator.formula import parse_formula
from estimator.held import plotted_predictor
from estimator.result import FitResult
from estimator.scenario import Scenario, scenario_from_dict
from estimator.simulate import SimulatedData, simulate
from estimator.table import read_csv
from scenes import reads

INPUT_ENV = "GLMM_EXPLAINER_INPUT"


@dataclass(frozen=True)
class LectureInput:
    """scenario: the parameters (also when the data are the user's: labels, family).
    data: the simulation (with the true effects) or None for a user's CSV.
    table: the columns the scenes fit. formula/family/trials: the model fitted to them.
    """

    scenario: Scenario
    data: SimulatedData | None
    table: dict
    formula: str
    family: str
    trials: str | None
    shown_preset: str | None = None   # the scene's lecture_preset, shown instead of the input

    @property
    def preset_note(self) -> str | None:
        """The on-screen note when a scene's lecture preset replaced the lecture input."""
        return f"shown with the {self.shown_preset} preset" if self.shown_preset else None

    @property
    def has_truth(self) -> bool:
        return self.data is not None

    @property
    def spec(self):
        return parse_formula(self.formula)

    def arrays(self):
        """(x, y, group index, group labels): the plotted predictor, the response and the groups,
        as numbers for plotting (labels in the estimator's order)."""
        spec = self.spec
        design = build_design(spec, self.table, trials=self.trials)
        x_name = plotted_predictor(spec, design)      # estimator/held.py chooses it
        x = design.predictors[x_name] if x_name else np.zeros(design.n_obs)
        y = design.y / design.trials if design.trials is not None else design.y
        return x, y, design.group, design.group_labels

    def fit(self, formula: str | None = None, table: dict | None = None, **options) -> FitResult:
        """Fit with the project's estimator (cached for the scene's own model)."""
        if formula is None and table is None and not options:
            cached = self.__dict__.get("_main_fit")
            if cached is None:
                cached = fit(self.formula, self.table, family=self.family, trials=self.trials)
                object.__setattr__(self, "_main_fit", cached)   # frozen, but the fit is derived
            _held_note_on_active_scene(cached)
            return cached
        return fit(formula or self.formula, table if table is not None else self.table,
                   family=self.family, trials=self.trials, **options)


def input_from_scenario(scenario: Scenario) -> LectureInput:
    data = simulate(scenario)
    return LectureInput(scenario=scenario, data=data, table=data.table, formula=scenario.formula,
                        family=scenario.family, trials=scenario.trials_column)


def write_input_file(path: str, scenario: Scenario, data_csv: str | None = None,
                     formula: str | None = None, trials: str | None = None,
                     lecture_presets: bool = False) -> None:
    """The pipeline's side of the hand-over. `lecture_presets`: the user gave no input, so
    scenes that declare a lecture_preset show it (the pipeline keys their cache on it)."""
    payload = {"scenario": scenario.to_dict(), "data_csv": data_csv, "formula": formula,
               "trials": trials, "lecture_presets": bool(lecture_presets and not data_csv)}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)


def lecture_input() -> LectureInput:
    """The scene's input: from GLMM_EXPLAINER_INPUT if set, else the default preset; in the
    default lecture, the rendering scene's `lecture_preset` if it declares one (with its note
    put on the scene). The rendering scene must declare `reads_input = True` (else
    UndeclaredRead)."""
    reads.check_input()
    substitute = reads.active_lecture_preset()
    if substitute and runs_on_lecture_presets():
        lecture = _lecture_preset_input(substitute)
        _note_on_active_scene(lecture.preset_note)
        return lecture
    return _load_lecture_input()


def input_for(scene_cls) -> LectureInput:
    """The input `scene_cls` gets from lecture_input() in this process's run (the same rule as
    while it renders), without rendering it."""
    name = getattr(scene_cls, "lecture_preset", None)
    if name and runs_on_lecture_presets():
        return _lecture_preset_input(name)
    return _load_lecture_input()


def runs_on_lecture_presets() -> bool:
    """Whether this is the default lecture: no hand-over file (a scene rendered on its own), or
    one the pipeline marked because the user gave no input."""
    payload = _payload()
    return payload is None or bool(payload.get("lecture_presets"))


def _lecture_preset_input(name: str) -> LectureInput:
    from estimator.presets import load_preset

    return dataclasses.replace(input_from_scenario(load_preset(name)), shown_preset=name)


def _held_note_on_active_scene(result: FitResult) -> None:
    """With several predictors, the lines a scene draws from this fit hold the others fixed
    (estimator/plotted.py): say where, unless the scene draws no lines (plots_against_x)."""
    scene = reads.active_scene()
    if scene is None or not getattr(type(scene), "plots_against_x", True):
        return
    from estimator.plotted import held_note

    _note_on_active_scene(held_note(result))


def _note_on_active_scene(text: str | None) -> None:
    """Put `text` on the rendering scene (once per note), in the notes corner of the title strip."""
    scene = reads.active_scene()
    if scene is None or not text:
        return
    from scenes.vocab.notes import add_scene_note

    add_scene_note(scene, text)


def preset_input(name: str) -> LectureInput:
    """A built-in preset's simulation, for a scene that shows it whatever the lecture's input
    is; the rendering scene must list `name` in its `presets` (else UndeclaredRead)."""
    reads.check_preset(name)
    from estimator.presets import load_preset

    return input_from_scenario(load_preset(name))


@lru_cache(maxsize=1)
def _payload() -> dict | None:
    path = os.environ.get(INPUT_ENV)
    if not path:
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _load_lecture_input() -> LectureInput:
    payload = _payload()
    if payload is None:
        from estimator.presets import load_preset

        return input_from_scenario(load_preset("default"))
    scenario = scenario_from_dict(payload["scenario"])
    if not payload.get("data_csv"):
        return input_from_scenario(scenario)
    spec = parse_formula(payload["formula"])
    # A user's data speak in their own column names: the axes and titles use them.
    x_name = (spec.fixed + spec.random + ("",))[0]
    scenario = scenario.replace(x_label=_plain(x_name) or scenario.x_label,
                                y_label=_plain(spec.response), group_label=_plain(spec.group))
    return LectureInput(scenario=scenario, data=None, table=read_csv(payload["data_csv"]),
                        formula=payload["formula"], family=scenario.family, trials=payload.get("trials"))


def _plain(name: str) -> str:
    """A column name as the user wrote it in the CSV: `exam score` (R's quoting of a name with
    spaces) is shown as exam score; expressions such as log(x) stay as they are."""
    if len(name) > 2 and name[0] == name[-1] == "`" and "`" not in name[1:-1]:
        return name[1:-1]
    return name


# The loaded input is cached per process; tests that point INPUT_ENV elsewhere clear it.
def _clear_caches() -> None:
    _payload.cache_clear()
    _load_lecture_input.cache_clear()


lecture_input.cache_clear = _clear_caches
lecture_input.cache_info = _load_lecture_input.cache_info
