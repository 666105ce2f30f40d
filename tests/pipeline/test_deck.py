"""The animated deck through `glmm-explainer slides`, without a browser (test_deck_browser.py
plays it in Chromium): the clips are cut from the scene's own video at the slide points (no
second render), start on the previous still and end on their own, the looping slide is marked,
the folder and the single file are offline, the PPTX embeds the clips, the PDF holds the stills."""
from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from scripts.pipeline.deck_segments import Span, spans
from tests.pipeline.deck_support import (QUICK, TOOLS_READY, deck_folder, differing,
                                         glmm_explainer, pixels, slides)

needs_tools = pytest.mark.skipif(not TOOLS_READY, reason="needs ffmpeg (scripts/bootstrap.sh installs it)")
OFFLINE_NEEDLES = ('src="http', "src='http", 'href="http', "@import", "url(http", "<link", "//cdn")


def test_spans_run_from_the_previous_slide_point_to_where_the_picture_stops():
    marks = [{"index": 1, "name": "a", "time": 1.0, "still_from": 0.6},
             {"index": 2, "name": "b", "time": 1.5, "still_from": 1.0},   # nothing moves
             {"index": 3, "name": "c", "time": 3.0, "still_from": 2.5},
             {"index": 4, "name": "d", "time": 4.0}]                      # an older mark
    got = spans(marks, 10)
    assert got[0] == Span(0, 6, 10) and got[0].frames == 7
    assert got[1] is None  # frames 10..10: a still, no clip
    assert got[2] == Span(15, 25, 10)
    assert got[3] == Span(30, 40, 10)  # without still_from, up to the mark itself
    assert got[2].start == pytest.approx(1.45) and got[2].duration == pytest.approx(1.1)


def _frame(video: Path, last: bool, tmp: Path) -> Image.Image:
    """The clip's first or last frame, as ffmpeg decodes it (the last: every frame of the last
    second written over one file)."""
    target = tmp / f"{video.stem}-{'last' if last else 'first'}.png"
    how = ["-sseof", "-1", "-i", str(video), "-update", "1"] if last else ["-i", str(video), "-frames:v", "1"]
    subprocess.run(["ffmpeg", "-v", "error", *how, "-y", str(target)], check=True)
    return Image.open(target)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("deck")
    code, stdout, stderr = glmm_explainer("render", *QUICK, "--out", out, "--json")
    assert code == 0, stderr
    return {"out": out, "render": json.loads(stdout)}


@needs_tools
def test_the_deck_is_cut_from_the_videos_render_and_ends_each_clip_on_its_still(rendered, tmp_path):
    summary = slides(rendered["out"], "--folder")
    assert [s["status"] for s in summary["scenes"]] == ["cached"]  # the render's video: no second render
    folder = deck_folder(summary)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == ["deck.html", "deck.pdf", "deck.pptx",
                     *(f"media/DeckCard-{n}.{ext}" for n in ("01-dot", "02-moved", "03-orbit")
                       for ext in ("mp4", "png"))]
    stills = [pixels(folder / f"media/DeckCard-{n}.png") for n in ("01-dot", "02-moved", "03-orbit")]
    for k, name in enumerate(("01-dot", "02-moved", "03-orbit")):
        clip = folder / f"media/DeckCard-{name}.mp4"
        last = pixels(_frame(clip, True, tmp_path))
        assert differing(last, stills[k]) < 0.001, name  # lands on its own still
        if k:
            first = pixels(_frame(clip, False, tmp_path))
            assert differing(first, stills[k - 1]) < 0.001, name  # starts on the previous one
    assert differing(stills[0], stills[1]) > 0.005  # ... and the stills really differ
    # the clip leaves out the hold: 0.8 s of animation at 15 fps, both ends included
    frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                             "stream=nb_read_frames", "-of", "csv=p=0",
                             str(folder / "media/DeckCard-02-moved.mp4")],
                            capture_output=True, text=True, check=True).stdout
    assert int(frames) == 13

    page = (folder / "deck.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="deck-data" type="application/json">(.*?)</script>', page,
                                re.S).group(1))
    assert [(s["video"], s["loop"]) for s in data["slides"]] == [
        ("media/DeckCard-01-dot.mp4", False), ("media/DeckCard-02-moved.mp4", False),
        ("media/DeckCard-03-orbit.mp4", True)]  # DeckCard.loop_slides = ("orbit",)
    # predict, then reveal: the question and its answer are in the notes and the caption
    assert data["slides"][0]["notes"] == "A dot appears.\nQuestion: Where will the dot go?"
    assert data["slides"][1]["notes"] == ("The dot moves right and a square appears.\n"
                                          "Answer: Right, beside a square.")
    for needle in OFFLINE_NEEDLES:
        assert needle not in page.lower()
    assert "--bg: #111418" in page  # the dark theme's background


@needs_tools
def test_pptx_embeds_each_clip_with_its_still_as_poster_and_the_notes(rendered):
    folder = deck_folder(slides(rendered["out"], "--folder"))
    with zipfile.ZipFile(folder / "deck.pptx") as pptx:
        names = pptx.namelist()
        slide_xml = [pptx.read(n).decode() for n in sorted(names)
                     if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
        notes = " ".join(pptx.read(n).decode() for n in names if n.startswith("ppt/notesSlides/"))
        media = [n for n in names if n.startswith("ppt/media/")]
    assert len(slide_xml) == 4  # the cover and three slide points
    assert sum(n.endswith(".mp4") for n in media) == 3
    assert all("<p:video>" in xml and "videoFile" in xml for xml in slide_xml[1:])
    assert ['repeatCount="indefinite"' in xml for xml in slide_xml[1:]] == [False, False, True]
    assert "The dot goes back and forth, in a loop." in notes
    assert "Question: Where will the dot go?" in notes
    posters = {n for n in media if n.endswith(".png")}
    # every movie shows its still before it plays (python-pptx stores equal images once: the
    # loop goes out and back, so its still is the one before it)
    assert len(posters) == 2 and all("r:embed" in xml for xml in slide_xml[1:])
    pdf = (folder / "deck.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 4


@needs_tools
def test_a_small_deck_is_one_self_contained_file_in_the_theme(rendered):
    summary = slides(rendered["out"], "--theme", "light")
    folder = deck_folder(summary)
    assert [p.name for p in folder.iterdir()] and not (folder / "media").exists()
    page = (folder / "deck.html").read_text(encoding="utf-8")
    assert page.count("data:video/mp4;base64,") == 3 and page.count("data:image/png;base64,") == 3
    assert "--bg: #FFFFFF" in page and 'content="light"' in page
    for needle in OFFLINE_NEEDLES:
        assert needle not in page.lower()


def test_pace_with_a_static_deck_is_refused_in_one_line(tmp_path):
    code, stdout, stderr = glmm_explainer("slides", "--static", "--pace", "brisk", "--out", tmp_path)
    assert code == 2 and stderr.count("\n") == 1 and "drop --pace or --static" in stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_loop_of_an_undeclared_slide_point_is_named():
    from scenes.base import LectureScene

    class Misnamed:  # the attributes slide_point reads, without rendering anything
        slides = (("dot", "A dot."),)
        loop_slides = ("orbitt",)
        marks: list = []
        slide_names = classmethod(LectureScene.slide_names.__func__)

    with pytest.raises(ValueError, match="loop_slides names undeclared slide point\\(s\\): orbitt"):
        LectureScene.slide_point(Misnamed(), "dot")
