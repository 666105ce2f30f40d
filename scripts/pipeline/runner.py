"""Run scene jobs in worker processes, N at a time, longest first.

Each worker is `python -m scripts.pipeline.worker JOB.json` in its own session (so Ctrl-C
reaches only this process, which then stops every worker's process group: the renderer and its
ffmpeg), with its own temp folder under the cache and its scene's own TeX folder. Finished
jobs are committed to the cache as they end, so an interrupted or partly failed run keeps
everything that finished. Temp folders are removed whatever happens.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.cache import Cache
from scripts.pipeline.jobs import SceneJob
from scripts.pipeline.sources import PROJECT_ROOT
from scripts.pipeline.worker import PROGRESS_FD_ENV

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Failure:
    scene: str
    message: str
    log: Path


class Runner:
    def __init__(self, cache: Cache, reporter, parallel: int, input_digest: str, env: dict):
        self.cache = cache
        self.reporter = reporter
        self.parallel = max(1, parallel)
        self.input_digest = input_digest
        self.env = env
        self._procs: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self, jobs: list[SceneJob], expected: dict[str, float]) -> list[Failure]:
        todo = sorted(jobs, key=lambda job: -expected.get(job.scene.name, 0.0))
        failures: list[Failure] = []
        pool = ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="scene")
        futures = {pool.submit(self._run_one, job, expected.get(job.scene.name)): job for job in todo}
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in done:
                    failure = future.result()
                    if failure:
                        failures.append(failure)
        except BaseException:
            self.stop()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return failures

    def stop(self) -> None:
        """Terminate every running worker (and its ffmpeg): SIGTERM, then SIGKILL after 3 s."""
        self._stopping.set()
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 3
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait()

    def _run_one(self, job: SceneJob, expected: float | None) -> Failure | None:
        if self._stopping.is_set():
            return None
        workdir = self.cache.new_workdir(job.label)
        log_path = self.cache.log_path(job.label)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            spec = job.worker_spec()
            spec.update(out_dir=str(workdir / "out"), tex_dir=str(self.cache.tex_dir(job.scene.name)))
            (workdir / "out").mkdir()
            job_file = workdir / "job.json"
            job_file.write_text(json.dumps(spec), encoding="utf-8")
            self.reporter.job_started(job, expected)
            started = time.perf_counter()
            read_fd, write_fd = os.pipe()
            env = {**os.environ, **self.env, PROGRESS_FD_ENV: str(write_fd)}
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
            for var in THREAD_VARS:
                env.setdefault(var, "1")
            with open(log_path, "wb") as log:
                with self._lock:
                    if self._stopping.is_set():
                        os.close(read_fd)
                        os.close(write_fd)
                        return None
                    proc = subprocess.Popen([sys.executable, "-m", "scripts.pipeline.worker", str(job_file)],
                                            cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, pass_fds=(write_fd,),
                                            start_new_session=True)
                    self._procs[job.label] = proc
                os.close(write_fd)
                error = None
                with os.fdopen(read_fd, "r", encoding="utf-8", errors="replace") as events:
                    for line in events:
                        try:
                            event = json.loads(line)
                        except json.JSONDecodeError:
                            continue
                        kind = event.get("event")
                        if kind == "frames":
                            self.reporter.job_progress(job, seconds=event["seconds"])
                        elif kind == "slide":
                            self.reporter.job_slide(job, event["index"])
                        elif kind == "error":
                            error = event.get("message")
                code = proc.wait()
                with self._lock:
                    self._procs.pop(job.label, None)
            if self._stopping.is_set():
                return None
            if code != 0:
                message = error or _last_line(log_path) or f"worker exited with status {code}"
                self.reporter.job_finished(job, "failed", time.perf_counter() - started)
                return Failure(job.scene.name, message, log_path)
            meta = json.loads((workdir / "out" / "meta.json").read_text(encoding="utf-8"))
            job.commit(self.cache, self.input_digest, workdir, meta)
            self.reporter.job_finished(job, "rendered", time.perf_counter() - started,
                                       duration=meta.get("duration"))
            return None
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _last_line(path: Path) -> str | None:
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return None
    return lines[-1] if lines else None
