"""What the pipeline's PDFs (the handout, the exercise sheet and its key, the backup deck) share:
opening a PDF that is only ever seen whole, painting a still into a box, wrapped text, and
placing items two to a page.

Drawn with cairo (no LaTeX), in the lecture's font, with fixed dates, so the same stills give
the same bytes; the writers only decide what goes where.
"""
from __future__ import annotations

import io
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import cairo
from PIL import Image

from scenes.line_breaks import greedy_lines
from scenes.theme import FONT  # the lecture's font (`glmm-explainer doctor` checks it is installed)
from scripts.pipeline.capture import FIXED_DATE

MAX_IMAGE_WIDTH = 1920
Box = tuple[float, float, float, float]  # x, y, width, height in points


@contextmanager
def pdf_document(target: Path, width: float, height: float, title: str) -> Iterator[cairo.Context]:
    """A context drawing pages of `width` x `height` points into `target` (each page ends with
    `ctx.show_page()`).

    The PDF is written to a hidden file beside `target` and renamed over it only when the block
    ends without an error, so a crash or Ctrl-C never leaves a half-written PDF under the real
    name (a reader would open it, the cache would keep it); on an error the hidden file is
    removed. The dates are fixed so that the same input gives the same bytes (the cache and the
    determinism tests compare files)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    surface = cairo.PDFSurface(str(tmp), width, height)
    for key in (cairo.PDFMetadata.CREATE_DATE, cairo.PDFMetadata.MOD_DATE):
        surface.set_metadata(key, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "glmm-explainer")
    try:
        yield cairo.Context(surface)
        surface.finish()
        os.replace(tmp, target)
    except BaseException:
        surface.finish()
        tmp.unlink(missing_ok=True)
        raise


def load_image(path: Path) -> cairo.ImageSurface:
    """A still as a cairo surface, at most MAX_IMAGE_WIDTH pixels wide: a 4k still is more
    detail than a page shows and would make a handout of a hundred stills hundreds of MB."""
    image = Image.open(path).convert("RGB")
    if image.width > MAX_IMAGE_WIDTH:
        height = round(image.height * MAX_IMAGE_WIDTH / image.width)
        image = image.resize((MAX_IMAGE_WIDTH, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return cairo.ImageSurface.create_from_png(buffer)


def fitted(image_w: float, image_h: float, box: Box, centre_vertically: bool = False) -> Box:
    """The largest box of the image's own shape inside `box` (never distorted), centred across
    it and at its top (or centred in it, for a full-page slide)."""
    x, y, w, h = box
    scale = min(w / image_w, h / image_h)
    shown_w, shown_h = image_w * scale, image_h * scale
    top = y + (h - shown_h) / 2 if centre_vertically else y
    return x + (w - shown_w) / 2, top, shown_w, shown_h


def paint_image(ctx, path: Path, box: Box, centre_vertically: bool = False,
                border: tuple[float, float, float] | None = None) -> Box | None:
    """Paint the still at `path` into `box` as `fitted` places it, with a thin `border` if
    given (a dark still on white paper needs no frame; a light one does). Returns where it
    went, or None (nothing painted) when the box has no room: cairo cannot scale by zero."""
    if box[2] <= 1 or box[3] <= 1:
        return None
    image = load_image(path)
    x, y, w, h = fitted(image.get_width(), image.get_height(), box, centre_vertically)
    ctx.save()
    ctx.translate(x, y)
    ctx.scale(w / image.get_width(), h / image.get_height())
    ctx.set_source_surface(image, 0, 0)
    ctx.get_source().set_filter(cairo.FILTER_GOOD)
    ctx.paint()
    ctx.restore()
    if border is not None:
        ctx.set_source_rgb(*border)
        ctx.set_line_width(0.5)
        ctx.rectangle(x, y, w, h)
        ctx.stroke()
    return x, y, w, h


def _font(ctx, size: float, bold: bool) -> None:
    ctx.select_font_face(FONT, cairo.FONT_SLANT_NORMAL,
                         cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
    ctx.set_font_size(size)


def wrap(ctx, text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """`text` broken greedily into lines no wider than `width`, measured in the font it will be
    drawn in (a word longer than the width stands alone on its line)."""
    _font(ctx, size, bold)
    return greedy_lines(text, lambda line: ctx.text_extents(line).x_advance <= width)


def text_height(ctx, text: str, size: float, width: float, bold: bool = False,
                leading: float = 1.35) -> float:
    """How far `draw_text` moves down for this text: room must be measured before drawing."""
    return len(wrap(ctx, text, size, width, bold)) * size * leading


def draw_text(ctx, x: float, y: float, text: str, size: float, bold: bool = False,
              color=(0.1, 0.1, 0.1), width: float | None = None, leading: float = 1.35,
              right_aligned: bool = False) -> float:
    """Draw (wrapped, with `width`) text with its first baseline at y; returns the y below the
    last line. `right_aligned` puts the line's end at x (page numbers that grow leftwards)."""
    lines = wrap(ctx, text, size, width, bold) if width else [text]
    _font(ctx, size, bold)
    ctx.set_source_rgb(*color)
    for line in lines:
        ctx.move_to(x - ctx.text_extents(line).x_advance if right_aligned else x, y)
        ctx.show_text(line)
        y += size * leading
    return y


def two_per_page(needs: list[float], first_top: float, top: float, bottom: float,
                 gap: float) -> list[tuple[int, float, float]]:
    """Where each item goes on pages that hold two: (page from 0, slot top, slot bottom).

    A page's free height (below `first_top` on the first page, where a title may stand, below
    `top` on the others, above `bottom`) is split into two equal slots `gap` apart. An item
    whose smallest layout (`needs`: its text and the least still worth printing) does not fit
    a slot gets a page region of its own, so nothing is drawn past the bottom margin; only an
    item taller than a whole page still overflows."""
    placed, page, cursor, used = [], 0, first_top, 0
    for need in needs:
        if used == 2:
            page, cursor, used = page + 1, top, 0
        half = (bottom - (first_top if page == 0 else top) - gap) / 2
        if need <= half:
            placed.append((page, cursor, cursor + half))
            cursor, used = cursor + half + gap, used + 1
            continue
        if used:
            page, cursor = page + 1, top
        placed.append((page, cursor, bottom))
        used = 2
    return placed
