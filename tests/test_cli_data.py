"""The scenario, simulate and fit commands, and the one-line exit-2 error contract."""
import json

import pytest
from click.testing import CliRunner

from scripts.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def assert_user_error(result, fragment):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_scenario_show_applies_preset_and_overrides():
    result = run("scenario", "show", "--preset", "simpson", "--set", "tau0=3")
    assert result.exit_code == 0
    assert 'name = "simpson"' in result.stdout and "tau0 = 3.0" in result.stdout


def test_scenario_validate(tmp_path):
    good = tmp_path / "s.toml"
    good.write_text("n_groups = 4\n")
    assert run("scenario", "validate", str(good)).exit_code == 0
    bad = tmp_path / "b.toml"
    bad.write_text("rho = 1.5\n")
    assert_user_error(run("scenario", "validate", str(bad)), "rho = 1.5")
    neg = tmp_path / "n.toml"
    neg.write_text("tau0 = -2\n")
    assert_user_error(run("scenario", "validate", str(neg)), "cannot be negative")
    zero = tmp_path / "z.toml"
    zero.write_text("n_groups = 0\n")
    assert_user_error(run("scenario", "validate", str(zero)), "n_groups = 0")
    unknown = tmp_path / "u.toml"
    unknown.write_text("colour = 'red'\n")
    assert_user_error(run("scenario", "validate", str(unknown)), "unknown key 'colour'")


def test_simulate_writes_csv_atomically(tmp_path):
    out = tmp_path / "d.csv"
    result = run("simulate", "--preset", "default", "--set", "n_groups=3", "--out", str(out))
    assert result.exit_code == 0, result.output
    header = out.read_text().splitlines()[0]
    assert header == "group,x,y"
    assert_user_error(run("simulate", "--set", "sigma=-1", "--out", str(tmp_path / "no.csv")),
                      "cannot be negative")
    assert not (tmp_path / "no.csv").exists()
    assert_user_error(run("simulate", "--preset", "nope", "--out", str(tmp_path / "no.csv")),
                      "preset 'nope' is unknown")
