"""The HTML deck: deck.html, a page that needs no network, no library and no font from anywhere.

The player (deck_player/: HTML, CSS and JavaScript, inlined into the one page) plays each
slide's clip once when stepped to from the previous slide and lands on its still; stepping back
or jumping shows the still at once; a clip the scene marked to loop plays until the next step.
Keys as in reveal.js, S opens the speaker view (notes, the next slide's still, elapsed time) in
a second window kept in sync. The page takes the theme's colours (light deck, light page).

Two shapes: a folder (deck.html beside media/ with the clips and stills; relative links, so the
folder works from a USB stick), or one self-contained file whose media are data: URIs, for
small decks (--single-file, or automatically under SINGLE_FILE_BYTES).
"""
from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from scripts.pipeline.deck_files import DeckSlide, write_bytes

PLAYER = Path(__file__).resolve().parent / "deck_player"
MEDIA = "media"  # the folder beside deck.html holding its clips and stills
SINGLE_FILE_BYTES = 12 * 1024 * 1024  # media under this (before base64) make one file by default


def media_names(slide: DeckSlide) -> tuple[str, str | None]:
    """Where a slide's still and clip sit in the deck folder (relative to deck.html)."""
    still = f"{MEDIA}/{slide.stem}.png"
    return still, (f"{MEDIA}/{slide.stem}.mp4" if slide.video is not None else None)


def media_bytes(slides: list[DeckSlide]) -> int:
    return sum(s.image.stat().st_size + (s.video.stat().st_size if s.video else 0) for s in slides)


def _data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def page(title: str, subtitle: str, slides: list[DeckSlide], colours: dict[str, str],
         deck_id: str, single_file: bool) -> str:
    """The whole deck.html as text; links point into media/ unless `single_file`."""
    items = []
    for slide in slides:
        still, video = media_names(slide)
        if single_file:
            still = _data_uri(slide.image, "image/png")
            video = _data_uri(slide.video, "video/mp4") if slide.video else None
        items.append({"scene": slide.scene_title, "name": slide.name, "index": slide.index,
                      "notes": slide.notes, "still": still, "video": video, "loop": slide.loop})
    data = json.dumps({"id": deck_id, "title": title, "slides": items}, ensure_ascii=False)
    variables = (f"--bg: {colours['background']}; --fg: {colours['foreground']}; "
                 f"--muted: {colours['muted']}; --accent: {colours['accent']}; --caption-h: 4.6em;")
    text = (PLAYER / "deck.html").read_text(encoding="utf-8")
    for key, value in (("__CSS__", (PLAYER / "deck.css").read_text(encoding="utf-8")),
                       ("__JS__", (PLAYER / "deck.js").read_text(encoding="utf-8")),
                       ("__VARS__", variables), ("__SCHEME__", colours["scheme"]),
                       ("__BODY_CLASS__", f"theme-{colours['scheme']}"),
                       ("__TITLE__", html.escape(title)), ("__SUBTITLE__", html.escape(subtitle)),
                       ("__DATA__", data.replace("</", "<\\/"))):
        text = text.replace(key, value)
    return text


def write_html(target: Path, title: str, subtitle: str, slides: list[DeckSlide],
               colours: dict[str, str], deck_id: str, single_file: bool) -> None:
    write_bytes(target, page(title, subtitle, slides, colours, deck_id, single_file).encode("utf-8"))
