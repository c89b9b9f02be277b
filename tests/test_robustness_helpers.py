"""Helpers for the robustness suite (no tests here): clip writers, CLI runner, scene edits.

The robustness suite, one file per kind of trouble:

* ``test_robustness_files.py``   bad, odd and cut-short files, codecs, sizes, frame rates
* ``test_robustness_scenes.py``  what is in the picture: nobody, two people, occlusion, ...
* ``test_robustness_live.py``    webcam stalls and stops, START/STOP spam, tab closed
* ``test_robustness_storage.py`` history DB missing/read-only/locked/corrupt, disk full
* ``test_robustness_bounds.py``  every user-set number, CLI exit status, app message
* ``test_robustness_long.py``    a 10-minute video (only with FORMCHECK_SLOW=1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from formcheck.cli import main


def write_clip(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: float = 30,
    codec: str = "libx264",
    fmt: str | None = None,
    options: dict | None = None,
    codec_options: dict | None = None,
    pix_fmt: str = "yuv420p",
) -> Path:
    """Encode RGB frames (all the same size) into ``path`` with PyAV."""
    it = iter(frames)
    first = next(it)
    h, w = first.shape[:2]
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), "w", format=fmt, options=options or {}) as c:
        s = c.add_stream(codec, rate=rate)
        s.width, s.height, s.pix_fmt = w, h, pix_fmt
        if codec_options:
            s.options = codec_options
        for i, img in enumerate([first, *it]):
            f = av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode(None):
            c.mux(p)
    return path


def noise_frames(n: int, size: tuple[int, int] = (160, 96), seed: int = 0) -> list[np.ndarray]:
    """``n`` random RGB frames (noise makes every frame a real chunk of the file)."""
    w, h = size
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 255, (h, w, 3), dtype=np.uint8) for _ in range(n)]


def decode_rgb(path: Path, max_frames: int | None = None) -> tuple[list[np.ndarray], float]:
    """Frames of a clip (RGB) and its frame rate."""
    out = []
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        fps = float(s.average_rate or 30)
        for f in c.decode(s):
            out.append(f.to_ndarray(format="rgb24"))
            if max_frames and len(out) >= max_frames:
                break
    return out, fps


def edited_clip(
    src: Path, dst: Path, edit: Callable[[int, np.ndarray], np.ndarray | None],
    max_frames: int | None = None,
) -> Path:
    """Re-encode ``src`` with ``edit(i, rgb)`` applied (return None to drop a frame)."""
    frames, fps = decode_rgb(src, max_frames)
    kept = [e for i, f in enumerate(frames) if (e := edit(i, f)) is not None]
    return write_clip(dst, kept, fps=fps)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``formcheck`` in-process: (exit status, stdout, stderr)."""
    rc = main(argv)
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def assert_one_line_error(rc: int, err: str, *words: str) -> str:
    """Exit status 2, exactly one ``error: ...`` line, no traceback, mentioning ``words``."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 2, (rc, err)
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w.lower() in lines[0].lower(), (w, lines[0])
    return lines[0]
