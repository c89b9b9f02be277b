"""Reps: down past ``enter`` to the end position and back below ``exit``
(:class:`~formcheck.exercises.reps.RepCounter`), each rep's form logged and judged."""

from __future__ import annotations

import math
from dataclasses import replace

from formcheck.exercises import cues as cuetext
from formcheck.exercises.modes.base import MIN_FAIL_S, Mode
from formcheck.exercises.reps import Rep, RepConfig, RepCounter
from formcheck.exercises.result import RepRecord
from formcheck.exercises.state import Event
from formcheck.pose.landmarks import SIDE_CODES

#: Files only: a rep that starts this early (s) may have begun before the recording.
EARLY_S = 1.0


class RepsMode(Mode):
    """Counts reps; a rule marked ``disqualifies`` that fails makes one another movement."""

    count_word = "reps"

    def __init__(self, t) -> None:
        super().__init__(t)
        d = t.d
        self.reps = RepCounter(
            RepConfig(
                d.enter,
                d.exit,
                d.target,
                d.min_rep_s,
                d.end_hold_s,
                d.bridge_s,
                settle_rate=d.settle_rate if d.end_hold_s else None,
                release_drop=d.release_drop if d.end_hold_s else None,
                hold_tolerance_s=d.hold_tolerance_s,
                early_s=EARLY_S if t.lookback else 0.0,
            )
        )

    def step(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        t, d = self.t, self.t.d
        was_in = self.reps.in_rep
        rep = self.reps.update(t.now, value)
        if rep is not None:
            self._finish_rep(ev, rep)
        if self.reps.in_rep:
            if not was_in or t.activity_log is None:
                t.start_activity()
            t.track_activity(s, value, v)
            at_bottom = not math.isnan(value) and value >= d.target
            _, lasting = t.check_rules(v, s, at_bottom, True, dt)
            for msg in lasting:
                t.cue(ev, msg, t.activity_side())
            if d.end_hold_s and self.reps.hold_elapsed_s >= d.end_hold_s - 1e-6:
                t.cue(ev, "Well done: release", t.activity_side(), progress=True)
        else:
            t.cue_timer.update(t.now, set())
        st = self.reps.state
        if st in ("moving", "holding"):
            return st
        return "resting" if any(t.counts.values()) else "ready"

    def _finish_rep(self, ev: list[Event], rep: Rep) -> None:
        t, d, log = self.t, self.t.d, self.t.activity_log
        side = t.activity_side()
        t.activity_log = None
        if rep.reason in ("too_short", "lost_tracking") or log is None:
            return
        peak = rep.peak_value + t.base.rest_of(side)
        form = log.results(MIN_FAIL_S)
        other = [r for r in d.rules if r.disqualifies and form[r.id]["pass"] is False]
        if rep.counted and other:
            rep = replace(rep, counted=False, reason="other_movement")
        depth_ok = t.depth_trusted()
        if rep.counted:
            t.credit(side, peak, depth_ok)
        metric = d.metric_for(d.primary_metric, SIDE_CODES.get(side, "L"))
        rec = RepRecord(
            side=side,
            start_s=rep.start_s,
            end_s=rep.end_s,
            peak_s=rep.peak_s,
            peak_value=peak,
            metric=metric,
            counted=rep.counted,
            reason=rep.reason,
            hold_s=rep.hold_s,
            depth_pct=100.0 * peak / d.depth_full if d.depth_full else None,
            form=form,
            cues=list(log.cues),
            depth_reliable=depth_ok,
            depth_uncertainty=d.depth_uncertainty,
        )
        t.rep_records.append(rec)
        if rep.counted:
            t.emit(
                ev,
                "rep_done",
                side,
                f"Rep {t.counts[side]}",
                count=t.counts[side],
                peak=round(peak, 2),
            )
            if rep.peak_value < d.target:
                t.cue(ev, d.depth_cue, side)
            done = cuetext.reps_progress(t.counts[side], d.reps_target, side)
            if done and side not in t.announced:
                t.announced.add(side)
                t.cue(ev, done, side, progress=True)
        elif other:
            t.cue(ev, other[0].cue, side)
        else:
            short = rep.peak_value < d.target
            t.cue(ev, d.depth_cue if short else (d.hold_cue or d.depth_cue), side)

    def busy(self) -> bool:
        return self.reps.in_rep

    def disarm(self) -> None:
        if not self.reps.in_rep:
            self.reps.state = "idle"

    def cancel(self) -> None:
        self.reps.cancel()

    def finish(self, ev: list[Event]) -> None:
        rep = self.reps.finish(self.t.now)
        if rep is not None:
            self._finish_rep(ev, rep)

    def elapsed(self) -> float:
        return self.reps.hold_elapsed_s

    def elapsed_target(self) -> float | None:
        return self.t.d.end_hold_s or None

    def progress_cue(self) -> str | None:
        target = self.elapsed_target()
        if self.reps.state == "holding" and target:
            return cuetext.hold_progress(self.reps.hold_elapsed_s, target)
        return None
