"""Products made from several scenes: the lecture (one MP4 with chapters, captions, handout);
the slide decks are built in deck.py from the helpers here. Each is cached under a key of its
parts' keys, so an unchanged lecture is placed again in milliseconds.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from scripts.pipeline.cache import CacheObject, make_key
from scripts.pipeline.jobs import SceneJob
from scripts.pipeline.sources import files_hash
from scenes.narration import fill_narration

HERE = Path(__file__).resolve().parent
LECTURE_TITLE = "Mixed models, one idea at a time"
LECTURE_FILES = ("lecture.mp4", "lecture.vtt", "lecture.srt", "handout.pdf", "exercises.pdf", "answers.pdf")


def _code_hash(*names: str) -> str:
    return files_hash(*(HERE / name for name in (*names, "assemble.py")))


def _subtitle_lines(session) -> list[str]:
    run_input = session.run_input
    q = session.settings.quality
    lines = [f"Scenario '{run_input.name}' ({run_input.digest}), {run_input.family} model"]
    if run_input.data_csv:
        lines.append(f"Data: {Path(run_input.data_csv).name}, formula {run_input.formula}")
    else:
        s = run_input.scenario
        lines.append(f"{s.n_groups} {s.group_label}s of {s.group_size_min}-{s.group_size_max}, "
                     f"gamma00 = {s.gamma00:g}, gamma10 = {s.gamma10:g}, tau0 = {s.tau0:g}, "
                     f"tau1 = {s.tau1:g}, sigma = {s.sigma:g}, seed = {s.seed}")
    lines.append(f"Rendered at {q.width}x{q.height}, {session.settings.theme} theme, "
                 f"with glmm-explainer")
    return lines


def narration_of(job: SceneJob, obj: CacheObject) -> dict:
    """{slide name: narration} of a rendered scene: the catalog's templates with the `{name}`
    fields filled from the values that render recorded (its fit's numbers)."""
    values = obj.meta.get("narration_values") or {}
    return {name: fill_narration(text, values) for name, text in job.scene.slides}


def _slides(jobs: list[SceneJob], product: str):
    """(scene, slide index, name, narration, image path) for every slide still, in order."""
    for job in jobs:
        obj = job.found[product]
        narration = narration_of(job, obj)
        for mark in obj.meta["marks"]:
            name = f"{job.scene.name}-{mark['index']:02d}-{mark['name']}.png"
            said = mark.get("narration") or narration.get(mark["name"], "")   # the render's own words first
            yield job.scene, mark["index"], mark["name"], said, obj.file(name)


def build_lecture(session, jobs: list[SceneJob], burn_captions: bool = False) -> CacheObject:
    """The joined lecture. Spoken scenes (their video objects carry a speech track and its
    segments) give the lecture one AAC track and captions timed to the speech; `burn_captions`
    draws the captions into the picture as well."""
    from scripts.pipeline import captions
    from scripts.pipeline.encode import burn_captions as burn, concat_with_chapters
    from scripts.pipeline.exercises import exercises_from, write_exercises
    from scripts.pipeline.handout import HandoutSlide, write_handout

    videos = [job.found["mp4"] for job in jobs]
    key = make_key({"product": "lecture", "videos": [obj.key for obj in videos],
                    "code": _code_hash("captions.py", "handout.py", "pdf_pages.py", "encode.py",
                                       "exercises.py", "lecture_audio.py"),
                    "narration": files_hash(*(HERE.parent.parent / "scenes" / name
                                              for name in ("narration.py", "line_breaks.py"))),
                    "subtitle": _subtitle_lines(session), "title": LECTURE_TITLE,
                    "burn_captions": burn_captions})
    cached = session.cache.get(key)
    if cached is not None:
        return cached
    workdir = session.cache.new_workdir("lecture")
    try:
        from scripts.pipeline.lecture_audio import join_tracks, spoken_cues

        chapters, timed, offset = [], [], 0.0
        for job, obj in zip(jobs, videos):
            duration = obj.meta["frames"] / obj.meta["fps"]
            chapters.append((offset, offset + duration, job.scene.title))
            timed.append((offset, obj.meta["marks"], narration_of(job, obj)))
            offset += duration
        audio = join_tracks(jobs, videos, workdir / "lecture.speech.wav")
        concat_with_chapters([obj.file(f"{job.scene.name}.mp4") for job, obj in zip(jobs, videos)],
                             chapters, workdir / "lecture.mp4", LECTURE_TITLE, audio)
        cues = spoken_cues(jobs, videos) if audio else captions.cues_for(timed)
        (workdir / "lecture.vtt").write_text(captions.to_vtt(cues), encoding="utf-8")
        (workdir / "lecture.srt").write_text(captions.to_srt(cues), encoding="utf-8")
        if burn_captions:
            burn(workdir / "lecture.mp4", workdir / "lecture.srt", workdir / "lecture.mp4",
                 session.settings.quality.fps)
        slides = [HandoutSlide(scene.title, index, name, narration, image)
                  for scene, index, name, narration, image in _slides(jobs, "mp4")]
        write_handout(workdir / "handout.pdf", LECTURE_TITLE, _subtitle_lines(session),
                      [f"{job.scene.title}: {job.scene.description}" for job in jobs], slides)
        write_exercises(workdir, LECTURE_TITLE, _subtitle_lines(session), exercises_from(jobs, "mp4"))
        files = {name: workdir / name for name in LECTURE_FILES}
        meta = {"product": "lecture", "duration": offset,
                "chapters": [{"start": a, "end": b, "title": t} for a, b, t in chapters],
                "cues": len(cues), "slides": len(slides), "spoken": audio is not None,
                "burned_captions": burn_captions}
        return session.cache.commit(key, workdir, files, meta)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

