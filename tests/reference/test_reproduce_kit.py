"""The reproduce kit agrees with what lme4, glmmTMB and brms printed when its scripts ran as
written: tests/reference/check_reproduce_kit.py ran them (R, Stan) and kept the answers in
reproduce_kit.json; here only this checkout's fit is computed, so neither R nor Stan is needed."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

REFERENCE = Path(__file__).resolve().parent / "reproduce_kit.json"


def reference_kits() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["kits"]


def current_fit(entry: dict) -> dict:
    """This tool's fit.json for the kit the reference was recorded from, as the kit is made now."""
    from scripts.pipeline.inputs import resolve_input
    from scripts.reproduce import kit_files

    flag, value, *rest = entry["input"]
    if flag == "--preset":
        run_input = resolve_input(preset=value)
    else:
        run_input = resolve_input(data=str(REFERENCE.parent / "data" / value), formula=rest[1])
    return json.loads(kit_files(run_input)["fit.json"])["fit"]


def upper(corr) -> list[float]:
    corr = np.asarray(corr, dtype=float)
    return list(corr[np.triu_indices(len(corr), 1)])


@pytest.mark.parametrize("name", sorted(reference_kits()))
def test_the_kit_still_gives_what_lme4_glmmtmb_and_brms_printed_when_their_scripts_ran(name):
    """tests/reference/check_reproduce_kit.py ran every script of the kit as written and kept what
    it printed: lme4 (glmmTMB for Gamma, whose shape this tool estimates as glmmTMB does) equal at
    the optimum, brms's posterior medians within 2 posterior SDs (default priors, so near, not
    equal). No R needed here: the fit is this checkout's."""
    entry = reference_kits()[name]
    tools = entry["tools"]
    assert all(tool["ran"] for tool in tools.values()), {k: v.get("error") for k, v in tools.items()}
    fit = current_fit(entry)
    exact = tools["glmmTMB.R" if entry["model"]["family"] == "gamma" else "lme4.R"]
    assert fit["fixef"] == pytest.approx(exact["fixef"], rel=1e-4, abs=1e-5)
    assert fit["re_sd"] == pytest.approx(exact["re_sd"], rel=1e-3, abs=1e-4)
    assert upper(fit["re_corr"]) == pytest.approx(list(np.atleast_1d(exact["re_corr"])), abs=1e-3)
    if fit["sigma"] is not None and entry["model"]["family"] in ("gaussian", "gamma"):
        assert fit["sigma"] == pytest.approx(exact["sigma"], rel=1e-3)
    tmb = tools["glmmTMB.R"]   # glmmTMB's Laplace/REML optimum is the same model's
    assert fit["fixef"] == pytest.approx(tmb["fixef"], rel=1e-3, abs=1e-4)
    brms = tools["brms.R"]
    assert brms["rhat_max"] < 1.05
    assert set(brms["fixef"]) == set(fit["fixef"])
    for coef, median in brms["fixef"].items():
        assert abs(fit["fixef"][coef] - median) <= 2 * brms["fixef_sd"][coef], coef
    for term, median in brms["re_sd"].items():
        assert abs(fit["re_sd"][term] - median) <= 2 * brms["re_sd_sd"][term], term
    for name, median in brms["aux"].items():   # Gaussian sigma, Gamma shape
        assert abs(fit[name] - median) <= 2 * brms["aux_sd"][name], name

