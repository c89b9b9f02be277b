#!/usr/bin/env python
"""Soak test: memory (RSS) and open file handles must stay flat over many runs.

1. Analyse the same short clip N times (``analyze_video``, all three outputs).
2. Drive the live processor (``LiveSession`` with the real pose model) with
   thousands of frames, finishing a set every few hundred frames.

Prints one line per interval: phase, step, RSS in MB, open file descriptors,
threads. Bounded: stops after ``--minutes`` whatever the counts. Exit status 1
if RSS grew by more than ``--max-growth-mb`` or fds/threads grew between the
first and the last third of a phase.

    python scripts/soak.py [--clip formcheck/data/samples/squat_valgus__good.mp4] [--runs 30]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from formcheck.live import LiveSession
from formcheck.session import analyze_video
from formcheck.video import iter_frames

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT / "formcheck" / "data" / "samples"


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def sample(phase: str, step: int, log: list) -> None:
    gc.collect()
    row = (phase, step, rss_mb(), fds(), threading.active_count())
    log.append(row)
    print(f"{phase:8s} step {step:6d}  rss {row[2]:7.1f} MB  fds {row[3]:4d}  "
          f"threads {row[4]:3d}", flush=True)  # fmt: skip


def soak_files(clip: Path, runs: int, frames: int, deadline: float, log: list) -> None:
    out = Path(tempfile.mkdtemp(prefix="formcheck-soak-"))
    try:
        for i in range(runs):
            if time.monotonic() > deadline:
                print("time bound reached", flush=True)
                break
            analyze_video(clip, "squat_valgus", out / "run", max_frames=frames)
            if i % max(1, runs // 10) == 0 or i == runs - 1:
                sample("analyze", i + 1, log)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def soak_live(clip: Path, total: int, per_set: int, deadline: float, log: list) -> None:
    frames = [f.rgb for _, f in zip(range(120), iter_frames(clip), strict=False)]
    sess = LiveSession("squat_valgus")
    sent = 0
    while sent < total and time.monotonic() < deadline:
        sess.process_rgb(frames[sent % len(frames)])
        sent += 1
        time.sleep(1 / 60)  # a 60 fps camera: most frames are dropped, as live
        if sent % per_set == 0:
            report, _ = sess.finish()
            assert report is not None
            sess = LiveSession("squat_valgus")
        if sent % 500 == 0:
            sample("live", sent, log)
    sess.finish()
    sample("live", sent, log)


def flat(log: list, phase: str, max_growth_mb: float) -> bool:
    rows = [r for r in log if r[0] == phase]
    if len(rows) < 3:
        return True
    k = max(1, len(rows) // 3)
    head, tail = rows[:k], rows[-k:]
    growth = max(r[2] for r in tail) - max(r[2] for r in head)
    fd_growth = max(r[3] for r in tail) - max(r[3] for r in head)
    th_growth = max(r[4] for r in tail) - max(r[4] for r in head)
    ok = growth <= max_growth_mb and fd_growth <= 0 and th_growth <= 0
    print(
        f"{phase}: rss growth {growth:+.1f} MB (first third -> last third), "
        f"fds {fd_growth:+d}, threads {th_growth:+d}: {'flat' if ok else 'GROWING'}"
    )
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=str(SAMPLES_DIR / "squat_valgus__good.mp4"))
    ap.add_argument("--runs", type=int, default=30, help="file analyses")
    ap.add_argument("--frames", type=int, default=40, help="frames per file analysis")
    ap.add_argument("--live-frames", type=int, default=6000, help="frames sent to live")
    ap.add_argument("--per-set", type=int, default=600, help="live frames per set")
    ap.add_argument("--minutes", type=float, default=4.0, help="bound per phase")
    ap.add_argument("--max-growth-mb", type=float, default=40.0)
    a = ap.parse_args()
    clip = Path(a.clip)
    if not clip.is_file():
        print(f"error: {clip}: not found", file=sys.stderr)
        return 2
    log: list = []
    sample("start", 0, log)
    soak_files(clip, a.runs, a.frames, time.monotonic() + 60 * a.minutes, log)
    soak_live(clip, a.live_frames, a.per_set, time.monotonic() + 60 * a.minutes, log)
    ok = flat(log, "analyze", a.max_growth_mb) & flat(log, "live", a.max_growth_mb)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
