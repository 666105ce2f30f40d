"""The lecture's scene registry: which modules make the lecture, in which order, and their scenes.

`scene_modules()` names the module files without importing anything (the render pipeline hashes
them for its cache keys before deciding whether manim is needed at all); `scenes_of(module)` and
`lecture_scenes()` import them and collect the LectureScene subclasses each defines, in
definition order. A listed module that cannot be found is a SceneModuleError naming it (never
skipped: a misspelled name would silently drop its scenes from the lecture).

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

MODULES = ("title", "data_generation", "simpson", "simpson_decomposed", "pooling", "pooling_tradeoff",
           "pooling_dial", "repeated_sampling", "shrinkage", "shrinkage_map", "caterpillar", "variance",
           "design_effect", "model_comparison", "optimiser", "random_slopes", "link_functions",
           "family_guide", "results")
MODULES_ENV = "GLMM_EXPLAINER_SCENE_MODULES"
SCENES_DIR = Path(__file__).resolve().parent


class SceneModuleError(LookupError):
    """A module of the scene list cannot be found (the message names it and where it was listed)."""


@dataclass(frozen=True)
class SceneModule:
    """One module of scenes: its import name and its source file."""

    name: str
    path: Path


def scene_modules() -> list[SceneModule]:
    """The lecture's modules in order; imports nothing. Raises SceneModuleError for a listed
    module that does not exist."""
    override = os.environ.get(MODULES_ENV)
    if override:
        return [module_ref(entry, f"in {MODULES_ENV}")
                for entry in override.split(os.pathsep) if entry.strip()]
    modules = []
    for stem in MODULES:
        path = SCENES_DIR / f"{stem}.py"
        if not path.is_file():
            raise SceneModuleError(f"scene module 'scenes/{stem}.py' (listed in MODULES of "
                                   "scenes/lecture.py) does not exist: fix the name or create it")
        modules.append(SceneModule(f"scenes.{stem}", path))
    return modules


def module_ref(entry: str, where: str = "") -> SceneModule:
    """A scene list entry (a module name or a .py path) as a SceneModule."""
    entry = entry.strip()
    listed = f" ({where})" if where else ""
    if entry.endswith(".py") or os.sep in entry:
        path = Path(entry).expanduser().resolve()
        if not path.is_file():
            raise SceneModuleError(f"scene module file '{entry}'{listed} does not exist: "
                                   "fix the path")
        return SceneModule(f"_glmm_scenes_{path.stem}", path)
    if entry.startswith("scenes."):
        path = SCENES_DIR / (entry.split(".", 1)[1].replace(".", os.sep) + ".py")
        if path.is_file():
            return SceneModule(entry, path)
    try:
        spec = importlib.util.find_spec(entry)
    except (ImportError, ValueError):  # a missing parent package, an empty or relative name
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise SceneModuleError(f"scene module '{entry}'{listed} cannot be found: give a module "
                               "name such as scenes.pooling or a path to a .py file")
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
    """What the pipeline needs to know about a scene, as plain data: also what it declares it
    reads (scenes/reads.py), which its cache key covers. A malformed declaration raises
    scenes.reads.DeclarationError."""
    from scenes.reads import declaration_of

    return {"name": cls.__name__, "description": " ".join(str(cls.description).split()),
            "slides": [[str(name), " ".join(str(text).split())] for name, text in cls.slides],
            "needs_truth": bool(cls.needs_truth), "families": [str(f) for f in cls.families],
            "reads": declaration_of(cls).as_dict()}
