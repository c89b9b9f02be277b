"""Holds: in position past ``enter``, timed only while the form holds
(:class:`~formcheck.exercises.holds.HoldTimer`); a hold that must be still pauses while
the body moves (``ExerciseDef.still_max``)."""

from __future__ import annotations

import math

from formcheck.exercises import cues as cuetext
from formcheck.exercises.holds import Hold, HoldConfig, HoldTimer
from formcheck.exercises.modes.base import MIN_FAIL_S, SHORT_CUE_S, Mode
from formcheck.exercises.result import HoldRecord
from formcheck.exercises.state import Event
from formcheck.exercises.timed import MotionMeter
from formcheck.pose.landmarks import SIDE_CODES

#: Cue while a hold moves too much (``ExerciseDef.still_max``).
HOLD_STILL = "Hold still"


class HoldMode(Mode):
    """Times holds against ``hold_target_s``."""

    count_word = "holds"

    def __init__(self, t) -> None:
        super().__init__(t)
        d = t.d
        self.holds = HoldTimer(
            HoldConfig(
                d.enter,
                d.exit,
                d.hold_target_s or 1e9,
                d.bridge_s,
                d.break_on_fault_s,
                d.min_hold_s,
                settle_rate=d.settle_rate,
                release_drop=d.release_drop,
                hold_tolerance_s=d.hold_tolerance_s,
            )
        )
        self.motion = MotionMeter(d.motion_window_s)  # hip midpoint, torso lengths
        self._short_since: float | None = None

    def step(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        t, d, ht = self.t, self.t.d, self.holds
        active = ht.in_position and not math.isnan(value)
        form_ok, lasting = (
            t.check_rules(v, s, True, False, dt)
            if active
            else (True, t.cue_timer.update(t.now, set()))
        )
        if d.still_max is not None:
            spread = self.motion.update(
                t.now, v.get("pelvis_x", math.nan), v.get("pelvis_y", math.nan)
            )
            if active and spread > d.still_max:  # (NaN: not enough frames yet)
                form_ok = False
                lasting = [*lasting, HOLD_STILL]
        was_open = ht.active
        hold = ht.update(t.now, value, form_ok)
        if hold is not None:
            self._finish_hold(ev, hold)
        if ht.active:
            if not was_open or t.activity_log is None:
                t.start_activity()
            t.track_activity(s, value, v)
            if not math.isnan(value):
                self._log_rules(v, s, dt)
            if ht.reached_target_now():
                t.cue(ev, "Well done: release", t.activity_side(), progress=True)
        for msg in lasting:
            t.cue(ev, msg, t.activity_side() if ht.active else None)
        self._depth_cue(ev, value, not ht.in_position)
        if ht.active:
            return "holding" if ht.running else "moving"
        if not math.isnan(value) and ht.armed and value >= d.exit:
            return "moving"
        return "resting" if t.hold_records else "ready"

    def _log_rules(self, v: dict[str, float], s: str | None, dt: float) -> None:
        t = self.t
        side = s or t.fixed or "L"
        assert t.activity_log is not None
        for r in t.d.rules:
            name = t.d.metric_for(r.metric, side)
            t.activity_log.add(r.id, v.get(name, math.nan), name, dt)

    def _depth_cue(self, ev: list[Event], value: float, short: bool) -> None:
        """Cue the depth when the person stays part-way for a while."""
        t, d = self.t, self.t.d
        part_way = short and not math.isnan(value) and d.exit <= value < d.enter
        if not part_way:
            self._short_since = None
            return
        if self._short_since is None:
            self._short_since = t.now
        if t.now - self._short_since >= SHORT_CUE_S:
            t.cue(ev, d.depth_cue)

    def _finish_hold(self, ev: list[Event], hold: Hold) -> None:
        t, d, log = self.t, self.t.d, self.t.activity_log
        side = t.activity_side()
        t.activity_log = None
        off = t.base.rest_of(side)
        t.credit(side, hold.peak_value + off)
        metric = d.metric_for(d.primary_metric, SIDE_CODES.get(side, "L"))
        rec = HoldRecord(
            side=side,
            start_s=hold.start_s,
            end_s=hold.end_s,
            duration_s=hold.duration_s,
            reached_target=hold.reached_target,
            mean_value=hold.mean_value + off,
            peak_value=hold.peak_value + off,
            fault_s=hold.fault_s,
            metric=metric,
            form=log.results(MIN_FAIL_S) if log else {},
            cues=list(log.cues) if log else [],
        )
        t.hold_records.append(rec)
        t.emit(
            ev,
            "hold_done",
            side,
            f"Hold {t.counts[side]}: {hold.duration_s:.1f} s",
            count=t.counts[side],
            duration_s=round(hold.duration_s, 2),
            reached_target=hold.reached_target,
        )
        done = cuetext.reps_progress(t.counts[side], d.reps_target, side)
        if done and side not in t.announced:
            t.announced.add(side)
            t.cue(ev, done, side, progress=True)

    def busy(self) -> bool:
        return self.holds.active

    def disarm(self) -> None:
        if not self.holds.active:
            self.holds.armed = False
            self.holds.in_position = False

    def finish(self, ev: list[Event]) -> None:
        hold = self.holds.finish(self.t.now)
        if hold is not None:
            self._finish_hold(ev, hold)

    def elapsed(self) -> float:
        return self.holds.elapsed_s

    def elapsed_target(self) -> float | None:
        return self.t.d.hold_target_s

    def progress_cue(self) -> str | None:
        target = self.elapsed_target()
        if self.holds.running and target:
            return cuetext.hold_progress(self.holds.elapsed_s, target)
        return None
