"""The options `render` and `lecture` share for spoken narration: --voice, --recordings and
--narration (the work is in scripts/pipeline/voices.py, speech.py and narration.py)."""
from __future__ import annotations

from pathlib import Path

import click

from scenes.pacing import BRISK
from scripts.errors import PipelineError

AUTO = "auto"


def narration_option(func):
    """--narration FILE (also for `slides`, whose speaker notes are the narration)."""
    return click.option("--narration", "narration_file", type=click.Path(dir_okay=False),
                        help="TOML file of your own narration texts, any language (start from "
                             "`glmm-explainer narration export`): captions, handout, notes and "
                             "voice use them.")(func)


def apply_narration(session, narration_file: str | None) -> None:
    """Replace the scenes' narration from the file (one-line errors before anything is written)."""
    from scripts.pipeline import narration

    if narration_file is not None:
        session.catalog = narration.apply(session.catalog, narration.load(narration_file, session.catalog))


def speech_options(func):
    from scripts.pipeline.voices import DEFAULT_VOICE, VOICE_HELP

    func = narration_option(func)
    func = click.option("--recordings", type=click.Path(), metavar="DIR",
                        help="Your own recordings, one per slide point, replace the synthetic voice: "
                             "DIR/<Scene>/<NN>-<slide>.wav (or <Scene>.<slide>.wav; wav, mp3, m4a, "
                             "flac, ogg).")(func)
    func = click.option("--voice", default=AUTO, show_default=True, metavar="NAME",
                        help=f"Who speaks the narration: {VOICE_HELP}. auto = {DEFAULT_VOICE} at the "
                             "reading pace, none at brisk (you talk over it).")(func)
    return func


def apply_speech(session, voice: str, recordings: str | None, narration_file: str | None) -> None:
    """Check the options (one-line errors, nothing written) and set them on the session."""
    from scripts.pipeline.voices import DEFAULT_VOICE, voice_named

    if voice.strip().lower() == AUTO:
        voice = "none" if session.settings.pace == BRISK else DEFAULT_VOICE
    session.settings.voice = voice_named(voice)
    if recordings is not None:
        folder = Path(recordings)
        if not folder.is_dir():
            raise PipelineError(f"--recordings '{recordings}' is not a folder: give the folder that "
                                "holds <Scene>/<NN>-<slide>.wav files")
        session.settings.recordings = folder.resolve()
    apply_narration(session, narration_file)
