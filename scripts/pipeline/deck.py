"""Slide decks from the slide stills: a self-contained offline HTML deck and a PPTX.

HTML: one file, every image embedded as a data URI, no scripts/fonts/styles from anywhere
else; arrows/space/PageUp/PageDown/Home/End or a click on the right/left half to step, N to show
the narration as speaker notes (C hides the caption), F for full screen, #n in the address opens
slide n. PPTX (python-pptx): a title slide, then one 16:9 slide per slide point with the still
full-bleed and the narration in the speaker notes; zip timestamps fixed for repeatable bytes.
"""
from __future__ import annotations

import base64
import html
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class DeckSlide:
    scene: str
    scene_title: str
    index: int
    name: str
    narration: str
    image: Path


def write_html(target: Path, title: str, subtitle: str, slides: list[DeckSlide]) -> None:
    items = []
    for slide in slides:
        data = base64.b64encode(slide.image.read_bytes()).decode("ascii")
        items.append({"src": f"data:image/png;base64,{data}", "scene": slide.scene_title,
                      "name": slide.name, "index": slide.index, "notes": slide.narration})
    page = _TEMPLATE.replace("__TITLE__", html.escape(title)).replace(
        "__SUBTITLE__", html.escape(subtitle)).replace(
        "__SLIDES__", json.dumps(items).replace("</", "<\\/"))
    _write(target, page.encode("utf-8"))


def write_pptx(target: Path, title: str, subtitle: str, slides: list[DeckSlide]) -> None:
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    fixed = datetime(2000, 1, 1)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = title, "glmm-explainer", "glmm-explainer"
    props.created = props.modified = fixed
    props.revision = 1

    cover = prs.slides.add_slide(prs.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = subtitle
    blank = prs.slide_layouts[6]
    for slide in slides:
        page = prs.slides.add_slide(blank)
        picture = page.shapes.add_picture(str(slide.image), 0, 0, width=prs.slide_width)
        if picture.height > prs.slide_height:  # not 16:9: fit the height and centre
            ratio = prs.slide_height / picture.height
            picture.height, picture.width = prs.slide_height, int(picture.width * ratio)
            picture.left = Emu((prs.slide_width - picture.width) // 2)
        picture.name = f"{slide.scene} {slide.index:02d} {slide.name}"
        notes = page.notes_slide.notes_text_frame
        notes.text = f"{slide.scene_title} · {slide.index}. {slide.name}\n{slide.narration}"
        for paragraph in notes.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(14)
    buffer = io.BytesIO()
    prs.save(buffer)
    _write(target, _fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01, so equal decks are equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
  html, body { margin: 0; height: 100%; background: #0b0d10; color: #e8e8e8;
               font-family: "DejaVu Sans", system-ui, sans-serif; overflow: hidden; }
  #stage { position: absolute; inset: 0 0 0 0; display: flex; flex-direction: column;
           align-items: center; justify-content: center; }
  #frame { max-width: 100vw; max-height: calc(100vh - 7.5em); aspect-ratio: 16 / 9;
           width: min(100vw, calc((100vh - 7.5em) * 16 / 9)); }
  #frame img { width: 100%; height: 100%; object-fit: contain; display: block; }
  #caption { box-sizing: border-box; width: min(100vw, 72em); min-height: 4.5em; padding: 0.6em 1.2em;
             font-size: 1.05em; line-height: 1.4; text-align: center; }
  #bar { position: fixed; left: 0; right: 0; bottom: 0; height: 2.2em; display: flex; gap: 1em;
         align-items: center; padding: 0 1em; font-size: 0.85em; color: #9aa0a8; }
  #bar .grow { flex: 1; }
  #progress { position: fixed; left: 0; bottom: 0; height: 3px; background: #56B4E9; }
  #notes { display: none; position: fixed; right: 1em; top: 1em; width: 28em; max-height: 60vh;
           overflow: auto; background: #1b1f24ee; border: 1px solid #333; border-radius: 6px;
           padding: 1em; font-size: 0.95em; line-height: 1.45; }
  body.notes #notes { display: block; }
  body.nocaption #caption { visibility: hidden; }
  #cover { text-align: center; }
  #cover h1 { font-size: 2.4em; margin: 0 0 0.4em; } #cover p { color: #9aa0a8; }
  .hint { color: #6b7078; font-size: 0.85em; margin-top: 2em; }
</style>
</head>
<body>
<div id="stage">
  <div id="cover"><h1>__TITLE__</h1><p>__SUBTITLE__</p>
    <p class="hint">&rarr; / space / click: next &nbsp; &larr;: back &nbsp; N: notes &nbsp; C: caption &nbsp; F: full screen</p></div>
  <div id="frame" hidden><img id="image" alt=""></div>
  <div id="caption" hidden></div>
</div>
<div id="notes"></div>
<div id="bar"><span id="where"></span><span class="grow"></span><span id="count"></span></div>
<div id="progress"></div>
<script>
"use strict";
const slides = __SLIDES__;
let current = 0;  // 0 = cover, 1..n = slides
const $ = (id) => document.getElementById(id);
function show(n) {
  current = Math.max(0, Math.min(slides.length, n));
  const cover = current === 0;
  $("cover").hidden = !cover; $("frame").hidden = cover; $("caption").hidden = cover;
  if (!cover) {
    const s = slides[current - 1];
    $("image").src = s.src;
    $("image").alt = s.scene + " - " + s.name;
    $("caption").textContent = s.notes;
    $("notes").textContent = s.scene + " \\u00b7 " + s.index + ". " + s.name + "\\n\\n" + s.notes;
    $("where").textContent = s.scene + " \\u00b7 " + s.name;
  } else {
    $("where").textContent = ""; $("notes").textContent = "";
  }
  $("count").textContent = current + " / " + slides.length;
  $("progress").style.width = (100 * current / Math.max(1, slides.length)) + "%";
  if (location.hash !== "#" + current) history.replaceState(null, "", "#" + current);
}
document.addEventListener("keydown", (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const k = e.key;
  if (["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"].includes(k)) { show(current + 1); }
  else if (["ArrowLeft", "ArrowUp", "PageUp", "Backspace"].includes(k)) { show(current - 1); }
  else if (k === "Home") { show(0); }
  else if (k === "End") { show(slides.length); }
  else if (k === "n" || k === "N") { document.body.classList.toggle("notes"); }
  else if (k === "c" || k === "C") { document.body.classList.toggle("nocaption"); }
  else if (k === "f" || k === "F") {
    if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen();
  } else { return; }
  e.preventDefault();
});
$("stage").addEventListener("click", (e) => {
  show(e.clientX > window.innerWidth / 3 ? current + 1 : current - 1);
});
window.addEventListener("hashchange", () => show(parseInt(location.hash.slice(1), 10) || 0));
show(parseInt(location.hash.slice(1), 10) || 0);
</script>
</body>
</html>
"""
