"""Live webcam processing that never blocks the video: a worker thread runs the pose flow.

The streamlit-webrtc callback (:meth:`LiveSession.recv`) only hands the newest
frame to the worker (overwriting one that was not picked up yet: frames are
dropped, never queued) and draws the latest result on the current frame, so
the returned video keeps the camera's frame rate whatever the model's speed.
The worker runs :class:`~formcheck.processor.FrameProcessor` one frame at a time
and publishes a :class:`LiveStatus` snapshot the page polls. :meth:`LiveSession.finish`
builds the set's report with :func:`formcheck.outputs.set_report.live_report`, the
builder of a file's report (:func:`~formcheck.outputs.set_report.file_report`).

Example (without a camera):
    >>> live = LiveSession("squat_valgus")            # doctest: +SKIP
    >>> out = live.process_rgb(rgb_frame)              # doctest: +SKIP
    >>> report, rows = live.finish()                   # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import av
import numpy as np

from formcheck.errors import user_message
from formcheck.outputs.report import RunningSummary, csv_row
from formcheck.outputs.set_report import live_report
from formcheck.processor import FrameProcessor

log = logging.getLogger(__name__)

#: Longest set kept in memory for charts (frames); older rows are thinned out.
MAX_ROWS = 30 * 60 * 20


@dataclass(frozen=True)
class LiveStatus:
    """What the page shows next to the video; a snapshot, safe to read from any thread."""

    running: bool = False
    frames_in: int = 0
    frames_processed: int = 0
    frames_dropped: int = 0
    fps: float = 0.0
    #: Median over the last 2 s of the time (ms) from a frame's arrival to its analysed
    #: result (waiting for the worker plus the analysis); the next video frame shows it.
    latency_ms: float = 0.0
    detected: bool = False
    mode: str = ""
    phase: str = "setup"
    counts: dict = field(default_factory=dict)
    active_side: str | None = None
    hold_elapsed_s: float = 0.0
    hold_target_s: float | None = None
    holding: bool = False
    primary_metric: str | None = None
    primary_value: float | None = None
    primary_reliable: bool = True
    target_band: tuple | None = None
    setup_ok: bool = False
    setup_problems: tuple[str, ...] = ()
    cue: str | None = None
    error: str | None = None


def status_from(state, detected: bool, base: LiveStatus, reliable: bool = True) -> LiveStatus:
    """Fold one :class:`TrackerState` (any object with its fields) into a status.

    ``reliable``: whether the primary value can be trusted from this camera angle."""
    g = lambda name, default=None: getattr(state, name, default)  # noqa: E731
    phase = g("phase", "setup") or "setup"
    setup_ok = bool(g("setup_ok", False))
    pv = g("primary_value")
    return LiveStatus(
        running=base.running, frames_in=base.frames_in, frames_processed=base.frames_processed,
        frames_dropped=base.frames_dropped, fps=base.fps, latency_ms=base.latency_ms,
        detected=detected,
        mode=g("mode", "") or "", phase=phase, counts=dict(g("counts", {}) or {}),
        active_side=g("active_side"), hold_elapsed_s=float(g("hold_elapsed_s", 0.0) or 0.0),
        hold_target_s=g("hold_target_s"), holding=phase == "holding" and setup_ok,
        primary_metric=g("primary_metric"),
        primary_value=float(pv) if isinstance(pv, int | float) and math.isfinite(pv) else None,
        primary_reliable=reliable,
        target_band=tuple(g("target_band")) if g("target_band") else None,
        setup_ok=setup_ok, setup_problems=tuple(g("setup_problems", ()) or ()),
        cue=g("cue"),
    )  # fmt: skip


ProcessorFactory = Callable[[], object]


class LiveSession:
    """One live set: a worker thread, the latest drawn result, counters, the recorded rows.

    ``processor_factory`` (for tests) builds the object with ``process/draw/finish/close``;
    by default a :class:`~formcheck.processor.FrameProcessor` for the exercise.
    """

    def __init__(
        self,
        exercise_id: str | None,
        side: str = "auto",
        settings: dict | None = None,
        processor_factory: ProcessorFactory | None = None,
        idle_close_s: float = 20.0,
        on_abandoned: Callable[[LiveSession, dict, list[dict]], int | None] | None = None,
    ):
        self.exercise_id = exercise_id
        self.idle_close_s = idle_close_s
        self.on_abandoned = on_abandoned
        self.saved_id: int | None = None
        self._save_claimed = False
        self._abandoned = False
        self.side = side
        self.settings = dict(settings or {})
        self._factory = processor_factory or self._default_factory
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: tuple[np.ndarray, float] | None = None
        self._latest_pf = None
        self._proc = None
        self._status = LiveStatus()
        self._rows: list[dict] = []
        self._t0: float | None = None
        self._stop = False
        self._thread: threading.Thread | None = None
        self._proc_times: list[float] = []
        self._latencies: list[tuple[float, float]] = []  # (when, frame-to-result ms)
        self._started_at: str | None = None
        self._result: dict | None = None
        self._exercise_result: dict | None = None
        self._summary = RunningSummary()  # views, positions, metrics: the report's reliability
        self._exercise = None  # the definition the processor ran, for the reliability part

    def _default_factory(self):
        return FrameProcessor(exercise_id=self.exercise_id, side=self.side,
                              settings=self.settings)  # fmt: skip

    # -- the camera side (streamlit-webrtc thread) ---------------------------
    def recv(self, frame):
        """streamlit-webrtc ``video_frame_callback``: ``av.VideoFrame`` in, annotated out."""
        rgb = frame.to_ndarray(format="rgb24")
        out = self.process_rgb(rgb)
        new = av.VideoFrame.from_ndarray(out, format="rgb24")
        new.pts, new.time_base = frame.pts, frame.time_base
        return new

    def process_rgb(self, rgb: np.ndarray) -> np.ndarray:
        """Queue ``rgb`` for the worker (replacing an unprocessed one) and return it drawn."""
        now = time.monotonic()
        with self._lock:
            if self._thread is None and not self._stop:  # first frame: start the worker
                self._start_locked()
            if self._t0 is None:
                self._t0 = now
            dropped = self._pending is not None
            self._pending = (rgb, now - self._t0)
            s = self._status
            self._status = _replace(s, frames_in=s.frames_in + 1,
                                    frames_dropped=s.frames_dropped + int(dropped))  # fmt: skip
            self._wake.notify()
            pf, proc = self._latest_pf, self._proc
        if pf is None or proc is None:
            return rgb
        try:
            return proc.draw(rgb, pf)
        except Exception:  # noqa: BLE001 - a drawing glitch must not stop the stream
            return rgb

    # -- the worker ----------------------------------------------------------
    def _start_locked(self) -> None:
        self._started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._status = _replace(self._status, running=True)
        self._thread = threading.Thread(target=self._run, name="formcheck-live", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            proc = self._factory()
        except Exception as e:  # noqa: BLE001 - shown on the page
            with self._lock:
                self._status = _replace(self._status, error=user_message(e) or repr(e),
                                        running=False)  # fmt: skip
            return
        with self._lock:
            self._proc = proc
            self._exercise = getattr(proc, "exercise", None)
        try:
            self._loop(proc)
        finally:
            try:
                result = proc.finish()
            except Exception:  # noqa: BLE001 - the set still ends, without a result
                result = None
            finally:
                proc.close()
            with self._lock:
                self._exercise_result = result
                self._status = _replace(self._status, running=False)
                abandoned = self._abandoned
            if abandoned:
                self._save_abandoned()

    def _save_abandoned(self) -> None:
        """No frame for ``idle_close_s`` and no Stop (tab closed, camera gone): save the set."""
        if self.on_abandoned is None:
            return
        report, rows = self.finish()
        if not report or not rows or not self.claim_save():
            return
        try:
            self.saved_id = self.on_abandoned(self, report, rows)
        except Exception as e:  # noqa: BLE001 - logged; the page may show it later
            log.warning("could not save an abandoned live set: %s", e)
            with self._lock:
                self._save_claimed = False

    def _loop(self, proc) -> None:
        index = 0
        while True:
            with self._lock:
                idle_since = time.monotonic()
                while self._pending is None and not self._stop:
                    self._wake.wait(0.5)
                    if time.monotonic() - idle_since > self.idle_close_s:
                        self._abandoned = True
                        return
                if self._stop:
                    return
                rgb, t_s = self._pending
                self._pending = None
            try:
                pf = proc.process(rgb, t_s, index)
            except Exception as e:  # noqa: BLE001
                with self._lock:
                    self._status = _replace(self._status, error=str(e))
                continue
            index += 1
            row = csv_row(pf)  # carries the tracker's own primary value, for the charts
            now = time.monotonic()
            fm = pf.metrics
            with self._lock:
                self._summary.add(fm.detected, fm.n_people, fm.view, fm.position, fm.values,
                                  getattr(fm, "reliable", None))  # fmt: skip
                self._latest_pf = pf
                self._proc_times.append(now)
                self._proc_times = [t for t in self._proc_times if now - t <= 2.0]
                self._latencies.append((now, 1000.0 * (now - self._t0 - t_s)))
                self._latencies = [x for x in self._latencies if now - x[0] <= 2.0]
                span = self._proc_times[-1] - self._proc_times[0]
                fps = (len(self._proc_times) - 1) / span if span > 0 else 0.0
                lat = sorted(ms for _, ms in self._latencies)[len(self._latencies) // 2]
                base = _replace(self._status, frames_processed=self._status.frames_processed + 1,
                                fps=fps, latency_ms=lat)  # fmt: skip
                detected = bool(getattr(pf.metrics, "detected", False))
                st = getattr(pf, "state", None)
                self._status = (
                    status_from(st, detected, base, row.get("primary_reliable") != 0)
                    if st is not None
                    else _replace(base, detected=detected)
                )
                self._rows.append(row)
                if len(self._rows) > MAX_ROWS:
                    self._rows = self._rows[::2]

    # -- the page side -------------------------------------------------------
    @property
    def status(self) -> LiveStatus:
        """The latest snapshot."""
        with self._lock:
            return self._status

    @property
    def started(self) -> bool:
        """True once a frame arrived."""
        with self._lock:
            return self._thread is not None

    def finish(self, timeout_s: float = 10.0) -> tuple[dict | None, list[dict]]:
        """Stop the worker and return ``(report, rows)`` (report None if no frame arrived).

        Safe to call twice (the second call returns the same report).
        """
        with self._lock:
            self._stop = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)
        with self._lock:
            if self._result is not None or self._thread is None:
                return self._result, list(self._rows)
            result, status = self._exercise_result, self._status
            rows = list(self._rows)
            summary, exercise = self._summary, self._exercise
        report = live_report(
            self._started_at,
            {"exercise": self.exercise_id, "side": self.side, "settings": self.settings},
            rows,
            {
                "fps": round(status.fps, 2),
                "latency_ms": round(status.latency_ms, 1),
                "frames_in": status.frames_in,
                "frames_dropped": status.frames_dropped,
            },
            exercise,
            result,
            summary,
        )
        with self._lock:
            self._result = report
            self._status = _replace(self._status, running=False)
        return report, rows

    def claim_save(self) -> bool:
        """True exactly once per set: whoever gets it (Stop or the idle worker) saves the set."""
        with self._lock:
            if self._save_claimed:
                return False
            self._save_claimed = True
            return True


def _replace(s: LiveStatus, **kw) -> LiveStatus:
    return replace(s, **kw)


class LiveHolder:
    """A stable callback target for streamlit-webrtc whose session can be swapped.

    The webrtc component keeps the callback it was given; the page replaces
    ``holder.session`` (new exercise, or a new set after Stop) without
    restarting the stream machinery.
    """

    def __init__(self, session: LiveSession):
        self._lock = threading.Lock()
        self._session = session

    @property
    def session(self) -> LiveSession:
        with self._lock:
            return self._session

    @session.setter
    def session(self, s: LiveSession) -> None:
        with self._lock:
            self._session = s

    def recv(self, frame):
        """``video_frame_callback`` for streamlit-webrtc."""
        return self.session.recv(frame)
