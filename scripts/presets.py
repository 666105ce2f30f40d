"""Built-in scenarios shipped as TOML files next to this module, and scenario resolution for
every command: preset, then scenario file, then --set overrides, in that order."""
from __future__ import annotations

from pathlib import Path

from estimator.errors import InputError
from estimator.scenario import Scenario, apply_overrides, load_scenario

PRESET_DIR = Path(__file__).with_name("presets")


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESET_DIR.glob("*.toml"))


def load_preset(name: str) -> Scenario:
    path = PRESET_DIR / f"{name}.toml"
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
