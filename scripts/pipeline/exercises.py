"""The exercise sheet and its answer key: the lecture's predict-then-reveal questions as two PDFs
from the same render (so the same scenario, seed and data).

A scene poses a question at a slide point (`slide_point(..., question=...)`: the still shows the
data before the answer) and reveals it at a later one (`answer=...`, words filled in from the
fit; that still shows the answer). exercises.pdf holds each question with its still; answers.pdf
holds each answer with the revealing still, numbered alike, so a lecturer can hand out the first
and keep the second.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cairo

from scripts.pipeline.capture import FIXED_DATE
from scripts.pipeline.handout import MARGIN, PAGE_H, PAGE_W, _image_surface, _text


@dataclass(frozen=True)
class Exercise:
    scene_title: str
    question: str
    question_image: Path
    answer: str
    answer_image: Path | None


def exercises_from(jobs, product: str = "mp4") -> list[Exercise]:
    """Every question of the rendered scenes, in lecture order, paired with its scene's next answer."""
    found = []
    for job in jobs:
        obj = job.found[product]
        open_question = None
        for mark in obj.meta["marks"]:
            image = obj.file(f"{job.scene.name}-{mark['index']:02d}-{mark['name']}.png")
            if mark.get("question"):
                if open_question:
                    found.append(Exercise(job.scene.title, open_question[0], open_question[1],
                                          "(revealed on the next slides)", None))
                open_question = (mark["question"], image)
            if mark.get("answer") and open_question:
                found.append(Exercise(job.scene.title, open_question[0], open_question[1],
                                      mark["answer"], image))
                open_question = None
        if open_question:
            found.append(Exercise(job.scene.title, open_question[0], open_question[1],
                                  "(no answer recorded)", None))
    return found


def _figure(ctx, image_path: Path, y: float, max_h: float) -> float:
    width = PAGE_W - 2 * MARGIN
    image = _image_surface(image_path)
    aspect = image.get_height() / image.get_width()
    shown_w = min(width, max_h / aspect)
    shown_h = shown_w * aspect
    x = MARGIN + (width - shown_w) / 2
    ctx.save()
    ctx.translate(x, y)
    ctx.scale(shown_w / image.get_width(), shown_h / image.get_height())
    ctx.set_source_surface(image, 0, 0)
    ctx.get_source().set_filter(cairo.FILTER_GOOD)
    ctx.paint()
    ctx.restore()
    return y + shown_h + 14


def _write(target: Path, title: str, subtitle_lines: list[str], items: list[tuple[str, list[str], Path | None]],
           space_for_answer: bool) -> None:
    """One PDF: a title block, then one item per half page (heading, text, still)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    surface = cairo.PDFSurface(str(tmp), PAGE_W, PAGE_H)
    for key in (cairo.PDFMetadata.CREATE_DATE, cairo.PDFMetadata.MOD_DATE):
        surface.set_metadata(key, FIXED_DATE)
    surface.set_metadata(cairo.PDFMetadata.TITLE, title)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "glmm-explainer")
    ctx = cairo.Context(surface)
    width = PAGE_W - 2 * MARGIN
    half = (PAGE_H - 2 * MARGIN) / 2
    try:
        y = _text(ctx, MARGIN, MARGIN + 20, title, 20, bold=True, width=width)
        for line in subtitle_lines:
            y = _text(ctx, MARGIN, y, line, 10, color=(0.35, 0.35, 0.35), width=width)
        if not items:
            _text(ctx, MARGIN, y + 20, "The scenes rendered pose no questions.", 11, width=width)
        slot_top, on_page = y + 14, 0
        for heading, paragraphs, image in items:
            if on_page == 2 or slot_top + 120 > PAGE_H - MARGIN:
                ctx.show_page()
                slot_top, on_page = MARGIN, 0
            y = _text(ctx, MARGIN, slot_top + 12, heading, 11, bold=True, color=(0.2, 0.2, 0.2))
            for text in paragraphs:
                y = _text(ctx, MARGIN, y + 2, text, 11, width=width)
            room = slot_top + half - y - (60 if space_for_answer else 10)
            if image is not None and room > 60:
                y = _figure(ctx, image, y + 4, room)
            if space_for_answer:
                ctx.set_source_rgb(0.75, 0.75, 0.75)
                ctx.set_line_width(0.5)
                for k in range(2):
                    ctx.move_to(MARGIN, y + 18 + 18 * k)
                    ctx.line_to(PAGE_W - MARGIN, y + 18 + 18 * k)
                ctx.stroke()
            slot_top += half
            on_page += 1
        ctx.show_page()
        surface.finish()
        os.replace(tmp, target)
    except BaseException:
        surface.finish()
        tmp.unlink(missing_ok=True)
        raise


def write_exercises(folder: Path, title: str, subtitle_lines: list[str], exercises: list[Exercise]) -> None:
    """exercises.pdf (questions, room to answer) and answers.pdf (the key) in `folder`."""
    questions = [(f"{k}. {e.scene_title}", [e.question], e.question_image) for k, e in enumerate(exercises, 1)]
    answers = [(f"{k}. {e.scene_title}", [e.question, f"Answer: {e.answer}"], e.answer_image)
               for k, e in enumerate(exercises, 1)]
    _write(Path(folder) / "exercises.pdf", f"{title}: exercises", subtitle_lines, questions, True)
    _write(Path(folder) / "answers.pdf", f"{title}: answer key", subtitle_lines, answers, False)

