"""A scene's spoken narration: what to say at each slide point, the speech files (synthesised or
the lecturer's recordings, cached), and the scene's audio track laid out on the slide points.

Planned in the main process (`plan`: which texts or recordings, and the part of the video's
cache key they make), spoken in the render worker (`SceneSpeech`): the worker starts the speech
engine in a thread as the scene starts drawing, so synthesis runs on another core while the
first animations render, and a slide point waits only if its speech is not ready yet. Each
slide point then holds (scenes/base.py) until its speech has ended: speech starts LEAD seconds
after the previous slide point, caption piece after caption piece (GAP apart), and the slide
point comes TAIL seconds after the last word.

Synthesised speech is spoken caption piece by caption piece (captions.chunk_text), so every
caption cue starts exactly when its words do. A recording is one file per slide point; its
caption pieces share its length in proportion to their characters.

Speech files are cached under OUT/.cache/speech/ by (voice fingerprint, spoken text) or by a
recording's checksum, as 48 kHz mono 16-bit WAV at a common loudness: a second lecture with the
same words synthesises nothing.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scripts.errors import PipelineError

RATE = 48_000
LEAD, GAP, TAIL = 0.25, 0.3, 0.6  # seconds: before the first words, between pieces, after the last
TARGET_RMS_DB, PEAK = -20.0, 0.89  # loudness of every speech file; peaks capped at -1 dBFS
SILENCE, MARGIN = 10 ** (-45 / 20), 0.01  # quieter than -45 dBFS at either end is cut, but 10 ms
# How speech files are made from an engine's (or microphone's) output: part of their cache key.
FILE_FORMAT = {"rate": RATE, "rms_db": TARGET_RMS_DB, "peak": PEAK, "trim_db": -45, "margin": MARGIN,
               "version": 2}  # 2: Festival resamples to RATE itself
RECORDING_TYPES = ("wav", "mp3", "m4a", "flac", "ogg")
SPEECH_CODE = Path(__file__).resolve()


# ---------------------------------------------------------------- planning (main process)
def find_recording(folder: Path, scene: str, index: int, slide: str) -> Path | None:
    """A lecturer's recording of one slide point, by any of the documented names:
    <DIR>/<Scene>/<NN>-<slide>.<ext>, <DIR>/<Scene>/<slide>.<ext> or <DIR>/<Scene>.<slide>.<ext>."""
    stems = [folder / scene / f"{index:02d}-{slide}", folder / scene / slide, folder / f"{scene}.{slide}"]
    for stem in stems:
        for ext in RECORDING_TYPES:
            for candidate in (stem.with_name(f"{stem.name}.{ext}"), stem.with_name(f"{stem.name}.{ext.upper()}")):
                if candidate.is_file():
                    return candidate
    return None


def plan(scene, voice, recordings: Path | None, cache_root: Path) -> dict | None:
    """The job spec's `speech` for one scene (SceneInfo), or None for a silent video. A missing
    recording is a one-line error naming the file to add (raised before anything is written)."""
    from scripts.pipeline.captions import chunk_text
    from scripts.pipeline.sources import content_digest
    from scripts.pipeline.speech_text import spoken

    if voice is None and recordings is None:
        return None
    slides = {}
    for index, (name, text) in enumerate(scene.slides, start=1):
        text = " ".join(text.split())
        if not text:
            continue
        captions = chunk_text(text)
        if recordings is not None:
            found = find_recording(recordings, scene.name, index, name)
            if found is None:
                raise PipelineError(
                    f"no recording for {scene.name} slide point '{name}': add "
                    f"{recordings / scene.name / f'{index:02d}-{name}.wav'} (or .mp3/.m4a/.flac/.ogg; "
                    f"{scene.name}.{name}.wav also works)")
            slides[name] = {"recording": str(found), "digest": content_digest(found), "captions": captions}
        else:
            slides[name] = {"spoken": [spoken(piece) for piece in captions], "captions": captions}
    return {"voice": voice.fingerprint() if recordings is None else None,
            "voice_name": voice.name if (voice is not None and recordings is None) else None,
            "cache_dir": str(cache_root / "speech"), "slides": slides}


def key_parts(spec: dict | None) -> dict | None:
    """The part of a scene video's cache key the speech makes: what is said (or which recording)
    and by whom, and the code that lays it out. Not the cache folder."""
    if spec is None:
        return None
    from scripts.pipeline.sources import files_hash

    slides = {name: (item.get("digest") or item["spoken"], item["captions"])
              for name, item in spec["slides"].items()}
    return {"voice": spec["voice"], "slides": slides, "code": files_hash(SPEECH_CODE)}


# ---------------------------------------------------------------- speech files
def speech_file(cache_dir: Path, parts) -> Path:
    key = hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return cache_dir / key[:2] / f"{key}.wav"


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float samples in [-1, 1] and the sample rate of a PCM WAV file."""
    with wave.open(str(path), "rb") as handle:
        rate, width, channels = handle.getframerate(), handle.getsampwidth(), handle.getnchannels()
        raw = handle.readframes(handle.getnframes())
    if width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float64) / 32768.0
    elif width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float64) - 128.0) / 128.0
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float64) / 2147483648.0
    else:
        raise PipelineError(f"{path}: {8 * width}-bit WAV is not supported")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(tmp), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(pcm.tobytes())
    os.replace(tmp, path)


def normalised(samples: np.ndarray, rate: int) -> np.ndarray:
    """At RATE, at the common loudness (RMS over the voiced part), peaks capped, and without the
    silence engines (and microphones) leave before and after the words: a caption cue starts when
    its file starts, so the file must start with the words."""
    if rate != RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(RATE, rate)
        samples = resample_poly(samples, RATE // g, rate // g)
    voiced = samples[np.abs(samples) > 0.01]
    if voiced.size:
        rms = float(np.sqrt(np.mean(voiced ** 2)))
        gain = 10 ** (TARGET_RMS_DB / 20) / rms
        peak = float(np.max(np.abs(samples))) * gain
        if peak > PEAK:
            gain *= PEAK / peak
        samples = samples * gain
    loud = np.flatnonzero(np.abs(samples) > SILENCE)
    if loud.size:
        pad = int(MARGIN * RATE)
        samples = samples[max(0, loud[0] - pad):loud[-1] + pad]
    return samples


def decode_recording(source: Path, target: Path) -> None:
    """Any recording ffmpeg reads (wav, mp3, m4a, flac, ogg) as a normalised speech file."""
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        wav = Path(work, "decoded.wav")
        result = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                                 str(source), "-vn", "-ac", "1", "-ar", str(RATE), "-c:a", "pcm_s16le",
                                 "-y", str(wav)], capture_output=True, text=True)
        if result.returncode != 0 or not wav.is_file():
            line = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise PipelineError(f"recording {source} cannot be read: {line}")
        write_wav(target, normalised(*read_wav(wav)))


def duration(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / handle.getframerate()


# ---------------------------------------------------------------- in the worker
@dataclass
class Segment:
    slide: str
    start: float
    end: float
    text: str  # the caption text this stretch of speech says
    file: str


class SceneSpeech:
    """The speech of one scene in the render worker: files made in a background thread, the
    hold each slide point needs, and the scene's audio track once the marks are known."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.cache_dir = Path(spec["cache_dir"])
        self.files: dict[str, list[Path]] = {}
        self.error: BaseException | None = None
        self._ready = {name: threading.Event() for name in spec["slides"]}
        self._thread = threading.Thread(target=self._make, name="speech", daemon=True)

    def start(self) -> "SceneSpeech":
        self._thread.start()
        return self

    def _make(self) -> None:
        """Slide point after slide point, in the scene's order, so the first slide point's speech
        is ready as soon as possible (one engine process per slide point: Festival starts in
        0.2 s of CPU)."""
        try:
            from scripts.pipeline.voices import voice_named

            voice = voice_named(self.spec["voice_name"]) if self.spec["voice_name"] else None
            for name, item in self.spec["slides"].items():
                if "recording" in item:
                    target = speech_file(self.cache_dir, {"recording": item["digest"], **FILE_FORMAT})
                    if not target.is_file():
                        target.parent.mkdir(parents=True, exist_ok=True)
                        decode_recording(Path(item["recording"]), target)
                    self.files[name] = [target]
                else:
                    targets = [speech_file(self.cache_dir, {"voice": self.spec["voice"], "text": text,
                                                            **FILE_FORMAT}) for text in item["spoken"]]
                    todo = [(text, target) for text, target in zip(item["spoken"], targets)
                            if not target.is_file()]
                    if todo:
                        self._synthesise(voice, [t for t, _ in todo], [f for _, f in todo])
                    self.files[name] = targets
                self._ready[name].set()
        except BaseException as exc:  # noqa: BLE001 - raised again where the scene waits
            self.error = exc
        finally:
            for event in self._ready.values():
                event.set()

    def _synthesise(self, voice, texts: list[str], targets: list[Path]) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="speak-", dir=self.cache_dir) as work:
            raw = [Path(work, f"{i:03d}.wav") for i in range(len(texts))]
            voice.synthesise(texts, raw, RATE)
            for source, target in zip(raw, targets):
                write_wav(target, normalised(*read_wav(source)))

    def wait(self, slide: str | None = None) -> None:
        for event in ([self._ready[slide]] if slide is not None else self._ready.values()):
            event.wait()
        if self.error is not None:
            raise self.error

    def hold_seconds(self, slide: str, text: str | None = None) -> float | None:
        """How long after the previous slide point this one may come: its speech must be over.
        `text`: what the slide point says in this render; when the scene filled in its fit's
        numbers (or otherwise changed the planned words), that text is spoken instead, now."""
        if slide not in self.spec["slides"]:
            return None
        self.wait(slide)
        if text is not None:
            self._respeak(slide, text)
        spoken = sum(duration(path) for path in self.files[slide])
        return LEAD + spoken + GAP * (len(self.files[slide]) - 1) + TAIL

    def _respeak(self, slide: str, text: str) -> None:
        """Speak `text` for `slide` if it is not what was planned (recordings stay as recorded)."""
        from scripts.pipeline.captions import chunk_text
        from scripts.pipeline.speech_text import spoken
        from scripts.pipeline.voices import voice_named

        item = self.spec["slides"][slide]
        text = " ".join(text.split())
        if "recording" in item or not self.spec.get("voice_name") or " ".join(item["captions"]) == text:
            return
        captions = chunk_text(text)
        said = [spoken(piece) for piece in captions]
        targets = [speech_file(self.cache_dir, {"voice": self.spec["voice"], "text": s, **FILE_FORMAT})
                   for s in said]
        todo = [(s, target) for s, target in zip(said, targets) if not target.is_file()]
        if todo:
            self._synthesise(voice_named(self.spec["voice_name"]), [s for s, _ in todo], [f for _, f in todo])
        item.update(captions=captions, spoken=said)
        self.files[slide] = targets

    def segments(self, marks: list[dict]) -> list[Segment]:
        """Where each piece of speech lies in the scene, from its marks (slide point times)."""
        self.wait()
        segments, previous = [], 0.0
        for mark in marks:
            name, at = mark["name"], previous + LEAD
            previous = float(mark["time"])
            item = self.spec["slides"].get(name)
            if item is None:
                continue
            files = self.files[name]
            if "recording" in item:
                segments.append(Segment(name, at, at + duration(files[0]), " ".join(item["captions"]),
                                        str(files[0])))
                continue
            for text, path in zip(item["captions"], files):
                length = duration(path)
                segments.append(Segment(name, at, at + length, text, str(path)))
                at += length + GAP
        return segments

    def write_track(self, segments: list[Segment], seconds: float, target: Path) -> None:
        """The scene's whole audio track (silence between the pieces), `seconds` long."""
        track = np.zeros(int(round(seconds * RATE)))
        for segment in segments:
            samples, _ = read_wav(Path(segment.file))
            first = int(round(segment.start * RATE))
            piece = samples[:max(0, track.size - first)]
            track[first:first + piece.size] += piece
        write_wav(target, track)
