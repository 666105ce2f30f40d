"""The handout, the exercise sheet/key and the backup deck as a reader sees them: every still and
every line of text inside the page's margins, nothing on top of anything else, pages in order.
Read back from the written PDFs with pypdf (where cairo put each image and each text line)."""
from __future__ import annotations

from pathlib import Path

import pypdf
import pytest
from PIL import Image

from scripts.pipeline import deck_pdf, handout
from scripts.pipeline.exercises import Exercise, write_exercises
from scripts.pipeline.handout import MARGIN, PAGE_H, HandoutSlide, write_handout
from scripts.pipeline.pdf_pages import two_per_page

SENTENCE = "When each group gets its own line, will its slope point the same way as the pooled line? "


def layout(pdf: Path) -> list[dict]:
    """Per page: `images` as (left, top, right, bottom) and `text` as (baseline, string), in
    points from the page's top left (as the writers draw)."""
    pages = []
    for page in pypdf.PdfReader(pdf).pages:
        height = float(page.mediabox.height)
        images, text = [], []

        def on_operator(op, args, cm, tm):
            if op == b"Do":
                a, _, _, d, e, f = cm
                images.append((e, height - (f + d), e + a, height - f))

        def on_text(string, cm, tm, font, size):
            if string.strip():
                text.append((height - (tm[4] * cm[1] + tm[5] * cm[3] + cm[5]), string))

        page.extract_text(visitor_operand_before=on_operator, visitor_text=on_text)
        pages.append({"images": images, "text": text})
    return pages


@pytest.fixture
def still(tmp_path) -> Path:
    path = tmp_path / "still.png"
    Image.new("RGB", (854, 480), (17, 20, 24)).save(path)
    return path


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def assert_inside_margins(pages, bottom_margin: float = MARGIN) -> None:
    for number, page in enumerate(pages, start=1):
        for box in page["images"]:
            assert box[1] >= MARGIN - 0.5 and box[3] <= PAGE_H - bottom_margin + 0.5, (number, box)
        for one, two in zip(page["images"], page["images"][1:]):
            assert not _overlaps(one, two), (number, one, two)


def test_two_per_page_keeps_every_slot_between_the_margins_and_apart():
    needs = [100, 100, 100, 700, 100, 100, 100]
    places = two_per_page(needs, first_top=300, top=48, bottom=794, gap=12)
    assert [p for p, _, _ in places] == [0, 0, 1, 2, 3, 3, 4]   # the tall one gets its own page
    for (page, top, bottom), next_place in zip(places, places[1:] + [(None, 0, 0)]):
        assert top >= (300 if page == 0 else 48) and bottom <= 794
        if next_place[0] == page:
            assert next_place[1] >= bottom + 12
    assert places[3] == (2, 48, 794)


def test_two_per_page_gives_the_rest_of_the_title_page_to_a_tall_first_item():
    assert two_per_page([600], first_top=150, top=48, bottom=794, gap=12) == [(0, 150, 794)]


def test_the_exercise_sheet_keeps_the_stills_and_answer_lines_above_the_bottom_margin(tmp_path, still):
    # The title block takes the top of the first page: its two items used to be laid out in
    # half-page slots as if it did not, so the second still ran off the page with its lines.
    exercises = [Exercise(f"Scene {k}", SENTENCE * (1 + k % 3), still, "Because. " * (10 + 20 * k), still)
                 for k in range(5)]
    write_exercises(tmp_path, "Mixed models, one idea at a time", ["one", "two", "three"], exercises)
    for name in ("exercises.pdf", "answers.pdf"):
        pages = layout(tmp_path / name)
        assert_inside_margins(pages)
        assert sum(len(p["images"]) for p in pages) == len(exercises)
        for page in pages:
            assert all(MARGIN - 12 < y <= PAGE_H - MARGIN for y, _ in page["text"]), name
        headings = [s for p in pages for _, s in p["text"] if s.startswith(tuple("12345")) and ". Scene" in s]
        assert headings == [f"{k + 1}. Scene {k}" for k in range(5)]   # in order, each once


def test_the_answer_key_holds_the_answers_and_the_sheet_does_not(tmp_path, still):
    exercises = [Exercise("Scene", "Which one?", still, "That one, by 3.2 points.", still)]
    write_exercises(tmp_path, "T", [], exercises)
    sheet = " ".join(s for p in layout(tmp_path / "exercises.pdf") for _, s in p["text"])
    key = " ".join(s for p in layout(tmp_path / "answers.pdf") for _, s in p["text"])
    assert "Which one?" in sheet and "Which one?" in key
    assert "3.2 points" in key and "3.2 points" not in sheet


def test_a_long_contents_list_continues_on_the_next_page_and_the_numbers_follow(tmp_path, still):
    contents = [f"Scene {k}: what it shows, in a sentence that is long enough to wrap onto a second "
                "line of the contents, as a real description does."
                for k in range(1, 61)]
    slides = [HandoutSlide("Scene", k, "point", "Short narration.", still) for k in range(1, 4)]
    write_handout(tmp_path / "handout.pdf", "Title", ["subtitle"], contents, slides)
    pages = layout(tmp_path / "handout.pdf")
    text = [[s for _, s in p["text"]] for p in pages]
    assert any("60. Scene 60" in s for s in text[1] + text[2])      # the list is not cut off
    assert any("Contents (continued)" in s for s in text[1])
    for lines in text:   # no entry split across pages: each page ends as many entries as it starts
        assert sum(": what it shows" in s for s in lines) == sum(s.strip().endswith("does.") for s in lines)
    for page in pages:
        assert all(y <= PAGE_H - MARGIN + 12 for y, s in page["text"] if not s.strip().isdigit())
    numbers = [next(s for y, s in p["text"] if y > PAGE_H - MARGIN) for p in pages[1:]]
    assert numbers == [str(n) for n in range(2, len(pages) + 1)]
    assert sum(len(p["images"]) for p in pages) == 3
    assert_inside_margins(pages)


def test_a_slide_with_a_long_narration_gets_a_page_of_its_own_and_keeps_a_readable_still(tmp_path, still):
    slides = [HandoutSlide("Scene", 1, "a", "Short.", still),
              HandoutSlide("Scene", 2, "b", SENTENCE * 30, still),
              HandoutSlide("Scene", 3, "c", "Short.", still)]
    write_handout(tmp_path / "handout.pdf", "Title", [], [], slides)
    pages = layout(tmp_path / "handout.pdf")
    assert [len(p["images"]) for p in pages[1:]] == [1, 1, 1]
    assert_inside_margins(pages)
    long_page = pages[2]
    assert long_page["images"][0][3] - long_page["images"][0][1] >= handout.MIN_FIGURE
    assert max(y for y, s in long_page["text"] if not s.strip().isdigit()) <= PAGE_H - MARGIN + 12


def test_the_deck_pdf_puts_each_still_full_page_above_its_footer(tmp_path, still):
    class Slide:
        scene_title, name, image = "Scene", "point", still

        def __init__(self, index):
            self.index = index

    colours = {"background": "#111418", "foreground": "#ffffff", "muted": "#999999"}
    deck_pdf.write_pdf(tmp_path / "deck.pdf", "Title", "sub", [Slide(k) for k in range(1, 121)], colours)
    pages = layout(tmp_path / "deck.pdf")
    assert len(pages) == 121
    for page in pages[1:]:
        [box] = page["images"]
        assert box[1] >= -0.5 and box[3] <= deck_pdf.PAGE_H - deck_pdf.FOOTER + 0.5
        assert abs((box[2] - box[0]) / (box[3] - box[1]) - 854 / 480) < 0.01   # not distorted
    footer = [s for _, s in pages[-1]["text"]]
    assert "120 / 120" in " ".join(footer)
