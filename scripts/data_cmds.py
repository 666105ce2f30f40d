"""Commands that inspect scenarios, simulate data and fit models: `scenario`, `simulate`, `fit`."""
from __future__ import annotations

import json
import sys

import click

from estimator.family_descriptions import FAMILY_NAMES, GLMM_FAMILY_NAMES, family_help
from estimator.scenario import load_scenario
from scripts.errors import UserError
from scripts.presets import resolve_scenario, warn_if_uninformative


def was_given(ctx: click.Context, name: str) -> bool:
    """True when the user typed the option (not its default): an option that does not apply
    is refused only when it was asked for."""
    source = ctx.get_parameter_source(name)
    return source is not None and source not in (click.core.ParameterSource.DEFAULT,
                                                 click.core.ParameterSource.DEFAULT_MAP)


def scenario_options(func):
    """--preset, --scenario and --set, defined once for every command that takes a scenario."""
    func = click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
                        help="Override one scenario key (repeatable), e.g. --set tau0=3.")(func)
    func = click.option("--scenario", "scenario_file", type=click.Path(dir_okay=False),
                        help="A TOML scenario file (keys as in `scenario show`).")(func)
    func = click.option("--preset", help="A built-in scenario (see `list`).")(func)
    return func


@click.group()
def scenario():
    """Inspect or check a scenario file.

    \b
    Examples:
      glmm-explainer scenario show --preset simpson
      glmm-explainer scenario validate my-class.toml
    """


@scenario.command("show")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@scenario_options
def scenario_show(file, preset, scenario_file, assignments):
    """Print the full scenario (every key, as TOML) after presets, file and --set overrides."""
    if file and scenario_file:
        raise UserError(f"two scenario files given ('{file}' and --scenario '{scenario_file}'): give one "
                        "(change single keys with --set KEY=VALUE)")
    chosen = resolve_scenario(preset, file or scenario_file, assignments)
    click.echo(chosen.to_toml(), nl=False)


@scenario.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def scenario_validate(file):
    """Check a scenario file; exit status 2 with the problem if it is not valid."""
    chosen = load_scenario(file)
    warn_if_uninformative(chosen)
    click.echo(f"{file}: valid scenario '{chosen.name}' ({chosen.family}, {chosen.n_groups} groups)")


@click.command()
@scenario_options
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file to write.")
def simulate(preset, scenario_file, assignments, out):
    """Simulate a scenario's data and write it as CSV (columns group, x, y[, trials]).

    \b
    Example:
      glmm-explainer simulate --preset simpson --set seed=3 --out media/data/simpson.csv
    """
    from estimator.simulate import simulate as simulate_data
    from estimator.table import write_csv

    data = simulate_data(resolve_scenario(preset, scenario_file, assignments))
    write_csv(data.table, out)
    click.echo(f"wrote {len(data.table['y'])} rows in {len(data.group_labels)} groups to {out}", err=True)


@click.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--formula", required=True, help="lme4-style formula, e.g. 'y ~ x + (1 + x | g)'.")
@click.option("--family", default="gaussian", show_default=True,
              type=click.Choice(FAMILY_NAMES, case_sensitive=False), help=family_help() + ".")
@click.option("--method", default="reml", show_default=True,
              type=click.Choice(["reml", "ml"], case_sensitive=False), help="Gaussian only.")
@click.option("--nagq", default=1, show_default=True, type=int,
              help="Adaptive Gauss-Hermite points (GLMM with one random intercept; 1 = Laplace).")
@click.option("--trials", help="Binomial: the column holding the number of trials per row.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the fit contract).")
@click.option("--trace", is_flag=True, help="With --json: include the optimizer trace.")
@click.pass_context
def fit(ctx, data, formula, family, method, nagq, trials, as_json, trace):
    """Fit a (G)LMM to a CSV file with the project's own estimator (lme4's answers).

    \b
    Examples:
      glmm-explainer fit sleep.csv --formula 'Reaction ~ Days + (Days | Subject)'
      glmm-explainer fit counts.csv --formula 'c ~ x + (1 | g)' --family poisson --nagq 9 --json
    """
    from estimator.fit import fit as fit_model  # scipy: imported only by the commands that fit
    from estimator.table import read_csv
    from scripts.summary import format_summary

    _refuse_options_that_do_not_apply(ctx, family.lower(), trace, as_json)
    table = read_csv(data)
    result = fit_model(formula, table, family=family.lower(), method=method.lower(), nagq=nagq,
                       trials=trials)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(trace=trace), indent=2, allow_nan=False) + "\n")
    else:
        click.echo(format_summary(result))


def _refuse_options_that_do_not_apply(ctx: click.Context, family: str, trace: bool, as_json: bool) -> None:
    """Checked before the CSV is read: a typed option that would change nothing is a mistake
    the user should hear about (they believe it did something)."""
    if family != "gaussian" and was_given(ctx, "method"):
        raise UserError(f"--method is for the gaussian family only: a {family} model is fitted by "
                        "maximum likelihood (Laplace, or --nagq points): drop --method")
    if family == "gaussian" and was_given(ctx, "nagq"):
        raise UserError(f"--nagq is for GLMMs only ({', '.join(GLMM_FAMILY_NAMES)}): a gaussian model is "
                        "fitted exactly: drop --nagq")
    if trace and not as_json:
        raise UserError("--trace adds the optimizer trace to the JSON output: add --json or drop --trace")
