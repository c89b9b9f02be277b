"""Knee circles: follow the moving, lifted knee and count its turns around the path's
centre (:class:`~formcheck.exercises.circles.CircleCounter`)."""

from __future__ import annotations

import math

from formcheck.exercises import cues as cuetext
from formcheck.exercises.circles import CircleConfig, CircleCounter
from formcheck.exercises.knee_follow import KneeFollower
from formcheck.exercises.modes.base import Mode
from formcheck.exercises.state import Event


class CirclesMode(Mode):
    """Counts circles per side against ``circles_target``."""

    count_word = "circles"

    def __init__(self, t) -> None:
        super().__init__(t)
        d = t.d
        self.circles = CircleCounter(CircleConfig(d.min_radius, d.circle_window_s, d.circle_gap_s))
        self.knees = KneeFollower(d, None if t.follow_moving else t.fixed)
        self._lifted = False

    def step(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        t, d = self.t, self.t.d
        nan = math.nan
        paths = {c: (v.get(f"knee_path_x_{c}", nan), v.get(f"knee_path_y_{c}", nan)) for c in "LR"}
        if not t.setup.ok:
            paths = {c: (nan, nan) for c in "LR"}
        lift = {c: v.get(d.metric_for(d.primary_metric, c), nan) for c in "LR"}
        point = self.knees.update(t.now, paths, lift)
        c = self.knees.side
        if self.knees.started:
            # a new set of circles; the knee was already moving while it came up
            self.circles.reset()
            self.circles.seed(self.knees.lookback())
        active = c is not None and point is not None
        self._lifted = active
        x, y = point if point is not None else (nan, nan)
        if active and t.activity_log is None:
            t.start_activity()
        if active:
            t.track_activity(c, lift[c], v)
            _, lasting = t.check_rules(v, c, True, False, dt)
            for msg in lasting:
                t.cue(ev, msg, t.activity_side())
        else:
            t.cue_timer.update(t.now, set())
        for _ in range(self.circles.update(t.now, x, y, active)):
            side = t.activity_side()
            t.credit(side, t.peak + t.base.rest_of(side))
            t.circle_counts[side] = t.circle_counts.get(side, 0) + 1
            t.emit(ev, "circle_done", side, f"Circle {t.counts[side]}", count=t.counts[side])
            done = cuetext.reps_progress(t.counts[side], d.circles_target, side)
            if done and side not in t.announced:
                t.announced.add(side)
                t.cue(ev, done, side, progress=True)
            t.start_activity()
            t.side_votes[c or "L"] += 1
        if not active and self.circles.progress_deg == 0.0:
            t.activity_log = None
        return "moving" if active else ("resting" if any(t.counts.values()) else "ready")

    def busy(self) -> bool:
        return self._lifted

    def disarm(self) -> None:
        self._lifted = False
