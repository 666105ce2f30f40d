"""manifest.json of one output folder: every file, what made it, and its sha256.

Commands add to it (render, then stills, then lecture all write into the same folder); entries
of files that no longer exist are dropped. Updates take a lock and replace the file atomically.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

from scripts.pipeline.cache import write_atomic

SCHEMA = 1


@contextmanager
def _locked(folder: Path):
    """Hold an exclusive lock on the folder itself (no lock file left behind)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def read(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def update(folder: Path, header: dict, entries: list[dict]) -> Path:
    """Merge `entries` (each with a 'path' relative to `folder`) into the folder's manifest."""
    folder = Path(folder)
    with _locked(folder):
        current = read(folder)
        files = {entry["path"]: entry for entry in current.get("files", [])}
        for entry in entries:
            files[entry["path"]] = entry
        files = {path: entry for path, entry in files.items() if (folder / path).is_file()}
        manifest = {"schema": SCHEMA, **header,
                    "files": [files[path] for path in sorted(files)]}
        target = folder / "manifest.json"
        write_atomic(target, json.dumps(manifest, indent=2, sort_keys=False) + "\n")
    return target
