"""The spoken lecture through the CLI as a user types it (relative paths, the default media/),
on the lecture's shortest scene (TitleCard) at low quality: an AAC track that is heard, as long
as the video, captions that start when the words start; the lecturer's own recordings; a
missing recording; burnt-in captions."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from scripts.cli import cli

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ffmpeg", "ffprobe", "latex", "festival", "espeak-ng")),
    reason="needs ffmpeg, LaTeX, festival and espeak-ng (scripts/bootstrap.sh installs them)")

SCENE = "TitleCard"
LOW = ["-q", "low"]
PART = Path("parts", SCENE, "lecture")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def ffprobe(path: Path, *entries: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", ",".join(entries), "-of", "json",
                          str(path)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def volume(path: Path) -> float:
    err = subprocess.run(["ffmpeg", "-hide_banner", "-i", str(path), "-vn", "-af", "volumedetect",
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    return float(re.search(r"mean_volume: (-?[\d.]+) dB", err).group(1))


def _silences(path: Path) -> str:
    return subprocess.run(["ffmpeg", "-hide_banner", "-i", str(path), "-vn", "-af",
                           "silencedetect=noise=-45dB:d=0.2", "-f", "null", "-"],
                          capture_output=True, text=True).stderr


def speech_starts(path: Path) -> list[float]:
    """When sound begins after a pause (ffmpeg silencedetect), from the file's audio."""
    return [float(x) for x in re.findall(r"silence_end: (-?[\d.]+)", _silences(path))]


def last_sound(path: Path) -> float:
    """When the last sound ends (the start of the last silence)."""
    return float(re.findall(r"silence_start: (-?[\d.]+)", _silences(path))[-1])


def cue_starts(vtt: str) -> list[float]:
    starts = []
    for stamp in re.findall(r"^(\d\d):(\d\d):(\d\d\.\d\d\d) --> ", vtt, re.MULTILINE):
        h, m, s = stamp
        starts.append(int(h) * 3600 + int(m) * 60 + float(s))
    return starts


def video_end(path: Path) -> float:
    """The end of the last video frame (the stream's own duration field ignores retimed holds)."""
    packets = ffprobe(path, "packet=pts_time,duration_time")["packets"]
    return max(float(p["pts_time"]) + float(p["duration_time"]) for p in packets)


def only_folder() -> Path:
    [folder] = Path("media").glob("*/low-dark")
    return folder


@pytest.fixture(scope="module")
def spoken_lecture(tmp_path_factory):
    """`glmm-explainer lecture TitleCard -q low` in a fresh folder: the default voice."""
    home = tmp_path_factory.mktemp("spoken")
    before = os.getcwd()
    os.chdir(home)
    try:
        result = run("lecture", SCENE, *LOW, "--json")
        assert result.exit_code == 0, result.output
        yield home, json.loads(result.stdout)
    finally:
        os.chdir(before)


@pytest.fixture
def in_home(spoken_lecture, monkeypatch):
    home, summary = spoken_lecture
    monkeypatch.chdir(home)
    return summary


def test_the_lecture_speaks_with_an_aac_track_as_long_as_the_video(in_home):
    assert in_home["voice"] == "slt"  # the default at the reading pace
    video = only_folder() / PART / "lecture.mp4"
    streams = {s["codec_type"]: s for s in ffprobe(video, "stream=codec_type,codec_name,duration")["streams"]}
    assert streams["audio"]["codec_name"] == "aac"
    assert volume(video) > -50  # heard, not a silent track
    assert float(streams["audio"]["duration"]) == pytest.approx(video_end(video), abs=0.1)
    # the scene's own video (render's product) carries the same speech
    result = run("render", SCENE, *LOW, "--json")
    assert json.loads(result.stdout)["scenes"][0]["status"] == "cached"  # one render serves both
    scene_video = only_folder() / "videos" / f"{SCENE}.mp4"
    assert volume(scene_video) > -50


def test_captions_start_when_the_speech_starts(in_home):
    folder = only_folder() / PART
    starts = cue_starts((folder / "lecture.vtt").read_text(encoding="utf-8"))
    srt_starts = cue_starts((folder / "lecture.srt").read_text(encoding="utf-8").replace(",", "."))
    assert starts == srt_starts and len(starts) >= 2
    onsets = speech_starts(folder / "lecture.mp4")
    assert onsets, "no speech onset found"
    for start in starts:  # every cue begins within a few hundredths of a second of its words
        assert min(abs(start - onset) for onset in onsets) < 0.08, (start, onsets)
    # and the slide point holds until the speech has ended: the video ends after the last word
    video = folder / "lecture.mp4"
    assert video_end(video) > last_sound(video) + 0.3


def test_silent_lecture_and_a_bad_voice_name(in_home):
    result = run("lecture", SCENE, *LOW, "--voice", "none", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["voice"] == "none"
    streams = ffprobe(Path(summary["folder"]) / PART / "lecture.mp4", "stream=codec_type")["streams"]
    assert "audio" not in {s["codec_type"] for s in streams}
    bad = run("lecture", SCENE, *LOW, "--voice", "hal9000")
    assert bad.exit_code == 2 and bad.stderr.startswith("Error: --voice 'hal9000' is not a voice")
    assert "\n" not in bad.stderr.strip()


def _tone(path: Path, seconds: float = 1.5, rate: int = 22050) -> None:
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * math.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.tobytes())


def test_recordings_replace_the_voice(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("my voice").mkdir()
    _tone(tmp_path / "tone.wav")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", "tone.wav", "-c:a", "aac",
                    str(Path("my voice", f"{SCENE}.model.m4a"))], check=True)
    result = run("lecture", SCENE, *LOW, "--recordings", "my voice", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["voice"] == "recordings"
    video = Path(summary["folder"]) / PART / "lecture.mp4"
    assert volume(video) > -50
    [onset, *_] = speech_starts(video)
    assert cue_starts((video.parent / "lecture.vtt").read_text())[0] == pytest.approx(onset, abs=0.08)
    # the recording is 1.5 s: the slide point holds for it, not for the 10 s the voice takes
    assert video_end(video) < 6


def test_a_missing_recording_is_one_line_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("recordings").mkdir()
    result = run("lecture", SCENE, *LOW, "--recordings", "recordings")
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("Error: no recording for TitleCard slide point 'model'")
    assert str(Path("recordings", "TitleCard", "01-model.wav")) in err
    assert not Path("media").exists()  # nothing written
    no_folder = run("lecture", SCENE, *LOW, "--recordings", "nowhere")
    assert no_folder.exit_code == 2 and "is not a folder" in no_folder.stderr


def test_burnt_in_captions_change_the_caption_area_only(in_home, tmp_path):
    result = run("lecture", SCENE, *LOW, "--burn-captions", "--json")
    assert result.exit_code == 0, result.output
    burnt = tmp_path / "burnt.mp4"
    shutil.copy(Path(json.loads(result.stdout)["folder"]) / PART / "lecture.mp4", burnt)
    assert run("lecture", SCENE, *LOW).exit_code == 0  # the plain one again, from the cache
    plain = only_folder() / PART / "lecture.mp4"
    assert "audio" in {s["codec_type"] for s in ffprobe(burnt, "stream=codec_type")["streams"]}

    def frame(path: Path, at: float) -> np.ndarray:
        raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-ss", str(at), "-i", str(path),
                              "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                             capture_output=True, check=True).stdout
        return np.frombuffer(raw, np.uint8).reshape(480, 854).astype(int)

    first, second = cue_starts((only_folder() / PART / "lecture.vtt").read_text())[:2]
    a, b = frame(burnt, first + 1.0), frame(plain, first + 1.0)
    bottom, top = slice(400, 480), slice(0, 300)
    assert np.abs(a[bottom] - b[bottom]).mean() > 2  # the caption is drawn
    assert np.abs(a[top] - b[top]).mean() < 2  # the picture above it is the same
    # TitleCard's second cue starts during a held frame: the burnt caption changes with it
    later = frame(burnt, second + 0.5)
    assert np.abs(later[bottom] - a[bottom]).mean() > 2
    assert np.abs(later[top] - frame(plain, second + 0.5)[top]).mean() < 2


def test_a_missing_voice_is_one_line_naming_the_package(tmp_path, monkeypatch):
    """Without festival the default voice cannot speak: one line naming the Debian packages and
    the way to stay silent, before any worker starts."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for program in ("ffmpeg", "ffprobe", "latex", "dvisvgm", "kpsewhich", "fc-list"):
        (bin_dir / program).write_text(f'#!/bin/sh\nexec "{shutil.which(program)}" "$@"\n')
        (bin_dir / program).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.chdir(tmp_path)
    result = run("lecture", SCENE, *LOW)
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "\n" not in err and err.startswith("Error: festival not found"), err
    assert "--voice none keeps the video silent" in err and "festival festvox-us-slt-hts" in err
    assert not Path("media").exists()
