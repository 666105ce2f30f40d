"""The outlier_shift scenario key: one small group moved by k tau0 on its intercept, through the
CLI as a user types it (simulate, fit --json), its one-line errors, and the `outlier` preset."""
import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.presets import load_preset
from estimator.scenario import Scenario
from estimator.simulate import simulate
from scripts.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_user_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows


def test_simulate_moves_the_smallest_group_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("simulate", "--preset", "unequal-groups", "--out", "plain.csv").exit_code == 0
    result = run("simulate", "--preset", "unequal-groups", "--set", "outlier_shift=3", "--out", "out.csv")
    assert result.exit_code == 0, result.output
    plain, moved = read_csv("plain.csv"), read_csv("out.csv")
    sizes = {}
    for row in plain:
        sizes[row["group"]] = sizes.get(row["group"], 0) + 1
    smallest = min(sizes, key=lambda g: (sizes[g], g))
    tau0 = load_preset("unequal-groups").tau0
    for a, b in zip(plain, moved):
        assert a["group"] == b["group"] and a["x"] == b["x"]           # the same design
        shift = float(b["y"]) - float(a["y"])
        assert shift == pytest.approx(3 * tau0 if a["group"] == smallest else 0.0, abs=1e-9)


def test_fit_json_sees_the_outlier_and_partial_pooling_tempers_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("simulate", "--preset", "unequal-groups", "--set", "outlier_shift=3", "--out", "o.csv").exit_code == 0
    result = run("fit", "o.csv", "--formula", "y ~ x + (1 | group)", "--json")
    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)
    sizes = fit["group_sizes"]
    smallest = min(sizes, key=lambda g: (sizes[g], g))
    g00 = fit["fixef"]["(Intercept)"]
    own = fit["no_pooling"]["common_slope"][smallest]["(Intercept)"]
    partial = g00 + fit["ranef"][smallest][0]
    others = [fit["no_pooling"]["common_slope"][g]["(Intercept)"] for g in sizes if g != smallest]
    assert own > max(others)                                          # it is the outlier
    assert g00 < partial < own                                        # pulled back, not erased
    assert (own - partial) / (own - g00) > 0.4                        # by a visible share
    assert fit["shrinkage"][smallest] < 0.6


def test_the_outlier_preset_is_the_key_on_unequal_groups():
    outlier, base = load_preset("outlier"), load_preset("unequal-groups")
    assert outlier.outlier_shift == 3.0
    assert outlier.replace(name=base.name, outlier_shift=0.0) == base
    moved, plain = simulate(outlier), simulate(base)
    j = int(np.argmin(plain.group_sizes))
    assert moved.true_u[j, 0] - plain.true_u[j, 0] == pytest.approx(3 * base.tau0)
    assert np.array_equal(np.delete(moved.true_u, j, 0), np.delete(plain.true_u, j, 0))


def test_an_unset_shift_keeps_every_scenario_digest():
    """The key is new: scenarios without it keep their digests (output folders, cache keys)."""
    a = Scenario()
    assert a.digest() == a.replace(outlier_shift=0.0).digest()
    assert a.digest() != a.replace(outlier_shift=1.0).digest()


@pytest.mark.parametrize("value, fragments", [
    ("11", ("outlier_shift = 11.0 is out of range", "between -10 and 10")),
    ("-12.5", ("outlier_shift = -12.5 is out of range",)),
    ("nan", ("outlier_shift must be a finite number",)),
    ("big", ("outlier_shift must be a number, not 'big'",)),
])
def test_bad_shifts_are_one_line_errors(value, fragments, tmp_path):
    out = tmp_path / "no.csv"
    assert_user_error(run("simulate", "--set", f"outlier_shift={value}", "--out", out), *fragments)
    assert not out.exists()


def test_a_shift_without_spread_is_refused(tmp_path):
    assert_user_error(run("simulate", "--set", "tau0=0", "--set", "outlier_shift=2", "--out",
                          tmp_path / "no.csv"), "outlier_shift = 2.0 is in units of tau0, which is 0",
                      "set tau0 > 0")
    result = run("fit", "--help")
    assert result.exit_code == 0
