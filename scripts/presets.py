"""Scenario resolution for every command: preset (estimator/presets/), then scenario file, then
--set overrides, in that order; warnings about uninformative data go to stderr."""
from __future__ import annotations

import click

from estimator.presets import load_preset, preset_names, preset_path  # noqa: F401  (re-exported for the CLI)
from estimator.scenario import Scenario, combine, load_scenario_values, override_values
from estimator.scenario_warnings import scenario_warnings

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
