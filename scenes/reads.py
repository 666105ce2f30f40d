"""What a scene reads besides its own code, declared on the scene class and checked when it reads.

Each LectureScene subclass declares, as class attributes:
  reads_input = True            it reads the lecture's input (scenario, or the user's CSV + formula)
  presets = ("fan-out",)        built-in presets it loads itself (estimator/presets/<name>.toml)
  data_files = ("data/x.csv",)  files it opens, relative to its module's folder
  lecture_preset = "simpson"    the built-in preset it shows instead of the lecture input when
                                the user gave no input at all (the default lecture), because
                                its story needs data that make its point (scenes/context.py)

The render cache keys a scene's videos and stills on exactly these (the input's digest, each
preset file's and data file's sha256), read from the class without rendering it. So that a
declaration cannot rot, every way a scene reaches these things (scenes.context.lecture_input,
scenes.context.preset_input, data_file here) asks `check_*` here first: while a scene's
construct runs, reading something it did not declare raises UndeclaredRead, which fails the
render with a line naming the attribute to add. Outside a scene (tests, the REPL) reads are free, unless
STRICT_ENV is set (the render pipeline's workers), where a read outside a scene - at module
import, say - is an error too, as nothing would put it in a cache key.

No manim and no estimator here: scenes/base.py imports this, and every scene's source hash
includes what base.py imports.
"""
from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

STRICT_ENV = "GLMM_EXPLAINER_STRICT_READS"


class UndeclaredRead(RuntimeError):
    """A scene read something its class does not declare (so its cache key would not cover it)."""


class DeclarationError(ValueError):
    """A scene's declaration is malformed (e.g. presets = "fan-out" instead of ("fan-out",))."""


@dataclass(frozen=True)
class Declaration:
    """One scene class's declared reads, as plain data (the catalog stores it)."""

    scene: str
    reads_input: bool = False
    presets: tuple[str, ...] = ()
    data_files: tuple[str, ...] = ()
    lecture_preset: str | None = None

    def as_dict(self) -> dict:
        return {"reads_input": self.reads_input, "presets": list(self.presets),
                "data_files": list(self.data_files), "lecture_preset": self.lecture_preset}


def declaration_of(cls) -> Declaration:
    """The class's declaration, validated: a wrong type is a DeclarationError naming the fix."""
    name = cls.__name__
    reads_input = getattr(cls, "reads_input", False)
    if not isinstance(reads_input, bool):
        raise DeclarationError(f"{name}.reads_input must be True or False, not {reads_input!r}")
    presets = _names(name, "presets", getattr(cls, "presets", ()), "('fan-out',)")
    files = _names(name, "data_files", getattr(cls, "data_files", ()), "('data/schools.csv',)")
    for rel in files:
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise DeclarationError(f"{name}.data_files entry '{rel}' must be a path relative to "
                                   "the scene's module folder, inside it")
    lecture_preset = getattr(cls, "lecture_preset", None)
    if lecture_preset is not None and not (isinstance(lecture_preset, str) and lecture_preset.strip()):
        raise DeclarationError(f"{name}.lecture_preset must be a preset name such as 'simpson' "
                               f"or None, not {lecture_preset!r}")
    if lecture_preset is not None and not reads_input:
        raise DeclarationError(f"{name}.lecture_preset is set but reads_input is not: a lecture "
                               "preset replaces the lecture input, so add `reads_input = True`")
    return Declaration(name, reads_input, presets, files, lecture_preset)


def _names(scene: str, attr: str, value, example: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)) \
            or not all(isinstance(item, str) and item.strip() for item in value):
        raise DeclarationError(f"{scene}.{attr} must be a tuple of names, e.g. {attr} = {example}, "
                               f"not {value!r}")
    return tuple(value)


# ---- the scene whose construct is running in this process (LectureScene wraps every construct)
_active: tuple[Declaration, Path | None] | None = None
_active_scene = None  # the scene instance itself (scenes/context.py puts its preset note on it)


def checked_construct(construct):
    """`construct` running with its scene's declaration active, and the previous one (usually
    none) restored however it ends, so a failed render leaves no declaration behind."""

    @functools.wraps(construct)
    def run(scene, *args, **kwargs):
        global _active, _active_scene
        saved, saved_scene = _active, _active_scene
        _active, _active_scene = (declaration_of(type(scene)), _module_dir(type(scene))), scene
        try:
            return construct(scene, *args, **kwargs)
        finally:
            _active, _active_scene = saved, saved_scene

    run.checks_reads = True
    return run


def _module_dir(cls) -> Path | None:
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    return Path(path).resolve().parent if path else None


def _outside_scene(what: str) -> None:
    if os.environ.get(STRICT_ENV):
        raise UndeclaredRead(f"{what} was read outside a scene's construct (e.g. at module "
                             "import): read it inside construct, so the scene's declaration "
                             "covers it")


def check_input() -> None:
    if _active is None:
        return _outside_scene("the lecture input")
    declared = _active[0]
    if not declared.reads_input:
        raise UndeclaredRead(f"{declared.scene} reads the lecture input (scenario or data) but does "
                             "not declare it: add `reads_input = True` to the class, so its cache "
                             "key includes the input")


def active_scene():
    """The scene whose construct is running (None outside one)."""
    return _active_scene


def active_lecture_preset() -> str | None:
    """The running scene's declared `lecture_preset` (None outside a scene or undeclared)."""
    return _active[0].lecture_preset if _active is not None else None


def check_preset(name: str) -> None:
    if _active is None:
        return _outside_scene(f"preset '{name}'")
    declared = _active[0]
    if name not in declared.presets and name != declared.lecture_preset:
        raise UndeclaredRead(f"{declared.scene} reads preset '{name}' but does not declare it: "
                             f"set `presets = {declared.presets + (name,)!r}` on the class, so its cache key "
                             "includes the preset file")


def data_file(owner, relative: str) -> Path:
    """The path of a data file that `owner` (a scene class or instance) declares in data_files,
    relative to the folder of the module defining it. Checked against the owner's declaration
    (and, while a scene renders, against the rendering scene's) wherever it is called."""
    cls = owner if isinstance(owner, type) else type(owner)
    declared = _active[0] if _active is not None else declaration_of(cls)
    if relative not in declared.data_files:
        raise UndeclaredRead(f"{declared.scene} reads data file '{relative}' but does not declare "
                             f"it: add '{relative}' to `data_files` on the class, so its cache "
                             "key includes the file")
    folder = _module_dir(cls)
    return (folder / relative) if folder else Path(relative)
