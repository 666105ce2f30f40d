"""What the scenes run on: a scenario (simulated data), or the user's CSV with a formula.

`resolve_input` checks everything up front (scenario values, the CSV's columns against the
formula) so a bad input fails in a second with one line, before any rendering. Its digest names
the output folder and enters every cache key of a scene that reads its input.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from estimator.errors import InputError
from estimator.scenario import Scenario
from scripts.pipeline.sources import file_sha256
from scripts.presets import resolve_scenario


@dataclass(frozen=True)
class RunInput:
    scenario: Scenario
    data_csv: str | None = None
    formula: str | None = None
    trials: str | None = None
    data_sha256: str | None = None
    lecture_presets: bool = False   # no input given: scenes may show their lecture_preset

    @property
    def has_truth(self) -> bool:
        return self.data_csv is None

    @property
    def family(self) -> str:
        return self.scenario.family

    @property
    def name(self) -> str:
        return Path(self.data_csv).stem if self.data_csv else self.scenario.name

    @property
    def digest(self) -> str:
        if self.data_csv is None:
            if not self.lecture_presets:
                return self.scenario.digest()
            text = json.dumps({"scenario": self.scenario.digest(), "lecture_presets": True})
            return hashlib.sha256(text.encode()).hexdigest()[:16]
        text = json.dumps({"scenario": self.scenario.digest(), "data": self.data_sha256,
                           "formula": self.formula, "trials": self.trials}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def describe(self) -> dict:
        info = {"name": self.name, "hash": self.digest, "scenario": self.scenario.to_dict()}
        if self.lecture_presets:
            info["lecture_presets"] = True
        if self.data_csv:
            info["data"] = {"file": self.data_csv, "sha256": self.data_sha256,
                            "formula": self.formula, "family": self.family, "trials": self.trials}
        return info

    def write(self, path: str | os.PathLike) -> None:
        """The hand-over file the scenes read (GLMM_EXPLAINER_INPUT)."""
        from scenes.context import write_input_file

        write_input_file(str(path), self.scenario, self.data_csv, self.formula, self.trials,
                         lecture_presets=self.lecture_presets)


def resolve_input(preset: str | None = None, scenario_file: str | None = None,
                  assignments: tuple[str, ...] = (), data: str | None = None,
                  formula: str | None = None, family: str | None = None,
                  trials: str | None = None) -> RunInput:
    """A scenario (--preset, --scenario, --set) or a CSV (--data, --formula, --family,
    --trials), never a mix: an option of the other kind would be silently ignored."""
    if data is None:
        given = [flag for flag, value in (("--formula", formula), ("--family", family),
                                          ("--trials", trials)) if value]
        if given:
            raise InputError(f"{' and '.join(given)} can only be used with --data FILE.csv (a scenario "
                             "brings its own model): add --data or leave it out")
        given_none = not (preset or scenario_file or assignments)
        return RunInput(resolve_scenario(preset, scenario_file, assignments),
                        lecture_presets=given_none)
    simulation = [flag for flag, value in (("--preset", preset), ("--scenario", scenario_file),
                                           ("--set", assignments)) if value]
    if simulation:
        one = len(simulation) == 1
        raise InputError(f"{' and '.join(simulation)} {'describes' if one else 'describe'} simulated data "
                         f"and {'does' if one else 'do'} not apply to --data FILE.csv: drop "
                         f"{'it' if one else 'them'} (the model of your data is --formula, --family "
                         "and --trials)")
    if not formula:
        raise InputError("--data needs --formula, e.g. --formula 'y ~ x + (1 | g)'")
    scenario = resolve_scenario()
    chosen_family = (family or scenario.family).lower()
    if trials and chosen_family != "binomial":
        raise InputError(f"--trials is for the binomial family only, not {chosen_family}: add "
                         "--family binomial or drop --trials")
    from estimator.data_checks import check_design
    from estimator.design import build_design
    from estimator.formula import parse_formula
    from estimator.table import read_csv

    table = read_csv(data)
    spec = parse_formula(formula)
    design = build_design(spec, table, trials=trials)  # missing columns etc. fail here
    check_design(design, spec, chosen_family)  # ... and what lme4 refuses
    if family:
        scenario = scenario.replace(family=chosen_family)
    path = str(Path(data).resolve())
    return RunInput(scenario, data_csv=path, formula=formula, trials=trials,
                    data_sha256=file_sha256(path))
