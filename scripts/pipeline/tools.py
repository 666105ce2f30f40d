"""The external programs rendering needs, checked before any work starts.

ffmpeg is needed to encode videos (and ffprobe to read them back); LaTeX with dvisvgm only when
a scene actually has to be rendered (formulas), never for a run served from the cache.
"""
from __future__ import annotations

import shutil

from scripts.errors import PipelineError

APT = "sudo apt-get install -y"
NEEDS = {
    "ffmpeg": ("ffmpeg", "encodes the videos"),
    "ffprobe": ("ffmpeg", "reads video durations"),
    "latex": ("texlive-latex-base texlive-latex-extra texlive-fonts-recommended", "typesets formulas"),
    "dvisvgm": ("dvisvgm", "turns formulas into vector paths"),
}


class MissingTool(PipelineError):
    """A program rendering needs is not installed."""


def require(*programs: str) -> None:
    missing = [name for name in programs if shutil.which(name) is None]
    if not missing:
        return
    packages = " ".join(dict.fromkeys(NEEDS[name][0] for name in missing))
    what = "; ".join(f"{name} {NEEDS[name][1]}" for name in missing)
    raise MissingTool(f"{', '.join(missing)} not found ({what}): install with `{APT} {packages}` "
                      "(or run scripts/bootstrap.sh)")
