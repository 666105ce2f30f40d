"""What rendering needs from the machine, checked before any work starts.

Each check looks for one kind of piece and returns a `Problem` per missing one, naming the Debian
package that provides it (found with `dpkg -S` on a working machine; tests/test_doctor.py keeps
the table honest). `glmm-explainer doctor` runs every check; the render commands run the ones
their job needs (`NEEDS`) before any worker starts, so a missing piece is one line instead of a
failure in every scene's log. Every check is fast (`which`, one `kpsewhich`, one `fc-list`) and
imports nothing heavy.

- encoding: ffmpeg encodes the videos and joins the lecture (ffprobe reads them back: only the
  doctor and the tests use it, so the render commands do not ask for it).
- formulas: latex and dvisvgm typeset MathTex, with the TeX files Manim's default template loads
  (`\\documentclass[preview]{standalone}`, babel with english, amsmath, amssymb; the scenes add no
  preamble of their own).
- fonts: the fonts the theme asks Pango for (scenes.theme.FONTS); Pango silently substitutes
  another font for a missing one, so it is checked here.
- output: the output folder can be created and written (checked without leaving anything).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts.errors import PipelineError

APT = "sudo apt-get install -y"

PROGRAMS = {  # program -> (Debian package, what it does here)
    "ffmpeg": ("ffmpeg", "encodes the videos"),
    "ffprobe": ("ffmpeg", "reads videos back"),
    "latex": ("texlive-latex-base", "typesets formulas"),
    "dvisvgm": ("dvisvgm", "turns formulas into vector paths"),
}
TEX_FILES = {  # file Manim's TeX template loads -> Debian package
    "standalone.cls": "texlive-latex-extra",
    "preview.sty": "preview-latex-style",
    "babel.sty": "texlive-latex-base",
    "english.ldf": "texlive-latex-base",
    "amsmath.sty": "texlive-latex-base",
    "amssymb.sty": "texlive-base",
}
FONT_PACKAGES = {"DejaVu Sans": "fonts-dejavu-core", "DejaVu Sans Mono": "fonts-dejavu-core"}

# What each job needs: scenes rendered to video or to stills, and assembling the lecture.
NEEDS = {
    "video": ("encoding", "formulas", "fonts"),
    "stills": ("formulas", "fonts"),
    "lecture": ("encoding", "fonts"),  # joins the videos; the handout's text
}


@dataclass(frozen=True)
class Problem:
    """One missing piece: what is wrong, and the Debian packages (or the command) that fix it."""

    what: str
    packages: tuple[str, ...] = ()
    fix: str = ""

    @property
    def line(self) -> str:
        if self.packages:
            return f"{self.what}: install with `{APT} {' '.join(self.packages)}`"
        return f"{self.what}: {self.fix}"


class MissingTool(PipelineError):
    """Some pieces are missing; the message is one line naming them all and one install command."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(one_line(problems))


def one_line(problems: list[Problem]) -> str:
    packages = install_packages(problems)
    what = "; ".join(p.what for p in problems)
    fixes = [f"install with `{APT} {' '.join(packages)}`"] if packages else []
    fixes += [p.fix for p in problems if not p.packages and p.fix]
    return f"{what}: {' and '.join(fixes)} (`glmm-explainer doctor` checks everything)"


def install_packages(problems: list[Problem]) -> list[str]:
    return list(dict.fromkeys(pkg for p in problems for pkg in p.packages))


# ---------------------------------------------------------------- the checks
def check_programs(*names: str) -> list[Problem]:
    return [Problem(f"{name} not found ({PROGRAMS[name][1]})", (PROGRAMS[name][0],))
            for name in names if shutil.which(name) is None]


def check_encoding() -> list[Problem]:
    return check_programs("ffmpeg")


def check_formulas() -> list[Problem]:
    return check_programs("latex", "dvisvgm") + check_tex_files()


def check_tex_files() -> list[Problem]:
    """One problem for every TeX file the formula template loads that TeX cannot find."""
    missing = find_missing_tex_files(tuple(TEX_FILES))
    if not missing:
        return []
    packages = tuple(dict.fromkeys(TEX_FILES[name] for name in missing))
    return [Problem(f"TeX files {', '.join(missing)} not found (the formula template loads them)", packages)]


def find_missing_tex_files(names: tuple[str, ...]) -> list[str]:
    """kpsewhich prints the path of each file it finds (one call for all); without kpsewhich
    there is no TeX, so nothing is found."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return list(names)
    try:
        result = subprocess.run([kpsewhich, *names], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return list(names)
    found = {Path(line.strip()).name for line in result.stdout.splitlines() if line.strip()}
    return [name for name in names if name not in found]


def check_fonts() -> list[Problem]:
    from scenes.theme import FONTS  # the handout uses scenes.theme.FONT too

    installed = installed_font_families()
    problems = []
    for font in FONTS:
        if _font_key(font) not in installed:
            package = FONT_PACKAGES.get(font)
            problems.append(Problem(f"font '{font}' not found (Pango would silently draw another font)",
                                    (package,) if package else (),
                                    "" if package else "install it, or change FONT in scenes/theme.py"))
    return problems


def installed_font_families() -> set[str]:
    """The font families fontconfig (what Pango and Cairo use) knows, from one `fc-list` call;
    without a working fc-list, ManimPango's own list (the same fontconfig, loaded in-process)."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        try:
            result = subprocess.run([fc_list, "--format", "%{family}\n"], capture_output=True, text=True,
                                    timeout=30)
            if result.returncode == 0:
                return {_font_key(name) for line in result.stdout.splitlines() for name in line.split(",")}
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        import manimpango
    except ImportError:
        return set()
    return {_font_key(name) for name in manimpango.list_fonts()}


def _font_key(family: str) -> str:
    """fontconfig compares family names ignoring case and spaces."""
    return "".join(family.split()).casefold()


def check_output(out: str | os.PathLike) -> list[Problem]:
    problem = output_problem(Path(out))
    return [Problem(problem, fix="choose another folder with --out")] if problem else []


def output_problem(out: Path) -> str | None:
    """Why files cannot be written under `out`, or None; creates nothing. A folder that does not
    exist yet is judged by the nearest existing folder above it, where it would be created."""
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        return f"output folder '{out}' is a file"
    probe_in = out
    while not probe_in.exists():
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        return f"output folder '{out}' is not writable ('{probe_in}' is a file)"
    try:
        fd, probe = tempfile.mkstemp(prefix=".glmm-explainer-write-test-", dir=probe_in)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"output folder '{out}' is not writable ({exc.strerror})"
    return None


CHECKS = {"encoding": check_encoding, "formulas": check_formulas, "fonts": check_fonts}


def check(*needs: str) -> list[Problem]:
    """The problems of the checks named (keys of CHECKS), in order, each check once."""
    return [problem for need in dict.fromkeys(needs) for problem in CHECKS[need]()]


def require(*needs: str) -> None:
    """Raise MissingTool (one line for all problems) unless everything `needs` names is here."""
    problems = check(*needs)
    if problems:
        raise MissingTool(problems)
