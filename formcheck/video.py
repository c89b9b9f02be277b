"""Reading videos (any container/codec PyAV decodes) and writing browser-playable H.264.

Frames are streamed one at a time as RGB ``uint8`` arrays ``(H, W, 3)`` in
display orientation (rotation metadata applied), each with its real
presentation time in seconds from the first frame (variable frame rate safe).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


class VideoError(Exception):
    """A video cannot be read or written; the message says what to do."""


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a video file. Sizes are in display orientation (after rotation)."""

    path: str
    width: int
    height: int
    fps: float  # average frame rate
    duration_s: float
    n_frames: int | None  # from the container; may be an estimate or unknown
    rotation: int  # degrees, as stored in the file's display matrix
    codec: str

    def to_dict(self) -> dict:
        """JSON-able dict."""
        return {
            "path": os.path.basename(self.path),
            "width": self.width,
            "height": self.height,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "n_frames": self.n_frames,
            "rotation": self.rotation,
            "codec": self.codec,
        }


@dataclass(frozen=True)
class Frame:
    """One decoded frame: RGB pixels in display orientation and its time in seconds."""

    index: int
    t_s: float
    rgb: np.ndarray


def _open(path: str | os.PathLike) -> av.container.InputContainer:
    p = Path(path)
    if not p.exists():
        raise VideoError(f"{p}: file not found; check the path")
    if p.is_dir():
        raise VideoError(f"{p}: is a folder, not a video file")
    if p.stat().st_size == 0:
        raise VideoError(f"{p}: the file is empty; record or export the video again")
    try:
        return av.open(str(p), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as e:
        raise VideoError(
            f"{p.name}: not a readable video ({type(e).__name__}); "
            "use an MP4, MOV, WebM or AVI file"
        ) from None


def _video_stream(container: av.container.InputContainer, name: str) -> av.video.VideoStream:
    if not container.streams.video:
        raise VideoError(f"{name}: the file has no video stream (audio only?); choose a video file")
    s = container.streams.video[0]
    s.thread_type = "AUTO"
    return s


def _rotation_of(stream: av.video.VideoStream) -> int:
    """Rotation (degrees) from the stream's display matrix or 'rotate' tag, 0 if none."""
    try:
        tag = stream.metadata.get("rotate")
        if tag is not None:
            return int(float(tag)) % 360
    except (TypeError, ValueError):
        pass
    return 0


def probe(path: str | os.PathLike) -> VideoInfo:
    """Read a video's facts without decoding it whole (decodes the first frame)."""
    name = Path(path).name
    with _open(path) as c:
        s = _video_stream(c, name)
        rate = s.average_rate or s.guessed_rate or s.base_rate
        fps = float(rate) if rate else 0.0
        duration = 0.0
        if s.duration is not None and s.time_base is not None:
            duration = float(s.duration * s.time_base)
        elif c.duration is not None:
            duration = c.duration / 1e6
        rotation = _rotation_of(s)
        width, height = s.codec_context.width, s.codec_context.height
        try:
            first = next(c.decode(s))
            rotation = int(getattr(first, "rotation", 0) or rotation) % 360
            width, height = first.width, first.height
        except StopIteration:
            raise VideoError(f"{name}: the video has no frames; record it again") from None
        except av.error.FFmpegError:
            raise VideoError(f"{name}: the video cannot be decoded; export it again") from None
        if rotation in (90, 270):
            width, height = height, width
        n = s.frames or (round(duration * fps) if duration and fps else None)
        return VideoInfo(str(path), width, height, fps, duration, n or None, rotation, s.codec.name)


def _rotate(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display-matrix rotation (degrees counter-clockwise, FFmpeg convention)."""
    r = rotation % 360
    if r == 0:
        return rgb
    # FFmpeg's display rotation is counter-clockwise; the picture must be turned back.
    k = {90: 1, 180: 2, 270: 3}.get(r, 0)
    return np.ascontiguousarray(np.rot90(rgb, k=k))


def iter_frames(path: str | os.PathLike, max_side: int | None = None) -> Iterator[Frame]:
    """Yield frames of ``path`` in display orientation, with their times in seconds.

    ``max_side`` downsizes frames whose longer side is larger (keeps aspect).
    A file cut short ends the iteration quietly after the last good frame;
    check :func:`was_truncated` style logic via the caller's frame count.
    """
    name = Path(path).name
    c = _open(path)
    try:
        s = _video_stream(c, name)
        t0: float | None = None
        last_t = -1.0
        index = 0
        tb = s.time_base or Fraction(1, 1000)
        rate = float(s.average_rate or s.guessed_rate or 30)
        try:
            for frame in c.decode(s):
                if frame.pts is not None:
                    t = float(frame.pts * tb)
                elif frame.time is not None:
                    t = float(frame.time)
                else:
                    t = last_t + 1.0 / rate if last_t >= 0 else 0.0
                if t0 is None:
                    t0 = t
                t -= t0
                if t <= last_t:  # duplicate / out-of-order pts: keep time strictly increasing
                    t = last_t + 1e-3
                last_t = t
                w, h = frame.width, frame.height
                if max_side and max(w, h) > max_side:
                    scale = max_side / max(w, h)
                    w, h = max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)
                    rgb = frame.to_ndarray(format="rgb24", width=w, height=h)
                else:
                    rgb = frame.to_ndarray(format="rgb24")
                rot = int(getattr(frame, "rotation", 0) or 0)
                yield Frame(index, t, _rotate(rgb, rot))
                index += 1
        except av.error.FFmpegError:
            if index == 0:
                raise VideoError(f"{name}: the video cannot be decoded; export it again") from None
            # Truncated or corrupt tail: stop after the last good frame.
            return
    finally:
        c.close()


class VideoWriter:
    """Writes RGB frames to an H.264 MP4 (yuv420p, plays in browsers), atomically.

    Frames go to a temporary file next to ``path``; :meth:`close` renames it into
    place, so a crash or a full disk never leaves a partial file under the final name.
    Use as a context manager; on an exception the temporary file is removed.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: float = 30.0):
        self.path = Path(path)
        self.width = width - width % 2
        self.height = height - height % 2
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".mp4", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        try:
            self._c = av.open(str(self._tmp), mode="w", format="mp4")
            rate = Fraction(max(1, round(fps * 1000)), 1000).limit_denominator(1001)
            self._s = self._c.add_stream("libx264", rate=rate)
            self._s.width, self._s.height = self.width, self.height
            self._s.pix_fmt = "yuv420p"
            self._s.codec_context.time_base = Fraction(1, 1000)
            self._s.options = {"preset": "veryfast", "crf": "26", "movflags": "+faststart"}
        except Exception as e:
            self._tmp.unlink(missing_ok=True)
            raise VideoError(f"cannot write {self.path.name}: {e}") from None
        self._last_pts = -1
        self.frames = 0

    def write(self, rgb: np.ndarray, t_s: float) -> None:
        """Encode one RGB frame shown at ``t_s`` seconds."""
        if rgb.shape[0] != self.height or rgb.shape[1] != self.width:
            rgb = rgb[: self.height, : self.width]
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        pts = max(int(round(t_s * 1000)), self._last_pts + 1)
        frame.pts = pts
        frame.time_base = Fraction(1, 1000)
        self._last_pts = pts
        try:
            for packet in self._s.encode(frame):
                self._c.mux(packet)
        except OSError as e:
            raise VideoError(f"cannot write {self.path.name}: {e.strerror or e}") from None
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and move the finished file into place."""
        try:
            for packet in self._s.encode(None):
                self._c.mux(packet)
            self._c.close()
        except OSError as e:
            self.abort()
            raise VideoError(f"cannot write {self.path.name}: {e.strerror or e}") from None
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the partial output."""
        with contextlib.suppress(Exception):  # best effort on an already failing writer
            self._c.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
