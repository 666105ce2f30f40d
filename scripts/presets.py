"""Built-in scenarios shipped as TOML files next to this module, and scenario resolution for
every command: preset, then scenario file, then --set overrides, in that order."""
from __future__ import annotations

import os
from pathlib import Path

import click

from estimator.errors import InputError
from estimator.scenario import Scenario, combine, load_scenario, load_scenario_values, override_values
from estimator.scenario_warnings import scenario_warnings

PRESET_DIR = Path(__file__).with_name("presets")
PRESET_DIR_ENV = "GLMM_EXPLAINER_PRESET_DIR"  # replaces PRESET_DIR (tests edit presets in a copy)


def preset_dir() -> Path:
    return Path(os.environ.get(PRESET_DIR_ENV) or PRESET_DIR)


def preset_path(name: str) -> Path:
    """The file of preset `name` (whether or not it exists)."""
    return preset_dir() / f"{name}.toml"


def preset_names() -> list[str]:
    return sorted(path.stem for path in preset_dir().glob("*.toml"))


def load_preset(name: str) -> Scenario:
    path = preset_path(name)
    if not path.is_file():
        raise InputError(f"preset '{name}' is unknown: use one of {', '.join(preset_names())}")
    return load_scenario(path)


def resolve_scenario(preset: str | None = None, scenario_file: str | None = None,
                     assignments: tuple[str, ...] = ()) -> Scenario:
    """The scenario a command runs on; the default preset when nothing is given. The file's and
    the --set values are combined before validation, so rules across keys (min <= max) judge the
    final values; warnings about uninformative data go to stderr."""
    base = load_preset(preset or "default")
    from_file = load_scenario_values(scenario_file) if scenario_file else {}
    scenario = combine(base, from_file, override_values(assignments))
    warn_if_uninformative(scenario)
    return scenario


def warn_if_uninformative(scenario: Scenario) -> None:
    """Print each of the scenario's warnings (estimator/scenario_warnings.py) as one stderr line."""
    for warning in scenario_warnings(scenario):
        click.echo(f"Warning: scenario '{scenario.name}': {warning}", err=True)
