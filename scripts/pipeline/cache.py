"""A content-addressed store of rendered outputs, and placing them into the output tree.

objects/<k[:2]>/<k>/   one finished result (files + meta.json), written under tmp/ and renamed
                        into place, so an object either exists completely or not at all.
deps/<k>.json           what a scene turned out to depend on (does it read the scenario?)
tex/<Scene>/            each scene's own TeX and text caches (kept warm between runs)
catalog/                scene metadata by module source hash (so the cache check needs no manim)
tmp/, logs/             work folders of running jobs; the last log of each scene

Keys are sha256 of a JSON object (sorted keys) of everything that shapes the bytes.
Placing an object's file into the tree is a hard link (copy across devices) made under a
temp name and renamed over the target; an identical target (same inode) is left untouched.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CACHE_VERSION = 1


def make_key(parts: dict) -> str:
    text = json.dumps({"cache_version": CACHE_VERSION, **parts}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CacheObject:
    key: str
    path: Path
    meta: dict

    def file(self, name: str) -> Path:
        return self.path / name


class Cache:
    def __init__(self, root: str | os.PathLike):
        # Absolute: paths under the cache are handed to workers whose current directory differs.
        self.root = Path(os.path.abspath(root))

    # ---- objects
    def _object_dir(self, key: str) -> Path:
        return self.root / "objects" / key[:2] / key

    def get(self, key: str) -> CacheObject | None:
        folder = self._object_dir(key)
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            return None
        return CacheObject(key, folder, meta)

    def sweep_stale(self, older_than: float = 6 * 3600) -> None:
        """Remove work folders a killed run (SIGKILL, power cut) left behind."""
        folder = self.root / "tmp"
        if not folder.is_dir():
            return
        limit = time.time() - older_than
        for entry in folder.iterdir():
            try:
                if entry.stat().st_mtime < limit:
                    shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
            except OSError:
                pass

    def new_workdir(self, label: str) -> Path:
        (self.root / "tmp").mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{label}-", dir=self.root / "tmp"))

    def commit(self, key: str, workdir: Path, files: dict[str, Path], meta: dict) -> CacheObject:
        """Store `files` (object name -> path, usually inside workdir) with their checksums."""
        staging = Path(tempfile.mkdtemp(prefix=f"commit-{key[:12]}-", dir=self.root / "tmp"))
        try:
            entries = {}
            for name, source in files.items():
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target) if _same_device(source, staging) else shutil.copy2(source, target)
                entries[name] = {"sha256": _sha256(target), "bytes": target.stat().st_size}
            meta = {**meta, "key": key, "files": entries}
            with naming(staging / "meta.json"):
                (staging / "meta.json").write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
            folder = self._object_dir(key)
            folder.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.rename(staging, folder)
            except OSError:  # someone stored the same key meanwhile: theirs is as good
                shutil.rmtree(staging, ignore_errors=True)
                if self.get(key) is None:  # no: the rename itself failed
                    raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return self.get(key)

    # ---- dependency records
    def deps(self, key: str) -> dict | None:
        try:
            return json.loads((self.root / "deps" / f"{key}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def set_deps(self, key: str, record: dict) -> None:
        write_atomic(self.root / "deps" / f"{key}.json", json.dumps(record, sort_keys=True))

    # ---- folders
    def tex_dir(self, scene: str) -> Path:
        return self.root / "tex" / scene

    def log_path(self, label: str) -> Path:
        return self.root / "logs" / f"{label}.log"

    def json_record(self, group: str, name: str) -> dict | None:
        try:
            return json.loads((self.root / group / f"{name}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def set_json_record(self, group: str, name: str, value) -> None:
        write_atomic(self.root / group / f"{name}.json", json.dumps(value, sort_keys=True))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _same_device(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


@contextmanager
def naming(path: str | os.PathLike):
    """An OSError raised by writing to an open file names no file; this one names `path`, so a
    full disk is reported with the file it could not write."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_atomic(path: str | os.PathLike, text: str | bytes) -> None:
    """Write a whole file under a temp name in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with naming(path), os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def place(source: Path, target: Path) -> bool:
    """Put `source` (a cache file) at `target`; False when it was already there."""
    try:
        a, b = source.stat(), target.stat()
        if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # name the file the user asked for, not our temp name
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise
    return True
