"""Where every output goes: one predictable tree per scenario, quality and theme.

<out>/<scenario-name>-<input-hash>/<quality>-<theme>[-brisk]/   (-brisk: videos at the brisk pace)
    videos/<Scene>.mp4
    stills/png|svg|pdf|png-transparent|svg-transparent|pdf-transparent/<Scene>-NN-<slide>.<ext>
    lecture/lecture.mp4, lecture.vtt, lecture.srt, handout.pdf
    slides/slides.html, slides.pptx
    manifest.json
<out>/.cache/   the content-addressed cache (see cache.py)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scenes.pacing import DEFAULT_PACE
from scenes.theme import THEMES as THEME_DESIGNS


@dataclass(frozen=True)
class Quality:
    name: str
    width: int
    height: int
    fps: int

    @property
    def label(self) -> str:
        return f"{self.height}p{self.fps}"


QUALITIES = {q.name: q for q in (Quality("low", 854, 480, 15), Quality("medium", 1280, 720, 30),
                                 Quality("high", 1920, 1080, 60), Quality("4k", 3840, 2160, 60))}
THEMES = tuple(THEME_DESIGNS)  # the CLI offers exactly the themes the scenes know
STILL_FORMATS = ("png", "svg", "pdf")


def slug(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return cleaned or "lecture"


def run_dir(out: Path, name: str, digest: str, quality: str, theme: str,
            pace: str | None = None) -> Path:
    variant = f"-{pace}" if pace and pace != DEFAULT_PACE else ""
    return Path(out) / f"{slug(name)}-{digest[:12]}" / f"{quality}-{theme}{variant}"


def stills_folder(fmt: str, transparent: bool) -> str:
    return f"stills/{fmt}-transparent" if transparent else f"stills/{fmt}"


def cache_root(out: Path) -> Path:
    return Path(out) / ".cache"
