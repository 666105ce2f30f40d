"""What a scene's pixels depend on, found without importing it (so without importing manim).

A scene module's *source closure* is the module file plus every project file it imports,
transitively (read with `ast`: `from scenes.theme import ...` pulls in scenes/theme.py, and
scenes/context.py pulls in the estimator). Its hash is part of every cache key, so editing
scenes/pooling.py re-renders the pooling scenes only, and editing the estimator re-renders the
scenes that draw its numbers.

What a scene reads besides code (presets, data files) is not found here but declared by the
scene (scenes/reads.py); `content_digest` hashes those files for the cache key, read afresh each
time (so an edited preset is seen within one process too).
"""
from __future__ import annotations

import ast
import hashlib
import os
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "glmm-explainer"
LIBRARIES = ("manim", "numpy", "scipy", "pycairo", "ManimPango", "Pillow", PACKAGE)
TOOLS = ("ffmpeg", "latex", "dvisvgm")


def file_sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=None)
def _file_digest(path: Path) -> str:
    return file_sha256(path)


@lru_cache(maxsize=None)
def _imports_of(path: Path) -> tuple[Path, ...]:
    """Project files imported anywhere in `path` (also inside functions)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return ()  # the file itself is hashed; the import error surfaces when it is imported
    package = _package_of(path)
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[: len(parts) - (node.level - 1)] if node.level > 1 else parts
                base = ".".join(parts + ([base] if base else []))
            if base:
                names.append(base)
            names.extend(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    found: list[Path] = []
    for name in names:
        found.extend(_module_files(name))
    return tuple(dict.fromkeys(found))


def _package_of(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        return ""
    parts = list(rel.parts[:-1])
    return ".".join(parts)


def _module_files(name: str) -> list[Path]:
    """The project files importing `name` executes: its module and its packages' __init__.py."""
    parts = name.split(".")
    if not parts or not (PROJECT_ROOT / parts[0]).is_dir() or parts[0].startswith("."):
        return []
    files = []
    for depth in range(1, len(parts) + 1):
        stem = PROJECT_ROOT.joinpath(*parts[:depth])
        if (stem / "__init__.py").is_file():
            files.append(stem / "__init__.py")
        elif stem.with_suffix(".py").is_file():
            files.append(stem.with_suffix(".py"))
            break
        else:
            break
    return files


def source_closure(path: str | os.PathLike) -> list[Path]:
    """The file and every project file it imports, transitively, in a stable order."""
    start = Path(path).resolve()
    seen = {start}
    todo = [start]
    while todo:
        for dep in _imports_of(todo.pop()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return sorted(seen)


def _label(path: Path) -> str:
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


@lru_cache(maxsize=None)
def _closure_hash(path: Path) -> str:
    digest = hashlib.sha256()
    for dep in source_closure(path):
        digest.update(f"{_label(dep)}\0{_file_digest(dep)}\n".encode())
    return digest.hexdigest()


def source_hash(path: str | os.PathLike) -> str:
    """Hash of a module's source closure (file names relative to the project, and contents)."""
    return _closure_hash(Path(path).resolve())


def content_digest(path: str | os.PathLike) -> str:
    """sha256 of a declared data file's bytes, read every time (never memoised: presets are a
    few hundred bytes, and a stale digest is the one thing the cache key must not have)."""
    return file_sha256(path)


def files_hash(*paths: str | os.PathLike) -> str:
    """Hash of some files' contents (e.g. the pipeline's own capture and encode code)."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path).resolve()
        digest.update(f"{_label(path)}\0{_file_digest(path)}\n".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape the pixels, and fingerprints of the external tools
    (path, size, mtime of the binary: cheaper than running them)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    for tool in TOOLS:
        where = shutil.which(tool)
        if where:
            real = os.path.realpath(where)
            stat = os.stat(real)
            versions[tool] = f"{real}:{stat.st_size}:{stat.st_mtime_ns}"
        else:
            versions[tool] = "absent"
    return versions
