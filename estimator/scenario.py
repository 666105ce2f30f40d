"""The Scenario: every parameter a lecturer may change, in one frozen, validated object.

Loaded from TOML (a flat table of the keys below), overridden field by field with
`key=value` strings, and checked once, so scenes and the simulator can trust every value.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import os
from dataclasses import dataclass, fields

from estimator.errors import InputError
from estimator.family_descriptions import FAMILY_NAMES

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FAMILIES = FAMILY_NAMES   # the one list of families: estimator/family_descriptions.py


@dataclass(frozen=True)
class Scenario:
    """Parameters of a simulated grouped data set and of the lecture built on it.

    The model: y_ij = gamma00 + gamma10 x_ij + u0j + u1j x_ij (+ e_ij for Gaussian), on the
    link scale for the other families; (u0j, u1j) ~ N(0, [[tau0^2, rho tau0 tau1], [., tau1^2]]).
    x_group_offset > 0 moves each group's x window by that many x units per tau0 of its u0j, the
    other way (centre = -x_group_offset * u0j / tau0), so the between-group slope is
    -tau0 / x_group_offset and the pooled trend can reverse the within-group trend (Simpson's
    paradox) at any number of groups, while the u0j stay draws from N(0, tau0^2).
    outlier_shift moves the smallest group (the first in label order among equally small ones,
    the group the narration follows) by that many tau0 on the intercept: an outlying group, to
    show how partial pooling tempers it (0 = none).
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
    outlier_shift: float = 0.0
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
        """A short stable hash of every value: the cache key and manifest entry for this scenario.
        A key added later (outlier_shift) enters only when set, so older scenarios keep theirs."""
        values = self.to_dict()
        for name, unset in _LATER_KEYS.items():
            if values.get(name) == unset:
                values.pop(name)
        text = json.dumps(values, sort_keys=True)
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
_LATER_KEYS = {"outlier_shift": 0.0}   # keys left out of the digest at their neutral value
MAX_OUTLIER_SHIFT = 10.0
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
    need(s.family in FAMILIES, f"family {quoted(s.family)} is unknown: use one of {', '.join(FAMILIES)}")
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
    need(abs(s.outlier_shift) <= MAX_OUTLIER_SHIFT,
         f"outlier_shift = {s.outlier_shift} is out of range: use a shift between "
         f"-{MAX_OUTLIER_SHIFT:g} and {MAX_OUTLIER_SHIFT:g} (in units of tau0; 0 for no outlier)")
    need(s.outlier_shift == 0 or s.tau0 > 0,
         f"outlier_shift = {s.outlier_shift} is in units of tau0, which is 0: set tau0 > 0 or "
         "outlier_shift = 0")
    need(1 <= s.trials <= 10_000, f"trials = {s.trials} is out of range: use 1 (0/1 data) to 10000")
    need(s.seed >= 0, f"seed = {s.seed} must be a non-negative whole number")
    for name, kind in ((n, _field_type(n)) for n in _FIELDS):
        if kind is float:
            need(abs(getattr(s, name)) <= MAX_MAGNITUDE, f"{name} = {getattr(s, name)!r} is out of "
                 f"range: use a value between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}")
    _check_lme4_counts(s)


MAX_MAGNITUDE = 1e9  # far beyond any lecture's values (x in the millions stays allowed); keeps the
#                     simulator's sums and squares finite


def drawn_group_sizes(s: Scenario):
    """The group sizes `estimator.simulate.simulate` draws for this scenario (its first draw from
    the seeded generator; tests/badinput checks that both agree)."""
    import numpy as np

    return np.random.default_rng(s.seed).integers(s.group_size_min, s.group_size_max + 1,
                                                  size=s.n_groups)


def _check_lme4_counts(s: Scenario) -> None:
    """Refuse a scenario whose data lme4 would refuse to fit with the lecture's model
    (`Scenario.formula`): lmer needs more rows than random effects (so groups of one row are
    refused), glmer at least as many (estimator/data_checks.py has the rules)."""
    per_group = 2 if s.random_slopes else 1
    lmer = s.family == "gaussian"
    if s.group_size_max <= per_group if lmer else s.group_size_max < per_group:
        rule = ("number of levels of each grouping factor must be < number of observations"
                if lmer and per_group == 1 else
                f"number of observations {'<=' if lmer else '<'} number of random effects")
        raise InputError(f"scenario: group_size_max = {s.group_size_max} gives groups of at most "
                         f"{s.group_size_max} row{'s' * (s.group_size_max > 1)}, and "
                         f"{'lmer' if lmer else 'glmer'} refuses the {s.family} model {s.formula} on "
                         f"such data (lme4: '{rule}'): use group_size_max >= "
                         f"{per_group + 1 if lmer else per_group}"
                         + (" or tau1 = 0 (no random slopes)" if s.random_slopes else ""))
    from estimator.data_checks import lme4_count_rule

    n_obs = int(drawn_group_sizes(s).sum())
    rule = lme4_count_rule(n_obs, s.n_groups, s.family, per_group)
    if rule:
        raise InputError(f"scenario: with seed = {s.seed} the {s.n_groups} groups drawn with "
                         f"{s.group_size_min} to {s.group_size_max} rows have {n_obs} rows in all, "
                         f"which {'lmer' if lmer else 'glmer'} refuses for {s.formula} (lme4: '{rule}'): "
                         "raise group_size_min")


def _coerce(name: str, value, source: str):
    """The value as its field's type (text from --set is parsed), or an error naming the source."""
    kind = _field_type(name)
    wanted = {int: "a whole number", float: "a number", str: "text"}[kind]
    wrong = InputError(f"{source}: {name} must be {wanted}, not {_shown(value)}")
    if kind is str:
        if not isinstance(value, str):
            raise wrong
        return value.strip().lower() if name == "family" else value
    if isinstance(value, bool):
        raise wrong
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text) if kind is int else float(text)
        except ValueError:
            if kind is int and _is_whole(text):
                value = int(float(text))
            else:
                raise wrong from None
    if kind is float and isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise InputError(f"{source}: {name} = {_shown(value)} is out of range") from None
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind):
        raise wrong
    if kind is int and value.bit_length() > 60:
        raise InputError(f"{source}: {name} is far too large: use at most 18 digits")
    return value


def _is_whole(text: str) -> bool:
    """'1e3' or '12.0' for a whole-number key: accepted, as TOML's 12.0 is."""
    try:
        number = float(text)
    except ValueError:
        return False
    return math.isfinite(number) and number.is_integer() and abs(number) < 2 ** 53


def _shown(value) -> str:
    if isinstance(value, int) and value.bit_length() > 60:
        return "a number that large"
    return quoted(value) if isinstance(value, str) else _short(repr(value))


def quoted(text: str, limit: int | None = 40) -> str:
    """User text inside a message: in quotes, on one line (control characters escaped), and cut
    to `limit` characters (None: whole, for paths)."""
    shown = f"'{text}'" if text.isprintable() else repr(text)
    return _short(shown, limit)


def _short(text: str, limit: int | None = 40) -> str:
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


def scenario_from_dict(values: dict, source: str = "scenario", base: Scenario | None = None) -> Scenario:
    """Build a Scenario from plain values; unknown keys and wrong types are one-line errors."""
    return combine(base or Scenario(), checked_values(values, source))


def checked_values(values: dict, source: str) -> dict:
    """Values of one source (a file, the --set options) with known keys, coerced to their types;
    cross-field rules wait until every source is combined (see `combine`)."""
    if not isinstance(values, dict):
        raise InputError(f"{source}: expected a table of key = value pairs")
    for key in values:
        if key not in _FIELDS:
            close = difflib.get_close_matches(str(key).lower(), list(_FIELDS), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(_FIELDS)}"
            raise InputError(f"{source}: unknown key {quoted(str(key))} ({hint})")
    return {key: _coerce(key, value, source) for key, value in values.items()}


def combine(base: Scenario, *sources: dict) -> Scenario:
    """One Scenario from a base and the checked values of each source, later sources winning.
    Validated once, on the result, so a file's group_size_min = 40 with --set group_size_max=50
    is judged as the pair the user meant."""
    merged = {}
    for values in sources:
        merged.update(values)
    return dataclasses.replace(base, **merged)



def load_scenario(path: str | os.PathLike, base: Scenario | None = None) -> Scenario:
    """Read a TOML scenario file (a flat table of Scenario keys)."""
    return combine(base or Scenario(), load_scenario_values(path))


def load_scenario_values(path: str | os.PathLike) -> dict:
    """A TOML scenario file's checked values (not yet combined with a base scenario)."""
    path = os.fspath(path)
    source = f"scenario file {quoted(path, limit=None)}"
    if not os.path.isfile(path):
        raise InputError(f"{source} does not exist: check the path")
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source} is not valid TOML ({' '.join(str(exc).split())}): fix the "
                         "syntax") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8"
                         ) from None
    except ValueError:  # tomllib lets int()'s error through for a number of over 4,300 digits
        raise InputError(f"{source} holds a number too long to read (thousands of digits): use a "
                         "realistic value") from None
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}: check its permissions"
                         ) from None
    nested = [key for key, value in values.items() if isinstance(value, dict)]
    if nested:
        raise InputError(f"{source}: section [{nested[0]}] is not supported; put the keys at the "
                         "top level")
    return checked_values(values, source)


def apply_overrides(scenario: Scenario, assignments: list[str] | tuple[str, ...]) -> Scenario:
    """Apply `key=value` strings (the CLI's repeatable --set) on top of a scenario."""
    return combine(scenario, override_values(assignments))


def override_values(assignments: list[str] | tuple[str, ...]) -> dict:
    """The checked values of `key=value` strings (the CLI's repeatable --set); a later --set of
    the same key wins, as with any repeated option."""
    values = {}
    for text in assignments:
        if "=" not in text:
            raise InputError(f"--set {quoted(text)} is not key=value: write e.g. --set tau0=3")
        key, value = (part.strip() for part in text.split("=", 1))
        if not key:
            raise InputError(f"--set {quoted(text)} has no key: write e.g. --set tau0=3")
        values[key] = value
    return checked_values(values, "--set")
