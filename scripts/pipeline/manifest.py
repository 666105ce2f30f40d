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

from scripts.errors import interrupts_deferred
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


def update(folder: Path, header: dict, entries: list[dict], place=None) -> Path:
    """Merge `entries` (each with a 'path' relative to `folder`) into the folder's manifest.

    `place(entry)`, when given, puts each entry's file into the folder first, under the same lock
    and with Ctrl-C held back, so the manifest lists exactly the files on disk with their
    checksums: two commands writing into one folder take turns, and an interruption falls before
    or after the step. If placing fails (disk full, read-only), the files placed so far are still
    recorded before the error goes on."""
    folder = Path(folder)
    with interrupts_deferred(), _locked(folder):
        placed, error = entries, None
        if place is not None:
            placed = []
            for entry in entries:
                try:
                    place(entry)
                except Exception as exc:  # noqa: BLE001 - re-raised below, once recorded
                    error = exc
                    break
                placed.append(entry)
        current = read(folder)
        files = {entry["path"]: entry for entry in current.get("files", [])}
        for entry in placed:
            files[entry["path"]] = entry
        files = {path: entry for path, entry in files.items() if (folder / path).is_file()}
        manifest = {"schema": SCHEMA, **header,
                    "files": [files[path] for path in sorted(files)]}
        target = folder / "manifest.json"
        try:
            write_atomic(target, json.dumps(manifest, indent=2, sort_keys=False) + "\n")
        except OSError:
            if error is None:
                raise
        if error is not None:
            raise error
    return target
