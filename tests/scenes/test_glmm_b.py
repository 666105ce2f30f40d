"""The shrinkage, Simpson and random-slope scenes work for every family (Gaussian, Poisson,
Bernoulli, binomial with trials, Gamma), through the CLI a user types (`stills ... --preset`,
`--data f.csv --formula ... --family`), at -q low with few groups: no scene is skipped, every
slide point leaves a still, the lambda drawn is the estimator's, the narration's `{fields}` are
filled with the fit's numbers, groups whose own estimate is infinite are drawn at the edge, and
the random-slopes "intercepts" slide draws parallel lines of a random-intercept fit written in
the user's own column names.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from estimator.fit import fit
from estimator.formula_variants import random_intercept_formula
from estimator.presets import load_preset
from estimator.table import read_csv
from scenes.context import input_from_scenario
from scenes.narration import fields_of, fill_narration
from scenes.theme import fmt
from scripts.cli import cli

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")

SCENES = ["ShrinkageDiagram", "ShrinkageMap", "SimpsonReversal", "RandomSlopes", "RandomEffectsScatter"]


def stills(out: Path, *args) -> dict:
    """Run `glmm-explainer stills SCENES... -q low --json --out OUT ARGS` and return its summary."""
    result = CliRunner().invoke(cli, ["stills", *SCENES, "-q", "low", "--json", "--out", str(out),
                                      *[str(a) for a in args]], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def metas(out: Path) -> dict:
    """{scene: the cached render's record} (numbers drawn, narration values, marks)."""
    found = {}
    for path in (out / ".cache" / "objects").glob("*/*/meta.json"):
        meta = json.loads(path.read_text())
        if "scene" in meta:
            found[meta["scene"]] = meta
    return found


def catalog_slides(out: Path) -> dict:
    """{scene: ((name, narration template), ...)} as the CLI's `list --json` gives them."""
    from scripts.pipeline import catalog
    from scripts.pipeline.cache import Cache

    return {s.name: s.slides for s in catalog.load(Cache(out / ".cache"))}


def assert_rendered(summary: dict, out: Path, scenes=SCENES):
    status = {s["scene"]: (s["status"], s["detail"]) for s in summary["scenes"]}
    for scene in scenes:
        assert status[scene][0] in ("rendered", "cached"), (scene, status[scene])
    names = {Path(f).name for f in summary["files"]}
    templates = catalog_slides(out)
    for scene in scenes:
        for index, (slide, _) in enumerate(templates[scene], start=1):
            assert f"{scene}-{index:02d}-{slide}.png" in names


def assert_narration_filled(out: Path, scenes=SCENES):
    """Every `{field}` of every template is filled from the render's values."""
    templates, records = catalog_slides(out), metas(out)
    for scene in scenes:
        values = records[scene]["narration_values"]
        for _, template in templates[scene]:
            assert set(fields_of(template)) <= set(values), (scene, template)
            filled = fill_narration(template, values)
            assert "{" not in filled and "gamma00-hat" not in filled and "tau0^2" not in filled


# ------------------------------------------------------------------ every family, built-in presets
FAMILY_RUNS = [
    ("poisson", [], "poisson"),
    ("logistic", [], "binomial"),                         # Bernoulli
    ("logistic", ["--set", "trials=10"], "binomial"),     # binomial with trials
    ("gamma", [], "gamma"),
    ("default", [], "gaussian"),
]


@pytest.mark.parametrize("preset,extra,family", FAMILY_RUNS,
                         ids=["poisson", "bernoulli", "binomial-trials", "gamma", "gaussian"])
def test_every_family_renders_with_the_estimators_numbers(preset, extra, family, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = ["--set", "n_groups=5", *extra]
    summary = stills(Path("media"), "--preset", preset, *settings, "-j", "2")
    out = tmp_path / "media"
    assert_rendered(summary, out)
    assert_narration_filled(out)

    scenario = load_preset(preset).replace(n_groups=5, **({"trials": 10} if extra else {}))
    own = input_from_scenario(scenario).fit()
    assert own.family == family
    records = metas(out)
    diagram = records["ShrinkageDiagram"]
    values, shown = diagram["narration_values"], diagram["numbers"]
    focus = values["focus"]
    # lambda on screen and in the narration is FitResult.shrinkage (the reliability)
    assert shown[f"lambda[{focus}]"] == pytest.approx(own.shrinkage[focus])
    assert values["focus_lambda"] == fmt(own.shrinkage[focus])
    assert shown["gamma00_hat"] == pytest.approx(own.fixef["(Intercept)"])
    if family != "gaussian":
        k = own.re_terms.index("(Intercept)")
        assert shown[f"condvar[{focus}]"] == pytest.approx(own.ranef_condvar[focus][k][k])
        assert 1 - shown[f"condvar[{focus}]"] / shown["tau0_sq"] == pytest.approx(own.shrinkage[focus])
        assert values["scale"] in (" on the log-rate scale", " on the log-odds scale", " on the log-mean scale")
    missing = sum(v["(Intercept)"] is None for v in own.no_pooling["common_slope"].values())
    assert shown["edge_marks"] == missing           # infinite own estimates are drawn, not hidden

    simpson = records["SimpsonReversal"]["numbers"]
    assert simpson["pooled_slope"] == pytest.approx(own.complete_pooling["fixef"]["x"])
    assert simpson["gamma10_hat"] == pytest.approx(own.fixef["x"])

    # the slope scenes use the family's own slope preset (these presets have no random slope)
    slope_preset = {"gaussian": "fan-out", "poisson": "poisson-slopes", "binomial": "logistic-slopes",
                    "gamma": "gamma-slopes"}[family]
    slope_fit = input_from_scenario(load_preset(slope_preset)).fit()
    assert slope_fit.family == family
    scatter = records["RandomEffectsScatter"]["numbers"]
    assert scatter["rho"] == pytest.approx(slope_fit.re_corr[0][1])
    slopes = records["RandomSlopes"]["numbers"]
    intercept_slopes = [v for k, v in slopes.items() if k.startswith("intercepts_slide_slope[")]
    assert len(intercept_slopes) == slope_fit.n_groups and np.ptp(intercept_slopes) < 1e-9


def test_sweep_shows_the_estimators_lambda_for_a_glmm(tmp_path, monkeypatch):
    from scenes.shrinkage import ShrinkageSweep, sweep_fits

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["stills", "ShrinkageSweep", "-q", "low", "--json", "--out", "media",
                                      "--preset", "logistic", "--set", "n_groups=5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    record = metas(tmp_path / "media")["ShrinkageSweep"]
    scenario = load_preset("logistic").replace(n_groups=5)
    last = ShrinkageSweep.path[-1]
    true_tau, swept = sweep_fits(scenario, [last])[last]
    focus = record["narration_values"]["focus"]
    assert record["numbers"][f"lambda[{focus}]"] == pytest.approx(swept.shrinkage[focus])
    assert record["numbers"]["tau0"] == pytest.approx(true_tau)
    assert record["narration_values"]["large_lambda"] == fmt(swept.shrinkage[focus])


# ------------------------------------------------------------------ a user's own data
def pupils_csv(path: Path, seed: int = 4) -> None:
    """Schools with their own intercepts and slopes; `passed` is 0/1 and one school never
    passes (its own log-odds is -infinity); `visits` are counts."""
    rng = np.random.default_rng(seed)
    rows = ["school,hours,score,passed,visits"]
    for j in range(5):
        u0, u1 = rng.normal(0, 5), rng.normal(0, 1.0)
        for _ in range(int(rng.integers(10, 20))):
            h = rng.uniform(0, 10)
            p = 0.0 if j == 2 else 1 / (1 + np.exp(-(-1.5 + 0.3 * h + u0 / 5)))
            rows.append(f"S{j + 1:02d},{h:.2f},{50 + u0 + (2 + u1) * h + rng.normal(0, 4):.1f},"
                        f"{int(rng.random() < p)},{rng.poisson(np.exp(0.3 + 0.12 * h))}")
    path.write_text("\n".join(rows) + "\n")


def test_user_random_slopes_intercepts_slide_is_a_random_intercept_fit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pupils_csv(tmp_path / "pupils.csv")
    formula = "score ~ hours + (1 + hours | school)"
    summary = stills(Path("media"), "--data", "pupils.csv", "--formula", formula)
    out = tmp_path / "media"
    assert_rendered(summary, out)
    assert_narration_filled(out)
    table = read_csv("pupils.csv")
    slopes_fit = fit(formula, table)
    intercept_formula = random_intercept_formula(formula)
    assert intercept_formula == "score ~ hours + (1 | school)"
    intercept_fit = fit(intercept_formula, table)
    record = metas(out)["RandomSlopes"]
    assert record["narration_values"]["intercept_formula"] == intercept_formula
    said = record["marks"][0]["narration"]             # the mark carries the filled-in words
    assert f"With random intercepts only, {intercept_formula}, every school" in said
    assert f"γ̂₁₀ = {fmt(intercept_fit.fixef['hours'])}: the lines are parallel." in said
    shown = record["numbers"]
    parallel = [shown[f"intercepts_slide_slope[{g}]"] for g in intercept_fit.group_labels]
    assert parallel == pytest.approx([intercept_fit.fixef["hours"]] * len(parallel))   # parallel
    tilted = [shown[f"slopes_slide_slope[{g}]"] for g in slopes_fit.group_labels]
    assert tilted == pytest.approx([c["hours"] for c in slopes_fit.group_coefficients().values()])
    assert np.ptp(tilted) > 0.1                                                        # tilted
    assert shown["tau1"] == pytest.approx(slopes_fit.re_sd["hours"])


def test_user_bernoulli_data_show_the_group_that_never_passes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pupils_csv(tmp_path / "pupils.csv")
    formula = "passed ~ hours + (1 | school)"
    summary = stills(Path("media"), "--data", "pupils.csv", "--formula", formula, "--family", "binomial")
    out = tmp_path / "media"
    assert_rendered(summary, out)
    own = fit(formula, read_csv("pupils.csv"), family="binomial")
    assert own.no_pooling["common_slope"]["S03"]["(Intercept)"] is None
    record = metas(out)["ShrinkageDiagram"]
    assert record["numbers"]["edge_marks"] == 1
    assert "S03: every outcome is 0" in record["narration_values"]["not_estimable"]
    focus = record["narration_values"]["focus"]
    assert focus != "S03" and record["numbers"][f"lambda[{focus}]"] == pytest.approx(own.shrinkage[focus])


# ------------------------------------------------------------------ the small parts
def test_the_pipeline_fills_narration_fields_from_the_render():
    from types import SimpleNamespace

    from scripts.pipeline.assemble import narration_of

    job = SimpleNamespace(scene=SimpleNamespace(slides=(("a", "The pooled slope is {pooled}; (1 | g) {x}"),)))
    rendered = SimpleNamespace(meta={"narration_values": {"pooled": "−1.25"}})
    assert narration_of(job, rendered) == {"a": "The pooled slope is −1.25; (1 | g) {x}"}
    old = SimpleNamespace(meta={})                       # a render cached before the values existed
    assert narration_of(job, old) == {"a": "The pooled slope is {pooled}; (1 | g) {x}"}


@pytest.mark.parametrize("formula,expected", [
    ("score ~ hours + (1 + hours | school)", "score ~ hours + (1 | school)"),
    ("y ~ x + (1 + x || g)", "y ~ x + (1 | g)"),
    ("y ~ x + (1|g) + (0 + x|g)", "y ~ x + (1 | g)"),
    ("cbind(s, f) ~ x*z + (x | g)", "cbind(s, f) ~ x*z + (1 | g)"),
    ("y ~ (x | g) + x", "y ~ x + (1 | g)"),
    ("`exam score` ~ `h w` + (1 + `h w` | `my school`)", "`exam score` ~ `h w` + (1 | `my school`)"),
])
def test_random_intercept_formula_keeps_the_users_terms(formula, expected):
    assert random_intercept_formula(formula) == expected


def test_long_axis_labels_wrap_or_shorten_to_fit():
    from manim import Text

    from scenes.theme import FONT, LABEL_SIZE
    from scenes.vocab.glmm_b import fitting_label

    label = "slope (exam score per hours of homework per week)"
    assert fitting_label(label, 20.0) == label
    wrapped = fitting_label(label, 4.5)
    assert "\n" in wrapped and wrapped.replace("\n", " ") == label
    assert all(Text(line, font=FONT, font_size=LABEL_SIZE).width <= 4.5 for line in wrapped.split("\n"))
    short = fitting_label(label, 2.5)
    assert short.endswith(" …") and label.startswith(short[:-2])
    assert Text(short, font=FONT, font_size=LABEL_SIZE).width <= 2.5


def test_scatter_syntax_rows_keep_a_readable_size_under_the_preset_note(tmp_path, monkeypatch):
    """Under the 'shown with the fan-out preset' note the syntax rows were shrunk to 14.8 pt to
    fit below the stacked matrix and correlation."""
    from scenes import context
    from scenes.random_slopes import RandomEffectsScatter
    from scenes.theme import LABEL_SIZE
    from tests.scenes.rendering import render_checked, use_preset

    use_preset(monkeypatch, tmp_path, "default")          # no random slope: a preset is shown
    render_checked(RandomEffectsScatter, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    context.lecture_input.cache_clear()


def test_long_lme4_brackets_break_instead_of_shrinking():
    from manim import Text

    from scenes.line_breaks import code_lines
    from scenes.random_slopes import syntax_table
    from scenes.theme import LABEL_SIZE, LIGHT
    from scenes.vocab import PANEL_REGION
    from tests.scenes.rendering import text_size

    assert code_lines("y ~ x_within + x_mean + (1 | group)", lambda t: len(t) <= 28) == \
        ["y ~ x_within + x_mean +", "    (1 | group)"]
    assert code_lines("(0 + hours_of_homework | school_district)", lambda t: len(t) <= 28) == \
        ["(0 + hours_of_homework", "    | school_district)"]
    table = syntax_table([("(1 + hours_of_homework | school_district)", "both, correlated")], LIGHT)
    assert table.width <= PANEL_REGION.width + 1e-6
    texts = [t for t in table.get_family() if isinstance(t, Text)]
    assert len(texts) == 2 and all(text_size(t) >= LABEL_SIZE - 0.05 for t in texts)


def test_random_slopes_formula_in_the_users_names_keeps_its_size(tmp_path, monkeypatch):
    """`score ~ hours + (1 + hours | school)` was scaled to the panel's width (14 pt); it breaks
    after a ' +' and the readouts below make room."""
    from scenes import context
    from scenes.random_slopes import RandomSlopes
    from scenes.theme import LABEL_SIZE
    from tests.scenes.rendering import render_checked

    pupils_csv(tmp_path / "pupils.csv")
    spec = tmp_path / "input.json"
    context.write_input_file(str(spec), load_preset("default"), data_csv=str(tmp_path / "pupils.csv"),
                             formula="score ~ hours + (1 + hours | school)")
    monkeypatch.setenv(context.INPUT_ENV, str(spec))
    context.lecture_input.cache_clear()
    try:
        render_checked(RandomSlopes, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    finally:
        context.lecture_input.cache_clear()


def test_the_rho_sweeps_lines_stay_inside_the_plot(tmp_path, monkeypatch):
    """fan-in: the axis was the data's range, and the lines re-fitted at rho = 0.8 ran past its
    top (clipped, ending early)."""
    from scenes import context
    from scenes.random_slopes import RHO_SWEEP, RandomSlopes, line_ends
    from scenes.vocab import x_axis_limits
    from tests.scenes.rendering import render_low, use_preset

    lecture = use_preset(monkeypatch, tmp_path, "fan-in")
    try:
        scene = render_low(RandomSlopes, tmp_path, monkeypatch)
    finally:
        context.lecture_input.cache_clear()
    x_lim = x_axis_limits(lecture.arrays()[0], lecture.scenario)
    fits = [input_from_scenario(lecture.scenario.replace(rho=rho)).fit() for rho in RHO_SWEEP]
    ends = line_ends(fits, x_lim)
    assert scene.displayed["y_axis_min"] <= min(ends) and max(ends) <= scene.displayed["y_axis_max"]


def test_response_curves_and_hand_drawn_curves_thin_out_like_group_lines():
    """At 100 groups the link scenes' and SimpsonReversal's GLMM curves kept full width and
    opacity: the typical curve and the tangent were buried (group_lines already thinned)."""
    from manim import VGroup

    from scenes.theme import LIGHT
    from scenes.vocab import group_lines, make_axes, thin_crowd
    from scenes.vocab.glmm_b import response_curves

    axes = make_axes((0, 10), (0, 1), "x", "p", LIGHT, outcome="probability")
    coefs = [(-2.0 + 0.04 * j, 0.4) for j in range(100)]
    lines = group_lines(axes, coefs, LIGHT, stroke_width=3.5)
    curves = response_curves(axes, "binomial", coefs, LIGHT, stroke_width=3.5)
    assert curves[0].get_stroke_width() == pytest.approx(lines[0].get_stroke_width())
    assert curves[0].get_stroke_opacity() == pytest.approx(lines[0].get_stroke_opacity())
    assert curves[0].get_stroke_opacity() < 1
    few = thin_crowd(VGroup(*response_curves(axes, "binomial", coefs[:8], LIGHT, stroke_width=3.5)))
    assert few[0].get_stroke_width() == pytest.approx(3.5)


def test_variance_components_stay_inside_the_margins(tmp_path, monkeypatch):
    """The ICC bar's '0' sat left of the safe margin (its bar began 0.2 inside the plot region)."""
    from scenes import context
    from scenes.theme import LABEL_SIZE
    from scenes.variance import VarianceComponents
    from tests.scenes.rendering import render_checked, use_preset

    use_preset(monkeypatch, tmp_path, "default")
    try:
        render_checked(VarianceComponents, tmp_path, monkeypatch, min_size=LABEL_SIZE)
    finally:
        context.lecture_input.cache_clear()


def test_simpsons_slope_strip_stays_inside_the_margins(tmp_path, monkeypatch):
    """Poisson: the strip's last tick number ('0.3', centred on the axis end) crossed the right
    safe margin."""
    from scenes import context
    from scenes.simpson import SimpsonReversal
    from tests.scenes.rendering import render_checked, use_preset

    use_preset(monkeypatch, tmp_path, "poisson")
    try:
        render_checked(SimpsonReversal, tmp_path, monkeypatch)
    finally:
        context.lecture_input.cache_clear()
