"""Where every output goes: one predictable tree per scenario, quality and theme.

<out>/<scenario-name>-<input-hash>/<quality>-<theme>[-brisk]/   (-brisk: videos at the brisk pace)
    videos/<Scene>.mp4
    stills/png|svg|pdf|png-transparent|svg-transparent|pdf-transparent/<Scene>-NN-<slide>.<ext>
    lecture/lecture.mp4, lecture.vtt, lecture.srt, handout.pdf,     (the whole lecture)
            exercises.pdf, answers.pdf                              (its questions and their key)
    slides/deck.html [media/], deck.pptx, deck.pdf                 (every scene's slides)
    parts/<Scene+Scene>/lecture/..., parts/<Scene+Scene>/slides/...  (a chosen subset of scenes)
    manifest.json
<out>/<scenario-name>-<input-hash>/reproduce/   data.csv, lme4.R, glmmTMB.R, brms.R, statsmodels_fit.py,
    fit.json, screen_numbers.json, presets/<name>/ (scripts/reproduce/)
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


def assembled_folder(product: str, requested: tuple[str, ...], every_scene: list[str]) -> str:
    """Where a lecture or deck goes: `lecture/` (or `slides/`) only when it holds the whole
    lecture, so a draft of a few scenes never replaces the full lecture and its handout; a subset
    goes to parts/<its scene names>/<product>/ (long lists are shortened and keep a hash)."""
    chosen = list(dict.fromkeys(requested))
    if not chosen or set(chosen) == set(every_scene):
        return product
    ordered = sorted(chosen, key=lambda name: every_scene.index(name) if name in every_scene else 0)
    label = "+".join(ordered)
    if len(ordered) > 3 or len(label) > 80:
        import hashlib

        digest = hashlib.sha256(label.encode()).hexdigest()[:8]
        label = f"{ordered[0]}+{len(ordered) - 1}-more-{digest}"
    return f"parts/{label}/{product}"


def stills_folder(fmt: str, transparent: bool) -> str:
    return f"stills/{fmt}-transparent" if transparent else f"stills/{fmt}"


def cache_root(out: Path) -> Path:
    return Path(out) / ".cache"
