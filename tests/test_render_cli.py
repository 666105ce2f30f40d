"""The render commands end to end, on the small scenes of tests/pipeline/sample_scenes.py at low
quality (registered through GLMM_EXPLAINER_SCENE_MODULES, so the lecture's own scenes are not
needed): list, render + cache, stills (PNG/SVG/PDF, transparent, deterministic), lecture
(chapters, captions, handout), slides (offline HTML, PPTX) and the one-line errors."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.cli import cli

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "pipeline" / "sample_scenes.py"
BROKEN = HERE / "pipeline" / "broken_scenes.py"
LOW = ["-q", "low"]

pytestmark = pytest.mark.skipif(
    not all(__import__("shutil").which(t) for t in ("ffmpeg", "ffprobe", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")



def _estimator_ready() -> bool:
    try:
        import estimator.families as families
        import estimator.fit  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return getattr(families, "__file__", None) is not None


requires_estimator = pytest.mark.skipif(not _estimator_ready(), reason="the estimator has not landed yet")


@pytest.fixture(autouse=True)
def sample_modules(monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", str(SAMPLES))


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_of(out: Path) -> Path:
    [folder] = [p for p in out.glob("*/low-dark")]
    return folder


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("Error: "), err
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """TinyCard rendered once at low quality; shared by the cache tests."""
    saved = os.environ.get("GLMM_EXPLAINER_SCENE_MODULES")
    os.environ["GLMM_EXPLAINER_SCENE_MODULES"] = str(SAMPLES)
    out = tmp_path_factory.mktemp("render")
    result = run("render", "TinyCard", *LOW, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    yield out
    if saved is None:  # leave the environment as found: later modules render the real lecture
        os.environ.pop("GLMM_EXPLAINER_SCENE_MODULES", None)
    else:
        os.environ["GLMM_EXPLAINER_SCENE_MODULES"] = saved


# ------------------------------------------------------------------ list
def test_list_shows_scenes_slides_and_presets(tmp_path):
    (tmp_path / "a-file").write_text("x")  # an unusable --out: list still works, without its cache
    result = run("list", "--out", tmp_path / "a-file" / "out")
    assert result.exit_code == 0, result.output
    assert "TinyCard - A two-slide card" in result.stdout
    assert "1. title" in result.stdout and "2. formula" in result.stdout
    assert "needs simulated data" in result.stdout
    assert "Presets:" in result.stdout and "default" in result.stdout


def test_list_json(tmp_path):
    payload = json.loads(run("list", "--json", "--out", tmp_path).stdout)
    names = [scene["name"] for scene in payload["scenes"]]
    assert names[:2] == ["TinyCard", "SweepDemo"]
    assert payload["scenes"][0]["slides"][0]["name"] == "title"
    assert "simpson" in payload["presets"]


# ------------------------------------------------------------------ render + cache
def test_render_writes_video_and_manifest(rendered):
    folder = folder_of(rendered)
    video = folder / "videos" / "TinyCard.mp4"
    assert video.is_file()
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height,r_frame_rate",
                            "-of", "json", str(video)], capture_output=True, text=True, check=True)
    stream = json.loads(probe.stdout)["streams"][0]
    assert (stream["width"], stream["height"], stream["r_frame_rate"]) == (854, 480, "15/1")
    manifest = json.loads((folder / "manifest.json").read_text())
    [entry] = [e for e in manifest["files"] if e["path"] == "videos/TinyCard.mp4"]
    assert entry["sha256"] == sha(video)
    assert entry["scene"] == "TinyCard" and entry["quality"] == "low" and entry["theme"] == "dark"
    assert entry["scenario_hash"] == manifest["scenario_hash"]
    assert folder.parent.name.startswith("default-")


def test_second_render_is_a_cache_hit(rendered):
    video = folder_of(rendered) / "videos" / "TinyCard.mp4"
    before = video.stat()
    started = time.perf_counter()
    result = run("render", "TinyCard", *LOW, "--out", rendered, "--json")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scenes"] == [{"scene": "TinyCard", "status": "cached", "detail": ""}]
    after = video.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert elapsed < 1.5


def test_scene_that_reads_no_input_is_not_rerendered_for_a_new_scenario(rendered):
    result = run("render", "TinyCard", *LOW, "--out", rendered, "--set", "tau0=2.5", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scenes"][0]["status"] == "cached"  # TinyCard draws no data
    assert "default-" in summary["folder"] and summary["scenario"]["hash"] != ""
    assert Path(summary["files"][0]).is_file()


def test_theme_change_rerenders(rendered):
    result = run("render", "TinyCard", *LOW, "--theme", "light", "--out", rendered, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenes"][0]["status"] == "rendered"
    assert list(rendered.glob("*/low-light/videos/TinyCard.mp4"))


@requires_estimator
def test_scene_that_reads_input_rerenders_for_a_new_scenario(tmp_path):
    first = json.loads(run("render", "InputCard", *LOW, "--out", tmp_path, "--json").stdout)
    again = json.loads(run("render", "InputCard", *LOW, "--out", tmp_path, "--json").stdout)
    changed = json.loads(run("render", "InputCard", *LOW, "--out", tmp_path, "--json",
                             "--set", "n_groups=5").stdout)
    assert [s["scenes"][0]["status"] for s in (first, again, changed)] == ["rendered", "cached", "rendered"]


# ------------------------------------------------------------------ stills
def test_stills_png_svg_pdf_per_slide_point_and_deterministic(tmp_path):
    result = run("stills", "TinyCard", *LOW, "-f", "png,svg", "-f", "pdf", "--out", tmp_path / "a", "--quiet")
    assert result.exit_code == 0, result.output
    folder = folder_of(tmp_path / "a") / "stills"
    for fmt, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        files = sorted((folder / fmt).iterdir())
        assert [f.name for f in files] == [f"TinyCard-01-title.{fmt}", f"TinyCard-02-formula.{fmt}"]
        assert all(f.read_bytes().startswith(magic) for f in files)
    from PIL import Image

    assert Image.open(folder / "png" / "TinyCard-01-title.png").size == (854, 480)
    # a fresh output folder (fresh cache) renders again and gives the same bytes
    assert run("stills", "TinyCard", *LOW, "-f", "png,svg,pdf", "--out", tmp_path / "b", "--quiet").exit_code == 0
    other = folder_of(tmp_path / "b") / "stills"
    for fmt in ("png", "svg", "pdf"):
        for f in (folder / fmt).iterdir():
            assert sha(f) == sha(other / fmt / f.name), f


def test_transparent_png_has_alpha(tmp_path):
    result = run("stills", "TinyCard", *LOW, "--transparent", "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    from PIL import Image

    image = Image.open(folder_of(tmp_path) / "stills" / "png-transparent" / "TinyCard-02-formula.png")
    assert image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0
    assert image.getchannel("A").getextrema() == (0, 255)


# ------------------------------------------------------------------ lecture
def test_lecture_has_chapters_captions_and_handout(tmp_path):
    result = run("lecture", "GaussianOnly", "TinyCard", *LOW, "--out", tmp_path, "--quiet",
                 "--voice", "none")  # silent: captions at the reading pace (spoken: tests/test_speech_cli.py)
    assert result.exit_code == 0, result.output
    folder = folder_of(tmp_path) / "parts" / "TinyCard+GaussianOnly" / "lecture"  # a subset
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json",
                            str(folder / "lecture.mp4")], capture_output=True, text=True, check=True)
    chapters = json.loads(probe.stdout)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Tiny card", "Gaussian only"]  # lecture order
    split = float(chapters[0]["end_time"])
    assert float(chapters[1]["start_time"]) == pytest.approx(split)
    vtt = (folder / "lecture.vtt").read_text()
    srt = (folder / "lecture.srt").read_text()
    assert vtt.startswith("WEBVTT") and "A title card. It has a formula." in vtt
    assert "00:00:00,000 --> " in srt and "Gaussian only." in srt
    # the last cue of the first scene ends at the scene's end (its last slide point)
    assert f"--> 00:00:{split:06.3f}".replace(".", ",") in srt
    assert (folder / "handout.pdf").read_bytes().startswith(b"%PDF")
    manifest = json.loads((folder_of(tmp_path) / "manifest.json").read_text())
    assert {e["path"] for e in manifest["files"]} >= {
        f"parts/TinyCard+GaussianOnly/lecture/{name}"
        for name in ("lecture.mp4", "lecture.vtt", "lecture.srt", "handout.pdf")}


def _cue_rates(vtt: str) -> list[float]:
    """Characters per second of every caption cue."""
    rates = []
    for block in vtt.strip().split("\n\n")[1:]:
        _, timing, *text = block.splitlines()
        start, end = (sum(float(part) * 60 ** (2 - i) for i, part in enumerate(stamp.split(":")))
                      for stamp in timing.split(" --> "))
        rates.append(len(" ".join(text)) / (end - start))
    return rates


def test_reading_pace_leaves_time_to_read_the_captions_and_brisk_does_not(tmp_path):
    reading = json.loads(run("lecture", "TinyCard", *LOW, "--out", tmp_path, "--json",
                             "--voice", "none").stdout)
    brisk = json.loads(run("lecture", "TinyCard", *LOW, "--out", tmp_path, "--json",
                           "--pace", "brisk").stdout)
    assert (reading["pace"], brisk["pace"]) == ("reading", "brisk")
    assert brisk["folder"] == reading["folder"] + "-brisk"  # both kept, side by side
    assert brisk["scenes"][0]["status"] == "rendered"  # the pace is part of a video's cache key
    part = Path("parts", "TinyCard", "lecture")
    read_rates = _cue_rates((Path(reading["folder"]) / part / "lecture.vtt").read_text())
    brisk_rates = _cue_rates((Path(brisk["folder"]) / part / "lecture.vtt").read_text())
    assert max(read_rates) <= 15.5  # subtitle guidelines: 15-17 characters per second
    assert max(brisk_rates) > 17  # TinyCard's narration is long for its animation
    durations = [float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration",
                                       "-of", "default=nw=1:nk=1", str(Path(r["folder"]) / part /
                                                                        "lecture.mp4")],
                                      capture_output=True, text=True, check=True).stdout)
                 for r in (reading, brisk)]
    assert durations[0] > durations[1] + 2
    manifest = json.loads((Path(brisk["folder"]) / "manifest.json").read_text())
    assert manifest["pace"] == "brisk"


# ------------------------------------------------------------------ slides
def test_slides_offline_html_and_pptx(tmp_path):
    """--static: today's still-only deck, small enough to be one self-contained file."""
    result = run("slides", "TinyCard", *LOW, "--static", "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    folder = folder_of(tmp_path) / "parts" / "TinyCard" / "slides"
    page = (folder / "deck.html").read_text()
    assert page.count("data:image/png;base64,") == 2 and "data:video" not in page
    assert not (folder / "media").exists()
    lowered = page.lower()
    for needle in ('src="http', "src='http", 'href="http', "@import", "url(http", "<link"):
        assert needle not in lowered
    assert "keydown" in page and "A title card. It has a formula." in page
    with zipfile.ZipFile(folder / "deck.pptx") as deck:
        slides = [n for n in deck.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")]
        notes = " ".join(deck.read(n).decode() for n in deck.namelist() if n.startswith("ppt/notesSlides/notesSlide"))
        assert not [n for n in deck.namelist() if n.endswith(".mp4")]
    assert len(slides) == 3  # cover + 2 slide points
    assert "A title card. It has a formula." in notes
    assert (folder / "deck.pdf").read_bytes().count(b"/Type /Page") >= 3


# ------------------------------------------------------------------ user data
def test_data_run_skips_scenes_with_one_line_reasons(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("g,x,y\n" + "".join(f"{g},{x},{x + i}\n" for i, g in enumerate("abc") for x in range(4)))
    result = run("render", "NeedsTruth", "GaussianOnly", "TinyCard", *LOW, "--out", tmp_path / "o",
                 "--data", csv, "--formula", "y ~ x + (1 | g)", "--family", "poisson", "--json")
    assert result.exit_code == 0, result.output
    statuses = {s["scene"]: s for s in json.loads(result.stdout)["scenes"]}
    assert statuses["NeedsTruth"]["status"] == "skipped" and "true effects" in statuses["NeedsTruth"]["detail"]
    assert statuses["GaussianOnly"]["status"] == "skipped" and "poisson" in statuses["GaussianOnly"]["detail"]
    assert statuses["TinyCard"]["status"] in ("rendered", "cached")
    assert list((tmp_path / "o").glob("mine-*/low-dark/videos/TinyCard.mp4"))


# ------------------------------------------------------------------ errors: one line, exit 2
def test_unknown_scene(tmp_path):
    assert_one_line_error(run("render", "NoSuchScene", "--out", tmp_path), "scene 'NoSuchScene' is unknown",
                          "TinyCard")


def test_unknown_preset(tmp_path):
    assert_one_line_error(run("render", "TinyCard", "--preset", "nope", "--out", tmp_path), "preset 'nope'")


def test_bad_set(tmp_path):
    assert_one_line_error(run("stills", "--set", "tau0=abc", "--out", tmp_path), "tau0")
    assert_one_line_error(run("stills", "--set", "rho=2", "--out", tmp_path), "rho")


def test_unwritable_out(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert_one_line_error(run("render", "TinyCard", "--out", blocker / "out"), "not writable")
    assert_one_line_error(run("render", "TinyCard", "--out", blocker), "is a file")


def test_data_with_missing_column(tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("g,x,y\na,1,2\nb,2,3\n")
    assert_one_line_error(run("render", "--data", csv, "--formula", "y ~ z + (1 | g)", "--out", tmp_path), "z")
    assert_one_line_error(run("render", "--data", csv, "--out", tmp_path), "--formula")


def test_missing_tools_name_the_apt_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg, no latex
    assert_one_line_error(run("render", "TinyCard", *LOW, "--out", tmp_path / "o"), "apt-get install",
                          "ffmpeg")


def test_failing_scene_keeps_finished_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", os.pathsep.join([str(SAMPLES), str(BROKEN)]))
    result = run("render", "TinyCard", "Broken", *LOW, "--out", tmp_path, "--quiet")
    assert_one_line_error(result, "scene Broken failed", "boom")
    folder = folder_of(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [e["path"] for e in manifest["files"]] == ["videos/TinyCard.mp4"]
    assert sha(folder / "videos" / "TinyCard.mp4") == manifest["files"][0]["sha256"]
    assert not list((tmp_path / ".cache" / "tmp").iterdir())
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".part.mp4"))]


def test_ctrl_c_stops_workers_and_leaves_no_temp_files(tmp_path):
    env = {**os.environ, "GLMM_EXPLAINER_SCENE_MODULES": str(SAMPLES)}
    proc = subprocess.Popen([sys.executable, "-c", "from scripts.cli import cli; cli()", "render", "SweepDemo", "TinyCard",
                             *LOW, "--out", str(tmp_path), "-j", "2"],
                            cwd=HERE.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((tmp_path / ".cache" / "tmp").glob("SweepDemo-*/out")):
        time.sleep(0.1)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)  # a loaded machine stops slowly
    assert proc.returncode != 0
    assert b"Traceback" not in err
    time.sleep(0.2)
    assert not list((tmp_path / ".cache" / "tmp").iterdir())
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith((".tmp", ".part.mp4"))]
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in ps
