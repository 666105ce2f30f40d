"""Narration texts from a TOML file: the lecturer's own words, in any language (UTF-8).

    # one table per scene, one key per slide point (names as `glmm-explainer list` shows them)
    [ShrinkageDiagram]
    arrows = "Le modèle tire chaque estimation vers la moyenne générale γ̂₀₀."

A slide point the file does not name keeps the scene's own text. The texts replace the scenes'
narration everywhere it is used - captions, the handout, speaker notes and the voice - by
replacing the scenes' records (SceneInfo.slides) before any job is planned, so every cache key
that covers the narration (the scene videos' and, through them, the lecture's) covers the file.
`export` writes the current texts as a starting file.
"""
from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

from scripts.errors import PipelineError

HEADER = ("# Narration of the lecture's slide points: edit the texts (any language, UTF-8) and pass\n"
          "# the file with --narration. One table per scene, one key per slide point; a slide point\n"
          "# left out keeps the scene's own text.\n")


def load(path: str | Path, catalog) -> dict[str, dict[str, str]]:
    """{scene: {slide point: text}} from the file, checked against the scenes' slide points."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError(f"narration file '{path}' not found: check the path, or write one with "
                            "`glmm-explainer narration export -o FILE`") from None
    except UnicodeDecodeError as exc:
        raise PipelineError(f"narration file '{path}' is not UTF-8 (byte {exc.start}): save it as "
                            "UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise PipelineError(f"narration file '{path}' is not valid TOML ({exc}): fix it, or start "
                            "again from `glmm-explainer narration export`") from None
    except OSError as exc:
        raise PipelineError(f"narration file '{path}' cannot be read ({exc.strerror})") from None
    known = {scene.name: scene for scene in catalog}
    overrides: dict[str, dict[str, str]] = {}
    for scene_name, table in data.items():
        if scene_name not in known:
            raise PipelineError(f"narration file '{path}': scene '{scene_name}' is unknown: use one "
                                f"of {', '.join(known)} (see `glmm-explainer list`)")
        if not isinstance(table, dict):
            raise PipelineError(f"narration file '{path}': '{scene_name}' must be a table "
                                f"([{scene_name}]) of slide point = \"text\" lines")
        slides = [name for name, _ in known[scene_name].slides]
        for slide, text in table.items():
            if slide not in slides:
                raise PipelineError(f"narration file '{path}': {scene_name} has no slide point "
                                    f"'{slide}': its slide points are {', '.join(slides)}")
            if not isinstance(text, str):
                raise PipelineError(f"narration file '{path}': {scene_name}.{slide} must be a "
                                    "text in quotes")
        overrides[scene_name] = dict(table)
    return overrides


def apply(catalog, overrides: dict[str, dict[str, str]]):
    """The scene records with their narration replaced where the file says."""
    return [dataclasses.replace(scene, slides=tuple((name, overrides[scene.name].get(name, text))
                                                    for name, text in scene.slides))
            if scene.name in overrides else scene for scene in catalog]


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def export_text(scenes) -> str:
    """The scenes' narration as a TOML file `load` reads back unchanged."""
    blocks = [HEADER]
    for scene in scenes:
        lines = [f"[{_key(scene.name)}]"]
        lines += [f"{_key(name)} = {json.dumps(text, ensure_ascii=False)}" for name, text in scene.slides]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
