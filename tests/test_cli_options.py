"""Options that do not apply are errors, and bad input leaves nothing behind (issue 10).

Every refusal is one `Error: ...` line on stderr, exit status 2, no traceback; for the render
commands, nothing at all is created under --out: the scenario, --set, the data and formula, the
scene names and the tools are all checked before the output folder or its cache is made.
Scenes come from tests/pipeline/sample_scenes.py (no LaTeX or ffmpeg run here: every case
fails before rendering).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.cli import cli

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "pipeline" / "sample_scenes.py"
RENDER_COMMANDS = ("render", "stills", "lecture", "slides")


@pytest.fixture(autouse=True)
def sample_modules(monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", str(SAMPLES))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "counts.csv"
    rows = [f"{g},{x},{(x * 3 + i) % 7}" for i, g in enumerate("abcdef") for x in range(5)]
    path.write_text("g,x,y\n" + "\n".join(rows) + "\n")
    return path


# ------------------------------------------------------------------ fit
def test_method_is_for_the_gaussian_family_only(csv_file):
    line = assert_one_line_error(run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--family", "poisson",
                                     "--method", "ml"), "--method", "gaussian", "drop --method")
    assert "poisson" in line
    assert_one_line_error(run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--family", "binomial",
                              "--method", "reml"), "--method")


def test_nagq_is_for_glmms_only(csv_file):
    assert_one_line_error(run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--nagq", "1"),
                          "--nagq", "drop --nagq")


def test_trace_needs_json(csv_file):
    assert_one_line_error(run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--trace"),
                          "--trace", "add --json")


def test_options_that_apply_still_work(csv_file):
    """The same options where they do apply: method for gaussian, nagq for a GLMM, trace with json."""
    result = run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--method", "ml", "--json", "--trace")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["method"] == "ML" and payload["trace"]
    result = run("fit", csv_file, "--formula", "y ~ x + (1 | g)", "--family", "poisson", "--nagq", "3")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ scenario files
def test_two_scenario_files_are_refused(tmp_path):
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("tau0 = 2.0\n")
    b.write_text("tau0 = 3.0\n")
    assert_one_line_error(run("scenario", "show", a, "--scenario", b), "two scenario files", "a.toml",
                          "b.toml", "give one")
    for one in (["show", a], ["show", "--scenario", a]):
        result = run("scenario", *one)
        assert result.exit_code == 0, result.output
        assert "tau0 = 2.0" in result.stdout


# ------------------------------------------------------------------ render commands: scenario or data
@pytest.mark.parametrize("command", RENDER_COMMANDS)
@pytest.mark.parametrize("extra, named", [
    (["--preset", "simpson"], "--preset"),
    (["--scenario", "{toml}"], "--scenario"),
    (["--set", "tau0=3"], "--set"),
    (["--preset", "simpson", "--set", "tau0=3"], "--preset and --set"),
])
def test_scenario_options_do_not_apply_to_data(tmp_path, csv_file, command, extra, named):
    toml = tmp_path / "mine.toml"
    toml.write_text("tau0 = 2.0\n")
    out = tmp_path / "out"
    args = [a.replace("{toml}", str(toml)) for a in extra]
    assert_one_line_error(run(command, "--data", csv_file, "--formula", "y ~ x + (1 | g)", *args,
                              "--out", out), named, "not apply to --data FILE.csv: drop")
    assert not out.exists()


def test_trials_needs_the_binomial_family_with_data(tmp_path, csv_file):
    out = tmp_path / "out"
    assert_one_line_error(run("render", "--data", csv_file, "--formula", "y ~ x + (1 | g)", "--trials", "x",
                              "--family", "poisson", "--out", out), "--trials", "binomial", "poisson")
    assert_one_line_error(run("stills", "--data", csv_file, "--formula", "y ~ x + (1 | g)", "--trials", "x",
                              "--out", out), "--trials", "gaussian")
    assert not out.exists()


# ------------------------------------------------------------------ themes
def test_unknown_theme_is_an_error_not_dark(monkeypatch):
    from scenes.theme import THEMES, current_theme

    monkeypatch.setenv("GLMM_EXPLAINER_THEME", "sepia")
    with pytest.raises(ValueError, match="GLMM_EXPLAINER_THEME='sepia' is not a theme: use one of dark, light"):
        current_theme()
    monkeypatch.setenv("GLMM_EXPLAINER_THEME", "light")
    assert current_theme() is THEMES["light"]
    monkeypatch.delenv("GLMM_EXPLAINER_THEME")
    assert current_theme() is THEMES["dark"]


def test_cli_offers_exactly_the_scenes_themes(tmp_path):
    from scenes.theme import THEMES
    from scripts.pipeline.layout import THEMES as CLI_THEMES

    assert CLI_THEMES == tuple(THEMES)
    result = run("render", "TinyCard", "--theme", "sepia", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "'sepia' is not one of 'dark', 'light'" in result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


# ------------------------------------------------------------------ nothing written on bad input
BAD_INPUTS = [
    (["NoSuchScene"], "scene 'NoSuchScene' is unknown"),
    (["TinyCard", "--preset", "nope"], "preset 'nope' is unknown"),
    (["TinyCard", "--set", "tau0=abc"], "tau0"),
    (["TinyCard", "--set", "nosuchkey=1"], "nosuchkey"),
    (["TinyCard", "--scenario", "{missing}"], "missing.toml"),
    (["TinyCard", "--data", "{missing_csv}", "--formula", "y ~ x + (1 | g)"], "missing.csv"),
    (["TinyCard", "--data", "{csv}", "--formula", "y ~ z + (1 | g)"], "'z'"),
    (["TinyCard", "--data", "{csv}"], "--formula"),
]


@pytest.mark.parametrize("command", RENDER_COMMANDS)
@pytest.mark.parametrize("args, fragment", BAD_INPUTS)
@pytest.mark.parametrize("out_exists", [False, True])
def test_bad_input_writes_nothing(tmp_path, csv_file, command, args, fragment, out_exists):
    out = tmp_path / "out"
    if out_exists:
        out.mkdir()
    subst = {"{missing}": str(tmp_path / "missing.toml"), "{missing_csv}": str(tmp_path / "missing.csv"),
             "{csv}": str(csv_file)}
    args = [subst.get(a, a) for a in args]
    assert_one_line_error(run(command, *args, "-q", "low", "--out", out), fragment)
    if out_exists:
        assert list(out.iterdir()) == []
    else:
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if out_exists else [])


def test_unknown_scene_in_a_used_output_folder_changes_nothing(tmp_path):
    """An output folder that holds a cache already: the refusal touches none of it."""
    out = tmp_path / "out"
    assert run("list", "--out", out.parent).exit_code == 0  # tmp_path exists: its catalog is kept
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    assert_one_line_error(run("render", "NoSuchScene", "--out", tmp_path), "NoSuchScene")
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


def test_list_creates_no_output_folder(tmp_path):
    out = tmp_path / "never" / "made"
    result = run("list", "--out", out)
    assert result.exit_code == 0, result.output
    assert "TinyCard" in result.stdout
    assert not (tmp_path / "never").exists()
    # An existing folder keeps the scene descriptions, so the next listing imports no scene module.
    result = run("list", "--json", "--out", tmp_path)
    assert result.exit_code == 0 and json.loads(result.stdout)["scenes"][0]["name"] == "TinyCard"
    assert list((tmp_path / ".cache" / "catalog").glob("*.json"))


def test_unusable_output_folder_is_refused_before_anything_else(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert_one_line_error(run("render", "TinyCard", "--out", blocker / "out"), "not writable",
                          "choose another folder with --out")
    assert_one_line_error(run("stills", "TinyCard", "--out", blocker), "is a file")
    assert sorted(os.listdir(tmp_path)) == ["a-file"]


@pytest.mark.parametrize("args, fragment", [
    (["render", "--theme", "sepia"], "Invalid value for '--theme': 'sepia' is not one of"),
    (["fit", "--bogus", "x"], "No such option '--bogus'"),
    (["nosuch"], "No such command 'nosuch'"),
])
def test_click_usage_errors_are_one_line_too(args, fragment):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and fragment in line and "--help" in line
