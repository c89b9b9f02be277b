"""Reading videos (any container/codec PyAV decodes).

Frames are streamed one at a time as RGB ``uint8`` arrays ``(H, W, 3)`` in
display orientation (rotation metadata applied), each with its real
presentation time in seconds from the first frame (variable frame rate safe).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from formcheck.video.common import VideoError, codec_threads
from formcheck.video.truncation import cut_message, cut_short


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a video file. Sizes are in display orientation (after rotation).

    Attributes
    ----------
    path : str
        The file's path.
    width, height : int
        Frame size, pixels, in display orientation.
    fps : float
        Average frame rate, frames per second (0 when unknown).
    duration_s : float
        Duration, seconds.
    n_frames : int or None
        From the container; may be an estimate, or None when unknown.
    rotation : int
        Degrees, as stored in the file's display matrix.
    codec : str
        The video codec's name.
    truncated : bool
        The file's own structure says it was cut short.
    """

    path: str
    width: int
    height: int
    fps: float  # average frame rate
    duration_s: float
    n_frames: int | None  # from the container; may be an estimate or unknown
    rotation: int  # degrees, as stored in the file's display matrix
    codec: str
    truncated: bool = False  # the file's own structure says it was cut short

    def to_dict(self) -> dict:
        """JSON-able dict.

        Returns
        -------
        dict
            The fields except ``truncated``; ``path`` is the file name only, ``fps`` and
            ``duration_s`` rounded to 3 decimals.
        """
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
    """One decoded frame: RGB pixels in display orientation and its time in seconds.

    Attributes
    ----------
    index : int
        Frame number, from 0.
    t_s : float
        Presentation time, seconds from the first frame.
    rgb : ndarray, shape (H, W, 3), uint8
        The pixels, RGB, display orientation.
    """

    index: int
    t_s: float
    rgb: np.ndarray


#: Container formats FFmpeg uses for single still images (a photo renamed to .mp4).
_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe",
                  "gif_pipe", "svg_pipe", "heif", "jpegxl_pipe")  # fmt: skip


def _open(path: str | os.PathLike) -> av.container.InputContainer:
    p = Path(path)
    if not p.exists():
        raise VideoError(f"{p}: file not found; check the path")
    if p.is_dir():
        raise VideoError(f"{p}: is a folder, not a video file")
    if p.stat().st_size == 0:
        raise VideoError(f"{p}: the file is empty; record or export the video again")
    try:
        c = av.open(str(p), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as e:
        cut, has_index = cut_short(p)
        if cut or not has_index:
            raise VideoError(cut_message(p.name, has_index)) from None
        raise VideoError(
            f"{p.name}: not a readable video ({type(e).__name__}); "
            "use an MP4, MOV, WebM or AVI file"
        ) from None
    fmt = getattr(c.format, "name", "") or ""
    if fmt in _IMAGE_FORMATS or fmt.endswith("_pipe"):
        c.close()
        kind = fmt.removesuffix("_pipe").upper() if fmt != "image2" else "still"
        raise VideoError(f"{p.name}: this is a {kind} image, not a video; choose a video file")
    return c


def _video_stream(container: av.container.InputContainer, name: str) -> av.video.VideoStream:
    videos = [s for s in container.streams.video if s.codec_context is not None]
    if not videos:
        cut, has_index = cut_short(container.name)
        if cut:
            raise VideoError(cut_message(name, has_index))
        if container.streams.audio:
            raise VideoError(f"{name}: the file has no video stream (audio only?); "
                             "choose a video file")  # fmt: skip
        raise VideoError(f"{name}: the file contains no video frames; record it again")
    s = videos[0]
    s.thread_type = "AUTO"
    if codec_threads():
        s.codec_context.thread_count = codec_threads()
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
    """Read a video's facts without decoding it whole (decodes the first frame).

    Parameters
    ----------
    path : str or path-like
        The video file.

    Returns
    -------
    VideoInfo
        Its facts.

    Raises
    ------
    VideoError
        The file is missing, empty, not a video, has no (decodable) frames or was cut
        short before its first frame.
    """
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
        cut, has_index = cut_short(path)
        try:
            first = next(c.decode(s))
            rotation = int(getattr(first, "rotation", 0) or rotation) % 360
            width, height = first.width, first.height
        except StopIteration:
            if cut:
                raise VideoError(cut_message(name, has_index)) from None
            raise VideoError(f"{name}: the video has no frames; record it again") from None
        except av.error.FFmpegError:
            if cut:
                raise VideoError(cut_message(name, has_index)) from None
            raise VideoError(f"{name}: the video cannot be decoded; export it again") from None
        if rotation in (90, 270):
            width, height = height, width
        n = s.frames or (round(duration * fps) if duration and fps else None)
        return VideoInfo(str(path), width, height, fps, duration, n or None, rotation,
                         s.codec.name, truncated=cut)  # fmt: skip


def _rotate(rgb: np.ndarray, rotation: int) -> np.ndarray:
    """Apply a display-matrix rotation (degrees counter-clockwise, FFmpeg convention)."""
    r = rotation % 360
    if r == 0:
        return rgb
    # FFmpeg's display rotation is counter-clockwise; the picture must be turned back.
    k = {90: 1, 180: 2, 270: 3}.get(r, 0)
    return np.ascontiguousarray(np.rot90(rgb, k=k))


class FrameReader:
    """Iterator over a video's frames in display orientation, with their times in seconds.

    A file cut short or damaged part-way ends the iteration quietly after the
    last good frame; then :attr:`stopped_early` is True and :attr:`problem`
    says why. A file that decodes no frame at all raises :class:`VideoError`.

    Parameters
    ----------
    path : str or path-like
        The video file.
    max_side : int, optional
        Downsizes frames whose longer side is larger (keeps aspect; even sizes);
        None: full size.

    Attributes
    ----------
    frames : int
        Frames yielded so far.
    last_t_s : float
        Time of the last frame yielded, seconds.
    stopped_early : bool
        The file ended early (cut short or damaged).
    problem : str or None
        Why it stopped early (``"cut short"`` or ``"damaged (...)"``); None otherwise.
    """

    def __init__(self, path: str | os.PathLike, max_side: int | None = None):
        self.path = Path(path)
        self.max_side = max_side
        self.frames = 0
        self.last_t_s = 0.0
        self.stopped_early = False
        self.problem: str | None = None
        self._gen = self._frames()

    def __iter__(self) -> FrameReader:
        return self

    def __next__(self) -> Frame:
        return next(self._gen)

    def close(self) -> None:
        """Stop reading and close the file."""
        self._gen.close()

    def _frames(self) -> Iterator[Frame]:
        name = self.path.name
        c = _open(self.path)
        try:
            s = _video_stream(c, name)
            t0: float | None = None
            last_t = -1.0
            tb = s.time_base or Fraction(1, 1000)
            rate = float(s.average_rate or s.guessed_rate or 30)
            max_side = self.max_side
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
                    self.last_t_s = t
                    yield Frame(self.frames, t, _rotate(rgb, rot))
                    self.frames += 1
            except av.error.FFmpegError as e:
                cut, has_index = cut_short(self.path)
                if self.frames == 0:
                    if cut:
                        raise VideoError(cut_message(name, has_index)) from None
                    raise VideoError(f"{name}: the video cannot be decoded; "
                                     "export it again") from None  # fmt: skip
                # Truncated or corrupt tail: stop after the last good frame.
                self.stopped_early = True
                self.problem = "cut short" if cut else f"damaged ({type(e).__name__})"
                return
            if self.frames and cut_short(self.path)[0]:
                self.stopped_early = True
                self.problem = "cut short"
        finally:
            c.close()


def iter_frames(path: str | os.PathLike, max_side: int | None = None) -> FrameReader:
    """Frames of ``path`` in display orientation, with their times in seconds.

    See :class:`FrameReader` (``stopped_early`` tells whether the file ended early).

    Parameters
    ----------
    path : str or path-like
        The video file.
    max_side : int, optional
        Downsizes frames whose longer side is larger (keeps aspect).

    Returns
    -------
    FrameReader
        Iterator of :class:`Frame`.
    """
    return FrameReader(path, max_side=max_side)
