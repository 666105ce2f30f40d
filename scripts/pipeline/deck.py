"""The slide decks, made from the scenes' renders: an HTML deck (deck.html, alone or beside its
media/ folder), a PPTX (deck.pptx) and a PDF of the stills (deck.pdf, the backup deck).

Animated (the default), the decks are cut from the scenes' videos, the same cached renders
`render` and `lecture` use: every slide gets the clip from the previous slide point to its own
(deck_segments.py) and its still. Static (`slides --static`), they are the slide stills alone.
Like the lecture, a deck is cached under a key of its parts' keys and of this code, so an
unchanged deck is placed again in milliseconds.

    deck_files.py     the slide record, writing a file whole
    deck_segments.py  the clips, cut from the scene's MP4 with ffmpeg
    deck_html.py      deck.html and its player (deck_player/)
    deck_pptx.py      deck.pptx: clips as embedded videos, narration in the notes
    deck_pdf.py       deck.pdf: one page per still
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from scripts.pipeline.assemble import LECTURE_TITLE, _slides, _subtitle_lines
from scripts.pipeline.cache import CacheObject, make_key
from scripts.pipeline.deck_files import DeckSlide
from scripts.pipeline.jobs import SceneJob
from scripts.pipeline.sources import files_hash

HERE = Path(__file__).resolve().parent
CODE = ("deck.py", "deck_files.py", "deck_segments.py", "deck_html.py", "deck_pptx.py",
        "deck_pdf.py", "deck_player/deck.html", "deck_player/deck.css", "deck_player/deck.js",
        "handout.py", "pdf_pages.py", "assemble.py", "../../scenes/line_breaks.py")


def theme_colours(theme: str) -> dict[str, str]:
    """The page's colours: the theme's own (scenes/theme.py), so a light deck sits on a light page."""
    from scenes.theme import THEMES

    t = THEMES[theme]
    return {"background": t.background, "foreground": t.foreground, "muted": t.muted,
            "accent": t.partial, "scheme": "light" if theme == "light" else "dark"}


def build_deck(session, jobs: list[SceneJob], animated: bool, single_file: bool | None,
               pptx: bool = True, pdf: bool = True) -> CacheObject:
    """single_file: True/False as asked, None: one file when the media are small."""
    from scripts.pipeline import deck_segments
    from scripts.pipeline.deck_html import SINGLE_FILE_BYTES, media_bytes, media_names, write_html

    product = "mp4" if animated else "png"
    parts = [job.found[product] for job in jobs]
    theme = session.settings.theme
    key = make_key({"product": "deck", "parts": [obj.key for obj in parts], "animated": animated,
                    "single_file": single_file, "pptx": pptx, "pdf": pdf, "theme": theme,
                    "code": files_hash(*(HERE / name for name in CODE)),
                    "subtitle": _subtitle_lines(session), "title": LECTURE_TITLE})
    cached = session.cache.get(key)
    if cached is not None:
        return cached
    workdir = session.cache.new_workdir("deck")
    try:
        slides = _gather(jobs, product, workdir, animated, deck_segments,
                         session.settings.parallel)
        one_file = single_file if single_file is not None else media_bytes(slides) < SINGLE_FILE_BYTES
        subtitle = " · ".join(_subtitle_lines(session)[:2])
        colours = theme_colours(theme)
        write_html(workdir / "deck.html", LECTURE_TITLE, subtitle, slides, colours, key[:16], one_file)
        files = {"deck.html": workdir / "deck.html"}
        if not one_file:
            for slide in slides:
                still, video = media_names(slide)
                files[still] = slide.image
                if video:
                    files[video] = slide.video
        if pptx:
            from scripts.pipeline.deck_pptx import write_pptx

            write_pptx(workdir / "deck.pptx", LECTURE_TITLE, subtitle, slides, colours)
            files["deck.pptx"] = workdir / "deck.pptx"
        if pdf:
            from scripts.pipeline.deck_pdf import write_pdf

            write_pdf(workdir / "deck.pdf", LECTURE_TITLE, subtitle, slides, colours)
            files["deck.pdf"] = workdir / "deck.pdf"
        meta = {"product": "deck", "slides": len(slides), "animated": animated,
                "single_file": one_file, "clips": sum(s.video is not None for s in slides),
                "loops": [s.stem for s in slides if s.loop]}
        return session.cache.commit(key, workdir, files, meta)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _gather(jobs: list[SceneJob], product: str, workdir: Path, animated: bool,
            deck_segments, parallel: int = 1) -> list[DeckSlide]:
    """The deck's slides, with their stills (hard links into workdir/media) and, animated,
    their clips cut into workdir/media (`parallel` ffmpeg processes at a time)."""
    from concurrent.futures import ThreadPoolExecutor

    media = workdir / "media"
    media.mkdir(parents=True, exist_ok=True)
    slides: list[DeckSlide] = []
    cuts = []
    for job in jobs:
        obj = job.found[product]
        marks = obj.meta["marks"]
        spans = deck_segments.spans(marks, int(obj.meta["fps"])) if animated else [None] * len(marks)
        video = obj.file(f"{job.scene.name}.mp4") if animated else None
        by_index = {mark["index"]: (mark, span) for mark, span in zip(marks, spans)}
        for scene, index, name, narration, image in _slides([job], product):
            mark, span = by_index[index]
            plain = DeckSlide(scene.name, scene.title, index, name, narration, image)
            still = media / f"{plain.stem}.png"
            _link(image, still)
            clip = None
            if span is not None:
                clip = media / f"{plain.stem}.mp4"
                cuts.append((video, span, clip))
            slides.append(DeckSlide(scene.name, scene.title, index, name, narration, still, clip,
                                    bool(mark.get("loop")) and clip is not None,
                                    mark.get("question", ""), mark.get("answer", "")))
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:  # each cut is an ffmpeg process
        for done in [pool.submit(deck_segments.cut, *cut) for cut in cuts]:
            done.result()  # the first failure (an EncodeError: one line) stops the deck
    return slides


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
