"""The README's commands as a newcomer types them: from the root of a fresh copy of the
repository, with the default relative `media/` (no --out), through the real console entry point
in a child process. The suite's other render tests pass absolute temp folders; this is the path
that once failed on every fresh machine (workers got a job file path relative to another cwd)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


def _project_files() -> list[str]:
    """What a clone holds: tracked files plus new, not ignored ones (the change under test)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="session")
def fresh_copy(tmp_path_factory) -> Path:
    """A copy of the repository in a folder whose path has a space and a non-ASCII letter."""
    root = tmp_path_factory.mktemp("clone") / "fresh cöpy"
    for name in _project_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return root


def glmm_explainer(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`glmm-explainer ARGS` run in `cwd`, importing the copy's code (cwd first on sys.path)."""
    code = "import sys; from scripts.cli import cli; sys.exit(cli())"
    # A user's shell has none of the variables other tests set (scene module lists, inputs).
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLMM_EXPLAINER_")}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_render_with_the_default_relative_media_folder(fresh_copy):
    result = glmm_explainer(fresh_copy, "render", "TitleCard", "-q", "low", "--pace", "brisk",
                            "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    [video] = summary["files"]
    assert Path(video).is_file() and Path(video).stat().st_size > 0
    assert Path(video).resolve().is_relative_to((fresh_copy / "media").resolve())


# ------------------------------------------------------------------ the README's main command
def ffprobe(path: Path, *entries: str) -> dict:
    result = subprocess.run(["ffprobe", "-v", "error", *entries, "-of", "json", str(path)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def lecture(fresh_copy) -> dict:
    """`glmm-explainer lecture` as the README types it, at the quickest settings."""
    result = glmm_explainer(fresh_copy, "lecture", "-q", "low", "--pace", "brisk", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_lecture_plays_with_a_chapter_per_scene_captions_and_a_handout(fresh_copy, lecture):
    folder = Path(lecture["folder"])
    assert folder.resolve().is_relative_to((fresh_copy / "media").resolve())
    shown = [scene["scene"] for scene in lecture["scenes"] if scene["status"] != "skipped"]
    assert len(shown) >= 14  # the default scenario shows (nearly) every scene
    mp4 = folder / "lecture" / "lecture.mp4"
    info = ffprobe(mp4, "-show_streams", "-show_format", "-show_chapters")
    [video] = [s for s in info["streams"] if s["codec_type"] == "video"]
    assert (video["width"], video["height"]) == (854, 480)
    duration = float(info["format"]["duration"])
    chapters = info["chapters"]
    assert len(chapters) == len(shown)
    assert float(chapters[-1]["end_time"]) == pytest.approx(duration, abs=0.2)
    assert duration > 2 * len(shown)
    # decoding really works through to the end (not only a readable header)
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{duration - 1:.2f}", "-i", str(mp4),
                              "-frames:v", "1", "-f", "null", "-"], capture_output=True, text=True)
    assert decoded.returncode == 0 and not decoded.stderr.strip(), decoded.stderr
    vtt = (folder / "lecture" / "lecture.vtt").read_text(encoding="utf-8")
    srt = (folder / "lecture" / "lecture.srt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT") and vtt.count(" --> ") >= len(shown)
    assert srt.count(" --> ") == vtt.count(" --> ")
    handout = (folder / "lecture" / "handout.pdf").read_bytes()
    assert handout.startswith(b"%PDF") and handout.count(b"/Type /Page") > len(shown)


def test_a_partial_lecture_never_replaces_the_whole_one(fresh_copy, lecture):
    whole = Path(lecture["folder"]) / "lecture"
    before = {name: (whole / name).read_bytes() for name in ("lecture.mp4", "handout.pdf")}
    result = glmm_explainer(fresh_copy, "lecture", "TitleCard", "-q", "low", "--pace", "brisk",
                            "--json")
    assert result.returncode == 0, result.stderr
    files = [Path(p) for p in json.loads(result.stdout)["files"]]
    assert Path(lecture["folder"]) / "parts" / "TitleCard" / "lecture" / "lecture.mp4" in files
    assert {name: (whole / name).read_bytes() for name in before} == before


# ------------------------------------------------------------------ stills and slides
def test_stills_then_slides_from_them(fresh_copy):
    """`stills` then `slides --static` for a few scenes (the lecture fixture renders every
    scene; the scene tests make every scene's stills for every family)."""
    chosen = ("TitleCard", "ShrinkageDiagram", "ModelResults")
    listing = json.loads(glmm_explainer(fresh_copy, "list", "--json").stdout)
    slide_points = sum(len(scene["slides"]) for scene in listing["scenes"] if scene["name"] in chosen)
    assert slide_points >= len(chosen)
    result = glmm_explainer(fresh_copy, "stills", *chosen, "-q", "low", "--json")
    assert result.returncode == 0, result.stderr
    pngs = [Path(p) for p in json.loads(result.stdout)["files"] if p.endswith(".png")]
    assert len(pngs) == slide_points
    assert all(p.is_file() and p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert all(p.resolve().is_relative_to((fresh_copy / "media").resolve()) for p in pngs)
    result = glmm_explainer(fresh_copy, "slides", *chosen, "-q", "low", "--static", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert all(scene["status"] in ("cached", "skipped") for scene in summary["scenes"])  # no re-render
    [html] = [Path(p) for p in summary["files"] if p.endswith("deck.html")]
    assert html.parent.name == "slides" and html.stat().st_size > 10_000
    assert html.read_text(encoding="utf-8").count("data:image/png;base64,") == slide_points


def test_animated_slides_are_cut_from_the_lectures_render(fresh_copy, lecture):
    """`slides` after `lecture`: every clip comes from the lecture's videos, nothing renders."""
    result = glmm_explainer(fresh_copy, "slides", "-q", "low", "--pace", "brisk", "--folder",
                            "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["folder"] == lecture["folder"]
    assert all(scene["status"] in ("cached", "skipped") for scene in summary["scenes"])
    files = [Path(p) for p in summary["files"]]
    clips = [p for p in files if p.suffix == ".mp4"]
    stills = [p for p in files if p.suffix == ".png"]
    assert len(stills) >= 30 and len(clips) >= len(stills) - 3  # a clip per slide that moves
    deck = Path(lecture["folder"]) / "slides"
    assert {deck / "deck.html", deck / "deck.pptx", deck / "deck.pdf"} <= set(files)
    assert all(p.parent == deck / "media" for p in clips + stills)


# ------------------------------------------------------------------ the user's own paths
def test_relative_data_scenario_and_out_paths_with_spaces_and_accents(fresh_copy):
    """A lecturer's CSV, scenario file and output folder, given relative to a subfolder."""
    work = fresh_copy / "my lectures" / "wöche 3"
    work.mkdir(parents=True)
    (work / "class ü.toml").write_text('name = "meine Klasse"\nn_groups = 6\nseed = 11\n',
                                       encoding="utf-8")
    made = glmm_explainer(work, "simulate", "--scenario", "class ü.toml", "--out",
                          "data files/pupils é.csv")
    assert made.returncode == 0, made.stderr
    assert (work / "data files" / "pupils é.csv").is_file()
    result = glmm_explainer(work, "render", "PoolingComparison", "-q", "low", "--pace", "brisk",
                            "--data", "data files/pupils é.csv", "--formula", "y ~ x + (1 | group)",
                            "--out", "../rendered videos", "--json")
    assert result.returncode == 0, result.stderr
    [video] = [Path(p) for p in json.loads(result.stdout)["files"]]
    assert video.resolve().is_relative_to((fresh_copy / "my lectures" / "rendered videos").resolve())
    assert video.name == "PoolingComparison.mp4" and video.stat().st_size > 0
    result = glmm_explainer(work, "render", "TitleCard", "-q", "low", "--pace", "brisk",
                            "--scenario", "class ü.toml", "--json")
    assert result.returncode == 0, result.stderr
    [video] = [Path(p) for p in json.loads(result.stdout)["files"]]
    assert video.resolve().is_relative_to((work / "media").resolve())
    assert "meine-Klasse" in str(video)
