"""Built-in scenarios shipped as TOML files next to this module, and scenario resolution for
every command: preset, then scenario file, then --set overrides, in that order."""
from __future__ import annotations

import os
from pathlib import Path

from estimator.errors import InputError
from estimator.scenario import Scenario, apply_overrides, load_scenario

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
    """The scenario a command runs on; the default preset when nothing is given."""
    scenario = load_preset(preset or "default")
    if scenario_file:
        scenario = load_scenario(scenario_file, base=scenario)
    return apply_overrides(scenario, assignments)
