"""Robustness, long video: 10 minutes (tiny), flat memory and moving progress.

Slow (minutes): runs only with FORMCHECK_SLOW=1, e.g.
``FORMCHECK_SLOW=1 .venv/bin/python -m pytest tests/test_robustness_long.py -s``.
"""

from __future__ import annotations

import os

import pytest
from conftest import make_clip

from formcheck.session import analyze_video

pytestmark = pytest.mark.skipif(os.environ.get("FORMCHECK_SLOW") != "1",
                                reason="slow: set FORMCHECK_SLOW=1 to run")  # fmt: skip


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) / 1024 for ln in f if ln.startswith("VmRSS:"))


def test_ten_minute_video_memory_stays_flat_and_progress_moves(tmp_path):
    fps, minutes = 10, 10
    n = fps * 60 * minutes
    clip = make_clip(tmp_path / "long.mp4", n=n, size=(96, 64), fps=fps)
    samples: list[tuple[int, float]] = []

    def progress(done, total):
        assert total == n
        if done % 500 == 0:
            samples.append((done, _rss_mb()))
            print(f"{done}/{total} frames, rss {samples[-1][1]:.1f} MB", flush=True)

    rep = analyze_video(clip, "squat_valgus", tmp_path / "o", progress=progress)
    assert rep.report["video"]["frames_decoded"] == n
    assert [d for d, _ in samples] == list(range(500, n + 1, 500))
    third = len(samples) // 3
    growth = max(r for _, r in samples[-third:]) - max(r for _, r in samples[:third])
    print(f"rss growth first third -> last third: {growth:+.1f} MB")
    assert growth < 30
