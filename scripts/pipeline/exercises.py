"""The exercise sheet and its answer key: the lecture's predict-then-reveal questions as two PDFs
from the same render (so the same scenario, seed and data).

A scene poses a question at a slide point (`slide_point(..., question=...)`: the still shows the
data before the answer) and reveals it at a later one (`answer=...`, words filled in from the
fit; that still shows the answer). exercises.pdf holds each question with its still; answers.pdf
holds each answer with the revealing still, numbered alike, so a lecturer can hand out the first
and keep the second.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.handout import MARGIN, PAGE_H, PAGE_W, WIDTH
from scripts.pipeline.pdf_pages import draw_text, paint_image, pdf_document, text_height, two_per_page


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


ANSWER_ROOM = 60  # points under a question for the two lines to write the answer on
MIN_FIGURE = 60  # points: a still smaller than this is left out rather than printed unreadably
TEXT_SIZE = 11
GAP = 12


def _text_height(ctx, paragraphs: list[str]) -> float:
    """The height of an item's heading and paragraphs as `_item` draws them."""
    return 12 + TEXT_SIZE * 1.35 + sum(2 + text_height(ctx, text, TEXT_SIZE, WIDTH) for text in paragraphs)


def _item(ctx, heading: str, paragraphs: list[str], image: Path | None, top: float,
          bottom: float, space_for_answer: bool) -> None:
    """One question (or answer) in the page region top..bottom: heading, text, the still as
    large as the region leaves room for, then (on the sheet) lines to write the answer on."""
    y = draw_text(ctx, MARGIN, top + 12, heading, TEXT_SIZE, bold=True, color=(0.2, 0.2, 0.2))
    for text in paragraphs:
        y = draw_text(ctx, MARGIN, y + 2, text, TEXT_SIZE, width=WIDTH)
    room = bottom - y - 4 - (ANSWER_ROOM if space_for_answer else 10)
    if image is not None and room > MIN_FIGURE:
        placed = paint_image(ctx, image, (MARGIN, y + 4, WIDTH, room))
        y = placed[1] + placed[3] + 14
    if space_for_answer:
        ctx.set_source_rgb(0.75, 0.75, 0.75)
        ctx.set_line_width(0.5)
        for k in range(2):
            ctx.move_to(MARGIN, y + 18 + 18 * k)
            ctx.line_to(PAGE_W - MARGIN, y + 18 + 18 * k)
        ctx.stroke()


def _write(target: Path, title: str, subtitle_lines: list[str], items: list[tuple[str, list[str], Path | None]],
           space_for_answer: bool) -> None:
    """One PDF: a title block, then one item per half page (the first page's halves share what
    the title leaves), each kept above the bottom margin."""
    with pdf_document(target, PAGE_W, PAGE_H, title) as ctx:
        y = draw_text(ctx, MARGIN, MARGIN + 20, title, 20, bold=True, width=WIDTH)
        for line in subtitle_lines:
            y = draw_text(ctx, MARGIN, y, line, 10, color=(0.35, 0.35, 0.35), width=WIDTH)
        if not items:
            draw_text(ctx, MARGIN, y + 20, "The scenes rendered pose no questions.", 11, width=WIDTH)
        reserve = ANSWER_ROOM if space_for_answer else 10
        needs = [_text_height(ctx, paragraphs) + 4 + reserve + (MIN_FIGURE if image else 0)
                 for _, paragraphs, image in items]
        places = two_per_page(needs, y + 14, MARGIN, PAGE_H - MARGIN, GAP)
        for k, ((heading, paragraphs, image), (page, top, bottom)) in enumerate(zip(items, places)):
            if k and page != places[k - 1][0]:
                ctx.show_page()
            _item(ctx, heading, paragraphs, image, top, bottom, space_for_answer)
        ctx.show_page()


def write_exercises(folder: Path, title: str, subtitle_lines: list[str], exercises: list[Exercise]) -> None:
    """exercises.pdf (questions, room to answer) and answers.pdf (the key) in `folder`."""
    questions = [(f"{k}. {e.scene_title}", [e.question], e.question_image) for k, e in enumerate(exercises, 1)]
    answers = [(f"{k}. {e.scene_title}", [e.question, f"Answer: {e.answer}"], e.answer_image)
               for k, e in enumerate(exercises, 1)]
    _write(Path(folder) / "exercises.pdf", f"{title}: exercises", subtitle_lines, questions, True)
    _write(Path(folder) / "answers.pdf", f"{title}: answer key", subtitle_lines, answers, False)

