"""The render cache never serves a stale file: a scene's key covers everything it declares it
reads (the lecture input, built-in presets, data files), an undeclared read fails the render
with the fix in one line, and a scene list entry that names no scene module is a one-line error.

The key tests use the lecture's own scenes (their real declarations) without rendering; the
end-to-end tests render only the tiny scenes of sample_scenes.py and declared_scenes.py at -q low,
with the presets in a temp copy (GLMM_EXPLAINER_PRESET_DIR) so editing one touches nothing real.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenes import context, lecture, reads
from scripts.cli import cli
from scripts.pipeline import catalog
from scripts.pipeline.cache import Cache
from scripts.pipeline.jobs import SceneJob
from scripts.pipeline.layout import QUALITIES
from estimator.presets import PRESET_DIR, PRESET_DIR_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLES = HERE / "sample_scenes.py"
DECLARED = HERE / "declared_scenes.py"
LOW = ["-q", "low"]

needs_tools = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("Error: "), err
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err


def set_value(preset: Path, key: str, value) -> None:
    """Change one `key = value` line of a preset file."""
    lines = preset.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
    assert hits, f"{key} not in {preset}"
    lines[hits[0]] = f"{key} = {value}"
    preset.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def presets(tmp_path, monkeypatch) -> Path:
    """A temp copy of the built-in presets, used by this process and the workers it starts."""
    folder = tmp_path / "presets"
    shutil.copytree(PRESET_DIR, folder)
    monkeypatch.setenv(PRESET_DIR_ENV, str(folder))
    return folder


@pytest.fixture(scope="module")
def lecture_catalog(tmp_path_factory):
    """The lecture's own scenes (imports their modules once, to describe them)."""
    saved = os.environ.pop(lecture.MODULES_ENV, None)
    try:
        return catalog.load(Cache(tmp_path_factory.mktemp("catalog")))
    finally:
        if saved is not None:
            os.environ[lecture.MODULES_ENV] = saved


def video_keys(scenes, input_digest: str = "input-a") -> dict[str, str]:
    return {scene.name: SceneJob(scene, "video", QUALITIES["low"], "dark", ("mp4",)).key("mp4", input_digest)
            for scene in scenes}


def changed(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


def test_the_tests_import_this_checkouts_scenes():
    """tests/scenes/ once stood in for the scenes package under pytest's default import mode,
    and `scenes.*` then resolved through the editable install to another checkout's code."""
    for module in (reads, context, lecture):
        assert Path(module.__file__).resolve().parent == ROOT / "scenes"


# ------------------------------------------------------------------ keys (no rendering)
def test_editing_a_fallback_preset_rekeys_exactly_the_scenes_that_declare_it(lecture_catalog, presets):
    before = video_keys(lecture_catalog)
    set_value(presets / "fan-out.toml", "n_groups", 12)
    after_fan_out = video_keys(lecture_catalog)
    assert changed(before, after_fan_out) == {"RandomSlopes", "RandomEffectsScatter"}
    set_value(presets / "poisson.toml", "n_groups", 9)
    assert changed(after_fan_out, video_keys(lecture_catalog)) == {"LinkFunction"}
    assert video_keys(lecture_catalog) == video_keys(lecture_catalog)  # stable when nothing changes


def test_the_input_digest_enters_the_keys_of_the_scenes_that_read_it_only(lecture_catalog):
    readers = changed(video_keys(lecture_catalog, "input-a"), video_keys(lecture_catalog, "input-b"))
    assert readers == {scene.name for scene in lecture_catalog if scene.reads_input}
    assert {"TitleCard", "ModelResults", "RandomSlopes", "GammaLink"} <= readers
    assert "FamilyGuide" not in readers  # draws no data: not re-rendered for a new scenario


def test_a_declared_data_file_enters_the_key_and_must_exist(tmp_path, monkeypatch):
    module = tmp_path / "table_scene.py"
    module.write_text(
        "from scenes.base import LectureScene\n"
        "from scenes.reads import data_file\n\n"
        "class TableScene(LectureScene):\n"
        "    slides = (('rows', 'The rows.'),)\n"
        "    data_files = ('data/table.csv',)\n\n"
        "    def construct(self):\n"
        "        data_file(self, 'data/table.csv').read_text()\n", encoding="utf-8")
    monkeypatch.setenv(lecture.MODULES_ENV, str(module))
    cache = Cache(tmp_path / "cache")
    with pytest.raises(catalog.CatalogError, match="TableScene declares data file 'data/table.csv'"):
        catalog.load(cache)
    table = tmp_path / "data" / "table.csv"
    table.parent.mkdir()
    table.write_text("g,x,y\na,1,2\n", encoding="utf-8")
    [scene] = catalog.load(cache)
    assert scene.data_files == ("data/table.csv",) and not scene.reads_input
    before = video_keys([scene])
    table.write_text("g,x,y\na,1,3\n", encoding="utf-8")
    assert changed(before, video_keys([scene])) == {"TableScene"}
    with pytest.raises(reads.UndeclaredRead, match="other.csv"):
        reads.data_file(scene_class(module, "TableScene"), "other.csv")


def scene_class(path: Path, name: str):
    return getattr(lecture.import_module(lecture.module_ref(str(path))), name)


# ------------------------------------------------------------------ declarations are checked
def test_a_malformed_declaration_is_a_one_line_error(tmp_path, monkeypatch):
    module = tmp_path / "bad_scene.py"
    module.write_text("from scenes.base import LectureScene\n\n"
                      "class BadScene(LectureScene):\n"
                      "    presets = 'fan-out'\n\n"
                      "    def construct(self):\n"
                      "        pass\n", encoding="utf-8")
    monkeypatch.setenv(lecture.MODULES_ENV, str(module))
    assert_one_line_error(run("list", "--out", tmp_path / "o"), "BadScene.presets must be a tuple",
                          "presets = ('fan-out',)")


def test_reads_outside_a_scene_are_refused_in_workers_only(monkeypatch):
    monkeypatch.delenv(reads.STRICT_ENV, raising=False)
    assert context.lecture_input().scenario.n_groups > 0  # tests and the REPL read freely

    class Concept:  # declares nothing; its construct reads the input, then fails
        def construct(self):
            context.lecture_input()

    with pytest.raises(reads.UndeclaredRead, match="Concept reads the lecture input"):
        reads.checked_construct(Concept.construct)(Concept())
    assert context.lecture_input()  # the failed scene left no declaration behind
    monkeypatch.setenv(reads.STRICT_ENV, "1")
    with pytest.raises(reads.UndeclaredRead, match="outside a scene"):
        context.lecture_input()
    with pytest.raises(reads.UndeclaredRead, match="preset 'fan-out' was read outside a scene"):
        context.preset_input("fan-out")


def test_scene_modules_reach_data_only_through_the_checked_accessors():
    """No lecture scene opens a file, loads a preset or scenario, or reads the environment by
    itself: such a read would bypass its declaration and so its cache key."""
    infrastructure = {"base.py", "context.py", "reads.py", "lecture.py", "theme.py", "pacing.py",
                      "__init__.py"}
    banned_calls = {"open", "read_text", "read_bytes", "loadtxt", "genfromtxt", "read_csv",
                    "load_scenario", "load_preset", "getenv"}
    offences = []
    for path in sorted((ROOT / "scenes").glob("*.py")):
        if path.name in infrastructure:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                offences += [f"{path.name}: imports {n}" for n in names
                             if n.split(".")[0] == "scripts" or n in ("estimator.table", "os")]
            elif isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in banned_calls:
                    offences.append(f"{path.name}:{node.lineno}: calls {name}")
    assert offences == []


# ------------------------------------------------------------------ the scene list
@pytest.mark.parametrize("entry, fragment", [
    ("scenes.polling", "scene module 'scenes.polling' (in GLMM_EXPLAINER_SCENE_MODULES) cannot be found"),
    ("nosuchpackage.scenes", "scene module 'nosuchpackage.scenes'"),
    ("tests/pipeline/sample_scene.py", "scene module file 'tests/pipeline/sample_scene.py'"),
    ("scenes/theme.py", "defines no scene"),
])
def test_a_misspelled_scene_module_is_a_one_line_error(entry, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv(lecture.MODULES_ENV, os.pathsep.join([str(SAMPLES), entry]))
    assert_one_line_error(run("render", "TinyCard", *LOW, "--out", tmp_path), fragment)
    assert_one_line_error(run("list", "--out", tmp_path), fragment)


def test_a_misspelled_module_in_the_lectures_own_list_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.delenv(lecture.MODULES_ENV, raising=False)
    monkeypatch.setattr(lecture, "MODULES", lecture.MODULES + ("polling",))
    assert_one_line_error(run("list", "--out", tmp_path), "scene module 'scenes/polling.py'",
                          "scenes/lecture.py")


def test_a_scene_defined_twice_is_a_one_line_error(tmp_path, monkeypatch):
    copy = tmp_path / "samples_again.py"
    shutil.copy(SAMPLES, copy)
    monkeypatch.setenv(lecture.MODULES_ENV, os.pathsep.join([str(SAMPLES), str(copy)]))
    assert_one_line_error(run("list", "--out", tmp_path / "o"), "scene TinyCard is defined twice")


# ------------------------------------------------------------------ end to end (tiny renders)
def rendered_numbers(out: Path, scene: str) -> list[float]:
    """The numbers every cached render of `scene` drew, oldest first."""
    metas = [json.loads(p.read_text()) for p in (out / ".cache" / "objects").glob("*/*/meta.json")]
    metas = [m for m in metas if m["scene"] == scene]
    return sorted(m["numbers"]["n_groups"] for m in metas)


@needs_tools
def test_an_edited_preset_rerenders_its_scene_and_the_rest_is_served_from_the_cache(
        tmp_path, presets, monkeypatch):
    monkeypatch.setenv(lecture.MODULES_ENV, os.pathsep.join([str(SAMPLES), str(DECLARED)]))
    out = tmp_path / "out"
    status = lambda result: {s["scene"]: s["status"] for s in json.loads(result.stdout)["scenes"]}  # noqa: E731
    first = run("render", "PresetCard", "TinyCard", *LOW, "--out", out, "--json")
    assert status(first) == {"PresetCard": "rendered", "TinyCard": "rendered"}, first.output
    set_value(presets / "fan-out.toml", "n_groups", 12)
    second = run("render", "PresetCard", "TinyCard", *LOW, "--out", out, "--json")
    assert status(second) == {"PresetCard": "rendered", "TinyCard": "cached"}, second.output
    assert rendered_numbers(out, "PresetCard") == [10, 12]  # the worker drew the edited preset

    # unchanged: served from the cache, in a fresh process that never imports manim
    env = {**os.environ, lecture.MODULES_ENV: os.pathsep.join([str(SAMPLES), str(DECLARED)])}
    probe = ("import sys; from scripts.cli import cli\n"
             "try:\n    cli(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print('MANIM', 'manim' in sys.modules, code, file=sys.stderr)")
    third = subprocess.run([sys.executable, "-c", probe, "render", "PresetCard", "TinyCard", *LOW,
                            "--out", str(out), "--json"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert "MANIM False 0" in third.stderr, third.stderr
    assert {s["scene"]: s["status"] for s in json.loads(third.stdout)["scenes"]} == \
        {"PresetCard": "cached", "TinyCard": "cached"}


@needs_tools
@pytest.mark.parametrize("scene, fragments", [
    ("SilentInput", ("scene SilentInput failed", "reads the lecture input", "reads_input = True")),
    ("SilentPreset", ("scene SilentPreset failed", "reads preset 'poisson'",
                      "presets = ('fan-out', 'poisson')")),
])
def test_a_scene_reading_what_it_did_not_declare_fails_with_the_fix(scene, fragments, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setenv(lecture.MODULES_ENV, str(DECLARED))
    result = run("render", scene, *LOW, "--out", tmp_path, "--quiet")
    assert_one_line_error(result, *fragments)
    assert not list((tmp_path / ".cache" / "objects").glob("*/*/meta.json"))  # nothing cached
