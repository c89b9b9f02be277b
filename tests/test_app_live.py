"""LiveSession: the webcam callback never waits for the model; frames are dropped instead."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np

from formcheck.live import LiveHolder, LiveSession


class SlowProcessor:
    """Stands in for FrameProcessor: 50 ms a frame, counts reps every 5 frames."""

    def __init__(self, delay_s: float = 0.05):
        self.delay_s = delay_s
        self.n = 0
        self.closed = False
        self.lock = threading.Lock()

    def process(self, rgb, t_s, index):
        time.sleep(self.delay_s)
        self.n += 1
        state = SimpleNamespace(mode="reps", counts={"left": self.n // 5}, phase="moving",
                                setup_ok=True, setup_problems=[], cue="Go deeper",
                                hold_elapsed_s=0.0, hold_target_s=None, primary_value=20.0,
                                target_band=(30, 90), primary_metric="knee_drop_L")  # fmt: skip
        metrics = SimpleNamespace(detected=True, index=index, t_s=t_s, n_people=1, view="front",
                                  position="seated", values={"knee_drop_L": 20.0})  # fmt: skip
        return SimpleNamespace(metrics=metrics, state=state, pose=None)

    def draw(self, rgb, pf):
        out = rgb.copy()
        out[0, 0] = 255
        return out

    def finish(self):
        return {"mode": "reps", "reps": [], "per_side": {"left": {"count": self.n // 5}}}

    def close(self):
        self.closed = True


def test_callback_never_blocks_and_drops_frames() -> None:
    proc = SlowProcessor()
    live = LiveSession("seated_internal_rotation", processor_factory=lambda: proc)
    frame = np.zeros((48, 64, 3), np.uint8)
    worst = 0.0
    t_end = time.monotonic() + 1.5
    n = 0
    while time.monotonic() < t_end:
        t = time.perf_counter()
        out = live.process_rgb(frame)
        worst = max(worst, time.perf_counter() - t)
        n += 1
        time.sleep(1 / 60)  # a 60 fps camera, faster than the 20 fps processor
    assert worst < 0.03  # never waits for the 50 ms model
    assert out[0, 0, 0] == 255  # the latest result is drawn on the current frame
    st = live.status
    assert st.frames_in == n
    assert 10 <= st.frames_processed < n and st.frames_dropped > 0
    assert 10 < st.fps < 25
    assert st.counts["left"] >= 2 and st.cue == "Go deeper"
    report, rows = live.finish()
    assert proc.closed
    assert report["source"] == "live" and report["result"]["per_side"]["left"]["count"] >= 2
    assert len(rows) == st.frames_processed or len(rows) == live.status.frames_processed
    assert live.finish()[0] is report  # idempotent
    assert not live.status.running


def test_holder_swaps_sessions() -> None:
    a = LiveSession("x", processor_factory=SlowProcessor)
    holder = LiveHolder(a)
    b = LiveSession("y", processor_factory=SlowProcessor)
    holder.session = b
    assert holder.session is b
    assert a.finish() == (None, [])  # never started: nothing to report


def test_factory_error_is_reported() -> None:
    def bad():
        raise ValueError("hold_target_s must be between 1 and 600 seconds, got 0")

    live = LiveSession("x", processor_factory=bad)
    live.process_rgb(np.zeros((8, 8, 3), np.uint8))
    for _ in range(50):
        if live.status.error:
            break
        time.sleep(0.02)
    assert "hold_target_s" in live.status.error


def test_idle_worker_closes_the_model_and_keeps_the_set() -> None:
    proc = SlowProcessor(delay_s=0.0)
    live = LiveSession("x", processor_factory=lambda: proc, idle_close_s=0.3)
    for _ in range(6):
        live.process_rgb(np.zeros((8, 8, 3), np.uint8))
        time.sleep(0.02)
    for _ in range(100):
        if proc.closed:
            break
        time.sleep(0.02)
    assert proc.closed and not live.status.running
    report, rows = live.finish()
    assert report["result"]["mode"] == "reps" and rows
