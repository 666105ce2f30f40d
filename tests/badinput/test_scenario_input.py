"""Bad scenarios (TOML files and --set) through `scenario validate`, `simulate` and a render
command: one line, exit 2, nothing written; uninformative scenarios warn on stderr and run."""
import pytest

from estimator.errors import InputError
from estimator.scenario import Scenario, apply_overrides, load_scenario
from estimator.scenario_warnings import expected_mean, scenario_warnings
from estimator.simulate import simulate
from estimator.presets import load_preset, preset_names
from tests.badinput.conftest import assert_user_error, run

BAD_SETS = [
    ("n_grups=5", "unknown key 'n_grups' (did you mean 'n_groups'?)"),
    ("zzz=5", "unknown key 'zzz' (known keys: name, family"),
    ("n_groups=eight", "n_groups must be a whole number, not 'eight'"),
    ("n_groups=8.5", "n_groups must be a whole number, not '8.5'"),
    ("tau0=big", "tau0 must be a number, not 'big'"),
    ("n_groups=1", "n_groups = 1 is out of range: use 2 to 500"),
    ("rho=1.5", "strictly between -1 and 1"),
    ("sigma=-2", "cannot be negative"),
    ("gamma00=1e12", "gamma00 = 1000000000000.0 is out of range"),
    ("tau0=inf", "tau0 must be a finite number"),
    ("seed=123456789012345678901234567890", "seed is far too large"),
    ("group_size_min=40", "group_size_max = 30 is below group_size_min = 40"),
    ("group_size_max=1", "group_size_max = 1 is below group_size_min"),
    ("family=weibull", "family 'weibull' is unknown"),
    ("tau0", "is not key=value"),
    ("=3", "has no key"),
]


@pytest.mark.parametrize("assignment, fragment", BAD_SETS, ids=[a for a, _ in BAD_SETS])
def test_bad_set_is_one_line_for_every_command(tmp_path, assignment, fragment):
    out = tmp_path / "d.csv"
    assert_user_error(run("simulate", "--set", assignment, "--out", out), fragment)
    assert_user_error(run("scenario", "show", "--set", assignment), fragment)
    assert not out.exists() and not list(tmp_path.iterdir())


BAD_FILES = [
    ("n_gropus = 5\n", "unknown key 'n_gropus' (did you mean 'n_groups'?)"),
    ('n_groups = "eight"\n', "n_groups must be a whole number, not 'eight'"),
    ("n_groups = true\n", "n_groups must be a whole number, not True"),
    ("tau0 = [1, 2]\n", "tau0 must be a number, not [1, 2]"),
    ("family = 3\n", "family must be text, not 3"),
    ("x_min = 1979-05-27\n", "x_min must be a number"),
    ("[model]\ntau0 = 2\n", "section [model] is not supported"),
    ("tau0 = = 2\n", "is not valid TOML"),
    ("group_size_min = 1\ngroup_size_max = 1\n", "lmer refuses the gaussian model y ~ x + (1 | group)"),
    ("group_size_min = 20\ngroup_size_max = 10\n", "below group_size_min = 20"),
    ("n_groups = " + "9" * 5000 + "\n", "holds a number too long to read"),
]


@pytest.mark.parametrize("content, fragment", BAD_FILES, ids=[f[1][:30] for f in BAD_FILES])
def test_bad_toml_is_one_line_at_validate_simulate_and_render(tmp_path, content, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    assert_user_error(run("scenario", "validate", path), fragment)
    out = tmp_path / "out"
    assert_user_error(run("simulate", "--scenario", path, "--out", out / "d.csv"), fragment)
    assert_user_error(run("stills", "ModelResults", "--scenario", path, "--out", out, "-q", "low"), fragment)
    assert not out.exists()


def test_non_utf8_toml(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    assert_user_error(run("scenario", "validate", path), "is not UTF-8 text")


def test_issue_single_row_groups_are_refused_everywhere(tmp_path):
    """The issue: min = max = 1 passed validation, fit gave tau = sigma 'converged', and
    `stills ModelResults` died in a worker. Now each command refuses it as lmer would."""
    fragment = "'number of levels of each grouping factor must be < number of observations'"
    sets = ["--set", "group_size_min=1", "--set", "group_size_max=1"]
    path = tmp_path / "one.toml"
    path.write_text("group_size_min = 1\ngroup_size_max = 1\n")
    assert_user_error(run("scenario", "validate", path), fragment)
    assert_user_error(run("simulate", *sets, "--out", tmp_path / "d.csv"), fragment)
    assert_user_error(run("stills", "ModelResults", *sets, "--out", tmp_path / "media"), fragment)
    assert not (tmp_path / "media").exists() and not (tmp_path / "d.csv").exists()


def test_file_and_set_values_are_judged_together(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("group_size_min = 40\n")
    result = run("simulate", "--scenario", path, "--set", "group_size_max=50", "--out", tmp_path / "d.csv")
    assert result.exit_code == 0, result.output
    assert_user_error(run("simulate", "--scenario", path, "--out", tmp_path / "e.csv"),
                      "group_size_max = 30 is below group_size_min = 40")


def test_later_set_wins_and_family_case_is_ignored():
    s = apply_overrides(Scenario(), ["tau0=1", "tau0=2", "family=Poisson", "n_groups=1e1"])
    assert (s.tau0, s.family, s.n_groups) == (2.0, "poisson", 10)


# ------------------------------------------------------------------ warnings


def test_logistic_scenario_of_99_percent_ones_warns_and_runs(tmp_path):
    path = tmp_path / "ones.toml"
    path.write_text('family = "binomial"\ngamma00 = 4.0\ngamma10 = 0.4\ntau0 = 1.0\n')
    for result in (run("scenario", "validate", path),
                   run("simulate", "--scenario", path, "--out", tmp_path / "d.csv")):
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
        assert len(warnings) == 1, result.stderr
        assert "about 99% of the outcomes will be 1" in warnings[0] and "lower gamma00" in warnings[0]
    assert "Warning:" not in run("scenario", "validate", path).stdout


def test_warnings_come_from_the_parameters_not_one_draw():
    s = load_preset("logistic").replace(gamma00=2.0)
    rates = [sum(simulate(s.replace(seed=k)).table["y"]) / len(simulate(s.replace(seed=k)).table["y"])
             for k in range(60)]
    assert abs(expected_mean(s, lambda eta: 1 / (1 + __import__("numpy").exp(-eta)))
               - sum(rates) / len(rates)) < 0.01
    assert scenario_warnings(s.replace(seed=1)) == scenario_warnings(s.replace(seed=2))


@pytest.mark.parametrize("settings, fragment", [
    ({"family": "binomial", "gamma00": -6.0, "gamma10": 0.1, "tau0": 0.5}, "will be 0"),
    ({"family": "binomial", "gamma00": -6.0, "gamma10": 0.1, "tau0": 0.5}, "raise gamma00"),
    ({"family": "poisson", "gamma00": -4.0, "gamma10": 0.0, "tau0": 0.3}, "of the counts will be 0"),
    ({"family": "poisson", "gamma00": 15.0, "gamma10": 1.0, "tau0": 0.3}, "above the simulator's cap"),
    ({"tau0": 0.0, "tau1": 0.0}, "raise tau0"),
])
def test_other_uninformative_scenarios_warn(settings, fragment):
    assert any(fragment in w for w in scenario_warnings(Scenario(**settings)))


def test_presets_do_not_warn():
    for name in preset_names():
        assert scenario_warnings(load_preset(name)) == [], name


def test_validate_names_the_scenario(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text('name = "mine"\nn_groups = 5\n')
    result = run("scenario", "validate", path)
    assert result.exit_code == 0 and "valid scenario 'mine'" in result.stdout
    assert load_scenario(path).n_groups == 5
    with pytest.raises(InputError):
        load_scenario(tmp_path / "none.toml")


def test_render_commands_warn_before_rendering(capsys):
    """The render commands resolve their input through the same path: the warning is printed
    once, before any worker starts."""
    from scripts.pipeline.inputs import resolve_input

    resolve_input(preset="logistic", assignments=("gamma00=4",))
    err = capsys.readouterr().err
    assert err.count("Warning: scenario 'logistic':") == 1 and "lower gamma00" in err
