"""`glmm-explainer narration export`: the slide points' narration as a TOML file to edit and
pass back with --narration."""
from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group(short_help="Your own narration texts (TOML) for captions, handout and voice.")
def narration():
    """Narration texts per slide point, to replace with your own words (any language)."""


@narration.command("export", short_help="Write the current narration as a starting TOML file.")
@click.argument("scenes", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write [default: stdout].")
@click.option("--out", type=click.Path(), default="media", show_default=True,
              help="Output folder whose cache keeps the scene list.")
def export(scenes, output, out):
    """Write the narration of SCENES (all by default) as TOML: one table per scene, one
    `slide point = "text"` line per slide point.

    \b
    Examples:
      glmm-explainer narration export -o narration.toml
      glmm-explainer lecture --narration narration.toml
    """
    from scripts.errors import PipelineError
    from scripts.pipeline import catalog
    from scripts.pipeline.cache import Cache, write_atomic
    from scripts.pipeline.layout import cache_root
    from scripts.pipeline.narration import export_text

    scenes_known = catalog.load(Cache(cache_root(Path(out))), {})
    known = {scene.name: scene for scene in scenes_known}
    unknown = [name for name in scenes if name not in known]
    if unknown:
        raise PipelineError(f"scene '{unknown[0]}' is unknown: use one of {', '.join(known)} "
                            "(see `glmm-explainer list`)")
    chosen = [known[name] for name in dict.fromkeys(scenes)] if scenes else scenes_known
    text = export_text(chosen)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        raise PipelineError(f"cannot write '{output}' ({exc.strerror}): choose another file with -o") from None
    click.echo(output, err=True)
