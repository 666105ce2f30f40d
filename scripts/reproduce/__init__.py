"""Reproduce it yourself: beside every rendered scenario, the data the scenes fitted and the same
model for lme4, glmmTMB, brms and statsmodels, runnable as written, plus this tool's own fit.

<out>/<scenario>-<hash>/reproduce/          (presets/<name>/: the same for each preset a scene of
                                              a default run showed instead of the input)
    screen_numbers.json every number on screen, per scene and slide point (scripts/reproduce/screen.py)
    data.csv            the rows the scenes fitted (simulated, or the user's CSV as read: comma
                        separated, UTF-8, decimal points)
    lme4.R, glmmTMB.R, brms.R, statsmodels_fit.py (not statsmodels.py: it would shadow the package)
    fit.json            this tool's fit (the `fit --json` contract) with the package versions
    README.md           what each file is and which numbers to compare

The kit depends only on the input (its folder is named by the input's hash), so it is written
once, atomically (a temp folder, then a rename): a cached re-run finds it and does nothing, unless
it was written by an older KIT_VERSION.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

KIT_FOLDER = "reproduce"
# Raised when the kit's scripts change, so a kit written by an older version (say, a brms.R that
# stopped on Debian's empty BH) is rewritten by the next run rather than kept by the cache.
KIT_VERSION = 2
FILES = ("data.csv", "lme4.R", "glmmTMB.R", "brms.R", "statsmodels_fit.py", "fit.json", "README.md")


def kit_folder(run_folder: Path) -> Path:
    """The kit sits beside the quality/theme folders, in the input's own folder."""
    return Path(run_folder).parent / KIT_FOLDER


def write_kits(run_folder: Path, run_input, jobs) -> Path:
    """The input's kit, and for a default run (no input given) one per preset a scene showed
    instead (reproduce/presets/<name>/), so every data set on screen can be refitted."""
    from dataclasses import replace

    from estimator.presets import load_preset

    target = write_kit(kit_folder(run_folder), run_input)
    if getattr(run_input, "lecture_presets", False):
        for name in sorted({job.scene.lecture_preset for job in jobs if getattr(job.scene, "lecture_preset", None)}):
            write_kit(target / "presets" / name, replace(run_input, scenario=load_preset(name),
                                                         lecture_presets=False))
    return target


def write_kit(target: Path, run_input) -> Path:
    """Write the kit for `run_input` (scripts.pipeline.inputs.RunInput) into `target` unless it
    is there."""
    if all((target / name).is_file() for name in FILES) and _written_version(target) == KIT_VERSION:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".reproduce-", dir=target.parent))
    try:
        shareable(staging)
        for name, text in kit_files(run_input).items():
            (staging / name).write_text(text, encoding="utf-8")
        if target.exists():   # an incomplete kit (or one without a newer file): keep its presets/
            for name in FILES:
                (target / name).unlink(missing_ok=True)
            for name in os.listdir(staging):
                os.replace(staging / name, target / name)
            staging.rmdir()
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _written_version(target: Path) -> int | None:
    """The KIT_VERSION the kit in `target` was written by (None: older, or unreadable)."""
    try:
        return json.loads((target / "fit.json").read_text(encoding="utf-8")).get("kit_version")
    except (OSError, ValueError, AttributeError):
        return None


def shareable(path: Path) -> Path:
    """Give a temp folder or file the mode a plain mkdir/open would (0755/0644 under the usual
    umask): mkdtemp and mkstemp make them 0700/0600, and a lecturer shares the kit."""
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(path, (0o777 if Path(path).is_dir() else 0o666) & ~mask)
    return path


def kit_files(run_input) -> dict[str, str]:
    """File name -> text, computed from the same data and model the scenes use."""
    from estimator.fit import fit
    from estimator.formula import parse_formula
    from estimator.simulate import simulate
    from estimator.table import read_csv, write_csv
    from scripts.reproduce.python_code import statsmodels_code
    from scripts.reproduce.r_code import brms_code, glmmtmb_code, lme4_code

    if run_input.data_csv:
        table, formula_text, trials = read_csv(run_input.data_csv), run_input.formula, run_input.trials
        source = f"your data ({Path(run_input.data_csv).name})"
    else:
        scenario = run_input.scenario
        table, formula_text, trials = simulate(scenario).table, scenario.formula, scenario.trials_column
        source = f"the '{scenario.name}' scenario (seed {scenario.seed})"
    family = run_input.family
    result = fit(formula_text, table, family=family, trials=trials)
    formula = parse_formula(formula_text)
    method = "reml" if family == "gaussian" else "laplace"
    header = (f"# The model glmm-explainer fitted to {source}: {formula_text} ({family}).\n"
              "# Run it in this folder; compare with fit.json (this tool's numbers).\n")
    with tempfile.TemporaryDirectory() as scratch:
        csv_path = Path(scratch) / "data.csv"
        write_csv(table, csv_path)
        data_text = csv_path.read_text(encoding="utf-8")
    payload = {"model": {"formula": formula_text, "family": family, "trials": trials, "method": method,
                         "source": source},
               "kit_version": KIT_VERSION, "versions": _versions(), "fit": result.to_dict(trace=False)}
    py_header = header.replace("Run it in this folder", "Run it in this folder (python statsmodels_fit.py)")
    return {"data.csv": data_text,
            "lme4.R": lme4_code(formula, family, trials, method, header),
            "glmmTMB.R": glmmtmb_code(formula, family, trials, method, header),
            "brms.R": brms_code(formula, family, trials, header, list(table)),
            "statsmodels_fit.py": statsmodels_code(formula, family, trials, method, py_header),
            "fit.json": json.dumps(payload, indent=2, allow_nan=False) + "\n",
            "README.md": _readme(formula_text, family, source)}


def _versions() -> dict[str, str]:
    out = {}
    for name in ("glmm-explainer", "numpy", "scipy", "manim"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def _readme(formula_text: str, family: str, source: str) -> str:
    return f"""# Reproduce it yourself

The scenes of this folder were drawn from {source}, fitted as `{formula_text}` ({family}).

| file | what it is |
| --- | --- |
| `data.csv` | the rows the scenes fitted |
| `lme4.R` | `Rscript lme4.R`: the same model with lme4 (the numbers on screen are lme4's at its optimum) |
| `glmmTMB.R` | `Rscript glmmTMB.R`: the same model with glmmTMB (Gamma models: the numbers on screen) |
| `brms.R` | `Rscript brms.R`: the Bayesian version (Stan compiles the model first, a minute or more; default priors, so its posterior medians are close to the numbers on screen, not equal) |
| `statsmodels_fit.py` | `python statsmodels_fit.py`: the nearest statsmodels model (see its comments) |
| `fit.json` | this tool's fit (`glmm-explainer fit --json`) and the package versions that made it |
"""
