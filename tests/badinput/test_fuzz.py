"""Fuzzing the readers of user input with hypothesis: random bytes and near-valid CSV files,
--set assignments and TOML scenario files. Every input must give a valid result or an
InputError with a one-line message; any other exception (a traceback for the user) fails.

About 6,000 generated cases in all (see EXAMPLES); no example database is written.
"""
import codecs
import dataclasses
import math
import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator.data_checks import check_design
from estimator.design import build_design
from estimator.errors import InputError
from estimator.formula import parse_formula
from estimator.scenario import Scenario, apply_overrides, load_scenario
from estimator.scenario_warnings import scenario_warnings
from estimator.table import read_csv

_FIELDS = [f.name for f in dataclasses.fields(Scenario)]
EXAMPLES = 1500  # per test; four tests: 6,000 cases
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_DIR = tempfile.TemporaryDirectory(prefix="badinput-fuzz-")
FILE = Path(_DIR.name) / "input"


def _write(data: bytes) -> Path:
    FILE.write_bytes(data)
    return FILE


def _one_line_error(exc: InputError) -> None:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message, message


def _assert_valid_table(table) -> None:
    assert isinstance(table, dict) and table
    lengths = {len(cells) for cells in table.values()}
    assert len(lengths) == 1 and lengths.pop() >= 1
    for name, cells in table.items():
        assert isinstance(name, str) and name == name.strip() and name
        assert all(isinstance(cell, str) for cell in cells)


def _read(data: bytes):
    try:
        table = read_csv(_write(data))
    except InputError as exc:
        _one_line_error(exc)
        return None
    _assert_valid_table(table)
    return table


# ------------------------------------------------------------------ CSV


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes(data):
    _read(data)


CELL_CHARS = list('abxyg019.-+e ,;\t"\r\n') + ["é", "\ufeff", "∞"]
SPECIAL_CELLS = ["", "NA", "nan", "inf", "-inf", "1,5", "1e400", "-0", " 3 ", "a", "b", "c", "1.5", "2"]
HEADER_NAMES = ["g", "x", "y", "y", "", " x ", 'q"', "a;b", "é", "trials"]


def _cell(rng) -> str:
    """A cell: a number as text, a special value, or a few characters that stress the parser.
    Drawn from a seeded random.Random that hypothesis hands over (cheap: thousands of cells per
    second, where a hypothesis draw per cell would take most of the CI budget)."""
    kind = rng.randrange(4)
    if kind == 0:
        return repr(rng.uniform(-1e6, 1e6)) if rng.random() < 0.5 else str(rng.randint(-100, 100))
    if kind == 1:
        return rng.choice(SPECIAL_CELLS)
    if kind == 2:
        return "".join(rng.choice(CELL_CHARS) for _ in range(rng.randrange(6)))
    return rng.choice("abcd") if rng.random() < 0.99 else "\x00"


@st.composite
def near_valid_csv(draw):
    """A CSV that is valid or one small step from valid: odd names, separators, quoting, encodings,
    line ends, ragged rows, truncation, a long cell. The structure is drawn by hypothesis (and
    shrinks); the cells come from the seeded generator."""
    rng = draw(st.randoms(use_true_random=True))
    n_columns = draw(st.integers(1, 5))
    names = (["g", "x", "y"] if draw(st.booleans()) else []) + [rng.choice(HEADER_NAMES)
                                                                for _ in range(n_columns)]
    names = names[:max(n_columns, 3)]
    ragged = draw(st.sampled_from([0, 0, 0, -1, 1]))
    rows = [[_cell(rng) for _ in range(len(names) + (ragged if rng.random() < 0.3 else 0))]
            for _ in range(draw(st.integers(0, 8)))]
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    quote_all = draw(st.booleans())

    def cell(text):
        if quote_all or any(c in text for c in f'{sep}"\r\n'):
            return '"' + text.replace('"', '""') + '"'
        return text

    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(sep.join(cell(c) for c in row) for row in [names, *rows]) + draw(st.sampled_from([end, ""]))
    if draw(st.integers(0, 39)) == 0:
        text += "a" * 131_073 + end  # one cell over the csv module's limit
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 5)) == 0:
        data = data[: rng.randrange(len(data) + 1)]
    return data


@FUZZ
@given(near_valid_csv())
def test_near_valid_csv_then_design(data):
    """Whatever read_csv accepts, building the design and lme4's checks either work or refuse
    with InputError (the design step may quote a multi-line cell: the CLI's UserError folds any
    message onto one line, so only the error type is checked there)."""
    table = _read(data)
    if table is None:
        return
    for formula in ("y ~ x + (1 | g)", "y ~ x + (1 + x | g)"):
        try:
            spec = parse_formula(formula)
            design = build_design(spec, table)
            check_design(design, spec, "gaussian")
        except InputError:
            pass


# ------------------------------------------------------------------ --set

SET_VALUES = ["gaussian", "poisson", "binomial", "gamma", "Poisson", "1e3", "1_0", "", " ", "nan",
              "inf", "-inf", "1e400", "0x10", "true", "8.0", "8.5", "-0", "٣", "9" * 40, "a=b"]


def _assignment(rng) -> str:
    """One --set string: mostly a known key with a plausible, odd or wrong value; sometimes junk."""
    if rng.random() < 0.1:
        return "".join(rng.choice(string.printable) for _ in range(rng.randrange(10)))
    key = rng.choice(list(_FIELDS)) if rng.random() < 0.85 else "".join(
        rng.choice(string.ascii_letters + "_ ") for _ in range(rng.randint(0, 8)))
    kind = rng.randrange(3)
    if kind == 0:
        value = str(rng.randint(-3, 700))
    elif kind == 1:
        value = repr(rng.uniform(-5, 60))
    else:
        value = rng.choice(SET_VALUES)
    return f"{key}{rng.choice(['=', '=', ' = ', ':'])}{value}"


@st.composite
def set_assignments(draw):
    rng = draw(st.randoms(use_true_random=True))
    return [_assignment(rng) for _ in range(draw(st.integers(0, 4)))] + draw(
        st.lists(st.text(max_size=12), max_size=1))


def _assert_valid_scenario(s) -> None:
    assert isinstance(s, Scenario)
    assert 2 <= s.n_groups and 1 <= s.group_size_min <= s.group_size_max
    assert all(math.isfinite(getattr(s, name)) for name in _FIELDS
               if isinstance(getattr(s, name), float))
    warnings = scenario_warnings(s)
    assert all(isinstance(w, str) and "\n" not in w for w in warnings)


@FUZZ
@given(set_assignments())
def test_set_assignments(assignments):
    try:
        scenario = apply_overrides(Scenario(), assignments)
    except InputError as exc:
        _one_line_error(exc)
        return
    _assert_valid_scenario(scenario)


# ------------------------------------------------------------------ TOML

TOML_LITERALS = ["true", "false", "nan", "+inf", "-inf", "1979-05-27", "07:32:00", "1_000", "0x1f",
                 "[1, 2]", "{ a = 1 }", "[]", '"gaussian"', '"binomial"', "'poisson'", '""', "9" * 30,
                 "-1", "0", "1", "2", "0.5", "1e308", "1e-320", str(2 ** 63 - 1), '"8"', '"a\\nb"']


def _toml_value(rng) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return str(rng.randint(-5, 600)) if rng.random() < 0.5 else repr(rng.uniform(-100, 100))
    if kind == 1:
        return repr(rng.choice([1e9, 1e10, -1e9, 0.0, -0.0, 5e-324, 1.0]))
    if kind == 2:
        text = "".join(rng.choice(CELL_CHARS) for _ in range(rng.randrange(6)))
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return rng.choice(TOML_LITERALS)


@st.composite
def toml_document(draw):
    """A scenario file: known and unknown keys with values of every TOML type, sometimes a
    section header, a stray character, a BOM or a non-UTF-8 byte."""
    rng = draw(st.randoms(use_true_random=True))
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = rng.choice(list(_FIELDS)) if rng.random() < 0.8 else "".join(
            rng.choice("abcdegmnorstu_") for _ in range(rng.randint(1, 8)))
        if draw(st.integers(0, 15)) == 0:
            lines.append(f"[{key}]")
        lines.append(f"{key} = {_toml_value(rng)}")
    text = "\n".join(lines) + "\n"
    if draw(st.integers(0, 4)) == 0:  # a mutation: a random character somewhere
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(list("=[]\"'\n#\\") + ["\udcff"]) + text[at:]
    data = text.encode("utf-8", errors="surrogateescape")
    if draw(st.integers(0, 9)) == 0:
        data = codecs.BOM_UTF8 + data if draw(st.booleans()) else data.replace(b"a", b"\xe9")
    return data


@FUZZ
@given(toml_document())
def test_toml_scenarios(data):
    try:
        scenario = load_scenario(_write(data))
    except InputError as exc:
        _one_line_error(exc)
        return
    _assert_valid_scenario(scenario)
