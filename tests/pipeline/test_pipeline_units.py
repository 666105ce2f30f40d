"""Unit tests of the render pipeline's pure parts (no rendering): captions, source closures,
the cache's atomic store and placement, manifests, the scene registry."""
from __future__ import annotations

import json
import os
from pathlib import Path

from scripts.pipeline import captions, manifest
from scripts.pipeline.cache import Cache, make_key, place
from scripts.pipeline.sources import PROJECT_ROOT, source_closure, source_hash

SAMPLES = Path(__file__).with_name("sample_scenes.py")


def test_cues_span_from_previous_mark_offset_by_scene_start():
    narration = {"a": "First.", "b": "Second."}
    cues = captions.cues_for([(0.0, [{"index": 1, "name": "a", "time": 1.5}], narration),
                              (2.0, [{"index": 1, "name": "a", "time": 1.0},
                                     {"index": 2, "name": "b", "time": 3.0}], narration)])
    assert [(c.start, c.end, c.text) for c in cues] == [(0.0, 1.5, "First."), (2.0, 3.0, "First."),
                                                        (3.0, 5.0, "Second.")]
    vtt, srt = captions.to_vtt(cues), captions.to_srt(cues)
    assert vtt.startswith("WEBVTT\n") and "00:00:03.000 --> 00:00:05.000\nSecond." in vtt
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\nFirst.")


def test_long_narration_is_split_into_short_cues_covering_the_span():
    text = ("Observations come in groups: pupils in schools, patients in clinics. A mixed model "
            "gives every group its own deviation u0j from the common line, and shrinks it.")
    cues = captions.cues_for([(10.0, [{"index": 1, "name": "a", "time": 6.0}], {"a": text})])
    assert len(cues) >= 2
    assert cues[0].start == 10.0 and cues[-1].end == 16.0
    assert all(a.end == b.start for a, b in zip(cues, cues[1:]))
    assert all(len(line) <= captions.LINE for cue in cues for line in cue.text.splitlines())
    assert " ".join(" ".join(c.text.split()) for c in cues) == text


def test_source_closure_follows_project_imports():
    closure = {p.relative_to(PROJECT_ROOT).as_posix() for p in source_closure(SAMPLES)}
    assert {"scenes/base.py", "scenes/theme.py", "scenes/__init__.py"} <= closure
    assert not any(".venv" in p for p in closure)  # manim and numpy are covered by versions
    assert source_hash(SAMPLES) == source_hash(str(SAMPLES))


def test_cache_commit_is_atomic_and_place_links(tmp_path):
    cache = Cache(tmp_path / "cache")
    work = cache.new_workdir("job")
    (work / "a.txt").write_text("hello")
    key = make_key({"x": 1})
    assert cache.get(key) is None
    obj = cache.commit(key, work, {"a.txt": work / "a.txt"}, {"scene": "S"})
    assert obj.meta["files"]["a.txt"]["bytes"] == 5 and obj.meta["scene"] == "S"
    assert not list((tmp_path / "cache" / "tmp").glob("commit-*"))
    target = tmp_path / "tree" / "a.txt"
    assert place(obj.file("a.txt"), target) is True
    assert place(obj.file("a.txt"), target) is False  # same inode: untouched
    assert target.read_text() == "hello"
    assert make_key({"x": 1}) == key != make_key({"x": 2})


def test_manifest_merges_and_drops_vanished_files(tmp_path):
    (tmp_path / "videos").mkdir()
    for name in ("A.mp4", "B.mp4"):
        (tmp_path / "videos" / name).write_text(name)
    entry = lambda name: {"path": f"videos/{name}", "sha256": name}  # noqa: E731
    manifest.update(tmp_path, {"theme": "dark"}, [entry("A.mp4")])
    manifest.update(tmp_path, {"theme": "dark"}, [entry("B.mp4")])
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["path"] for e in data["files"]] == ["videos/A.mp4", "videos/B.mp4"]
    os.unlink(tmp_path / "videos" / "A.mp4")
    manifest.update(tmp_path, {"theme": "dark"}, [])
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["path"] for e in data["files"]] == ["videos/B.mp4"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_registry_lists_lecture_modules_in_order_without_importing(monkeypatch):
    from scenes import lecture

    monkeypatch.delenv(lecture.MODULES_ENV, raising=False)
    names = [m.name.split(".")[1] for m in lecture.scene_modules()]
    assert names == [m for m in lecture.MODULES if (lecture.SCENES_DIR / f"{m}.py").is_file()]
    monkeypatch.setenv(lecture.MODULES_ENV, str(SAMPLES))
    [module] = lecture.scene_modules()
    assert module.path == SAMPLES.resolve()
    loaded = lecture.import_module(module)
    assert [cls.__name__ for cls in lecture.scenes_of(loaded)][:2] == ["TinyCard", "SweepDemo"]


def test_only_the_whole_lecture_lands_in_lecture_and_subsets_get_their_own_folder():
    from scripts.pipeline.layout import assembled_folder

    every = ["TitleCard", "Simpson", "Pooling", "Results"]
    assert assembled_folder("lecture", (), every) == "lecture"
    assert assembled_folder("lecture", ("Results", "Simpson", "TitleCard", "Pooling"), every) == "lecture"
    assert assembled_folder("lecture", ("Results", "TitleCard"), every) == "parts/TitleCard+Results/lecture"
    assert assembled_folder("slides", ("Simpson",), every) == "parts/Simpson/slides"
    long = assembled_folder("lecture", tuple(every[:3]) + ("X" * 90,), every + ["X" * 90])
    assert long.startswith("parts/TitleCard+3-more-") and len(long) < 60
