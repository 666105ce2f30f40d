"""The PDF handout: a title page with the contents, then every slide still with its narration,
two per A4 page.

Images are placed at the page width, narration wrapped with the font's own metrics (both by
scripts/pipeline/pdf_pages.py, which also fixes the dates, so the same stills give the same PDF).
A contents list longer than the title page continues on the next page, and a slide whose
narration leaves too little room for its still in half a page gets a page of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.pdf_pages import draw_text, paint_image, pdf_document, text_height, two_per_page, wrap

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN = 48
WIDTH = PAGE_W - 2 * MARGIN
BOTTOM = PAGE_H - MARGIN
SLOT_GAP = 16
MIN_FIGURE = 120  # points: a 16:9 still smaller than this is too small to read on paper
HEADING_H = 11 + 11 * 1.35  # the slide heading's baseline offset plus its line
NARRATION_SIZE, NARRATION_LEADING = 10, 1.35
GREY = (0.5, 0.5, 0.5)


@dataclass(frozen=True)
class HandoutSlide:
    scene_title: str
    index: int
    name: str
    narration: str
    image: Path


class _Pages:
    """Counts pages and ends each one with its number (the title page has none), so page
    numbers stay right however many pages the contents take."""

    def __init__(self, ctx):
        self.ctx, self.number = ctx, 1

    def end_page(self) -> None:
        if self.number > 1:
            draw_text(self.ctx, PAGE_W / 2 - 4, PAGE_H - 24, f"{self.number}", 8, color=GREY)
        self.ctx.show_page()
        self.number += 1


def _title_pages(ctx, pages: _Pages, title: str, subtitle_lines: list[str],
                 contents: list[str]) -> None:
    """The title, the run's description and the numbered contents, continued on further pages
    when the lecture has more scenes than one page lists."""
    y = draw_text(ctx, MARGIN, 190, title, 26, bold=True, width=WIDTH) + 8
    for line in subtitle_lines:
        y = draw_text(ctx, MARGIN, y, line, 11, color=(0.35, 0.35, 0.35), width=WIDTH)
    y += 24
    if contents:
        y = draw_text(ctx, MARGIN, y, "Contents", 13, bold=True)
    size, step = 10.5, 10.5 * 1.4
    for i, entry in enumerate(contents, start=1):
        for line in wrap(ctx, f"{i}. {entry}", size, WIDTH - 10):
            if y > BOTTOM:
                pages.end_page()
                y = MARGIN + size
            y = draw_text(ctx, MARGIN + 10, y, line, size, leading=1.4)
    pages.end_page()


def _narration_height(ctx, slide: HandoutSlide) -> float:
    return text_height(ctx, slide.narration, NARRATION_SIZE, WIDTH, leading=NARRATION_LEADING)


def _slide(ctx, slide: HandoutSlide, top: float, bottom: float) -> None:
    """One slide in the page region top..bottom: heading, the still as large as the narration
    leaves room for, then the narration."""
    y = draw_text(ctx, MARGIN, top + 11, f"{slide.scene_title}  ·  {slide.index}. {slide.name}",
                  11, bold=True, color=(0.2, 0.2, 0.2))
    room = bottom - y - 14 - _narration_height(ctx, slide)
    placed = paint_image(ctx, slide.image, (MARGIN, y, WIDTH, room), border=(0.8, 0.8, 0.8))
    below = placed[1] + placed[3] if placed else y
    draw_text(ctx, MARGIN, below + 16, slide.narration, NARRATION_SIZE, width=WIDTH,
              leading=NARRATION_LEADING)


def write_handout(target: Path, title: str, subtitle_lines: list[str], contents: list[str],
                  slides: list[HandoutSlide]) -> None:
    with pdf_document(target, PAGE_W, PAGE_H, title) as ctx:
        pages = _Pages(ctx)
        _title_pages(ctx, pages, title, subtitle_lines, contents)
        needs = [HEADING_H + 14 + _narration_height(ctx, s) + MIN_FIGURE for s in slides]
        places = two_per_page(needs, MARGIN, MARGIN, BOTTOM, SLOT_GAP)
        for k, (slide, (page, top, bottom)) in enumerate(zip(slides, places)):
            _slide(ctx, slide, top, bottom)
            if k + 1 == len(slides) or places[k + 1][0] != page:
                pages.end_page()
