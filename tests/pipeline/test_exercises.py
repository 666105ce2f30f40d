"""Predict, then reveal: the lecture writes the scenes' questions as an exercise sheet and their
answers (in words from the fit) as a separate key, from the same render. Through the console
command with the default relative media/."""
from __future__ import annotations

import json
import zlib
import re

from tests.pipeline.test_reproduce import pytestmark, run_cli  # noqa: F401  (same skip)


def pdf_text(path) -> str:
    """The text cairo wrote into the PDF's content streams (enough to find our sentences)."""
    data = path.read_bytes()
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    return b"".join(chunks).decode("latin-1")


def test_the_lecture_writes_the_questions_and_a_separate_answer_key(tmp_path):
    result = run_cli(tmp_path, "lecture", "ModelComparison", "-q", "low", "--pace", "brisk", "--json")
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    sheet = next(f for f in files if f.endswith("exercises.pdf"))
    key = next(f for f in files if f.endswith("answers.pdf"))
    from pathlib import Path

    sheet, key = Path(sheet), Path(key)
    assert sheet.read_bytes().startswith(b"%PDF") and key.read_bytes().startswith(b"%PDF")
    assert sheet.stat().st_size > 5000 and key.stat().st_size > 5000   # each holds a still
    [sidecar] = list((tmp_path / "media").glob("*/low-dark-brisk/manifest.json"))
    kinds = {entry["kind"] for entry in json.loads(sidecar.read_text())["files"]}
    assert {"exercises", "answers"} <= kinds
    # the answer key holds the answer, the sheet does not (cairo embeds glyph ids, so compare sizes
    # of the text operators instead of words: the key has strictly more text)
    assert len(pdf_text(key)) > len(pdf_text(sheet))


class _Obj:
    def __init__(self, marks):
        self.meta = {"marks": marks}

    def file(self, name):
        return name


class _Scene:
    def __init__(self, name):
        self.name, self.title = name, name.lower()


class _Job:
    def __init__(self, name, marks):
        self.scene, self.found = _Scene(name), {"mp4": _Obj(marks)}


def test_each_question_pairs_with_its_scenes_next_answer():
    from scripts.pipeline.exercises import exercises_from

    jobs = [_Job("A", [{"index": 1, "name": "ask", "question": "Which?"},
                       {"index": 2, "name": "more"},
                       {"index": 3, "name": "tell", "answer": "That one."}]),
            _Job("B", [{"index": 1, "name": "ask", "question": "Why?"}]),
            _Job("C", [{"index": 1, "name": "tell", "answer": "No question before me."}])]
    found = exercises_from(jobs)
    assert [(e.scene_title, e.question, e.answer) for e in found] == [
        ("a", "Which?", "That one."), ("b", "Why?", "(no answer recorded)")]
    assert found[0].question_image == "A-01-ask.png" and found[0].answer_image == "A-03-tell.png"
