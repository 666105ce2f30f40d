"""Reproduce it yourself: every render leaves, beside its outputs, the data the scenes fitted and
the same model for lme4, glmmTMB, brms and statsmodels. Through the console command with the
default relative media/, as a user runs it; the statsmodels script is run as written and must
give this tool's fixed effects (MixedLM's REML is lme4's); the R scripts run when R is here."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from estimator.table import write_csv

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="needs ffmpeg (scripts/bootstrap.sh)")


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`glmm-explainer ARGS` as a user types it in `cwd`, running this checkout's code (not
    whatever checkout the venv's editable install points at) with the user's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLMM_EXPLAINER_")}
    env["PYTHONPATH"] = str(REPO)
    code = "import sys; from scripts.cli import cli; sys.exit(cli())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)


def only_kit(cwd: Path) -> Path:
    [kit] = list((cwd / "media").glob("*/reproduce"))
    return kit


def python_fixef(kit: Path) -> list[float]:
    code = ("import json, runpy; ns = runpy.run_path('statsmodels_fit.py'); r = ns['result'];"
            "p = getattr(r, 'fe_params', None); p = p if p is not None else r.fe_mean;"
            "print('FIXEF', json.dumps([float(v) for v in list(p)]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=kit, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("FIXEF "))
    return json.loads(line[len("FIXEF "):])


def test_a_render_writes_the_kit_and_statsmodels_gives_the_same_fixed_effects(tmp_path):
    result = run_cli(tmp_path, "stills", "TitleCard", "-q", "low")
    assert result.returncode == 0, result.stderr
    kit = only_kit(tmp_path)
    for name in ("data.csv", "lme4.R", "glmmTMB.R", "brms.R", "statsmodels_fit.py", "fit.json", "README.md",
                 "screen_numbers.json"):
        assert (kit / name).stat().st_size > 0, name
        assert (kit / name).stat().st_mode & 0o777 == 0o666 & ~umask(), name   # shareable, as a plain file
    assert kit.stat().st_mode & 0o777 == 0o777 & ~umask()
    shown = json.loads((kit / "fit.json").read_text())
    assert shown["model"]["formula"] == "y ~ x + (1 | group)" and shown["versions"]["numpy"]
    # the kit's data are the data: refitting data.csv through the CLI gives fit.json's numbers
    refit = run_cli(kit, "fit", "data.csv", "--formula", "y ~ x + (1 | group)", "--json")
    assert refit.returncode == 0, refit.stderr
    assert json.loads(refit.stdout)["fixef"] == pytest.approx(shown["fit"]["fixef"], rel=1e-9)
    assert python_fixef(kit) == pytest.approx(list(shown["fit"]["fixef"].values()), rel=1e-3, abs=1e-3)
    # a cached re-run leaves the kit as it is
    before = (kit / "fit.json").stat().st_mtime_ns
    assert run_cli(tmp_path, "stills", "TitleCard", "-q", "low").returncode == 0
    assert (kit / "fit.json").stat().st_mtime_ns == before


def pupils_csv(path: Path) -> None:
    rng = np.random.default_rng(7)
    school = np.repeat(np.arange(1, 13), 10)
    hours = rng.uniform(0, 10, school.size)
    sex = rng.choice(["Female", "Male"], school.size)
    week = rng.integers(1, 5, school.size)
    score = (50 + 2 * hours - 0.1 * hours ** 2 + 3 * (sex == "Male") + 1.5 * (week > 2)
             + rng.normal(0, 4, 12)[school - 1] + rng.normal(0, 3, school.size))
    write_csv({"school": list(school), "hours": list(hours), "Sex": list(sex), "week": list(week),
               "exam score": list(score)}, path)


def test_a_users_formula_with_factors_transforms_and_backticks_reproduces_in_statsmodels(tmp_path):
    pupils_csv(tmp_path / "pupils.csv")
    formula = "`exam score` ~ poly(hours, 2) + Sex + I(week > 2) + (1 | school)"
    result = run_cli(tmp_path, "stills", "TitleCard", "-q", "low", "--data", "pupils.csv", "--formula", formula)
    assert result.returncode == 0, result.stderr
    kit = only_kit(tmp_path)
    shown = json.loads((kit / "fit.json").read_text())["fit"]["fixef"]
    assert set(shown) == {"(Intercept)", "poly(hours, 2)1", "poly(hours, 2)2", "SexMale", "I(week > 2)TRUE"}
    # patsy may order the columns differently: compare the estimates as a set
    assert sorted(python_fixef(kit)) == pytest.approx(sorted(shown.values()), rel=1e-3, abs=1e-3)
    assert "`exam score` ~ poly(hours, 2)" in (kit / "lme4.R").read_text()


@pytest.mark.skipif(not shutil.which("Rscript"), reason="R is not installed (the R scripts are checked when it is)")
@pytest.mark.parametrize("preset", ["default", "poisson"])
def test_the_lme4_script_runs_as_written_and_gives_the_numbers_on_screen(tmp_path, preset):
    check = subprocess.run(["Rscript", "-e", "library(lme4)"], capture_output=True)
    if check.returncode != 0:
        pytest.skip("lme4 is not installed")
    assert run_cli(tmp_path, "stills", "TitleCard", "-q", "low", "--preset", preset).returncode == 0
    kit = only_kit(tmp_path)
    script = (kit / "lme4.R").read_text() + 'cat("FIXEF", jsonlite::toJSON(unname(lme4::fixef(m)), digits = 12), "\\n")\n'
    (kit / "check.R").write_text(script)
    done = subprocess.run(["Rscript", "check.R"], cwd=kit, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("FIXEF "))
    shown = json.loads((kit / "fit.json").read_text())["fit"]["fixef"]
    assert json.loads(line[len("FIXEF "):]) == pytest.approx(list(shown.values()), rel=1e-4, abs=1e-4)


def test_a_default_run_also_writes_a_kit_for_each_preset_a_scene_showed(tmp_path):
    result = run_cli(tmp_path, "stills", "SimpsonReversal", "-q", "low")
    assert result.returncode == 0, result.stderr
    kit = only_kit(tmp_path)
    shown = json.loads((kit / "presets" / "simpson" / "fit.json").read_text())
    assert "'simpson' scenario" in shown["model"]["source"]
    numbers = json.loads((kit / "screen_numbers.json").read_text())["scenes"]["SimpsonReversal"]
    pooled = shown["fit"]["complete_pooling"]["fixef"]["x"]
    assert any(abs(n - pooled) < 0.006 for s in numbers for item in s["shown"] for n in item["numbers"])


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_the_kit_is_written_with_a_plain_folders_and_files_modes_not_the_temp_ones(tmp_path):
    from scripts.pipeline.inputs import resolve_input
    from scripts.reproduce import write_kit

    kit = write_kit(tmp_path / "reproduce", resolve_input(preset="default"))
    assert kit.stat().st_mode & 0o777 == 0o777 & ~umask()
    assert {p.name: p.stat().st_mode & 0o777 for p in kit.iterdir()} == {
        name: 0o666 & ~umask() for name in ("data.csv", "lme4.R", "glmmTMB.R", "brms.R", "statsmodels_fit.py",
                                           "fit.json", "README.md")}


def test_brms_gets_plain_names_for_the_columns_the_formula_backticks():
    """brms parses variable names without backticks (`exam score` stops it): the script renames
    those columns, to names not in use and without brms's reserved double underscore."""
    from scripts.reproduce.r_code import plain_names

    names = plain_names("`exam score` ~ `1st try` + `if` + `a  b` + x + (1 | `my group`)", "n trials",
                        ["exam_score", "n_trials"])
    assert names == {"exam score": "exam_score_2", "1st try": "v_1st_try", "if": "if_", "a  b": "a_b",
                     "my group": "my_group", "n trials": "n_trials_2"}


def test_a_kit_written_by_an_older_version_of_the_scripts_is_rewritten(tmp_path):
    from scripts.pipeline.inputs import resolve_input
    from scripts.reproduce import KIT_VERSION, write_kit

    run_input = resolve_input(preset="default")
    kit = write_kit(tmp_path / "reproduce", run_input)
    (kit / "brms.R").write_text("old script\n")
    assert write_kit(kit, run_input) == kit and (kit / "brms.R").read_text() == "old script\n"  # cached
    shown = json.loads((kit / "fit.json").read_text())
    shown["kit_version"] = KIT_VERSION - 1
    (kit / "fit.json").write_text(json.dumps(shown))
    write_kit(kit, run_input)
    assert "library(brms)" in (kit / "brms.R").read_text()
    assert json.loads((kit / "fit.json").read_text())["kit_version"] == KIT_VERSION
