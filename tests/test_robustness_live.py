"""Robustness, live: the webcam stalls or stops mid-set, START/STOP pressed again and again.

Drives formcheck.live's classes directly with frames (no browser): real pose
model for the stall/stop cases, a fast stand-in processor for the spam test.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import SAMPLES
from test_robustness_helpers import decode_rgb

from formcheck.app.store import Store
from formcheck.live import LiveHolder, LiveSession

GOOD = SAMPLES / "squat_valgus__good.mp4"


@pytest.fixture(scope="module")
def frames():
    if not GOOD.is_file():
        pytest.skip(f"{GOOD} not present")
    return decode_rgb(GOOD, max_frames=30)[0]


def _feed(live: LiveSession, frames, fps: float = 15.0) -> None:
    for f in frames:
        live.process_rgb(f)
        time.sleep(1 / fps)


def _wait_processed(live: LiveSession, n: int, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while live.status.frames_processed < n and time.monotonic() < end:
        time.sleep(0.05)


def test_stream_stalls_then_stop_saves_the_set_so_far(frames, tmp_path):
    live = LiveSession("squat_valgus")
    _feed(live, frames[:20])
    _wait_processed(live, 5)
    time.sleep(1.0)  # the camera stalls: no frames at all
    assert live.status.running and live.status.error is None
    report, rows = live.finish()
    assert report is not None and rows and len(rows) == live.status.frames_processed
    assert report["frames"] == len(rows) and report["detection_rate"] > 0.5
    store = Store(tmp_path / "h.sqlite3")
    sid = store.save(report, {}, source="live")
    assert store.get(sid).report["frames"] == len(rows)


def test_stream_stops_while_frames_are_still_arriving(frames):
    live = LiveSession("squat_valgus")
    stop = threading.Event()

    def camera():
        i = 0
        while not stop.is_set():
            live.process_rgb(frames[i % len(frames)])
            i += 1
            time.sleep(1 / 30)

    t = threading.Thread(target=camera, daemon=True)
    t.start()
    _wait_processed(live, 5)
    report, rows = live.finish()  # STOP while the camera thread keeps sending
    stop.set()
    t.join(2)
    assert report is not None and len(rows) >= 5
    assert live.finish()[0] is report  # a second STOP returns the same set
    assert not live.status.running


class FastProcessor:
    instances: list[FastProcessor] = []

    def __init__(self):
        self.closed = False
        FastProcessor.instances.append(self)

    def process(self, rgb, t_s, index):
        m = SimpleNamespace(detected=True, index=index, t_s=t_s, n_people=1, view="front",
                            position="standing", values={})  # fmt: skip
        return SimpleNamespace(metrics=m, state=None, pose=None)

    def draw(self, rgb, pf):
        return rgb

    def finish(self):
        return {"mode": "reps", "reps": []}

    def close(self):
        self.closed = True


def test_start_stop_pressed_repeatedly_leaks_nothing():
    FastProcessor.instances.clear()
    before = threading.active_count()
    frame = np.zeros((48, 64, 3), np.uint8)
    holder = LiveHolder(LiveSession("squat_valgus", processor_factory=FastProcessor))
    saved = 0
    for i in range(40):
        sess = holder.session
        for _ in range(i % 4):  # some sets get no frame at all (STOP right after START)
            sess.process_rgb(frame)
            time.sleep(0.002)
        holder.session = LiveSession("squat_valgus", processor_factory=FastProcessor)
        report, rows = sess.finish(timeout_s=5)
        assert (report is None) == (not sess.started)
        saved += report is not None
        sess.finish()  # pressing STOP twice is harmless
    holder.session.finish()
    assert saved == 30
    assert all(p.closed for p in FastProcessor.instances)
    time.sleep(0.2)
    assert threading.active_count() <= before + 1  # no worker thread left behind


def test_a_failing_processor_shows_an_error_and_the_stream_goes_on():
    def broken():
        raise ValueError("hold_target_s must be between 1 and 600 seconds, got 0")

    live = LiveSession("knee_to_knee", processor_factory=broken)
    frame = np.zeros((48, 64, 3), np.uint8)
    out = live.process_rgb(frame)
    time.sleep(0.3)
    assert out is frame or np.array_equal(out, frame)
    assert "hold_target_s" in (live.status.error or "")
    live.process_rgb(frame)  # the video keeps flowing
    assert live.finish()[0] is not None or live.status.error


def test_tab_closed_mid_set_the_set_saves_itself(tmp_path):
    """No Stop ever comes (tab closed): after idle_close_s without frames the set is saved once."""
    store = Store(tmp_path / "h.sqlite3")
    saved: list[int] = []

    def on_abandoned(sess, report, rows):
        sid = store.save(report, {}, source="live")
        saved.append(sid)
        return sid

    live = LiveSession("squat_valgus", processor_factory=FastProcessor, idle_close_s=0.3,
                       on_abandoned=on_abandoned)  # fmt: skip
    frame = np.zeros((48, 64, 3), np.uint8)
    for _ in range(10):
        live.process_rgb(frame)
        time.sleep(0.01)
    end = time.monotonic() + 5
    while not saved and time.monotonic() < end:
        time.sleep(0.05)
    assert len(saved) == 1 and live.saved_id == saved[0]
    assert store.get(saved[0]).report["frames"] > 0
    # A late Stop (page rerun) finds the set already saved and does not save it again.
    report, _ = live.finish()
    assert report is not None and not live.claim_save()
    assert store.count() == 1


def test_stop_before_idle_means_the_worker_does_not_save():
    calls: list[int] = []
    live = LiveSession("squat_valgus", processor_factory=FastProcessor, idle_close_s=0.3,
                       on_abandoned=lambda *a: calls.append(1))  # fmt: skip
    live.process_rgb(np.zeros((48, 64, 3), np.uint8))
    report, _ = live.finish()
    assert live.claim_save()  # the page's Stop path takes the save
    time.sleep(0.6)
    assert calls == []


def test_a_live_set_reports_what_was_not_measurable_as_a_file_does(frames):
    # The squat sample is filmed from the front; run live as the hinge (a side-view
    # measure), its knee angle cannot be trusted: the report says so, as a file's does.
    live = LiveSession("hip_hinge_rotation")
    _feed(live, frames[:20])
    _wait_processed(live, 10)
    report, rows = live.finish()
    assert report["views"].get("front", 0) > 0.5 and "standing" in report["positions"]
    assert "knee_flexion_L" in report["metrics"]
    assert isinstance(report["not_measurable"], list)
    names = {e["metric"] for e in report["not_measurable"]}
    assert {"knee_flexion_L", "knee_flexion_R"} <= names, names


class SlowProcessor(FastProcessor):
    """Takes 60 ms a frame: what the page shows as the live latency."""

    def process(self, rgb, t_s, index):
        time.sleep(0.06)
        return super().process(rgb, t_s, index)


def test_the_latency_from_frame_to_result_is_measured():
    live = LiveSession("squat_valgus", processor_factory=SlowProcessor)
    frame = np.zeros((48, 64, 3), np.uint8)
    for _ in range(60):  # a 30 fps camera for 2 s: frames wait, some are skipped
        live.process_rgb(frame)
        time.sleep(1 / 30)
    s = live.status
    report, _ = live.finish(timeout_s=5)
    assert 60 <= s.latency_ms < 200  # the analysis itself, plus up to one frame's wait
    assert s.frames_dropped > 0 and s.frames_processed < s.frames_in
    assert report["processing"]["latency_ms"] >= 60
