"""Helpers of the fault tests (test_faults.py): the CLI in child processes, waiting for the
gated scene, and the checks every fault test makes afterwards (manifest against disk, nothing
partial, no process left); read-only folders and small real file systems."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES = os.pathsep.join(str(HERE / name) for name in ("sample_scenes.py", "gated_scenes.py"))
CLI = [sys.executable, "-c", "import sys; from scripts.cli import cli; sys.exit(cli())"]
PARTIAL_SUFFIXES = (".tmp", ".part.mp4", ".vfr.mp4")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(*args, gate: Path | None = None) -> Result:
    """The CLI run to its end in a child process. (In-process runs would share this test
    process's memoised tool fingerprints, which other tests change with PATH, and so compute
    other cache keys than the child processes that rendered the files.)"""
    proc = start(*args, gate=gate)
    stdout, stderr = proc.communicate(timeout=300)
    return Result(proc.returncode, stdout, stderr)


def run_here(*args):
    """The CLI in this process (for fault injection with monkeypatch). Its cache keys may differ
    from the child processes' (see `run`), so it may render again what they rendered."""
    from scripts.pipeline.sources import library_versions

    from scripts.cli import cli

    library_versions.cache_clear()
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def start(*args, gate: Path | None = None, path: str | None = None) -> subprocess.Popen:
    """The CLI in a child process, from the repository root, as a user starts it."""
    env = dict(os.environ)  # GLMM_EXPLAINER_SCENE_MODULES: set by the scene_modules fixture
    if gate is not None:
        env["GLMM_TEST_GATE"] = str(gate)
    if path is not None:
        env["PATH"] = path
    return subprocess.Popen([*CLI, *map(str, args)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 120, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def reached(gate: Path, scene: str = "GatedCard") -> int:
    """Wait until the scene stands at the gate; the pid of the worker rendering it."""
    marker = gate / f"reached-{scene}"
    wait_for(marker.exists, what=f"{scene} to reach the gate")
    return int(marker.read_text())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_folder(out: Path) -> Path:
    [folder] = list(out.glob("*/low-dark"))
    return folder


def one_line(stderr: str) -> str:
    text = stderr.strip()
    assert text and "\n" not in text and "Traceback" not in text, stderr
    return text


def assert_manifest_matches_disk(folder: Path) -> dict:
    """manifest.json is valid JSON and lists exactly the files under `folder`, with their sha256."""
    manifest = json.loads((folder / "manifest.json").read_text())
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        assert entry["sha256"] == sha(folder / path), path
        assert entry["bytes"] == (folder / path).stat().st_size, path
    return listed


def assert_nothing_partial(out: Path) -> None:
    partial = [p for p in out.rglob("*") if p.name.endswith(PARTIAL_SUFFIXES)]
    assert not partial, partial
    tmp = out / ".cache" / "tmp"
    assert not tmp.is_dir() or not list(tmp.iterdir()), list(tmp.iterdir())


def assert_no_process_left(out: Path) -> None:
    """No worker or ffmpeg of this render is still running (their arguments name `out`)."""
    def gone():
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
        return str(out) not in ps
    wait_for(gone, timeout=5, what="the render's processes to end")


def statuses(result) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    return {s["scene"]: s["status"] for s in json.loads(result.stdout)["scenes"]}


def copy_of(earlier: Path, target: Path) -> tuple[Path, dict]:
    """A copy of the earlier output folder (hard links kept: placed files are links into the
    cache), and the state of its video to check it stays intact."""
    subprocess.run(["cp", "-a", str(earlier), str(target)], check=True)
    video = run_folder(target) / "videos" / "GaussianOnly.mp4"
    stat = video.stat()
    return video, {"sha": sha(video), "inode": stat.st_ino, "mtime": stat.st_mtime_ns}


def assert_intact(video: Path, state: dict) -> None:
    stat = video.stat()
    assert (sha(video), stat.st_ino, stat.st_mtime_ns) == (state["sha"], state["inode"], state["mtime"])


def _can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(f"/tmp/glmm-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", str(probe)], check=True)
        return ok
    finally:
        probe.rmdir()


CAN_MOUNT = _can_mount()


@contextmanager
def read_only(folder: Path):
    """`folder` read-only: a read-only bind mount as root (root ignores permission bits), else
    chmod for everyone else."""
    if CAN_MOUNT:
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    elif os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(mode)
    else:
        pytest.skip("root without mount: no way to make a read-only folder")


@contextmanager
def small_disk(folder: Path, size: str = "4m"):
    if not CAN_MOUNT:
        pytest.skip("needs root and tmpfs to make a small real file system")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def fill(disk: Path) -> Path:
    """Write a filler file until the device is full (to the last byte tmpfs gives)."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for chunk in (1 << 16, 1 << 12, 1):
            try:
                while True:
                    handle.write(b"\0" * chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return filler
