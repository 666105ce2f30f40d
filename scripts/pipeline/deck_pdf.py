"""The backup deck: a PDF of the slide stills, one 16:9 page each, for a room whose computer
plays no video (or when the HTML deck and the PPTX cannot be opened).

Drawn with the handout's page helpers (scripts/pipeline/pdf_pages.py): a title page in the
theme's colours, then every still full-page on the theme's background with a small footer
naming the slide. The creation date is fixed, so the same stills give the same bytes.
"""
from __future__ import annotations

from pathlib import Path

from scripts.pipeline.pdf_pages import draw_text, paint_image, pdf_document

PAGE_W, PAGE_H = 960.0, 540.0  # points: 16:9, the slides' own shape
FOOTER = 16.0


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def write_pdf(target: Path, title: str, subtitle: str, slides, colours: dict[str, str]) -> None:
    """slides: DeckSlide-like (scene_title, index, name, image); colours: background,
    foreground, muted (the theme's)."""
    background, foreground, muted = (_rgb(colours[k]) for k in ("background", "foreground", "muted"))
    with pdf_document(target, PAGE_W, PAGE_H, title) as ctx:
        _fill(ctx, background)
        y = draw_text(ctx, 64, 220, title, 34, bold=True, color=foreground, width=PAGE_W - 128)
        draw_text(ctx, 64, y + 12, subtitle, 14, color=muted, width=PAGE_W - 128)
        ctx.show_page()
        for number, slide in enumerate(slides, start=1):
            _fill(ctx, background)
            paint_image(ctx, slide.image, (0, 0, PAGE_W, PAGE_H - FOOTER), centre_vertically=True)
            draw_text(ctx, 12, PAGE_H - 4.5, f"{slide.scene_title}  ·  {slide.index}. {slide.name}",
                      8.5, color=muted)
            draw_text(ctx, PAGE_W - 12, PAGE_H - 4.5, f"{number} / {len(slides)}", 8.5, color=muted,
                      right_aligned=True)
            ctx.show_page()


def _fill(ctx, rgb) -> None:
    ctx.set_source_rgb(*rgb)
    ctx.paint()
