"""`glmm-explainer doctor`: is this machine ready to render?

It runs every check of scripts.pipeline.tools (the render commands run the same ones before
starting any worker) plus the Python libraries a render imports, and prints one `ok` line per
piece that is there (stdout) and one `Error:` line per missing piece with the Debian package to
install (stderr). Exit status 0 when everything is there, 2 otherwise.
"""
from __future__ import annotations

import importlib.util
import os
import shutil

import click

from scripts.pipeline import tools
from scripts.pipeline.voices import DEFAULT_VOICE, VOICES

PYTHON_MODULES = {"manim": "manim", "manimpango": "ManimPango", "cairo": "pycairo", "PIL": "Pillow"}


def check_python() -> list[tools.Problem]:
    """Found without importing them (importing manim takes seconds)."""
    missing = [dist for module, dist in PYTHON_MODULES.items() if importlib.util.find_spec(module) is None]
    if not missing:
        return []
    return [tools.Problem(f"Python libraries {', '.join(missing)} not found",
                          fix="run scripts/bootstrap.sh (or `pip install -e .` in the project's .venv)")]


def _sections(out: str):
    """(what is checked, the check, what an ok line says)."""
    from scenes.theme import FONTS

    for name in tools.PROGRAMS:
        yield name, lambda name=name: tools.check_programs(name), lambda name=name: shutil.which(name)
    yield "TeX files", tools.check_tex_files, lambda: ", ".join(tools.TEX_FILES)
    yield "fonts", tools.check_fonts, lambda: ", ".join(FONTS)
    yield "voice", lambda: VOICES[DEFAULT_VOICE].problems(), \
        lambda: f"festival with the SLT HTS voice (--voice {DEFAULT_VOICE}, the lecture's default)"
    yield "Python libraries", check_python, lambda: ", ".join(PYTHON_MODULES.values())
    where = os.path.abspath(out)
    yield "output folder", lambda: tools.check_output(out), lambda: f"{where} (writable)"


@click.command(short_help="Check ffmpeg, LaTeX, TeX packages, fonts and the output folder.")
@click.option("--out", type=click.Path(), default="media", show_default=True,
              help="The output folder the render commands would write to.")
@click.pass_context
def doctor(ctx, out):
    """Check that everything rendering needs is installed: ffmpeg and ffprobe, LaTeX with dvisvgm
    and the TeX packages the formulas load, the fonts of the theme, the voice that speaks the
    lecture (Festival), the Python libraries, and a writable output folder. Each missing piece is one line naming the Debian package to install;
    exit status 2 when something is missing. Nothing is written.

    \b
    Example:
      glmm-explainer doctor --out /tmp/lecture
    """
    problems: list[tools.Problem] = []
    for label, run_check, ok_detail in _sections(out):
        found = run_check()
        if found:
            problems.extend(found)
            for problem in found:
                click.echo(f"Error: {problem.line}", err=True)
        else:
            click.echo(f"ok  {label}: {ok_detail()}")
    if not problems:
        click.echo("everything the render commands need is here")
        return
    packages = tools.install_packages(problems)
    if packages:
        click.echo(f"to install everything missing at once: {tools.APT} {' '.join(packages)}")
    ctx.exit(2)
