"""The PPTX deck (python-pptx): a title slide, then one 16:9 slide per slide point.

Animated, a slide holds its clip as an embedded MP4 (`shapes.add_movie`) full-bleed, with the
slide's still as the poster frame: the slide shows where the animation lands, and a click on it
plays the animation that leads there (looping it until the next slide when the scene
asked for a loop). A slide without a clip (static decks, or nothing moved
since the previous slide point) holds the still as a picture. The narration goes into the
speaker notes; every slide's background is the theme's, so the edges of a still never show a
white frame. Zip entries get a fixed date, so equal decks are equal bytes.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from scripts.pipeline.deck_files import write_bytes


def write_pptx(target: Path, title: str, subtitle: str, slides, colours: dict[str, str]) -> None:
    """slides: DeckSlide (scene, scene_title, index, name, narration, image, video)."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = title, "glmm-explainer", "glmm-explainer"
    props.created = props.modified = datetime(2000, 1, 1)
    props.revision = 1
    background = RGBColor.from_string(colours["background"].lstrip("#"))
    foreground = RGBColor.from_string(colours["foreground"].lstrip("#"))
    muted = RGBColor.from_string(colours["muted"].lstrip("#"))

    cover = prs.slides.add_slide(prs.slide_layouts[0])
    _paint(cover, background)
    cover.shapes.title.text = title
    cover.placeholders[1].text = subtitle
    for shape, colour in ((cover.shapes.title, foreground), (cover.placeholders[1], muted)):
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = colour
    blank = prs.slide_layouts[6]
    for slide in slides:
        page = prs.slides.add_slide(blank)
        _paint(page, background)
        width, height, left = _fit(slide.image, prs.slide_width, prs.slide_height)
        label = f"{slide.scene} {slide.index:02d} {slide.name}"
        if slide.video is not None:
            shape = page.shapes.add_movie(str(slide.video), Emu(left), 0, Emu(width), Emu(height),
                                          poster_frame_image=str(slide.image), mime_type="video/mp4")
            if slide.loop:
                _loop(page)
        else:
            shape = page.shapes.add_picture(str(slide.image), Emu(left), 0, Emu(width), Emu(height))
        shape.name = label
        notes = page.notes_slide.notes_text_frame
        notes.text = f"{slide.scene_title} · {slide.index}. {slide.name}\n{slide.notes}"
        for paragraph in notes.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(14)
    buffer = io.BytesIO()
    prs.save(buffer)
    write_bytes(target, _fixed_zip(buffer.getvalue()))


def _loop(slide) -> None:
    """PowerPoint's "Loop until stopped": the media node's timing repeats indefinitely."""
    from pptx.oxml.ns import qn

    for media in slide._element.iter(qn("p:cMediaNode")):
        media.find(qn("p:cTn")).set("repeatCount", "indefinite")


def _paint(slide, colour) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = colour


def _fit(image: Path, slide_w: int, slide_h: int) -> tuple[int, int, int]:
    """Width, height and left offset (EMU) of the still at the slide's width, or at its height
    and centred when it is taller than 16:9."""
    from PIL import Image

    with Image.open(image) as im:
        w, h = im.size
    width, height = slide_w, round(slide_w * h / w)
    if height > slide_h:
        width, height = round(slide_h * w / h), slide_h
    return width, height, (slide_w - width) // 2


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so equal decks are equal bytes.
    Videos are stored, not deflated again (H.264 does not shrink; it would only cost time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            stored = info.filename.lower().endswith((".mp4", ".png"))
            fixed.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
