"""The Scenario: every parameter a lecturer may change, in one frozen, validated object.

Loaded from TOML (a flat table of the keys below), overridden field by field with
`key=value` strings, and checked once, so scenes and the simulator can trust every value.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass, fields

from estimator.errors import InputError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FAMILIES = ("gaussian", "poisson", "binomial", "gamma")


@dataclass(frozen=True)
class Scenario:
    """Parameters of a simulated grouped data set and of the lecture built on it.

    The model: y_ij = gamma00 + gamma10 x_ij + u0j + u1j x_ij (+ e_ij for Gaussian), on the
    link scale for the other families; (u0j, u1j) ~ N(0, [[tau0^2, rho tau0 tau1], [., tau1^2]]).
    x_group_offset > 0 spreads the groups along x, the groups with the highest u0j getting the
    lowest x, so the pooled trend can reverse the within-group trend (Simpson's paradox) while
    the u0j stay draws from N(0, tau0^2).
    """

    name: str = "default"
    family: str = "gaussian"
    n_groups: int = 8
    group_size_min: int = 5
    group_size_max: int = 30
    gamma00: float = 50.0
    gamma10: float = 2.0
    tau0: float = 6.0
    tau1: float = 0.0
    rho: float = 0.0
    sigma: float = 5.0
    gamma_shape: float = 5.0
    x_min: float = 0.0
    x_max: float = 10.0
    x_group_offset: float = 0.0
    trials: int = 1
    seed: int = 2024
    x_label: str = "x"
    y_label: str = "y"
    group_label: str = "group"

    def __post_init__(self):
        _validate(self)

    @property
    def random_slopes(self) -> bool:
        return self.tau1 > 0

    @property
    def formula(self) -> str:
        """The model the lecture fits to this scenario's data."""
        terms = "(1 + x | group)" if self.random_slopes else "(1 | group)"
        return f"y ~ x + {terms}"

    @property
    def trials_column(self) -> str | None:
        return "trials" if self.family == "binomial" and self.trials > 1 else None

    def replace(self, **changes) -> "Scenario":
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """A short stable hash of every value: the cache key and manifest entry for this scenario."""
        text = json.dumps(self.to_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_toml(self) -> str:
        lines = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                lines.append(f'{f.name} = {json.dumps(value)}')
            elif isinstance(value, float):
                lines.append(f"{f.name} = {value!r}")
            else:
                lines.append(f"{f.name} = {value}")
        return "\n".join(lines) + "\n"


_FIELDS = {f.name: f for f in fields(Scenario)}
_TYPES = {"name": str, "family": str, "x_label": str, "y_label": str, "group_label": str,
          "n_groups": int, "group_size_min": int, "group_size_max": int, "trials": int, "seed": int}


def _field_type(name: str):
    return _TYPES.get(name, float)


def _validate(s: Scenario) -> None:
    def need(ok: bool, message: str):
        if not ok:
            raise InputError(f"scenario: {message}")

    for name in _FIELDS:
        value = getattr(s, name)
        kind = _field_type(name)
        if kind is float:
            need(isinstance(value, (int, float)) and not isinstance(value, bool)
                 and math.isfinite(value), f"{name} must be a finite number, not {value!r}")
        elif kind is int:
            need(isinstance(value, int) and not isinstance(value, bool),
                 f"{name} must be a whole number, not {value!r}")
        else:
            need(isinstance(value, str), f"{name} must be text, not {value!r}")
    need(s.family in FAMILIES, f"family '{s.family}' is unknown: use one of {', '.join(FAMILIES)}")
    need(2 <= s.n_groups <= 500, f"n_groups = {s.n_groups} is out of range: use 2 to 500 groups")
    need(s.group_size_min >= 1, f"group_size_min = {s.group_size_min} must be at least 1")
    need(s.group_size_max >= s.group_size_min,
         f"group_size_max = {s.group_size_max} is below group_size_min = {s.group_size_min}: "
         "make max >= min (equal for balanced groups)")
    need(s.group_size_max <= 10_000, f"group_size_max = {s.group_size_max} is too large: use at most 10000")
    for name in ("tau0", "tau1", "sigma"):
        need(getattr(s, name) >= 0, f"{name} = {getattr(s, name)} is a standard deviation and "
                                    "cannot be negative: use a value >= 0")
    need(s.sigma > 0 or s.family != "gaussian", "sigma must be > 0 for the gaussian family")
    need(-1 < s.rho < 1, f"rho = {s.rho} is a correlation: use a value strictly between -1 and 1")
    need(s.gamma_shape > 0, f"gamma_shape = {s.gamma_shape} must be > 0")
    need(s.x_max > s.x_min, f"x_max = {s.x_max} must be greater than x_min = {s.x_min}")
    need(s.x_group_offset >= 0, f"x_group_offset = {s.x_group_offset} cannot be negative: use 0 "
                                "for no offset")
    need(1 <= s.trials <= 10_000, f"trials = {s.trials} is out of range: use 1 (0/1 data) to 10000")
    need(s.seed >= 0, f"seed = {s.seed} must be a non-negative whole number")


def _coerce(name: str, value, source: str):
    kind = _field_type(name)
    if isinstance(value, str) and kind is not str:
        text = value.strip()
        try:
            value = int(text) if kind is int else float(text)
        except ValueError:
            raise InputError(f"{source}: {name} must be {'a whole number' if kind is int else 'a number'}, "
                             f"not '{value}'") from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def scenario_from_dict(values: dict, source: str = "scenario", base: Scenario | None = None) -> Scenario:
    """Build a Scenario from plain values; unknown keys and wrong types are one-line errors."""
    unknown = [key for key in values if key not in _FIELDS]
    if unknown:
        raise InputError(f"{source}: unknown key '{unknown[0]}' (known keys: {', '.join(_FIELDS)})")
    clean = {key: _coerce(key, value, source) for key, value in values.items()}
    return dataclasses.replace(base or Scenario(), **clean)


def load_scenario(path: str | os.PathLike, base: Scenario | None = None) -> Scenario:
    """Read a TOML scenario file (a flat table of Scenario keys)."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise InputError(f"scenario file '{path}' does not exist: check the path")
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario file '{path}' is not valid TOML ({exc}): fix the syntax") from None
    nested = [key for key, value in values.items() if isinstance(value, dict)]
    if nested:
        raise InputError(f"scenario file '{path}': section [{nested[0]}] is not supported; put the "
                         "keys at the top level")
    return scenario_from_dict(values, source=f"scenario file '{path}'", base=base)


def apply_overrides(scenario: Scenario, assignments: list[str] | tuple[str, ...]) -> Scenario:
    """Apply `key=value` strings (the CLI's repeatable --set) on top of a scenario."""
    values = {}
    for text in assignments:
        if "=" not in text:
            raise InputError(f"--set '{text}' is not key=value: write e.g. --set tau0=3")
        key, value = (part.strip() for part in text.split("=", 1))
        if not key:
            raise InputError(f"--set '{text}' has no key: write e.g. --set tau0=3")
        values[key] = value
    return scenario_from_dict(values, source="--set", base=scenario)
