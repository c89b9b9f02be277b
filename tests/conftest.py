"""Shared fixtures: paths to ../shared and small generated video clips."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOOTAGE = SHARED / "footage"
SAMPLES = ROOT / "formcheck/data/samples"


def footage(name: str) -> Path:
    """Path of a real clip in ../shared/footage, skipping the test when it is absent."""
    p = FOOTAGE / name
    if not p.is_file():
        pytest.skip(f"{p} not present (../shared is absent)")
    return p


def make_clip(
    path: Path,
    n: int = 10,
    size: tuple[int, int] = (160, 96),
    fps: int = 30,
    codec: str = "libx264",
    fmt: str | None = None,
    times_s: list[float] | None = None,
    rotation: int | None = None,
    pix_fmt: str = "yuv420p",
) -> Path:
    """Write a small synthetic clip: a red block in the top-left corner, a moving bar.

    ``times_s`` gives per-frame presentation times (variable frame rate).
    ``rotation`` sets the display-matrix rotation (degrees, counter-clockwise).
    """
    w, h = size
    with av.open(str(path), "w", format=fmt) as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, pix_fmt
        if times_s is not None:
            s.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            s.set_display_rotation(rotation)
        for i in range(n):
            img = np.full((h, w, 3), 40, np.uint8)
            img[: h // 5, : w // 5] = (255, 0, 0)
            img[:, (i * 7) % w] = 255
            f = av.VideoFrame.from_ndarray(img, format="rgb24")
            if times_s is not None:
                f.pts = int(round(times_s[i] * 1000))
                f.time_base = Fraction(1, 1000)
            else:
                f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def make_audio_only(path: Path) -> Path:
    """Write a short AAC file with no video stream (a voice memo named like a video)."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=16000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = 16000
        for i in range(5):
            frame.pts = i * 1024
            for pk in s.encode(frame):
                c.mux(pk)
        for pk in s.encode(None):
            c.mux(pk)
    return path
