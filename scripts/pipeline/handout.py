"""The PDF handout: a title page, then every slide still with its narration, two per A4 page.

Drawn with cairo (no LaTeX): images are placed at the page width, narration wrapped with the
font's own metrics. The creation date is fixed, so the same stills give the same PDF.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import cairo
from PIL import Image

from scenes.theme import FONT  # the lecture's font (`glmm-explainer doctor` checks it is installed)
from scripts.pipeline.capture import FIXED_DATE

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN = 48
MAX_IMAGE_WIDTH = 1920


@dataclass(frozen=True)
class HandoutSlide:
    scene_title: str
    index: int
    name: str
    narration: str
    image: Path


def _wrap(ctx, text: str, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and ctx.text_extents(trial).x_advance > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _text(ctx, x: float, y: float, text: str, size: float, bold: bool = False,
          color=(0.1, 0.1, 0.1), width: float | None = None, leading: float = 1.35) -> float:
    """Draw (wrapped) text with its first baseline at y; returns the y below the last line."""
    ctx.select_font_face(FONT, cairo.FONT_SLANT_NORMAL,
                         cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)
    ctx.set_source_rgb(*color)
    for line in (_wrap(ctx, text, width) if width else [text]):
        ctx.move_to(x, y)
        ctx.show_text(line)
        y += size * leading
    return y


def _image_surface(path: Path) -> cairo.ImageSurface:
    image = Image.open(path).convert("RGB")
    if image.width > MAX_IMAGE_WIDTH:
        height = round(image.height * MAX_IMAGE_WIDTH / image.width)
        image = image.resize((MAX_IMAGE_WIDTH, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return cairo.ImageSurface.create_from_png(buffer)


def write_handout(target: Path, title: str, subtitle_lines: list[str], contents: list[str],
                  slides: list[HandoutSlide]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    surface = cairo.PDFSurface(str(tmp), PAGE_W, PAGE_H)
    for key in (cairo.PDFMetadata.CREATE_DATE, cairo.PDFMetadata.MOD_DATE):
        surface.set_metadata(key, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "glmm-explainer")
    ctx = cairo.Context(surface)
    width = PAGE_W - 2 * MARGIN
    try:
        # Title page
        y = _text(ctx, MARGIN, 190, title, 26, bold=True, width=width)
        y += 8
        for line in subtitle_lines:
            y = _text(ctx, MARGIN, y, line, 11, color=(0.35, 0.35, 0.35), width=width)
        y += 24
        if contents:
            y = _text(ctx, MARGIN, y, "Contents", 13, bold=True)
            for i, line in enumerate(contents, start=1):
                y = _text(ctx, MARGIN + 10, y, f"{i}. {line}", 10.5, width=width - 10, leading=1.4)
        ctx.show_page()
        # Two slides per page, each in its own half
        half = (PAGE_H - 2 * MARGIN - 16) / 2
        for page_start in range(0, len(slides), 2):
            for k, slide in enumerate(slides[page_start:page_start + 2]):
                top = MARGIN + k * (half + 16)
                y = _text(ctx, MARGIN, top + 11, f"{slide.scene_title}  ·  {slide.index}. {slide.name}",
                          11, bold=True, color=(0.2, 0.2, 0.2))
                ctx.select_font_face(FONT, cairo.FONT_SLANT_NORMAL, cairo.FONT_WEIGHT_NORMAL)
                ctx.set_font_size(10)
                text_h = len(_wrap(ctx, slide.narration, width)) * 13.5
                image = _image_surface(slide.image)
                aspect = image.get_height() / image.get_width()
                shown_w = min(width, (half - (y - top) - 14 - text_h) / aspect)
                shown_h = shown_w * aspect
                x = MARGIN + (width - shown_w) / 2
                ctx.save()
                ctx.translate(x, y)
                ctx.scale(shown_w / image.get_width(), shown_h / image.get_height())
                ctx.set_source_surface(image, 0, 0)
                ctx.get_source().set_filter(cairo.FILTER_GOOD)
                ctx.paint()
                ctx.restore()
                ctx.set_source_rgb(0.8, 0.8, 0.8)
                ctx.set_line_width(0.5)
                ctx.rectangle(x, y, shown_w, shown_h)
                ctx.stroke()
                _text(ctx, MARGIN, y + shown_h + 16, slide.narration, 10, width=width)
            _text(ctx, PAGE_W / 2 - 4, PAGE_H - 24, f"{page_start // 2 + 2}", 8, color=(0.5, 0.5, 0.5))
            ctx.show_page()
        surface.finish()
        os.replace(tmp, target)
    except BaseException:
        surface.finish()
        tmp.unlink(missing_ok=True)
        raise
