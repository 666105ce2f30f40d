"""The lecture's scene registry: which modules make the lecture, in which order, and their scenes.

`scene_modules()` names the module files without importing anything (the render pipeline hashes
them for its cache keys before deciding whether manim is needed at all); `scenes_of(module)` and
`lecture_scenes()` import them and collect the LectureScene subclasses each defines, in
definition order. Modules that do not exist yet are simply absent.

GLMM_EXPLAINER_SCENE_MODULES (module names or .py paths, separated by os.pathsep) replaces the
lecture's list, e.g. for tests: GLMM_EXPLAINER_SCENE_MODULES=tests/pipeline/sample_scenes.py.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path

MODULES = ("title", "data_generation", "simpson", "pooling", "shrinkage", "variance",
           "random_slopes", "link_functions", "results")
MODULES_ENV = "GLMM_EXPLAINER_SCENE_MODULES"
SCENES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class SceneModule:
    """One module of scenes: its import name and its source file."""

    name: str
    path: Path


def scene_modules() -> list[SceneModule]:
    """The lecture's modules in order (only those whose file exists); imports nothing."""
    override = os.environ.get(MODULES_ENV)
    if override:
        return [module_ref(entry) for entry in override.split(os.pathsep) if entry.strip()]
    modules = []
    for stem in MODULES:
        path = SCENES_DIR / f"{stem}.py"
        if path.is_file():
            modules.append(SceneModule(f"scenes.{stem}", path))
    return modules


def module_ref(entry: str) -> SceneModule:
    entry = entry.strip()
    if entry.endswith(".py") or os.sep in entry:
        path = Path(entry).expanduser().resolve()
        if not path.is_file():
            raise FileNotFoundError(f"scene module file '{entry}' does not exist")
        return SceneModule(f"_glmm_scenes_{path.stem}", path)
    if entry.startswith("scenes."):
        path = SCENES_DIR / (entry.split(".", 1)[1].replace(".", os.sep) + ".py")
        if path.is_file():
            return SceneModule(entry, path)
    spec = importlib.util.find_spec(entry)
    if spec is None or not spec.origin:
        raise ModuleNotFoundError(f"scene module '{entry}' cannot be found")
    return SceneModule(entry, Path(spec.origin).resolve())


def import_module(module: SceneModule):
    """Import a scene module (this imports manim)."""
    if module.name in sys.modules:
        return sys.modules[module.name]
    if not module.name.startswith("_glmm_scenes_"):
        return importlib.import_module(module.name)
    spec = importlib.util.spec_from_file_location(module.name, module.path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[module.name] = loaded
    try:
        spec.loader.exec_module(loaded)
    except BaseException:
        sys.modules.pop(module.name, None)
        raise
    return loaded


def scenes_of(module) -> list[type]:
    """The LectureScene subclasses a module defines, in definition order. Helper bases (a name
    starting with '_', or no construct of their own anywhere below LectureScene) are left out."""
    from scenes.base import LectureScene

    found = []
    for name, value in vars(module).items():
        if (inspect.isclass(value) and issubclass(value, LectureScene) and value is not LectureScene
                and value.__module__ == module.__name__ and not name.startswith("_")
                and value.construct is not LectureScene.construct):
            found.append(value)
    return found


def lecture_scenes() -> list[type]:
    """Every scene of the lecture, in lecture order."""
    return [cls for module in scene_modules() for cls in scenes_of(import_module(module))]


def describe(cls) -> dict:
    """What the pipeline needs to know about a scene, as plain data."""
    return {"name": cls.__name__, "description": " ".join(str(cls.description).split()),
            "slides": [[str(name), " ".join(str(text).split())] for name, text in cls.slides],
            "needs_truth": bool(cls.needs_truth), "families": [str(f) for f in cls.families]}
