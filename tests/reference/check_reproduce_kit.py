"""Build the reproduce-it-yourself kit for every family and run its scripts as a user would,
then record what lme4, glmmTMB, brms and statsmodels printed beside this tool's fit.

Run from the repository root (R with lme4, glmmTMB, brms, jsonlite; ~5 min per brms model on a
busy 2-core machine, the models run one at a time):

    PYTHONPATH=$PWD .venv/bin/python tests/reference/check_reproduce_kit.py [--no-brms] [KIT ...]

Each kit is made through the CLI (`stills TitleCard -q low --out DIR`); each script is run from
inside the kit folder with `Rscript` / `python`, exactly as written, followed by a few lines that
print its estimates as JSON. The answers go to tests/reference/reproduce_kit.json, which
tests/reference/test_reproduce_kit.py compares with the current fit (no R needed there).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "reference" / "reproduce_kit.json"
PUPILS = REPO / "tests" / "reference" / "data" / "pupils_tracks.csv"
PUPILS_FORMULA = "`exam score` ~ hours.studied + track + (1 | school)"
# name -> the CLI's input options (a user CSV: a factor, a dotted and a spaced column name)
KITS = {name: ["--preset", name] for name in
        ("default", "poisson", "logistic", "binomial-trials", "gamma", "fan-in", "logistic-slopes")}
KITS["pupils"] = ["--data", str(PUPILS), "--formula", PUPILS_FORMULA]

_JSON = 'cat("KIT_JSON", jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, null = "null"), "\\n")\n'
EXTRACT = {
    "lme4.R": """vc <- as.data.frame(lme4::VarCorr(m)); own <- vc$grp != "Residual"
out <- list(fixef = as.list(lme4::fixef(m)), sigma = sigma(m), loglik = as.numeric(logLik(m)),
            re_sd = as.list(setNames(vc$sdcor[own & is.na(vc$var2)], vc$var1[own & is.na(vc$var2)])),
            re_corr = I(vc$sdcor[own & !is.na(vc$var2)]))
""" + _JSON,
    "glmmTMB.R": """vc <- glmmTMB::VarCorr(m)$cond[[1]]; corr <- attr(vc, "correlation")
out <- list(fixef = as.list(glmmTMB::fixef(m)$cond), sigma = sigma(m), loglik = as.numeric(logLik(m)),
            re_sd = as.list(attr(vc, "stddev")), re_corr = I(corr[upper.tri(corr)]))
""" + _JSON,
    "brms.R": """ps <- brms::posterior_summary(m, robust = TRUE); sdev <- brms::posterior_summary(m)
fe <- grep("^b_", rownames(ps)); sds <- grep("^sd_", rownames(ps)); cors <- grep("^cor_", rownames(ps))
aux <- which(rownames(ps) %in% c("sigma", "shape"))
name <- function(rows, prefix) sub("^Intercept$", "(Intercept)", sub(prefix, "", rownames(ps)[rows]))
pick <- function(rows, col, prefix, from = ps) as.list(setNames(from[rows, col], name(rows, prefix)))
el <- rstan::get_elapsed_time(m$fit)
out <- list(fixef = pick(fe, "Estimate", "^b_"), fixef_sd = pick(fe, "Est.Error", "^b_", sdev),
            re_sd = pick(sds, "Estimate", "^sd_[^_]+__"), re_sd_sd = pick(sds, "Est.Error", "^sd_[^_]+__", sdev),
            re_corr = I(unname(ps[cors, "Estimate"])), aux = pick(aux, "Estimate", ""), aux_sd = pick(aux, "Est.Error", "", sdev),
            rhat_max = max(brms::rhat(m), na.rm = TRUE), brm_seconds = .kit_brm_seconds,
            warmup_seconds = sum(el[, "warmup"]), sampling_seconds = sum(el[, "sample"]))
""" + _JSON,
}
# brm timed from outside the script: the global brm masks the attached package's
BRMS_PREFIX = """.kit_brm_seconds <- NA
brm <- function(...) { t0 <- proc.time()[["elapsed"]]; fit <- brms::brm(...)
  .kit_brm_seconds <<- proc.time()[["elapsed"]] - t0; fit }
"""
STATSMODELS = """import json, runpy
ns = runpy.run_path("statsmodels_fit.py")
r = ns.get("result") or ns["model"].fit()
p = getattr(r, "fe_params", None)
if p is None:
    p = getattr(r, "fe_mean", None)
    p = dict(zip(r.model.exog_names, p)) if p is not None else dict(r.params)
print("KIT_JSON", json.dumps({"fixef": {k: float(v) for k, v in dict(p).items()}}))
"""


def cli(cwd: Path, *args: str) -> None:
    code = "import sys; from scripts.cli import cli; sys.exit(cli())"
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/local/bin:/usr/bin:/bin"})
    if done.returncode:
        raise SystemExit(f"glmm-explainer {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def build_kit(work: Path, name: str) -> Path:
    """The kit as a render leaves it."""
    cli(work, "stills", "TitleCard", "-q", "low", "--out", str(work / name), *KITS[name])
    [kit] = (work / name).glob("*/reproduce")
    return kit


def run_tool(kit: Path, work: Path, script: str) -> dict:
    """Run `script` as written from inside the kit (plus the lines that print its estimates)."""
    if script.endswith(".py"):
        command, extra = [sys.executable, "-c", STATSMODELS], None
    else:
        extra = work / f"{kit.parent.name}-{script}"
        prefix = BRMS_PREFIX if script == "brms.R" else ""
        extra.write_text(prefix + (kit / script).read_text(encoding="utf-8") + EXTRACT[script], encoding="utf-8")
        command = ["Rscript", str(extra)]
    start = time.monotonic()
    done = subprocess.run(command, cwd=kit, capture_output=True, text=True)
    seconds = round(time.monotonic() - start, 1)
    line = next((x for x in done.stdout.splitlines() if x.startswith("KIT_JSON ")), None)
    if done.returncode or line is None:
        return {"ran": False, "seconds": seconds, "error": (done.stderr or done.stdout)[-1500:]}
    return {"ran": True, "seconds": seconds, **json.loads(line[len("KIT_JSON "):])}


def ours(kit: Path) -> dict:
    shown = json.loads((kit / "fit.json").read_text(encoding="utf-8"))
    fit = shown["fit"]
    keep = ("fixef", "fixef_se", "sigma", "shape", "re_sd", "re_corr", "loglik", "method")
    return {"model": shown["model"], "ours": {key: fit.get(key) for key in keep}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kits", nargs="*", default=list(KITS))
    parser.add_argument("--no-brms", action="store_true", help="skip brms (Stan compiles every model)")
    args = parser.parse_args(argv)
    record = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {"kits": {}}
    with tempfile.TemporaryDirectory(prefix="kit-check-") as scratch:
        work = Path(scratch)
        for name in args.kits:
            kit = build_kit(work, name)
            entry = {"input": KITS[name][:1] + [Path(KITS[name][1]).name] + KITS[name][2:], **ours(kit)}
            tools = ["lme4.R", "glmmTMB.R", "statsmodels_fit.py"] + ([] if args.no_brms else ["brms.R"])
            old = record["kits"].get(name, {}).get("tools", {})
            entry["tools"] = {t: old[t] for t in ("brms.R",) if args.no_brms and t in old}
            for tool in tools:
                entry["tools"][tool] = run_tool(kit, work, tool)
                status = "ok" if entry["tools"][tool]["ran"] else "FAILED"
                print(f"{name:16} {tool:20} {status} {entry['tools'][tool]['seconds']} s", flush=True)
            record["kits"][name] = entry
            FIXTURE.write_text(json.dumps(record, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return 0 if all(t["ran"] for k in record["kits"].values() for t in k["tools"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
