"""The scenes of the lecture with their metadata, without importing manim when nothing changed.

Each module's scene list (name, description, slides, needs_truth, families, and what each scene
declares it reads: the lecture input, presets, data files) is stored in the cache under the hash
of the module's source closure and of the code that describes it; only a module whose sources
changed is imported (which imports manim) to describe it again. The declared presets and data
files must exist (checked on every load, as they can vanish without the sources changing); a
module that cannot be found, fails to import or defines no scene, and a scene name defined twice,
are one-line CatalogErrors.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

from scripts.errors import PipelineError
from scripts.pipeline.cache import Cache, make_key
from scripts.pipeline.sources import files_hash, source_hash

SCENES_DIR = Path(__file__).resolve().parents[2] / "scenes"
# The code that turns a scene class into a record: a change to it re-describes every module.
DESCRIBER_FILES = (SCENES_DIR / "lecture.py", SCENES_DIR / "reads.py", Path(__file__).resolve())


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
    reads_input: bool = False
    presets: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()  # relative to the module's folder
    lecture_preset: str | None = None  # shown instead of the input when the user gave none

    def data_file_paths(self) -> dict[str, Path]:
        folder = Path(self.module_path).parent
        return {rel: folder / rel for rel in self.data_files}

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
            from estimator.family_descriptions import describe_family, family_list

            about = family_list([describe_family(f).title + "s" for f in self.families], "and")
            return f"is about {about}, not {describe_family(family).title}s (--family {family})"
        return None


def load(cache: Cache, pending: dict | None = None) -> list[SceneInfo]:
    """The scenes of every module, described from the cache or by importing the module.

    With `pending` (a dict), new descriptions are collected there instead of written, so a run
    can list and check scene names before it creates anything under its output folder; `save`
    writes them once the run goes ahead."""
    from scenes.lecture import SceneModuleError, scene_modules

    try:
        modules = scene_modules()
    except SceneModuleError as exc:
        raise CatalogError(str(exc)) from None
    describer = files_hash(*DESCRIBER_FILES)
    scenes: list[SceneInfo] = []
    defined_in: dict[str, str] = {}
    for module in modules:
        digest = source_hash(module.path)
        record_name = f"{module.name}-{make_key({'sources': digest, 'describer': describer})[:32]}"
        described = _read(cache, record_name)
        if described is None:
            described = _describe(module)
            if pending is None:
                cache.set_json_record("catalog", record_name, described)
            else:
                pending[record_name] = described
        if not described:
            raise CatalogError(f"scene module {_short(module.path)} defines no scene (no LectureScene "
                               "subclass with its own construct): check the module list")
        for item in described:
            name = item["name"]
            if name in defined_in:
                raise CatalogError(f"scene {name} is defined twice, in {defined_in[name]} and "
                                   f"{_short(module.path)}: rename one")
            defined_in[name] = _short(module.path)
            reads = item["reads"]
            scenes.append(SceneInfo(name=name, module=module.name,
                                    module_path=str(module.path), source_hash=digest,
                                    description=item["description"],
                                    slides=tuple((a, b) for a, b in item["slides"]),
                                    needs_truth=item["needs_truth"], families=tuple(item["families"]),
                                    reads_input=bool(reads["reads_input"]),
                                    presets=tuple(reads["presets"]),
                                    data_files=tuple(reads["data_files"]),
                                    lecture_preset=reads.get("lecture_preset")))
    for scene in scenes:
        _check_declared_files(scene)
    return scenes


def save(cache: Cache, pending: dict) -> None:
    """Write the descriptions `load` collected in `pending`."""
    for record_name, described in pending.items():
        cache.set_json_record("catalog", record_name, described)
    pending.clear()


def _read(cache: Cache, record_name: str):
    try:
        return cache.json_record("catalog", record_name)
    except OSError:  # the cache's folder is under a file, or unreadable: describe afresh
        return None


def _check_declared_files(scene: SceneInfo) -> None:
    from estimator.presets import preset_names, preset_path

    for name in scene.presets + ((scene.lecture_preset,) if scene.lecture_preset else ()):
        if not preset_path(name).is_file():
            raise CatalogError(f"scene {scene.name} declares preset '{name}', which does not exist: "
                               f"use one of {', '.join(preset_names())}")
    for rel, path in scene.data_file_paths().items():
        if not path.is_file():
            raise CatalogError(f"scene {scene.name} declares data file '{rel}', which does not exist "
                               f"({_short(path)})")


def _describe(module) -> list[dict]:
    from scenes.lecture import describe, import_module, scenes_of

    try:
        loaded = import_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure of a scene module
        where = _where(exc, module.path)
        raise CatalogError(f"scene module {_short(module.path)} cannot be imported: "
                           f"{type(exc).__name__}: {' '.join(str(exc).split())}{where}") from None
    from scenes.reads import DeclarationError

    try:
        return [describe(cls) for cls in scenes_of(loaded)]
    except DeclarationError as exc:
        raise CatalogError(f"scene module {_short(module.path)}: {exc}") from None


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
