"""Shared by the deck tests: `glmm-explainer slides` on tests/pipeline/deck_scenes.py (DeckCard:
three slide points, the last one looping) at the quickest settings, and image comparison."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image

from scripts.cli import cli

HERE = Path(__file__).resolve().parent
DECK_SCENES = HERE / "deck_scenes.py"
QUICK = ("-q", "low", "--pace", "brisk")
TOOLS_READY = all(shutil.which(t) for t in ("ffmpeg", "ffprobe"))


def glmm_explainer(*args) -> tuple[int, str, str]:
    """The CLI as typed, with only the deck test scene registered: (exit code, stdout, stderr)."""
    env = {"GLMM_EXPLAINER_SCENE_MODULES": str(DECK_SCENES)}
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def slides(out: Path, *args) -> dict:
    code, stdout, stderr = glmm_explainer("slides", *QUICK, "--out", out, "--json", *args)
    assert code == 0, stderr
    return json.loads(stdout)


def deck_folder(summary: dict) -> Path:
    return Path(summary["folder"]) / "slides"


def pixels(image) -> np.ndarray:
    if isinstance(image, (str, os.PathLike)):
        image = Image.open(image)
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def differing(a: np.ndarray, b: np.ndarray, threshold: int = 64) -> float:
    """Share of pixels where some channel differs by more than `threshold` (compression noise
    stays far below it; a moved dot or a new square is well above)."""
    return float((np.abs(a - b).max(axis=2) > threshold).mean())
