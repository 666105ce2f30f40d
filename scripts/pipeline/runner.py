"""Run scene jobs in worker processes: N long-lived workers (one per core by default), each
taking the next job from a shared queue, longest scenes first.

A worker is `python -m scripts.pipeline.worker --serve` in its own session (so Ctrl-C reaches
only this process, which then stops every worker's process group: the renderer and its
ffmpeg). It imports manim, the estimator and the scene modules once and renders job after job;
after a failed job it exits and a fresh one takes over. Every job has its own temp folder under
the cache and its own log; finished jobs are committed to the cache as they end, so an
interrupted or partly failed run keeps everything that finished. Temp folders are removed
whatever happens, and only once the job's whole process group (the worker and its ffmpeg) is
gone, so nothing writes a partial file into them afterwards.

SIGTERM is handled like Ctrl-C (scripts.errors turns both into `Interrupted` in the main
thread). A worker that dies without a word (SIGKILL, the OOM killer, a crash) fails only the
scene it was rendering, reported with the signal and the scene's log; the other slots go on.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.pipeline.cache import Cache, naming
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
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def run(self, jobs: list[SceneJob], expected: dict[str, float]) -> list[Failure]:
        todo: queue.Queue = queue.Queue()
        for job in sorted(jobs, key=lambda job: -expected.get(job.scene.name, 0.0)):
            todo.put(job)
        failures: list[Failure] = []
        threads = [threading.Thread(target=self._slot, args=(todo, expected, failures), daemon=True,
                                    name=f"worker-slot-{i}") for i in range(min(self.parallel, len(jobs)))]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.2)
        except BaseException:
            self.stop()
            for thread in threads:
                thread.join(timeout=10)
            raise
        return failures

    def stop(self) -> None:
        """Terminate every running worker (and its ffmpeg): SIGTERM, then SIGKILL after 3 s."""
        self._stopping.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 3
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _end_group(proc)

    # ---- one slot: a worker process and the jobs it takes
    def _slot(self, todo: queue.Queue, expected: dict, failures: list) -> None:
        """Whatever goes wrong with a job here (a full disk while storing its result, a worker
        that cannot start) is that job's failure: the other slots carry on."""
        worker = None
        try:
            while not self._stopping.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    break
                try:
                    if worker is None:
                        worker = self._start_worker()
                        if worker is None:
                            break
                    failure, alive = self._run_job(worker, job, expected.get(job.scene.name))
                except Exception as exc:  # noqa: BLE001 - reported as this scene's failure
                    failure, alive = Failure(job.scene.name, self._describe(f"{type(exc).__name__}: {exc}"),
                                             self.cache.log_path(job.label)), False
                if failure:
                    failures.append(failure)
                if not alive and worker is not None:
                    self._retire(worker)
                    worker = None
        finally:
            if worker is not None:
                self._retire(worker)

    def _describe(self, message: str) -> str:
        """A failure's message; a full disk says so first, with the fix."""
        message = " ".join(message.split())
        if "No space left on device" in message or "Disk quota exceeded" in message:
            return (f"no space left on the device of {self.cache.root} ({message}): free some space "
                    "or choose another --out")
        return message

    def _start_worker(self):
        read_fd, write_fd = os.pipe()
        env = {**os.environ, **self.env, PROGRESS_FD_ENV: str(write_fd)}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        for var in THREAD_VARS:
            env.setdefault(var, "1")
        log_path = self.cache.log_path(threading.current_thread().name)  # worker-slot-<i>
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if self._stopping.is_set():
                os.close(read_fd)
                os.close(write_fd)
                return None
            with open(log_path, "wb") as log:
                proc = subprocess.Popen([sys.executable, "-m", "scripts.pipeline.worker", "--serve"],
                                        cwd=self.cache.root, env=env, stdin=subprocess.PIPE,
                                        stdout=log, stderr=subprocess.STDOUT, pass_fds=(write_fd,),
                                        start_new_session=True, text=True, bufsize=1)
            self._procs.add(proc)
        os.close(write_fd)
        events = os.fdopen(read_fd, "r", encoding="utf-8", errors="replace")
        return proc, events

    def _retire(self, worker) -> None:
        proc, events = worker
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        _end_group(proc)
        events.close()
        with self._lock:
            self._procs.discard(proc)

    def _run_job(self, worker, job: SceneJob, expected: float | None) -> tuple[Failure | None, bool]:
        """Returns (failure or None, whether the worker can take another job)."""
        proc, events = worker
        workdir = self.cache.new_workdir(job.label)
        log_path = self.cache.log_path(job.label)
        try:
            spec = job.worker_spec()
            spec.update(out_dir=str(workdir / "out"), tex_dir=str(self.cache.tex_dir(job.scene.name)),
                        log=str(log_path))
            (workdir / "out").mkdir()
            job_file = workdir / "job.json"
            with naming(job_file):
                job_file.write_text(json.dumps(spec), encoding="utf-8")
            self.reporter.job_started(job, expected)
            started = time.perf_counter()
            try:
                proc.stdin.write(f"{job_file}\n")
                proc.stdin.flush()
            except OSError:
                pass  # the worker died: reported below as a failure
            outcome, error = None, None
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
                elif kind in ("done", "error"):
                    outcome, error = kind, event.get("message")
                    break
            if outcome is None:  # the process ended without a word: crashed, killed or stopped
                code = proc.wait()
                _end_group(proc)  # its ffmpeg too, before the job's folder is removed
                error = _death(code, log_path)
            if outcome != "done":
                if self._stopping.is_set():
                    return None, False
                self.reporter.job_finished(job, "failed", time.perf_counter() - started)
                return Failure(job.scene.name, self._describe(error or "failed"), log_path), False
            # done: stored even while stopping (it is finished), so the next run need not redo it
            meta = json.loads((workdir / "out" / "meta.json").read_text(encoding="utf-8"))
            job.commit(self.cache, self.input_digest, workdir, meta)
            self.reporter.job_finished(job, "rendered", time.perf_counter() - started,
                                       duration=meta.get("duration"))
            return None, True
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _end_group(proc: subprocess.Popen) -> None:
    """Kill the worker (if it is still there) and whatever is left of its process group (an
    ffmpeg outlives a worker killed with SIGKILL), and wait until the group is gone (at most
    1 s) so that nothing writes into a job folder once it is removed."""
    _signal_group(proc, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.02)


def _death(code: int, log_path: Path) -> str:
    """Why a worker ended without reporting: killed by a signal, or its last logged line."""
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        why = " (out of memory, or killed by someone)" if -code == signal.SIGKILL else ""
        return f"the worker process was killed by {name}{why}"
    return _last_line(log_path) or f"worker exited with status {code}"


def _last_line(path: Path) -> str | None:
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return None
    return lines[-1] if lines else None
