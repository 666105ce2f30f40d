"""Progress on stderr: a bar per running scene and an overall bar (rich) on a terminal, one line
per finished scene otherwise, nothing with --quiet or --json."""
from __future__ import annotations

import sys
import threading


class Reporter:
    """Silent: the interface every reporter has (also used for --quiet and --json)."""

    def begin(self, total: int, cached: int) -> None: ...
    def job_started(self, job, expected: float | None) -> None: ...
    def job_progress(self, job, seconds: float) -> None: ...
    def job_slide(self, job, index: int) -> None: ...
    def job_finished(self, job, status: str, seconds: float, duration: float | None = None) -> None: ...
    def note(self, text: str) -> None: ...
    def end(self) -> None: ...


class LineReporter(Reporter):
    """For logs and pipes: one line when a scene starts rendering and one when it ends."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self._lock = threading.Lock()

    def _say(self, text: str) -> None:
        with self._lock:
            print(text, file=self.stream, flush=True)

    def begin(self, total, cached):
        if total:
            self._say(f"{total} scene job(s) to render ({cached} already in the cache)")

    def job_started(self, job, expected):
        self._say(f"rendering {job.scene.name} ({job.kind})")

    def job_finished(self, job, status, seconds, duration=None):
        extra = f", {duration:.1f} s of video" if duration and job.kind == "video" else ""
        self._say(f"{status} {job.scene.name} ({job.kind}) in {seconds:.1f} s{extra}")

    def note(self, text):
        self._say(text)


class RichReporter(Reporter):
    """Live bars: overall (scenes done / to do) and one per running scene (seconds of video
    rendered, against the length of its last render when known; slide points for stills)."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                                   TextColumn, TimeElapsedColumn)

        self.console = Console(stderr=True)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                                 TextColumn("{task.fields[detail]:>16}"), TimeElapsedColumn(),
                                 console=self.console, transient=True)
        self._mofn = MofNCompleteColumn
        self.tasks: dict[str, int] = {}
        self.overall = None
        self._lock = threading.Lock()

    def begin(self, total, cached):
        if not total:
            return
        self.progress.start()
        self.overall = self.progress.add_task("all scenes", total=total, detail=f"0/{total}")
        self._total = total
        self._done = 0

    def job_started(self, job, expected):
        with self._lock:
            if job.kind == "video":
                total = expected if expected else None
            else:
                total = max(1, len(job.scene.slides))
            self.tasks[job.label] = self.progress.add_task(job.scene.name, total=total, detail="starting")

    def job_progress(self, job, seconds):
        task = self.tasks.get(job.label)
        if task is not None:
            self.progress.update(task, completed=seconds, detail=f"{seconds:.1f} s video")

    def job_slide(self, job, index):
        task = self.tasks.get(job.label)
        if task is not None and job.kind != "video":
            self.progress.update(task, completed=index, detail=f"slide {index}/{len(job.scene.slides)}")

    def job_finished(self, job, status, seconds, duration=None):
        with self._lock:
            task = self.tasks.pop(job.label, None)
            if task is not None:
                self.progress.remove_task(task)
            self._done += 1
            if self.overall is not None:
                self.progress.update(self.overall, completed=self._done, detail=f"{self._done}/{self._total}")
        mark = "[green]✓[/]" if status == "rendered" else "[red]✗[/]"
        extra = f", {duration:.1f} s of video" if duration and job.kind == "video" else ""
        self.progress.console.print(f"{mark} {job.scene.name} ({job.kind}) {status} in {seconds:.1f} s{extra}")

    def note(self, text):
        self.progress.console.print(text, markup=False, highlight=False)

    def end(self):
        self.progress.stop()


def make_reporter(quiet: bool) -> Reporter:
    if quiet:
        return Reporter()
    if sys.stderr.isatty():
        return RichReporter()
    return LineReporter()
