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


CONTENTS_SIZES, CONTENTS_LEADING = (10.5, 10, 9.5, 9), 1.4  # smaller before a second page
TITLE_BASELINE = 190  # where the title stands when the page has room for it and the contents


def _title_pages(ctx, pages: _Pages, title: str, subtitle_lines: list[str],
                 contents: list[str]) -> None:
    """The title, the run's description and the numbered contents. To keep a long contents
    list on the title page the title moves up (to the top margin at most) and the list's type
    gets smaller (to 9 pt at least); a longer one continues on the next page under a heading,
    never splitting an entry across pages."""
    head = (text_height(ctx, title, 26, WIDTH, bold=True) + 8 + 24 + 13 * 1.35
            + sum(text_height(ctx, line, 11, WIDTH) for line in subtitle_lines))
    for size in CONTENTS_SIZES:
        entries = [wrap(ctx, f"{i}. {entry}", size, WIDTH - 10)
                   for i, entry in enumerate(contents, start=1)]
        step = size * CONTENTS_LEADING
        below_title = head + step * sum(len(lines) for lines in entries)
        if MARGIN + 26 + below_title <= BOTTOM:
            break
    y = max(MARGIN + 26, min(TITLE_BASELINE, BOTTOM - below_title))
    y = draw_text(ctx, MARGIN, y, title, 26, bold=True, width=WIDTH) + 8
    for line in subtitle_lines:
        y = draw_text(ctx, MARGIN, y, line, 11, color=(0.35, 0.35, 0.35), width=WIDTH)
    y += 24
    if contents:
        y = draw_text(ctx, MARGIN, y, "Contents", 13, bold=True)
    for lines in entries:
        if y + step * (len(lines) - 1) > BOTTOM:
            pages.end_page()
            y = draw_text(ctx, MARGIN, MARGIN + 13, "Contents (continued)", 13, bold=True)
        for line in lines:
            y = draw_text(ctx, MARGIN + 10, y, line, size, leading=CONTENTS_LEADING)
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
