"""Timed work (the ball massage): the clock runs per side while the knee is dropped to
that side and the pelvis keeps moving (:class:`~formcheck.exercises.timed.SideTimer`)."""

from __future__ import annotations

import math

from formcheck.exercises import cues as cuetext
from formcheck.exercises.modes.base import SHORT_CUE_S, Mode
from formcheck.exercises.state import Event
from formcheck.exercises.timed import MotionMeter, PositionGate, SideTimer, TimedSegment


class TimedMode(Mode):
    """Seconds per side against ``timed_target_s``."""

    def __init__(self, t) -> None:
        super().__init__(t)
        d = t.d
        self.timer = SideTimer(d.bridge_s)
        self.motion = MotionMeter(d.motion_window_s)  # hip midpoint, torso lengths
        self.turning = MotionMeter(d.motion_window_s)  # hip-line tilt and yaw, degrees
        self.gate = PositionGate(
            d.enter, d.exit, d.settle_rate, d.release_drop, bridge_s=d.bridge_s
        )
        self._gate_side: str | None = None
        self._moved_t: float | None = None  # last time the pelvis was seen moving
        self._short_since: float | None = None

    def step(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        t, d = self.t, self.t.d
        spread = self.motion.update(t.now, v.get("pelvis_x", math.nan), v.get("pelvis_y", math.nan))
        turn = self.turning.update(
            t.now, v.get("pelvis_tilt", math.nan), v.get("pelvis_yaw", math.nan)
        )
        if s != self._gate_side:  # the other knee: its own settle / release
            self.gate.close()
            self._gate_side = s
        dropped = self.gate.update(t.now, value) and not math.isnan(value) and s is not None
        moving_now = (not math.isnan(spread) and spread >= d.motion_min) or (
            not math.isnan(turn) and turn >= d.motion_min_deg
        )
        if moving_now:
            self._moved_t = t.now
        # a pause shorter than motion_grace_s still "keeps moving"
        moving = self._moved_t is not None and t.now - self._moved_t <= d.motion_grace_s
        side = t.side_key(s) if dropped else None
        seg = self.timer.update(t.now, side if moving else None)
        if seg is not None:
            self._finish_segment(ev, seg)
        if dropped and self.timer.side is not None:
            if t.activity_log is None:
                t.start_activity()
            t.track_activity(s, value, v)
        # cues: dropped but still, or moving with the knee up
        if dropped and not moving:
            self._short_since = self._short_since if self._short_since is not None else t.now
            if t.now - self._short_since >= SHORT_CUE_S:
                t.cue(ev, d.hold_cue, side)
        else:
            self._short_since = None
        target = d.timed_target_s
        if (
            side
            and target
            and self.timer.total_s(side) >= target - 1e-6
            and (side not in t.announced)
        ):
            t.announced.add(side)
            t.cue(ev, "Switch sides", side, progress=True)
        if self.timer.side is not None:
            # live count: whole seconds on this side so far, the open stretch included
            t.counts[self.timer.side] = int(self.timer.total_s(self.timer.side) + 1e-6)
            return "moving"
        return "resting" if t.timed_segments else "ready"

    def _finish_segment(self, ev: list[Event], seg: TimedSegment) -> None:
        t = self.t
        t.timed_segments.append(seg)
        peak = t.peak + t.base.rest_of(seg.side)
        t.activity_log = None
        t.peaks.setdefault(seg.side, []).append(peak)
        total = self.timer.totals.get(seg.side, 0.0)
        t.counts[seg.side] = int(total + 1e-6)
        t.emit(
            ev,
            "timed_done",
            seg.side,
            f"{seg.duration_s:.1f} s on the {seg.side} side",
            duration_s=round(seg.duration_s, 2),
            total_s=round(total, 2),
        )

    def busy(self) -> bool:
        return self.timer.side is not None

    def disarm(self) -> None:
        self.gate.close()

    def finish(self, ev: list[Event]) -> None:
        seg = self.timer.finish()
        if seg is not None:
            self._finish_segment(ev, seg)

    def elapsed(self) -> float:
        return self.timer.total_s(self.timer.side) if self.timer.side is not None else 0.0

    def elapsed_target(self) -> float | None:
        return self.t.d.timed_target_s

    def progress_cue(self) -> str | None:
        target = self.elapsed_target()
        if self.timer.side is not None and target:
            return cuetext.timed_progress(self.elapsed(), target)
        return None

    def timed_totals(self) -> dict[str, float]:
        return dict(self.timer.totals)
