"""Faults during a render, through the CLI as a user meets them (issue 10, "Faults" and "Disk").

The scenes are the small ones of sample_scenes.py plus gated_scenes.py, whose GatedCard stops in
the middle of its video until the test opens a gate: a signal, a SIGKILL or a full disk lands at a
known point of a real render (its ffmpeg running, its partial MP4 on disk). Every test checks what
a lecturer relies on afterwards: earlier files intact, the manifest valid and listing exactly the
files on disk with their checksums, no partial file anywhere under the output folder, no process
left, and a next run that redoes only what did not finish.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from tests.pipeline.fault_support import (CAN_MOUNT, MODULES, ROOT, assert_intact, assert_manifest_matches_disk,
                           assert_no_process_left, assert_nothing_partial, copy_of, fill, one_line,
                           reached, read_only, run, run_folder, run_here, sha, small_disk, start,
                           statuses)

LOW = ["-q", "low"]

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


@pytest.fixture(autouse=True)
def scene_modules(monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", MODULES)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """An output folder holding an earlier render (GaussianOnly, which needs no TeX: quick),
    copied by each test that needs one."""
    saved = os.environ.get("GLMM_EXPLAINER_SCENE_MODULES")
    os.environ["GLMM_EXPLAINER_SCENE_MODULES"] = MODULES
    try:
        out = tmp_path_factory.mktemp("earlier") / "media"
        result = run("render", "GaussianOnly", *LOW, "--out", out, "--quiet")
        assert result.exit_code == 0, result.output
    finally:
        if saved is None:
            del os.environ["GLMM_EXPLAINER_SCENE_MODULES"]
        else:
            os.environ["GLMM_EXPLAINER_SCENE_MODULES"] = saved
    return out


# ------------------------------------------------------------------ 1. SIGINT, SIGTERM
def interrupt_at_gate(out: Path, gate: Path, sig: int, *scenes: str) -> tuple[int, str, str]:
    """Render `scenes` with one worker (so the scenes before GatedCard finish first), stop the
    command with `sig` while GatedCard stands mid-video at the gate."""
    proc = start("render", *scenes, *LOW, "--out", out, "-j", "1", "--quiet", gate=gate)
    reached(gate)
    assert list(out.rglob(".GatedCard.mp4.part.mp4"))  # the fault is real: a partial file exists
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    (gate / "reached-GatedCard").unlink()
    return proc.returncode, stdout, stderr


def test_sigint_and_sigterm_mid_render_keep_what_finished_and_the_next_run_resumes(tmp_path, earlier):
    out = tmp_path / "media"
    video, state = copy_of(earlier, out)
    folder = run_folder(out)
    gate = tmp_path / "gate"
    gate.mkdir()
    for sig, code, name, finished in ((signal.SIGINT, 130, "Ctrl-C (SIGINT)", "NeedsTruth"),
                                      (signal.SIGTERM, 143, "SIGTERM", "TinyCard")):
        returncode, stdout, stderr = interrupt_at_gate(out, gate, sig, "GaussianOnly", finished,
                                                       "GatedCard")
        assert returncode == code, stderr
        assert one_line(stderr) == (f"Interrupted: stopped by {name}; 1 scene(s) finished and are "
                                    "kept in the cache; run the same command again to finish the rest")
        assert stdout == ""  # no success summary of a run that did not complete
        assert_intact(video, state)
        placed = assert_manifest_matches_disk(folder)  # what finished is placed and listed
        assert f"videos/{finished}.mp4" in placed and "videos/GatedCard.mp4" not in placed
        assert_nothing_partial(out)
        assert_no_process_left(out)

    (gate / "open").touch()
    again = run("render", "GaussianOnly", "NeedsTruth", "TinyCard", "GatedCard", *LOW, "--out", out,
                "--json")
    assert statuses(again) == {"GaussianOnly": "cached", "NeedsTruth": "cached", "TinyCard": "cached",
                               "GatedCard": "rendered"}
    assert set(assert_manifest_matches_disk(folder)) == {
        f"videos/{name}.mp4" for name in ("GaussianOnly", "NeedsTruth", "TinyCard", "GatedCard")}
    assert_intact(video, state)
    assert_nothing_partial(out)


# ------------------------------------------------------------------ 2. a worker killed
def test_worker_killed_mid_scene_fails_that_scene_only(tmp_path, earlier):
    out = tmp_path / "media"
    video, state = copy_of(earlier, out)
    gate = tmp_path / "gate"
    gate.mkdir()
    proc = start("render", "GaussianOnly", "GatedCard", "NeedsTruth", *LOW, "--out", out,
                 "-j", "2", "--quiet", gate=gate)
    os.kill(reached(gate), signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=120)

    assert proc.returncode == 2, stderr
    log = out / ".cache" / "logs" / "GatedCard-video.log"
    assert one_line(stderr) == ("Error: scene GatedCard failed: the worker process was killed by "
                                f"SIGKILL (out of memory, or killed by someone); full log: {log}")
    assert log.is_file()
    assert_intact(video, state)
    folder = run_folder(out)
    assert set(assert_manifest_matches_disk(folder)) == {"videos/GaussianOnly.mp4",
                                                         "videos/NeedsTruth.mp4"}
    assert_nothing_partial(out)
    assert_no_process_left(out)

    (gate / "open").touch()
    again = run("render", "GaussianOnly", "GatedCard", "NeedsTruth", *LOW, "--out", out, "--json")
    assert statuses(again) == {"GaussianOnly": "cached", "GatedCard": "rendered", "NeedsTruth": "cached"}
    assert len(assert_manifest_matches_disk(folder)) == 3


# ------------------------------------------------------------------ 3. two renders at once
def test_two_renders_into_one_folder_at_once(tmp_path):
    out = tmp_path / "media"
    gate = tmp_path / "gate"
    gate.mkdir()
    # both render NeedsTruth (the same cache key) and then stop at their own gate, so both place
    # their files and update the manifest at the same moment once the gate opens
    first = start("render", "NeedsTruth", "GatedCard", *LOW, "--out", out, "-j", "1", "--json", gate=gate)
    second = start("render", "NeedsTruth", "GatedCardB", *LOW, "--out", out, "-j", "1", "--json", gate=gate)
    reached(gate, "GatedCard")
    reached(gate, "GatedCardB")
    (gate / "open").touch()
    results = [proc.communicate(timeout=120) for proc in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], results
    summaries = [json.loads(stdout) for stdout, _ in results]
    assert summaries[0]["folder"] == summaries[1]["folder"]
    folder = Path(summaries[0]["folder"])
    assert set(assert_manifest_matches_disk(folder)) == {
        "videos/NeedsTruth.mp4", "videos/GatedCard.mp4", "videos/GatedCardB.mp4"}
    assert_nothing_partial(out)


# ------------------------------------------------------------------ 4. one error hierarchy
def test_errors_have_one_root_and_one_translation_point():
    from estimator.errors import InputError
    from scripts.errors import PipelineError, UserError
    from scripts.pipeline.catalog import CatalogError
    from scripts.pipeline.encode import EncodeError
    from scripts.pipeline.session import PipelineError as SessionPipelineError
    from scripts.pipeline.tools import MissingTool

    assert SessionPipelineError is PipelineError
    for error in (PipelineError, CatalogError, MissingTool, EncodeError):
        assert issubclass(error, UserError), error
    assert issubclass(InputError, ValueError)  # the estimator's own root, mapped in the same place
    # nothing outside scripts/errors.py turns an exception into a click exception or a UserError
    for path in (ROOT / "scripts").rglob("*.py"):
        if path.name == "errors.py":
            continue
        text = path.read_text()
        assert "ClickException" not in text and "UserError(str(" not in text, path


def test_each_kind_of_error_is_one_line_with_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", str(tmp_path / "missing_scenes.py"))
    for command in ("list", "render"):  # CatalogError, before and without any rendering
        result = run(command, "--out", tmp_path / "o")
        assert result.exit_code == 2 and one_line(result.stderr).startswith("Error: scene module file")
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", MODULES)
    result = run("render", "Nope", "--out", tmp_path / "o")  # PipelineError
    assert result.exit_code == 2 and one_line(result.stderr).startswith("Error: scene 'Nope' is unknown")
    result = run("fit", tmp_path / "none.csv", "--formula", "y ~ x + (1 | g)")  # InputError
    assert result.exit_code == 2 and one_line(result.stderr).startswith("Error: ")


# ------------------------------------------------------------------ 5. disk: read-only, full
def test_read_only_output_folder_is_one_line(tmp_path, earlier):
    out = tmp_path / "media"
    video, state = copy_of(earlier, out)
    with read_only(out):
        result = run("render", "GaussianOnly", *LOW, "--out", out)
    assert result.exit_code == 2
    reason = "Read-only file system" if CAN_MOUNT else "Permission denied"
    assert one_line(result.stderr) == (f"Error: output folder '{out}' is not writable ({reason}): "
                                       "choose another folder with --out")
    assert_intact(video, state)
    assert_manifest_matches_disk(run_folder(out))

    # only the run's folder read-only (the cache is writable): placing the file fails, in one line
    folder = run_folder(out)
    video.unlink()  # GaussianOnly has to be placed again (from the cache)
    with read_only(folder):
        result = run("render", "GaussianOnly", *LOW, "--out", out)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert line.startswith("Error: ") and str(folder / "videos") in line
    assert ("read-only file system: choose a writable --out" in line if CAN_MOUNT
            else "permission denied" in line)
    assert_nothing_partial(out)


def test_full_disk_real_file_system(tmp_path, earlier):
    """On a 4 MB tmpfs: the disk fills while ffmpeg is encoding a scene (a real ENOSPC from
    ffmpeg), then it is full before a run starts (a real ENOSPC from a Python write)."""
    gate = tmp_path / "gate"
    gate.mkdir()
    with small_disk(tmp_path / "disk") as disk:
        out = disk / "media"
        video, state = copy_of(earlier, out)
        folder = run_folder(out)

        proc = start("render", "GaussianOnly", "GatedCard", *LOW, "--out", out, "--quiet", gate=gate)
        reached(gate)
        filler = fill(disk)
        (gate / "open").touch()
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 2, stderr
        line = one_line(stderr)
        assert line.startswith(f"Error: scene GatedCard failed: no space left on the device of "
                               f"{out / '.cache'} ("), line
        assert line.endswith("free some space or choose another --out; full log: "
                             f"{out / '.cache' / 'logs' / 'GatedCard-video.log'}"), line
        assert_intact(video, state)
        assert set(assert_manifest_matches_disk(folder)) == {"videos/GaussianOnly.mp4"}
        assert_nothing_partial(out)

        filler.unlink()
        fill(disk)  # full before the run: the first write (the scenes' input file) fails
        result = run("render", "GaussianOnly", "NeedsTruth", *LOW, "--out", out)
        assert result.exit_code == 2
        line = one_line(result.stderr)
        assert line.startswith(f"Error: no space left on the device (writing '{out / '.cache' / 'tmp'}"), line
        assert line.endswith("): free some space or choose another --out; files already finished are kept")
        assert_intact(video, state)
        assert set(assert_manifest_matches_disk(folder)) == {"videos/GaussianOnly.mp4"}
        assert_nothing_partial(out)


def test_full_disk_in_ffmpeg_fault_injected(tmp_path, earlier):
    """Without a small file system: an ffmpeg that writes its video to /dev/full (a real ENOSPC,
    which ffmpeg 5.1 may even follow with exit status 0)."""
    out = tmp_path / "media"
    video, state = copy_of(earlier, out)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = shutil.which("ffmpeg")
    (bin_dir / "ffmpeg").write_text(
        "#!/usr/bin/env python3\n"
        "import os, sys\n"
        "args = sys.argv[1:]\n"
        "if args and args[-1].endswith('.mp4'):  # the output: onto a full device\n"
        "    args[-1:] = ['-f', 'mp4', '/dev/full']\n"
        f"os.execv({real!r}, [{real!r}, *args])\n")
    (bin_dir / "ffmpeg").chmod(0o755)
    # (the ffmpeg binary is part of every video's cache key: with this one, everything renders)
    proc = start("render", "NeedsTruth", *LOW, "--out", out, "--quiet",
                 path=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stderr
    line = one_line(stderr)
    assert line.startswith(f"Error: scene NeedsTruth failed: no space left on the device of "
                           f"{out / '.cache'} (EncodeError: ffmpeg "), line  # exited / stopped reading frames
    assert "No space left on device" in line and "free some space or choose another --out" in line
    assert_intact(video, state)
    assert set(assert_manifest_matches_disk(run_folder(out))) == {"videos/GaussianOnly.mp4"}
    assert_nothing_partial(out)


def test_full_disk_while_writing_the_manifest_fault_injected(tmp_path, earlier, monkeypatch):
    """A Python write that hits a full disk (injected at the rename of the manifest's temp file):
    one line, the old manifest and the finished files stay as they were, no temp file is left."""
    out = tmp_path / "media"
    video, state = copy_of(earlier, out)
    folder = run_folder(out)
    manifest_before = (folder / "manifest.json").read_bytes()
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith("manifest.json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    result = run_here("render", "GaussianOnly", *LOW, "--out", out, "--quiet")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert one_line(result.stderr) == (f"Error: no space left on the device (writing "
                                       f"'{folder / 'manifest.json'}'): free some space or choose "
                                       "another --out; files already finished are kept")
    assert (folder / "manifest.json").read_bytes() == manifest_before
    assert sha(video) == state["sha"]  # (in-process keys may differ: then it is placed anew)
    assert_nothing_partial(out)


def test_ffmpeg_messages_that_mean_the_file_is_not_whole():
    """ffmpeg 5.1 exits with status 0 when the disk fills while it writes the trailer; its
    messages at -loglevel error are what tells."""
    from scripts.pipeline.encode import ffmpeg_failed, telling_line

    trailer = ("Error writing trailer of /o/x.mp4: No space left on device\n"
               "Error closing file /o/x.mp4: No space left on device\n")
    assert ffmpeg_failed(trailer) and ffmpeg_failed("Conversion failed!\nerror: x\n")
    assert not ffmpeg_failed("")
    header = ("Could not write header for output file #0 (incorrect codec parameters ?): No space "
              "left on device\nError initializing output stream 0:0 -- \n")
    assert telling_line(header).endswith("No space left on device")  # not the last line
    assert telling_line("a\n\nlast words\n") == "last words"


def test_tex_cache_of_a_job_that_did_not_finish_is_dropped(tmp_path):
    """A worker killed (or a disk filled) while LaTeX or dvisvgm wrote a formula's files leaves
    them cut short; manim would reuse such an .svg forever. The next job of that scene drops
    what the unfinished job wrote, and keeps what finished jobs wrote."""
    from scripts.pipeline.worker import IN_PROGRESS, recover_tex_dir

    tex = tmp_path / "tex" / "Scene"
    (tex / "Tex").mkdir(parents=True)
    good = tex / "Tex" / "good.svg"
    mark = recover_tex_dir(tex)  # a job starts (nothing to recover) ...
    good.write_text("<svg/>")
    mark.unlink()  # ... and succeeds
    time.sleep(0.05)  # (file times are as coarse as the kernel's clock tick)
    recover_tex_dir(tex)  # the next job starts ...
    time.sleep(0.05)
    cut = tex / "Tex" / "cut.svg"
    cut.write_text("<svg")  # ... and dies while writing
    recover_tex_dir(tex)  # the job after it
    assert good.exists() and not cut.exists() and (tex / IN_PROGRESS).exists()
