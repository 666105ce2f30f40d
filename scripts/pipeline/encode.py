"""Video encoding: raw frames piped to one ffmpeg per scene, and the lecture's concatenation.

Manim encodes every animation into its own partial movie with PyAV in the rendering process,
then concatenates them. Here the renderer only copies each RGBA frame into a pipe (from a
writer thread, so drawing the next frame overlaps the copy); one ffmpeg process per scene does
the RGBA->YUV conversion and x264 encoding on the other core(s).

Static holds (`wait`, slide points) are not encoded frame by frame: converting and encoding a
repeated 1080p frame costs ~17 ms of CPU, and a lecture paced for reading holds for minutes. A
hold is sent as two copies of its frame (its first and last frame), and after encoding the
timestamps of everything after the first copy are moved on by the hold's length (a lossless
remux with ffmpeg's `setts` bitstream filter). The file is variable-frame-rate only in that
some frames last longer; every timestamp stays on the 1/fps grid and the stream still declares
the scene's frame rate. Outputs are bit-exact for the same frames (no encoder version or dates
in the container).
"""
from __future__ import annotations

import fcntl
import os
import queue
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from scripts.errors import PipelineError

# x264 speed/size trade-off; GLMM_EXPLAINER_X264_PRESET / _CRF override (and enter the cache key).
X264_PRESET = os.environ.get("GLMM_EXPLAINER_X264_PRESET", "veryfast")
X264_CRF = os.environ.get("GLMM_EXPLAINER_X264_CRF", "20")
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"]
TICKS_PER_FRAME = 256  # the MP4 track's timescale is fps * this: hold lengths are whole ticks
MIN_HOLD = 3  # a hold shorter than this is sent frame by frame (nothing to gain)


def x264_args(preset: str = X264_PRESET, crf: str = X264_CRF) -> list[str]:
    return ["-c:v", "libx264", "-preset", preset, "-crf", crf, "-pix_fmt", "yuv420p",
            "-movflags", "+faststart"]


def encoder_fingerprint() -> dict:
    """What of the encoding shapes the bytes (part of the cache key)."""
    return {"codec": "libx264", "preset": X264_PRESET, "crf": X264_CRF, "pix_fmt": "yuv420p"}


class EncodeError(PipelineError):
    """ffmpeg failed (in a worker: that scene's failure; joining the lecture: one line)."""


class FramePipe:
    """An ffmpeg process reading raw RGBA frames on stdin and writing an MP4 (to a temp name;
    `close()` renames it into place, `abort()` removes it)."""

    def __init__(self, target: str | os.PathLike, width: int, height: int, fps: int,
                 on_frames=None, extra_args: list[str] | None = None):
        self.target = Path(target)
        self.tmp = self.target.with_name(f".{self.target.name}.part.mp4")
        self.frame_bytes = width * height * 4
        self.fps = fps
        self.frames = 0  # frames of the video, holds counted in full
        self.sent = 0  # frames piped to ffmpeg
        self.holds: list[tuple[int, int]] = []  # (index of a hold's first copy, frames it skips)
        self.on_frames = on_frames
        self._log = tempfile.TemporaryFile()
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "rawvideo",
               "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-framerate", str(fps),
               "-i", "pipe:0", "-an", *(extra_args or x264_args()), *BITEXACT,
               "-video_track_timescale", str(fps * TICKS_PER_FRAME), "-y", str(self.tmp)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     stderr=self._log)
        try:  # a bigger pipe means fewer wake-ups per frame (Linux only; harmless elsewhere)
            fcntl.fcntl(self.proc.stdin.fileno(), 1031, 1 << 20)  # F_SETPIPE_SZ
        except (OSError, AttributeError):
            pass
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._last_report = 0.0
        self._thread = threading.Thread(target=self._pump, name="frame-pipe", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        stdin = self.proc.stdin
        while True:
            item = self._queue.get()
            if item is None:
                break
            if self._error is not None:
                continue
            frame, repeat = item
            try:
                view = memoryview(frame).cast("B")
                for _ in range(repeat):
                    stdin.write(view)
            except BaseException as exc:  # BrokenPipeError when ffmpeg died: reported on close
                self._error = exc

    def write(self, frame, repeat: int = 1) -> None:
        if self._error is not None:
            self._fail("ffmpeg stopped reading frames")
        if frame.nbytes != self.frame_bytes:
            raise EncodeError(f"frame has {frame.nbytes} bytes, expected {self.frame_bytes}")
        if repeat >= MIN_HOLD:
            self.holds.append((self.sent, repeat - 2))
            self._queue.put((frame, 2))
            self.sent += 2
        else:
            self._queue.put((frame, repeat))
            self.sent += repeat
        self.frames += repeat
        now = time.monotonic()
        if self.on_frames and now - self._last_report > 0.2:
            self._last_report = now
            self.on_frames(self.frames)

    def close(self) -> int:
        """Finish the file; returns the number of frames written."""
        self._queue.put(None)
        self._thread.join()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self.proc.wait()
        self._log.seek(0)
        failed = ffmpeg_failed(self._log.read().decode(errors="replace"))
        if code != 0 or self._error is not None or failed:
            self._fail(f"ffmpeg exited with status {code}")
        if self.holds:
            self._stretch_holds()
        os.replace(self.tmp, self.target)
        self._log.close()
        if self.on_frames:
            self.on_frames(self.frames)
        return self.frames

    def _stretch_holds(self) -> None:
        """Move every frame after a hold's first copy on by the frames the hold skipped.
        Written in seconds (TB is the time base the filter sees, which ffmpeg may change)."""
        def shifted(stamp: str) -> str:
            steps = "+".join(f"gt({stamp}*TB,{(index + 0.5) / self.fps!r})*{skip}"
                             for index, skip in self.holds)
            return f"{stamp}+({steps})/({self.fps}*TB)"

        stretched = self._stretched()
        retime = f"setts=pts='{shifted('PTS')}':dts='{shifted('DTS')}'"
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(self.tmp),
               "-map", "0:v", "-c", "copy", "-bsf:v", retime, "-movflags", "+faststart", *BITEXACT,
               "-video_track_timescale", str(self.fps * TICKS_PER_FRAME), "-y", str(stretched)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or ffmpeg_failed(result.stderr):
            stretched.unlink(missing_ok=True)
            self._fail("ffmpeg could not retime the holds", telling_line(result.stderr) or str(result.returncode))
        os.replace(stretched, self.tmp)

    def _stretched(self) -> Path:
        return self.tmp.with_name(self.tmp.name + ".vfr.mp4")

    def abort(self) -> None:
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            pass
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._thread.join(timeout=2)
        self.tmp.unlink(missing_ok=True)
        self._stretched().unlink(missing_ok=True)
        self._log.close()

    def _fail(self, what: str, detail: str | None = None):
        """Stop ffmpeg, drop the partial file, raise with `detail` (default: ffmpeg's own words)."""
        if detail is None:
            self._log.seek(0)
            detail = telling_line(self._log.read().decode(errors="replace")) or "no message"
        self.abort()
        raise EncodeError(f"{what}: {detail}")


# ffmpeg runs at -loglevel error, so any of these lines means the output is not whole; ffmpeg
# can exit with status 0 after it (5.1 does when the trailer cannot be written: disk full).
_FAILURE = re.compile(r"^error|no space left on device|disk quota exceeded", re.IGNORECASE | re.MULTILINE)
_NO_SPACE = re.compile(r"no space left on device|disk quota exceeded", re.IGNORECASE)


def ffmpeg_failed(stderr: str) -> bool:
    return bool(_FAILURE.search(stderr))


def telling_line(stderr: str) -> str | None:
    """The line of ffmpeg's messages that says most: the one about the disk, else the last."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in lines if _NO_SPACE.search(line)), lines[-1] if lines else None)


def pipe_writer_class(target: str | os.PathLike, on_frames=None):
    """A manim SceneFileWriter subclass that sends every frame to one FramePipe."""
    from manim.scene.scene_file_writer import SceneFileWriter

    class PipeFileWriter(SceneFileWriter):
        pipe: FramePipe | None = None

        def add_partial_movie_file(self, hash_animation):
            pass

        def is_already_cached(self, hash_invocation):
            return False

        def begin_animation(self, allow_write=False, *, animation_index=0, file_path=None):
            if allow_write and self.pipe is None:
                spec = self.video_encoder
                self.pipe = FramePipe(target, spec.width, spec.height, int(spec.frame_rate),
                                      on_frames=on_frames)

        def end_animation(self, allow_write=False):
            pass

        def write_frame(self, pixels, *, repeat=1):
            if self.pipe is not None:
                self.pipe.write(pixels, repeat)

        def finish(self):
            if self.pipe is not None:
                self.frames = self.pipe.close()

        def abort_encode_jobs(self, *args, **kwargs):
            if self.pipe is not None:
                self.pipe.abort()

        def save_image(self, pixels):
            pass

    return PipeFileWriter


# Speech needs no more: mono, 96 kb/s, and the fast coder (a third of the default's CPU; the
# default "twoloop" spent more time on a scene's speech than on its held frames).
AAC = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "96k", "-ac", "1"]


def mux_audio(video: Path, track: Path) -> None:
    """Add `track` (WAV, as long as the video) to `video` as AAC, in place; the video is copied."""
    tmp = video.with_name(f".{video.name}.audio.mp4")
    cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(video), "-i",
           str(track), "-map", "0:v", "-map", "1:a", "-c:v", "copy", *AAC, "-movflags", "+faststart",
           *BITEXACT, "-flags:a", "+bitexact", "-y", str(tmp)]
    _run_ffmpeg(cmd, tmp, "ffmpeg could not add the speech")
    os.replace(tmp, video)


def burn_captions(video: Path, subtitles: Path, target: Path, fps: int) -> None:
    """Re-encode `video` with `subtitles` (SRT) drawn in by libass (ffmpeg's subtitles filter),
    for players and platforms that ignore sidecar captions. Every frame is encoded (a caption can
    change in the middle of a held frame), so this costs a full encode of the lecture."""
    tmp = target.with_name(f".{target.name}.burn.mp4")
    # white on a half-transparent box: readable over a plot as over the background
    style = ("FontName=DejaVu Sans,FontSize=18,BorderStyle=3,Outline=2,Shadow=0,MarginV=14,"
             "OutlineColour=&H60000000,BackColour=&H60000000")
    vf = f"fps={fps},subtitles={subtitles.name}:charenc=UTF-8:force_style='{style}'"  # frames first, then text
    cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(video.resolve()),
           "-map", "0:v", "-map", "0:a?", "-map_chapters", "0", "-vf", vf, "-fps_mode", "cfr",
           "-r", str(fps), *x264_args(), "-c:a", "copy", "-fflags", "+bitexact", "-flags:v",
           "+bitexact", "-y", str(tmp.resolve())]  # metadata and chapters kept as they are
    _run_ffmpeg(cmd, tmp, "ffmpeg could not burn in the captions", cwd=subtitles.parent)
    os.replace(tmp, target)


def _run_ffmpeg(cmd: list[str], tmp: Path, what: str, cwd: Path | None = None) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0 or ffmpeg_failed(result.stderr):
        tmp.unlink(missing_ok=True)
        line = telling_line(result.stderr) or str(result.returncode)
        fix = ": free some space or choose another --out" if _NO_SPACE.search(line) else ""
        raise EncodeError(f"{what}: {line}{fix}")


def first_packet_time(path: str | os.PathLike, stream: str) -> float:
    """The first packet's presentation time of the first `stream` ("a", "v"); 0 without one."""
    try:
        out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", f"{stream}:0",
                              "-read_intervals", "%+#1", "-show_entries", "packet=pts_time", "-of",
                              "csv=p=0", str(path)], capture_output=True, text=True).stdout.split()
        return float(out[0].strip(","))
    except (OSError, IndexError, ValueError):
        return 0.0


def ffprobe_duration(path: str | os.PathLike) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                          "default=nw=1:nk=1", str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _ffmeta_escape(text: str) -> str:
    for char in ("\\", "=", ";", "#", "\n"):
        text = text.replace(char, "\\" + char)
    return text


def concat_with_chapters(inputs: list[Path], chapters: list[tuple[float, float, str]],
                         target: Path, title: str, audio: Path | None = None) -> None:
    """Join same-format MP4s without re-encoding and add one chapter per (start, end, title);
    with `audio` (the whole lecture's speech as one WAV) an AAC track encoded in one go, so no
    encoder delay piles up at the joins."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".concat-") as work:
        listing = Path(work, "inputs.txt")
        listing.write_text("ffconcat version 1.0\n" + "".join(
            f"file '{str(p.resolve()).replace(chr(39), chr(39) + chr(92) + chr(39) + chr(39))}'\n"
            for p in inputs), encoding="utf-8")
        meta = Path(work, "chapters.txt")
        lines = [";FFMETADATA1", f"title={_ffmeta_escape(title)}"]
        for start, end, name in chapters:
            lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(start * 1000)}",
                      f"END={round(end * 1000)}", f"title={_ffmeta_escape(name)}"]
        meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp = Path(work, "lecture.mp4")
        # The concat demuxer starts each file at its earliest packet; a scene with AAC has audio
        # packets before 0 (the encoder's priming), which would make the video late by as much.
        shift = min(0.0, first_packet_time(inputs[0], "a")) if audio else 0.0
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
               *(["-itsoffset", f"{shift:.6f}"] if shift else []), "-f", "concat",
               "-safe", "0", "-i", str(listing), "-i", str(meta),
               *(["-i", str(audio)] if audio else []), "-map", "0:v", *(["-map", "2:a"] if audio else []),
               "-map_metadata", "1", "-map_chapters", "1", "-c:v", "copy", *(AAC if audio else []),
               "-movflags", "+faststart", "-fflags", "+bitexact", "-flags:v", "+bitexact",
               *(["-flags:a", "+bitexact"] if audio else []), "-y", str(tmp)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0 or ffmpeg_failed(result.stderr):
            line = telling_line(result.stderr) or str(result.returncode)
            fix = ": free some space or choose another --out" if _NO_SPACE.search(line) else ""
            raise EncodeError(f"ffmpeg could not join the scenes: {line}{fix}")
        os.replace(tmp, target)
