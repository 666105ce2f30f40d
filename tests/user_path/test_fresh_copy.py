"""The README's commands as a newcomer types them: from the root of a fresh copy of the
repository, with the default relative `media/` (no --out), through the real console entry point
in a child process. The suite's other render tests pass absolute temp folders; this is the path
that once failed on every fresh machine (workers got a job file path relative to another cwd)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "latex", "dvisvgm")),
    reason="needs ffmpeg and LaTeX (scripts/bootstrap.sh installs them)")


def _project_files() -> list[str]:
    """What a clone holds: tracked files plus new, not ignored ones (the change under test)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="session")
def fresh_copy(tmp_path_factory) -> Path:
    """A copy of the repository in a folder whose path has a space and a non-ASCII letter."""
    root = tmp_path_factory.mktemp("clone") / "fresh cöpy"
    for name in _project_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    return root


def glmm_explainer(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """`glmm-explainer ARGS` run in `cwd`, importing the copy's code (cwd first on sys.path)."""
    code = "import sys; from scripts.cli import cli; sys.exit(cli())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_render_with_the_default_relative_media_folder(fresh_copy):
    result = glmm_explainer(fresh_copy, "render", "TitleCard", "-q", "low", "--pace", "brisk",
                            "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    [video] = summary["files"]
    assert Path(video).is_file() and Path(video).stat().st_size > 0
    assert Path(video).resolve().is_relative_to((fresh_copy / "media").resolve())
