"""The render's `screen_numbers.json`: every number shown on screen, per scene and slide point, as
the scenes recorded it (scenes/screen_text.py), with the package versions that produced it.

It sits in the input's reproduce/ kit (the numbers do not depend on quality or theme) and
accumulates: a run that renders some scenes replaces those scenes' entries and keeps the others. Written to a
temp file (given a plain file's mode: the kit is shared), then renamed.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from scripts.reproduce import shareable

SIDECAR = "screen_numbers.json"


def write_screen_numbers(folder: Path, jobs, header: dict) -> Path | None:
    scenes = {}
    for job in jobs:
        for obj in job.found.values():
            marks = obj.meta.get("marks")
            if marks and all("screen" in mark for mark in marks):
                scenes[job.scene.name] = [{"slide": mark["name"], "index": mark["index"],
                                           "shown": mark["screen"]} for mark in marks]
                break
    if not scenes:
        return None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SIDECAR
    try:
        known = json.loads(path.read_text(encoding="utf-8")).get("scenes", {})
    except (OSError, ValueError):
        known = {}
    known.update(scenes)
    from scripts.pipeline.sources import library_versions

    versions = {name: value for name, value in library_versions().items() if ":" not in value}
    payload = {"input": header.get("input"), "versions": versions, "scenes": known}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    shareable(Path(tmp))
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=1, ensure_ascii=False, allow_nan=False)
    os.replace(tmp, path)
    return path
