"""Commands that render: `list`, `render`, `stills`, `lecture`, `slides`.

Thin: options are parsed here, the work is done by scripts.pipeline (which never imports manim
unless a scene really has to be rendered). Every problem a user can fix ends as one line and
exit status 2; files already finished stay valid.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from estimator.family_descriptions import FAMILY_NAMES, family_help
from scenes.pacing import DEFAULT_PACE, PACES
from scripts.data_cmds import scenario_options
from scripts.speech_options import apply_narration, apply_speech, narration_option, speech_options
from scripts.pipeline.layout import (QUALITIES, STILL_FORMATS, THEMES, assembled_folder,
                                     stills_folder)

QUALITY_HELP = ", ".join(f"{q.name} = {q.width}x{q.height} {q.fps} fps" for q in QUALITIES.values())


def output_options(default_quality: str = "high"):
    def decorate(func):
        func = click.option("--json", "as_json", is_flag=True,
                            help="Print a machine-readable summary (JSON) on stdout; no progress.")(func)
        func = click.option("--quiet", is_flag=True, help="No progress display.")(func)
        func = click.option("-j", "--jobs", "parallel", type=click.IntRange(1, 64), default=None,
                            help="Scenes rendered at once, each in its own process [default: CPU cores].")(func)
        func = click.option("--out", type=click.Path(), default="media", show_default=True,
                            help="Output folder (the cache lives in OUT/.cache).")(func)
        func = click.option("--theme", type=click.Choice(THEMES), default="dark", show_default=True,
                            help="dark for screens, light for projectors in bright rooms.")(func)
        func = click.option("-q", "--quality", type=click.Choice(list(QUALITIES)), default=default_quality,
                            show_default=True, help=QUALITY_HELP + ".")(func)
        return func
    return decorate


def pace_option(func):
    return click.option("--pace", type=click.Choice(PACES), default=DEFAULT_PACE, show_default=True,
                        help="reading: each slide point holds until its narration has been spoken "
                             "(with a voice), else until the captions can be read at 15 characters/s; "
                             "brisk: short holds and no voice, for talking over the video (lands in "
                             "<quality>-<theme>-brisk/).")(func)


def data_options(func):
    func = click.option("--trials", help="With --data, binomial: the column with the number of trials.")(func)
    func = click.option("--family", type=click.Choice(FAMILY_NAMES, case_sensitive=False),
                        help=f"With --data: the model family ({family_help()}) [default: gaussian].")(func)
    func = click.option("--formula", help="With --data: the model, e.g. 'y ~ x + (1 | g)'.")(func)
    func = click.option("--data", type=click.Path(dir_okay=False),
                        help="Run the scenes on your own CSV instead of simulated data.")(func)
    return func


def _session(command, preset, scenario_file, assignments, out, quality, theme, parallel, quiet,
             as_json, data=None, formula=None, family=None, trials=None, pace=None):
    from scripts.pipeline.inputs import resolve_input
    from scripts.pipeline.progress import make_reporter
    from scripts.pipeline.session import Session, Settings

    run_input = resolve_input(preset, scenario_file, assignments, data, formula, family, trials)
    settings = Settings.make(out, quality, theme, parallel, make_reporter(quiet or as_json), pace)
    return Session(settings, run_input, command)


def _finish(session, as_json: bool, quiet: bool) -> None:
    manifest_path = session.finish()
    if session.interrupted:  # the one 'Interrupted: ...' line, not a summary of a partial run
        session.raise_failures()
    summary = session.summary(manifest_path)
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        for path in summary["files"]:
            click.echo(path)
        if not quiet:
            counts: dict[str, int] = {}
            for outcome in summary["scenes"]:
                counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
            told = ", ".join(f"{n} {status}" for status, n in counts.items())
            click.echo(f"{told}; {summary['seconds']:.1f} s; manifest: {manifest_path}", err=True)
    session.raise_failures()


# ---------------------------------------------------------------- list
@click.command("list", short_help="Scenes (with their slide points) and presets.")
@click.option("--json", "as_json", is_flag=True, help="Print scenes and presets as JSON.")
@click.option("--out", type=click.Path(), default="media", show_default=True,
              help="Output folder whose cache keeps the scene list (no manim import next time).")
def list_cmd(as_json, out):
    """List the lecture's scenes (with their slide points) and the built-in presets.

    \b
    Examples:
      glmm-explainer list
      glmm-explainer list --json | jq '.scenes[].name'
    """
    from scripts.pipeline import catalog
    from scripts.pipeline.cache import Cache
    from scripts.pipeline.layout import cache_root
    from estimator.presets import preset_names

    cache, described = Cache(cache_root(Path(out))), {}
    scenes = catalog.load(cache, described)  # a CatalogError is one line (scripts/errors.py)
    if Path(out).is_dir():  # keep the descriptions in an existing output folder, never create one
        try:
            catalog.save(cache, described)
        except OSError:
            pass
    if as_json:
        payload = {"scenes": [{"name": s.name, "module": s.module, "description": s.description,
                               "needs_truth": s.needs_truth, "families": list(s.families),
                               "slides": [{"name": n, "narration": t} for n, t in s.slides]}
                              for s in scenes],
                   "presets": preset_names()}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    click.echo("Scenes, in lecture order:")
    module = None
    for s in scenes:
        if s.module != module:
            module = s.module
            click.echo(f"  [{module.split('.')[-1].removeprefix('_glmm_scenes_')}]")
        flags = []
        if s.needs_truth:
            flags.append("needs simulated data")
        if set(s.families) != set(FAMILY_NAMES):
            flags.append("/".join(s.families) + " only")
        extra = f" ({'; '.join(flags)})" if flags else ""
        click.echo(f"    {s.name} - {s.description}{extra}")
        for i, (name, _) in enumerate(s.slides, start=1):
            click.echo(f"        {i}. {name}")
    click.echo("Presets: " + ", ".join(preset_names()))


# ---------------------------------------------------------------- render
@click.command(short_help="Videos of the scenes, one MP4 each.")
@click.argument("scenes", nargs=-1)
@output_options()
@pace_option
@speech_options
@scenario_options
@data_options
def render(scenes, quality, theme, out, parallel, quiet, as_json, pace, voice, recordings,
           narration_file, preset, scenario_file, assignments, data, formula, family, trials):
    """Render the videos of SCENES (all scenes by default), one MP4 per scene.

    Unchanged scenes come from the cache (OUT/.cache) in well under a second; a changed scenario
    value, theme or quality re-renders only what depends on it.

    \b
    Examples:
      glmm-explainer render                          # whole lecture, 1080p60, dark
      glmm-explainer render TitleCard -q low         # one scene, quick draft
      glmm-explainer render PoolingComparison --pace brisk   # short holds, to talk over
      glmm-explainer render --preset simpson --set tau0=3 --theme light
      glmm-explainer render --data sleep.csv --formula 'Reaction ~ Days + (Days | Subject)'
      glmm-explainer render TitleCard --voice none   # silent, as before voices
    """
    session = _session("render", preset, scenario_file, assignments, out, quality, theme, parallel,
                       quiet, as_json, data, formula, family, trials, pace)
    apply_speech(session, voice, recordings, narration_file)
    chosen = session.select(scenes)
    jobs = session.realise(chosen, "video", ("mp4",))
    for job in jobs:
        if "mp4" in job.found:
            name = f"{job.scene.name}.mp4"
            session.place(f"videos/{name}", job.found["mp4"], name, "video", job.scene.name, "mp4")
    _finish(session, as_json, quiet)


# ---------------------------------------------------------------- stills
def _formats(ctx, param, values):
    chosen = []
    for value in values or ("png",):
        for item in value.split(","):
            item = item.strip().lower()
            if item not in STILL_FORMATS:
                raise click.BadParameter(f"'{item}' is not a still format: use png, svg or pdf")
            chosen.append(item)
    return tuple(dict.fromkeys(chosen))


@click.command(short_help="One image per slide point: PNG, SVG or PDF.")
@click.argument("scenes", nargs=-1)
@click.option("-f", "--format", "formats", multiple=True, callback=_formats, metavar="png|svg|pdf",
              help="Image format(s), repeatable or comma-separated [default: png]. svg and pdf are "
                   "vector: sharp at any size.")
@click.option("--transparent", is_flag=True, help="No background (PNG alpha; vector without a backdrop).")
@output_options()
@scenario_options
@data_options
def stills(scenes, formats, transparent, quality, theme, out, parallel, quiet, as_json, preset,
           scenario_file, assignments, data, formula, family, trials):
    """Save one image per slide point of SCENES (all by default), without encoding any video.

    Files are named <Scene>-<NN>-<slide>.<ext> under stills/<format>/ (stills/<format>-transparent/
    with --transparent); PNGs have the pixel size of --quality.

    \b
    Examples:
      glmm-explainer stills                            # every slide point, PNG 1920x1080
      glmm-explainer stills TitleCard -f svg,pdf       # vector stills for slides
      glmm-explainer stills --transparent -q 4k --theme light
    """
    session = _session("stills", preset, scenario_file, assignments, out, quality, theme, parallel,
                       quiet, as_json, data, formula, family, trials)
    chosen = session.select(scenes)
    jobs = session.realise(chosen, "stills", formats, transparent)
    for job in jobs:
        for fmt, obj in job.found.items():
            folder = stills_folder(fmt, transparent)
            for name in sorted(obj.meta["files"]):
                session.place(f"{folder}/{name}", obj, name, "still", job.scene.name, fmt)
    _finish(session, as_json, quiet)


# ---------------------------------------------------------------- lecture
@click.command(short_help="One MP4 with chapters, captions (VTT, SRT) and a PDF handout.")
@click.argument("scenes", nargs=-1)
@output_options()
@pace_option
@speech_options
@click.option("--burn-captions", is_flag=True,
              help="Draw the captions into the picture too, for platforms that ignore caption files "
                   "(re-encodes the lecture).")
@scenario_options
@data_options
def lecture(scenes, quality, theme, out, parallel, quiet, as_json, pace, voice, recordings,
            narration_file, burn_captions, preset, scenario_file, assignments, data, formula,
            family, trials):
    """The whole lecture (or SCENES, in lecture order) as one MP4 with a chapter per scene,
    the narration spoken (a synthetic voice, or your recordings) and each slide point held until
    its speech has ended, captions (lecture.vtt, lecture.srt) timed to the speech, a PDF
    handout of every slide still with its narration, and the predict-then-reveal questions as
    an exercise sheet (exercises.pdf) with its answer key (answers.pdf).

    The whole lecture lands in lecture/; a choice of SCENES lands in parts/<Scene+Scene>/lecture/,
    so a quick draft never replaces the full lecture or its handout.

    \b
    Examples:
      glmm-explainer lecture
      glmm-explainer lecture -q medium --theme light --preset simpson
      glmm-explainer lecture --pace brisk            # short holds, for talking over it
      glmm-explainer lecture TitleCard -q low --out /tmp/draft
      glmm-explainer lecture --voice none            # silent, captions at a reading pace
      glmm-explainer lecture --recordings my-voice/ --narration my-words.toml
    """
    from scripts.pipeline.assemble import build_lecture

    session = _session("lecture", preset, scenario_file, assignments, out, quality, theme, parallel,
                       quiet, as_json, data, formula, family, trials, pace)
    apply_speech(session, voice, recordings, narration_file)
    order = {scene.name: i for i, scene in enumerate(session.catalog)}
    chosen = sorted(session.select(scenes), key=lambda scene: order[scene.name])
    jobs = session.realise(chosen, "video", ("mp4",), then="lecture")
    session.raise_failures()
    obj = build_lecture(session, jobs, burn_captions=burn_captions)
    folder = assembled_folder("lecture", scenes, [scene.name for scene in session.catalog])
    for name, kind in (("lecture.mp4", "lecture"), ("lecture.vtt", "captions"),
                       ("lecture.srt", "captions"), ("handout.pdf", "handout"),
                       ("exercises.pdf", "exercises"), ("answers.pdf", "answers")):
        session.place(f"{folder}/{name}", obj, name, kind, None, name.rsplit(".", 1)[1])
    _finish(session, as_json, quiet)


# ---------------------------------------------------------------- slides
@click.command(short_help="Animated offline HTML deck, PPTX and PDF of the slide points.")
@click.argument("scenes", nargs=-1)
@click.option("--static", "static", is_flag=True,
              help="Stills only, no animation (needs no video render).")
@click.option("--single-file/--folder", "single_file", default=None,
              help="One self-contained deck.html (media as data: URIs), or deck.html beside a "
                   "media/ folder [default: one file when the media are under 12 MB].")
@click.option("--no-pptx", is_flag=True, help="No deck.pptx.")
@click.option("--no-pdf", is_flag=True, help="No deck.pdf (the stills, one per page).")
@click.option("--pace", type=click.Choice(PACES), default=None,
              help="Which video render the animation is cut from (see `render --pace`) "
                   f"[default: {DEFAULT_PACE}]; the clips are the same at either pace.")
@narration_option
@output_options()
@scenario_options
@data_options
def slides(scenes, static, single_file, no_pptx, no_pdf, pace, narration_file, quality, theme, out,
           parallel, quiet, as_json, preset, scenario_file, assignments, data, formula, family, trials):
    """Slide decks of the slide points, in slides/: deck.html (offline: each step plays the
    animation up to the next slide point, then holds its still; S speaker view, F full screen,
    B black), deck.pptx (each slide's animation as a video that plays on a click, narration in
    the notes) and deck.pdf (the stills, a backup deck). The clips are cut from the same
    renders as `render` and `lecture` (nothing is rendered twice). A choice of SCENES lands in
    parts/<Scene+Scene>/slides/, beside the whole deck in slides/.

    \b
    Examples:
      glmm-explainer slides
      glmm-explainer slides --theme light -q medium --preset logistic
      glmm-explainer slides --static --single-file     # today's stills, one file to mail
    """
    from scripts.errors import UserError
    from scripts.pipeline.deck import build_deck

    if static and pace is not None:
        raise UserError("--pace chooses the video the animation is cut from; a --static deck has "
                        "none: drop --pace or --static")
    session = _session("slides", preset, scenario_file, assignments, out, quality, theme, parallel,
                       quiet, as_json, data, formula, family, trials,
                       None if static else (pace or DEFAULT_PACE))
    apply_narration(session, narration_file)   # the speaker notes are the narration
    pptx = not no_pptx
    if pptx:
        try:
            import pptx as _pptx  # noqa: F401
        except ImportError:
            pptx = False
            session.reporter.note("deck.pptx skipped: install python-pptx (pip install python-pptx)")
    order = {scene.name: i for i, scene in enumerate(session.catalog)}
    chosen = sorted(session.select(scenes), key=lambda scene: order[scene.name])
    if static:
        jobs = session.realise(chosen, "stills", ("png",))
    else:
        jobs = session.realise(chosen, "video", ("mp4",), then="lecture")  # ffmpeg cuts the clips
    session.raise_failures()
    obj = build_deck(session, jobs, animated=not static, single_file=single_file, pptx=pptx,
                     pdf=not no_pdf)
    folder = assembled_folder("slides", scenes, [scene.name for scene in session.catalog])
    for name in sorted(obj.meta["files"]):
        session.place(f"{folder}/{name}", obj, name, "slides", None, name.rsplit(".", 1)[1])
    _finish(session, as_json, quiet)


COMMANDS = (list_cmd, render, stills, lecture, slides)
