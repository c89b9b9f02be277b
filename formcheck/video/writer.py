"""Writing browser-playable H.264 MP4 files, atomically (temporary file, then rename)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from formcheck.video.common import VideoError, codec_threads


def _write_error(name: str, e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return f"cannot write {name}: the disk is full; free some space and try again"
    return f"cannot write {name}: {e.strerror or e}"


class VideoWriter:
    """Writes RGB frames to an H.264 MP4 (yuv420p, plays in browsers), atomically.

    Frames go to a temporary file next to ``path``; :meth:`close` renames it into
    place, so a crash or a full disk never leaves a partial file under the final name.
    Use as a context manager; on an exception the temporary file is removed.

    Parameters
    ----------
    path : str or path-like
        The output file.
    width, height : int
        Frame size, pixels; rounded down to even numbers (larger frames are cropped).
    fps : float
        Nominal frame rate, frames per second; frame times come from :meth:`write`.

    Attributes
    ----------
    frames : int
        Frames written so far.
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
            if codec_threads():
                self._s.codec_context.thread_count = codec_threads()
        except Exception as e:
            self._tmp.unlink(missing_ok=True)
            raise VideoError(f"cannot write {self.path.name}: {e}") from None
        self._last_pts = -1
        self.frames = 0

    def write(self, rgb: np.ndarray, t_s: float) -> None:
        """Encode one RGB frame shown at ``t_s`` seconds.

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3), uint8
            The frame, RGB; cropped to the writer's size.
        t_s : float
            Presentation time, seconds (stored in milliseconds, kept strictly increasing).

        Raises
        ------
        VideoError
            The file cannot be written (e.g. the disk is full).
        """
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
            raise VideoError(_write_error(self.path.name, e)) from None
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and move the finished file into place."""
        try:
            for packet in self._s.encode(None):
                self._c.mux(packet)
            self._c.close()
        except OSError as e:
            self.abort()
            raise VideoError(_write_error(self.path.name, e)) from None
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
