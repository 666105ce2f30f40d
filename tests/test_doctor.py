"""`glmm-explainer doctor` and the same checks in the render commands (issue 10).

Missing pieces are simulated with a PATH of our own: a folder holding wrappers for the real
programs we keep, and fakes (a kpsewhich that finds only some files, an fc-list that finds no
font) for the ones we break. The tables of scripts/pipeline/tools.py are checked against the
machine: Manim's TeX template, the fonts the scenes name, and `dpkg -S` for the Debian packages.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scripts.cli import cli
from scripts.pipeline import tools

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLES = HERE / "pipeline" / "sample_scenes.py"
REAL = ("ffmpeg", "ffprobe", "latex", "dvisvgm", "kpsewhich", "fc-list")
HAVE_ALL = all(shutil.which(name) for name in REAL)
NO_FONTS = "exit 0"  # an fc-list that knows no font at all
needs_tools = pytest.mark.skipif(not HAVE_ALL, reason="needs ffmpeg, LaTeX and fontconfig (scripts/bootstrap.sh)")


@pytest.fixture(autouse=True)
def sample_modules(monkeypatch):
    monkeypatch.setenv("GLMM_EXPLAINER_SCENE_MODULES", str(SAMPLES))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def make_path(folder: Path, keep=(), fakes: dict[str, str] | None = None) -> str:
    """A PATH with wrappers for the real programs in `keep` and shell scripts for `fakes`."""
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {name: f'exec "{shutil.which(name)}" "$@"' for name in keep}
    scripts.update(fakes or {})
    for name, body in scripts.items():
        path = folder / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)
    return str(folder)


def error_lines(result) -> list[str]:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(line.startswith("Error: ") for line in lines), result.stderr
    assert "Traceback" not in result.output
    return lines


# ------------------------------------------------------------------ doctor
@needs_tools
def test_doctor_all_fine_writes_nothing(tmp_path):
    out = tmp_path / "media"
    result = run("doctor", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    for piece in ("ok  ffmpeg:", "ok  ffprobe:", "ok  latex:", "ok  dvisvgm:", "ok  TeX files: standalone.cls",
                  "ok  fonts: DejaVu Sans, DejaVu Sans Mono", "ok  voice: festival",
                  f"ok  output folder: {out} (writable)"):
        assert piece in result.stdout, result.stdout
    assert result.stdout.strip().endswith("everything the render commands need is here")
    assert os.listdir(tmp_path) == []
    out.mkdir()
    assert run("doctor", "--out", out).exit_code == 0
    assert os.listdir(out) == [] and os.listdir(tmp_path) == ["media"]


def test_doctor_without_any_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin"))
    result = run("doctor", "--out", tmp_path / "out")
    assert result.exit_code == 2
    lines = error_lines(result)
    assert lines == [
        "Error: ffmpeg not found (encodes the videos): install with `sudo apt-get install -y ffmpeg`",
        "Error: ffprobe not found (reads videos back): install with `sudo apt-get install -y ffmpeg`",
        "Error: latex not found (typesets formulas): install with `sudo apt-get install -y texlive-latex-base`",
        "Error: dvisvgm not found (turns formulas into vector paths): install with "
        "`sudo apt-get install -y dvisvgm`",
        "Error: TeX files standalone.cls, preview.sty, babel.sty, english.ldf, amsmath.sty, amssymb.sty not "
        "found (the formula template loads them): install with `sudo apt-get install -y texlive-latex-extra "
        "preview-latex-style texlive-latex-base texlive-base`",
        "Error: festival not found (speaks the narration, --voice slt; --voice none keeps the video silent): "
        "install with `sudo apt-get install -y festival festvox-us-slt-hts`",
    ]
    assert result.stdout.splitlines()[-1] == ("to install everything missing at once: sudo apt-get install -y "
                                              "ffmpeg texlive-latex-base dvisvgm texlive-latex-extra "
                                              "preview-latex-style texlive-base festival festvox-us-slt-hts")
    assert "ok  fonts: DejaVu Sans" in result.stdout  # without fc-list: ManimPango's font list
    assert not (tmp_path / "out").exists()


@needs_tools
def test_doctor_names_only_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin", keep=("ffmpeg", "ffprobe", "fc-list", "festival")))
    result = run("doctor", "--out", tmp_path)
    assert result.exit_code == 2
    lines = error_lines(result)
    assert [line.split(" not found")[0] for line in lines] == [
        "Error: latex", "Error: dvisvgm", "Error: TeX files standalone.cls, preview.sty, babel.sty, "
        "english.ldf, amsmath.sty, amssymb.sty"]
    assert "ok  ffmpeg:" in result.stdout and "ok  fonts:" in result.stdout


@needs_tools
def test_doctor_names_missing_tex_packages_and_their_debian_package(tmp_path, monkeypatch):
    real = shutil.which("kpsewhich")
    fake = ("for f in \"$@\"; do case \"$f\" in standalone.cls|preview.sty) ;; "
            f"*) \"{real}\" \"$f\" ;; esac; done; exit 1")
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin", keep=("ffmpeg", "ffprobe", "latex", "dvisvgm", "fc-list",
                                                                 "festival"), fakes={"kpsewhich": fake}))
    result = run("doctor", "--out", tmp_path)
    assert result.exit_code == 2
    assert error_lines(result) == [
        "Error: TeX files standalone.cls, preview.sty not found (the formula template loads them): install "
        "with `sudo apt-get install -y texlive-latex-extra preview-latex-style`"]


@needs_tools
def test_doctor_names_missing_fonts(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin", keep=("ffmpeg", "ffprobe", "latex", "dvisvgm", "kpsewhich",
                                                                 "festival"), fakes={"fc-list": NO_FONTS}))
    result = run("doctor", "--out", tmp_path)
    assert result.exit_code == 2
    assert error_lines(result) == [
        f"Error: font '{font}' not found (Pango would silently draw another font): install with "
        "`sudo apt-get install -y fonts-dejavu-core`" for font in ("DejaVu Sans", "DejaVu Sans Mono")]


def test_doctor_names_an_unusable_output_folder(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for out, reason in ((blocker, "is a file"), (blocker / "media", "is not writable")):
        result = run("doctor", "--out", out)
        assert result.exit_code == 2
        [line] = [line for line in error_lines(result) if "output folder" in line]
        assert f"output folder '{out}' {reason}" in line and line.endswith("choose another folder with --out")
    assert os.listdir(tmp_path) == ["a-file"]


def test_doctor_is_listed_in_the_help():
    result = run("--help")
    assert result.exit_code == 0 and re.search(r"^\s+doctor\s+Check ffmpeg", result.stdout, re.M)


# ------------------------------------------------------------------ the render commands
def one_line(result, *fragments, absent=()):
    assert result.exit_code == 2, result.output
    lines = error_lines(result)
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    for fragment in absent:
        assert fragment not in lines[0], lines[0]
    return lines[0]


def test_render_without_any_program_is_one_line_and_starts_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin"))
    out = tmp_path / "out"
    line = one_line(run("render", "TinyCard", "-q", "low", "--out", out),
                    "ffmpeg not found", "latex not found", "dvisvgm not found", "TeX files",
                    "install with `sudo apt-get install -y ffmpeg texlive-latex-base dvisvgm",
                    "`glmm-explainer doctor` checks everything", absent=("ffprobe",))
    assert line.startswith("Error: ffmpeg not found (encodes the videos); latex not found")
    assert not out.exists()  # no cache, no worker log: nothing started


@needs_tools
@pytest.mark.parametrize("command, kept, named, absent", [
    ("render", ("latex", "dvisvgm", "kpsewhich", "fc-list"), ("ffmpeg not found",), ("latex", "TeX")),
    ("lecture", ("latex", "dvisvgm", "kpsewhich", "fc-list"), ("ffmpeg not found",), ("latex", "TeX")),
    ("stills", ("ffmpeg", "kpsewhich", "fc-list"), ("latex not found", "dvisvgm not found"), ("ffmpeg", "TeX")),
    ("slides", ("ffmpeg", "latex", "kpsewhich", "fc-list"), ("dvisvgm not found",), ("ffmpeg", "latex not")),
])
def test_render_commands_check_what_their_job_needs(tmp_path, monkeypatch, command, kept, named, absent):
    """Stills and slides encode no video, so they do not ask for ffmpeg."""
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin", keep=kept))
    out = tmp_path / "out"
    one_line(run(command, "TinyCard", "-q", "low", "--out", out), *named, absent=absent)
    assert not out.exists()


@needs_tools
def test_missing_font_stops_a_render_before_any_worker(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", make_path(tmp_path / "bin", keep=("ffmpeg", "latex", "dvisvgm", "kpsewhich"),
                                         fakes={"fc-list": NO_FONTS}))
    out = tmp_path / "out"
    one_line(run("stills", "TinyCard", "-q", "low", "--out", out), "font 'DejaVu Sans' not found",
             "fonts-dejavu-core")
    assert not out.exists()


def test_missing_tools_in_a_child_process(tmp_path):
    """As a user runs it: a real process, PATH without ffmpeg or LaTeX."""
    env = {**os.environ, "PATH": make_path(tmp_path / "bin"), "GLMM_EXPLAINER_SCENE_MODULES": str(SAMPLES)}
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", "from scripts.cli import cli; cli()", "lecture", "TinyCard",
                           "-q", "low", "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ffmpeg not found"), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out.exists()


# ------------------------------------------------------------------ the tables are right
def test_tex_files_cover_manims_template_and_scenes_add_no_preamble():
    from manim import config

    template = config.tex_template
    text = template.documentclass + "\n" + template.preamble
    wanted = set()
    for options, name in re.findall(r"\\documentclass(?:\[([^\]]*)\])?\{([^}]*)\}", text):
        wanted.add(f"{name}.cls")
        if name == "standalone" and "preview" in options.split(","):
            wanted.add("preview.sty")  # standalone's preview option loads the preview package
    for options, names in re.findall(r"\\usepackage(?:\[([^\]]*)\])?\{([^}]*)\}", text):
        wanted.update(f"{name.strip()}.sty" for name in names.split(","))
        if names.strip() == "babel":
            wanted.update(f"{language.strip()}.ldf" for language in options.split(","))
    assert wanted == set(tools.TEX_FILES)
    for path in sorted((ROOT / "scenes").glob("*.py")) + [SAMPLES]:
        source = path.read_text(encoding="utf-8")
        for custom in ("TexTemplate", "tex_template", "add_to_preamble", "\\\\usepackage"):
            assert custom not in source, f"{path.name} customises TeX ({custom}): add its files to tools.TEX_FILES"


def test_every_font_the_project_names_is_checked():
    from scenes.theme import FONTS

    named = set()
    for folder in ("scenes", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            named.update(re.findall(r"font(?:_face)?\s*=\s*[\"']([^\"']+)[\"']", path.read_text(encoding="utf-8")))
    assert named <= set(FONTS), f"fonts named outside scenes/theme.py: {named - set(FONTS)}"
    assert set(FONTS) <= set(tools.FONT_PACKAGES)


@pytest.mark.skipif(not (HAVE_ALL and shutil.which("dpkg")), reason="needs dpkg and every tool installed")
def test_debian_packages_are_the_ones_dpkg_names():
    wanted = {shutil.which(program): package for program, (package, _) in tools.PROGRAMS.items()}
    found = subprocess.run(["kpsewhich", *tools.TEX_FILES], capture_output=True, text=True).stdout.split()
    assert sorted(Path(path).name for path in found) == sorted(tools.TEX_FILES)
    wanted.update({path: tools.TEX_FILES[Path(path).name] for path in found})
    for font, package in tools.FONT_PACKAGES.items():
        wanted[subprocess.run(["fc-match", "-f", "%{file}", font], capture_output=True, text=True).stdout] = package
    listing = subprocess.run(["dpkg", "-S", *wanted], capture_output=True, text=True).stdout  # one call: dpkg is slow
    owners = {}
    for line in listing.splitlines():
        packages, path = line.split(": ", 1)
        owners[path] = packages.split(",")[0].split(":")[0]
    assert {path: owners.get(path) for path in wanted} == wanted
