"""The built-in scenarios: TOML files in this folder, beside the scenario model that reads them
(scenes, the CLI and the tests all load presets from here)."""
from __future__ import annotations

import os
from pathlib import Path

from estimator.errors import InputError
from estimator.scenario import Scenario, load_scenario

PRESET_DIR = Path(__file__).parent
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
