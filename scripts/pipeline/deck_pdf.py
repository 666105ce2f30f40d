"""The backup deck: a PDF of the slide stills, one 16:9 page each, for a room whose computer
plays no video (or when the HTML deck and the PPTX cannot be opened).

Drawn with cairo as the lecture's handout is (scripts/pipeline/handout.py, whose text and image
helpers it shares): a title page in the theme's colours, then every still full-page on the
theme's background with a small footer naming the slide. The creation date is fixed, so the
same stills give the same bytes.
"""
from __future__ import annotations

import os
from pathlib import Path

import cairo

from scripts.pipeline.capture import FIXED_DATE
from scripts.pipeline.handout import _image_surface, _text

PAGE_W, PAGE_H = 960.0, 540.0  # points: 16:9, the slides' own shape
FOOTER = 16.0


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def write_pdf(target: Path, title: str, subtitle: str, slides, colours: dict[str, str]) -> None:
    """slides: DeckSlide-like (scene_title, index, name, image); colours: background,
    foreground, muted (the theme's)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    background, foreground, muted = (_rgb(colours[k]) for k in ("background", "foreground", "muted"))
    surface = cairo.PDFSurface(str(tmp), PAGE_W, PAGE_H)
    for key in (cairo.PDFMetadata.CREATE_DATE, cairo.PDFMetadata.MOD_DATE):
        surface.set_metadata(key, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "glmm-explainer")
    ctx = cairo.Context(surface)
    try:
        _fill(ctx, background)
        y = _text(ctx, 64, 220, title, 34, bold=True, color=foreground, width=PAGE_W - 128)
        _text(ctx, 64, y + 12, subtitle, 14, color=muted, width=PAGE_W - 128)
        ctx.show_page()
        for number, slide in enumerate(slides, start=1):
            _fill(ctx, background)
            image = _image_surface(slide.image)
            scale = min(PAGE_W / image.get_width(), (PAGE_H - FOOTER) / image.get_height())
            shown_w, shown_h = image.get_width() * scale, image.get_height() * scale
            ctx.save()
            ctx.translate((PAGE_W - shown_w) / 2, (PAGE_H - FOOTER - shown_h) / 2)
            ctx.scale(scale, scale)
            ctx.set_source_surface(image, 0, 0)
            ctx.get_source().set_filter(cairo.FILTER_GOOD)
            ctx.paint()
            ctx.restore()
            _text(ctx, 12, PAGE_H - 4.5, f"{slide.scene_title}  ·  {slide.index}. {slide.name}",
                  8.5, color=muted)
            _text(ctx, PAGE_W - 48, PAGE_H - 4.5, f"{number} / {len(slides)}", 8.5, color=muted)
            ctx.show_page()
        surface.finish()
        os.replace(tmp, target)
    except BaseException:
        surface.finish()
        tmp.unlink(missing_ok=True)
        raise


def _fill(ctx, rgb) -> None:
    ctx.set_source_rgb(*rgb)
    ctx.paint()
