"""The scenes of the lecture with their metadata, without importing manim when nothing changed.

Each module's scene list (name, description, slides, needs_truth, families) is stored in the
cache under the hash of the module's source closure; only a module whose sources changed is
imported (which imports manim) to describe it again.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from scripts.errors import PipelineError
from scripts.pipeline.cache import Cache
from scripts.pipeline.sources import source_hash


class CatalogError(PipelineError):
    """A scene module cannot be found or imported."""


@dataclass(frozen=True)
class SceneInfo:
    name: str
    module: str
    module_path: str
    source_hash: str
    description: str
    slides: tuple[tuple[str, str], ...]
    needs_truth: bool
    families: tuple[str, ...]

    @property
    def title(self) -> str:
        """The scene's name in words, for chapters and slide headings: TitleCard -> Title card."""
        words, current = [], ""
        for char in self.name:
            if char.isupper() and current and not current[-1].isupper():
                words.append(current)
                current = char
            else:
                current += char
        words.append(current)
        text = " ".join(words)
        return text[:1] + text[1:].lower() if text else self.name

    def skip_reason(self, has_truth: bool, family: str) -> str | None:
        if self.needs_truth and not has_truth:
            return "needs the simulation's true effects, which a data file does not have"
        if family not in self.families:
            return f"is about {', '.join(self.families)} models, not {family}"
        return None


def load(cache: Cache) -> list[SceneInfo]:
    from scenes.lecture import scene_modules

    try:
        modules = scene_modules()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise CatalogError(str(exc)) from None
    scenes: list[SceneInfo] = []
    for module in modules:
        digest = source_hash(module.path)
        record_name = f"{module.name}-{digest[:32]}"
        described = cache.json_record("catalog", record_name)
        if described is None:
            described = _describe(module)
            cache.set_json_record("catalog", record_name, described)
        for item in described:
            scenes.append(SceneInfo(name=item["name"], module=module.name,
                                    module_path=str(module.path), source_hash=digest,
                                    description=item["description"],
                                    slides=tuple((a, b) for a, b in item["slides"]),
                                    needs_truth=item["needs_truth"], families=tuple(item["families"])))
    return scenes


def _describe(module) -> list[dict]:
    from scenes.lecture import describe, import_module, scenes_of

    try:
        loaded = import_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure of a scene module
        where = _where(exc, module.path)
        raise CatalogError(f"scene module {_short(module.path)} cannot be imported: "
                           f"{type(exc).__name__}: {' '.join(str(exc).split())}{where}") from None
    return [describe(cls) for cls in scenes_of(loaded)]


def _short(path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _where(exc: BaseException, path) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, SyntaxError) and exc.lineno:
        return f" (line {exc.lineno})"
    for frame in reversed(frames):
        if Path(frame.filename).resolve() == Path(path).resolve():
            return f" (line {frame.lineno})"
    return ""
