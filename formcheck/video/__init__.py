"""Reading videos (any container/codec PyAV decodes) and writing browser-playable H.264.

- ``reader.py``: :func:`probe`, :class:`FrameReader` / :func:`iter_frames` (frames in
  display orientation with their real times in seconds; truncated files end quietly)
- ``writer.py``: :class:`VideoWriter` (atomic H.264 MP4)
- ``truncation.py``: :func:`cut_short` (a file cut short, from its container structure)
- ``common.py``: :class:`VideoError` and the codec thread count (``$FORMCHECK_THREADS``)
"""

from __future__ import annotations

from formcheck.video.common import THREADS_ENV, VideoError, codec_threads
from formcheck.video.reader import Frame, FrameReader, VideoInfo, iter_frames, probe
from formcheck.video.truncation import cut_short
from formcheck.video.writer import VideoWriter

__all__ = [
    "THREADS_ENV",
    "Frame",
    "FrameReader",
    "VideoError",
    "VideoInfo",
    "VideoWriter",
    "codec_threads",
    "cut_short",
    "iter_frames",
    "probe",
]
