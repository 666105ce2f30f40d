"""What a scene renders: the scenario and its data, handed over by the render pipeline.

The pipeline writes a small JSON file and points GLMM_EXPLAINER_INPUT at it, so each scene
(possibly in its own process) sees the same scenario, data and formula. Without it, scenes use
the default preset, so `manim scenes/<topic>.py Scene` works on its own too.

`lecture_input()` and `preset_input(name)` are the only ways a scene reaches its data, and both
check the rendering scene's declaration first (`reads_input`, `presets`: scenes/reads.py), so
the render cache, which keys on the declaration, never serves a video drawn from other data.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from estimator.design import build_design
from estimator.fit import fit
from estimator.formula import parse_formula
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

    @property
    def has_truth(self) -> bool:
        return self.data is not None

    @property
    def spec(self):
        return parse_formula(self.formula)

    def arrays(self):
        """(x, y, group index, group labels): the first predictor, the response and the groups,
        as numbers for plotting (labels in the estimator's order)."""
        spec = self.spec
        design = build_design(spec, self.table, trials=self.trials)
        x_name = next((k for k in (*spec.fixed, *spec.random) if k in design.predictors), None)
        x = design.predictors[x_name] if x_name else np.zeros(design.n_obs)   # first numeric one
        y = design.y / design.trials if design.trials is not None else design.y
        return x, y, design.group, design.group_labels

    def fit(self, formula: str | None = None, table: dict | None = None, **options) -> FitResult:
        """Fit with the project's estimator (cached for the scene's own model)."""
        if formula is None and table is None and not options:
            cached = self.__dict__.get("_main_fit")
            if cached is None:
                cached = fit(self.formula, self.table, family=self.family, trials=self.trials)
                object.__setattr__(self, "_main_fit", cached)   # frozen, but the fit is derived
            return cached
        return fit(formula or self.formula, table if table is not None else self.table,
                   family=self.family, trials=self.trials, **options)


def input_from_scenario(scenario: Scenario) -> LectureInput:
    data = simulate(scenario)
    return LectureInput(scenario=scenario, data=data, table=data.table, formula=scenario.formula,
                        family=scenario.family, trials=scenario.trials_column)


def write_input_file(path: str, scenario: Scenario, data_csv: str | None = None,
                     formula: str | None = None, trials: str | None = None) -> None:
    """The pipeline's side of the hand-over."""
    payload = {"scenario": scenario.to_dict(), "data_csv": data_csv, "formula": formula, "trials": trials}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle)


def lecture_input() -> LectureInput:
    """The scene's input: from GLMM_EXPLAINER_INPUT if set, else the default preset. The
    rendering scene must declare `reads_input = True` (else UndeclaredRead)."""
    reads.check_input()
    return _load_lecture_input()


def preset_input(name: str) -> LectureInput:
    """A built-in preset's simulation, for a scene that shows it whatever the lecture's input
    is; the rendering scene must list `name` in its `presets` (else UndeclaredRead)."""
    reads.check_preset(name)
    from estimator.presets import load_preset

    return input_from_scenario(load_preset(name))


@lru_cache(maxsize=1)
def _load_lecture_input() -> LectureInput:
    path = os.environ.get(INPUT_ENV)
    if not path:
        from estimator.presets import load_preset

        return input_from_scenario(load_preset("default"))
    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle)
    scenario = scenario_from_dict(payload["scenario"])
    if not payload.get("data_csv"):
        return input_from_scenario(scenario)
    spec = parse_formula(payload["formula"])
    # A user's data speak in their own column names: the axes and titles use them.
    x_name = (spec.fixed + spec.random + ("",))[0]
    scenario = scenario.replace(x_label=x_name or scenario.x_label, y_label=spec.response,
                                group_label=spec.group)
    return LectureInput(scenario=scenario, data=None, table=read_csv(payload["data_csv"]),
                        formula=payload["formula"], family=scenario.family, trials=payload.get("trials"))


# The loaded input is cached per process; tests that point INPUT_ENV elsewhere clear it.
lecture_input.cache_clear = _load_lecture_input.cache_clear
lecture_input.cache_info = _load_lecture_input.cache_info
