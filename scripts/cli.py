"""`glmm-explainer`: the command group. Each command lives in a small module of its own."""
from __future__ import annotations

import click

from scripts.data_cmds import fit, scenario, simulate
from scripts.doctor import doctor
from scripts.errors import ExplainerGroup
from scripts.narration_cmds import narration
from scripts.render_cmds import COMMANDS as RENDER_COMMANDS


@click.group(cls=ExplainerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="glmm-explainer")
def cli():
    """Animated explainer videos and slide stills about (generalized) linear mixed models.

    Every number on screen comes from the project's own estimator (lme4's answers).
    """


for command in (fit, simulate, scenario, *RENDER_COMMANDS, narration, doctor):
    cli.add_command(command)
