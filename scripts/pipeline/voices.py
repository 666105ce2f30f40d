"""The offline text-to-speech voices that can narrate a lecture, all from Debian packages.

Tried here (bookworm), the same sentence through each, judged by ear-knowledge and measured:
- `slt` (default): Festival with the CMU Arctic SLT HTS voice (festvox-us-slt-hts), a
  statistical-parametric female US English voice: smooth prosody, the most natural of the three.
  ~0.05 s of CPU per second of speech (the whole lecture's 6.7 min of narration: 14 s CPU).
- `flite`: Flite's built-in slt voice: the same speaker, rougher and more buzzy; 3x faster.
- `espeak` (`espeak:<language>`, e.g. `espeak:de`, `espeak:fr`): eSpeak NG, formant synthesis,
  robotic but tiny, fast and speaking over a hundred languages - the voice for a narration file
  (`--narration`) in another language.
Each voice turns a batch of texts into WAV files. Festival stays running in each render worker
(its start costs as much CPU as a sentence); flite and eSpeak NG start in milliseconds.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scripts.errors import PipelineError
from scripts.pipeline.tools import MissingTool, Problem

DEFAULT_VOICE = "slt"
NONE = "none"
FESTIVAL_SLT = Path("/usr/share/festival/voices/us/cmu_us_slt_arctic_hts")


@dataclass(frozen=True)
class Voice:
    name: str  # as typed after --voice
    engine: str  # festival | flite | espeak
    packages: tuple[str, ...]
    language: str = "en-us"

    def problems(self) -> list[Problem]:
        program = {"festival": "festival", "flite": "flite", "espeak": "espeak-ng"}[self.engine]
        problems = []
        if shutil.which(program) is None:
            problems.append(Problem(f"{program} not found (speaks the narration, --voice {self.name}; "
                                    "--voice none keeps the video silent)", self.packages))
        elif self.engine == "festival" and not FESTIVAL_SLT.is_dir():
            problems.append(Problem(f"Festival's SLT voice not found (speaks the narration, --voice "
                                    f"{self.name}; --voice none keeps the video silent)",
                                    ("festvox-us-slt-hts",)))
        elif self.engine == "espeak" and not _espeak_knows(self.language):
            raise PipelineError(f"espeak-ng has no voice '{self.language}': see `espeak-ng --voices` "
                                f"for the languages (e.g. --voice espeak:de)")
        return problems

    def require(self) -> None:
        problems = self.problems()
        if problems:
            raise MissingTool(problems)

    def fingerprint(self) -> dict:
        """What shapes the sound (part of every speech and video cache key)."""
        return {"voice": self.name, "engine": self.engine, "language": self.language,
                "packages": _package_versions(self.packages)}

    def synthesise(self, texts: list[str], targets: list[Path], rate: int) -> None:
        """Speak texts[i] into targets[i] (WAV; at `rate` from Festival, which resamples in C,
        else at the engine's own rate)."""
        if not texts:
            return
        if self.engine == "festival":
            _festival(texts, targets, rate)
            return
        for text, target in zip(texts, targets):
            if self.engine == "flite":
                cmd = ["flite", "-voice", "slt", "-t", text, "-o", str(target)]
            else:
                cmd = ["espeak-ng", "-v", self.language, "-w", str(target), text]
            _run(cmd, self.name)


VOICES = {"slt": Voice("slt", "festival", ("festival", "festvox-us-slt-hts")),
          "flite": Voice("flite", "flite", ("flite",)),
          "espeak": Voice("espeak", "espeak", ("espeak-ng",))}
VOICE_HELP = ("slt (Festival HTS, the most natural), flite, espeak or espeak:<language> (eSpeak NG, "
              "any of its languages), none (silent)")


def voice_named(name: str) -> Voice | None:
    """The voice for `--voice NAME`, None for `none`; an unknown name is a one-line error."""
    name = name.strip()
    if name.lower() == NONE:
        return None
    base, _, language = name.partition(":")
    voice = VOICES.get(base.lower())
    if voice is None or (language and voice.engine != "espeak"):
        raise PipelineError(f"--voice '{name}' is not a voice: use {VOICE_HELP}")
    if language:
        return Voice(name, "espeak", voice.packages, language)
    return voice


def _scheme_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Festival:
    """One Festival process kept for the life of the render worker: starting Festival and loading
    the voice costs 0.2 s of CPU, as much as speaking a 6-second sentence, and a lecture has 44
    slide points. Commands go to `festival --pipe`; after each file Festival creates a marker
    file, which says the file before it is complete."""

    def __init__(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(["festival", "--pipe"], stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self._send("(voice_cmu_us_slt_arctic_hts)\n")

    def _send(self, script: str) -> None:
        self.proc.stdin.write(script.encode("latin-1", "replace"))
        self.proc.stdin.flush()

    def speak(self, texts: list[str], targets: list[Path], rate: int) -> None:
        lines = []
        for text, target in zip(texts, targets):
            # festival reads Latin-1; what it cannot say is dropped rather than mis-spelt
            safe = text.encode("latin-1", "replace").decode("latin-1")
            lines += [f"(set! utt (utt.synth (Utterance Text {_scheme_string(safe)})))",
                      f"(utt.wave.resample utt {int(rate)})",
                      f"(utt.save.wave utt {_scheme_string(str(target))} 'riff)"]
        marker = targets[-1].with_name(targets[-1].name + ".done")
        lines.append(f"(fclose (fopen {_scheme_string(str(marker))} \"w\"))")
        self._send("\n".join(lines) + "\n")
        while not marker.exists():
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        marker.unlink(missing_ok=True)
        missing = [t for t in targets if not t.is_file() or t.stat().st_size < 64]
        if missing:
            self.log.seek(0)
            detail = self.log.read().decode(errors="replace").strip().splitlines()
            raise PipelineError(f"festival could not speak the narration: "
                                f"{detail[-1] if detail else 'no message'}")


_festival_process: _Festival | None = None


def _festival(texts: list[str], targets: list[Path], rate: int) -> None:
    global _festival_process
    if _festival_process is None or _festival_process.proc.poll() is not None:
        _festival_process = _Festival()
    try:
        _festival_process.speak(texts, targets, rate)
    except (BrokenPipeError, PipelineError):
        _festival_process = None  # a fresh process next time
        raise


def _run(cmd: list[str], voice: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()
        raise PipelineError(f"--voice {voice} could not speak the narration: "
                            f"{detail[-1] if detail else proc.returncode}")


@lru_cache(maxsize=None)
def _package_versions(packages: tuple[str, ...]) -> dict:
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\n", *packages],
                             capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


@lru_cache(maxsize=None)
def _espeak_knows(language: str) -> bool:
    try:
        out = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    names = set()
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            names.update({parts[1].lower(), parts[4].lower(), parts[4].split("/")[-1].lower()})
    return language.lower() in names
