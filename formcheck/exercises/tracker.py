"""ExerciseTracker: glues setup checks, side choice, form rules, engines and cues.

Fed one :class:`~formcheck.measure.metrics.FrameMetrics` at a time (live webcam or a
decoded file alike)::

    tracker = ExerciseTracker(get_exercise("squat_valgus"), side="auto")
    for fm in frames:
        state = tracker.update(fm)      # TrackerState, for drawing
    result = tracker.finish()           # ExerciseResult, result.to_dict() for JSON

Metrics: the tracker reads ``FrameMetrics.values``, bias-corrected where a model exists
for the metric in the frame's camera context (:mod:`formcheck.measure.correction`), so
counts, depths, form rules and cues all use the numbers the report shows.

Side choice (``side="auto"``): each frame the working leg is the one whose
first measurable ``side_metrics`` entry (default: the primary metric) is larger, i.e. the leg that
moves; a rep / hold / circle is credited to the side seen in most of its
frames. With a given side, front-view exercises read that leg only; side-view
exercises still follow the moving leg (MediaPipe swaps left and right in side
views now and then) and credit the given side.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from typing import Any

from formcheck.exercises import cues as cuetext
from formcheck.exercises.baseline import REST_FRAMES, Baseline
from formcheck.exercises.circles import CircleConfig, CircleCounter
from formcheck.exercises.cues import CueLimiter
from formcheck.exercises.holds import Hold, HoldConfig, HoldTimer
from formcheck.exercises.knee_follow import KneeFollower
from formcheck.exercises.model import ExerciseDef
from formcheck.exercises.reps import Rep, RepConfig, RepCounter
from formcheck.exercises.result import (
    ExerciseResult,
    HoldRecord,
    RepRecord,
    asymmetry,
    side_summary,
    top_cues,
)
from formcheck.exercises.rules import CueTimer, FormLog, applies
from formcheck.exercises.setup import SetupMonitor
from formcheck.exercises.state import Event, TrackerState
from formcheck.exercises.timed import MotionMeter, PositionGate, SideTimer, TimedSegment
from formcheck.measure.confidence import is_reliable
from formcheck.measure.derived import with_derived
from formcheck.measure.metrics import FrameMetrics
from formcheck.pose.landmarks import SIDE_NAMES

_SIDE_CODES = {"left": "L", "right": "R"}
#: A rule fails a rep/hold when violated this long in total (s).
MIN_FAIL_S = 0.2
#: A depth / motion cue fires after this long short of the position (s).
SHORT_CUE_S = 1.5
#: Cue while a hold moves too much (``ExerciseDef.still_max``).
HOLD_STILL = "Hold still"


class ExerciseTracker:
    """Per-frame state machine for one set of one exercise (see module docstring)."""

    def __init__(
        self,
        exercise: ExerciseDef,
        side: str = "auto",
        lookback: bool = False,
    ) -> None:
        if side not in ("auto", "left", "right"):
            raise ValueError(f"side must be 'auto', 'left' or 'right', got {side!r}")
        d = self.d = exercise
        self.fixed = _SIDE_CODES.get(side)
        self.side_keys = ["both"] if d.sides == "both" else ["left", "right"]
        self.counts: dict[str, int] = dict.fromkeys(self.side_keys, 0)
        self._follow_moving = "side" in d.views or self.fixed is None
        self.setup = SetupMonitor(d)
        self.cues = CueLimiter(d.cue_interval_s)
        self.cue_timer = CueTimer(0.3)
        self.base = Baseline(d)
        # engines (only the one for the mode is used)
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
            )
        )
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
        self.circles = CircleCounter(CircleConfig(d.min_radius, d.circle_window_s, d.circle_gap_s))
        self.knees = KneeFollower(d, None if self._follow_moving else self.fixed)
        self._moved_t: float | None = None  # last time the pelvis was seen moving
        self.timer = SideTimer(d.bridge_s)
        self.motion = MotionMeter(d.motion_window_s)  # hip midpoint, torso lengths
        self.turning = MotionMeter(d.motion_window_s)  # hip-line tilt and yaw, degrees
        # the current rep / hold / circle / timed stretch
        self._log: FormLog | None = None
        self._sides: Counter[str] = Counter()
        self._asym: dict[str, float] = {}
        self._peak = -math.inf
        self._lifted = False
        self.gate = PositionGate(
            d.enter, d.exit, d.settle_rate, d.release_drop, bridge_s=d.bridge_s
        )
        self._gate_side: str | None = None
        self._short_since: float | None = None
        self._announced: set[str] = set()
        self._last_side: str | None = None
        # records
        self.rep_records: list[RepRecord] = []
        self.hold_records: list[HoldRecord] = []
        self.timed_segments: list[TimedSegment] = []
        self.circle_counts: dict[str, int] = {}
        self.peaks: dict[str, list[float]] = {}
        self.asym_peaks: dict[str, list[float]] = {"left": [], "right": []}
        self.events: list[Event] = []
        self._t0: float | None = None
        self._prev_t: float | None = None
        self._t = 0.0
        # lookback (files): clean frames seen while the setup settled, replayed once it passes
        self.lookback = lookback
        self._pending: list[FrameMetrics] | None = [] if lookback else None
        self._flags: dict[str, bool] = {}  # the current frame's reliability flags

    # ------------------------------------------------------------------ helpers

    def _side_key(self, s: str | None) -> str:
        """Rest key of leg ``s``: "both", else the fixed side's, else ``s``'s (left when
        the leg is not known: a shared primary like the hinge's still counts)."""
        if self.d.sides == "both":
            return "both"
        if self.fixed is not None:
            return SIDE_NAMES[self.fixed]
        return SIDE_NAMES.get(s or "", "left")

    def _pick(self, v: dict[str, float]) -> tuple[str | None, float, str]:
        """The working leg ("L"/"R"/None), the primary value and its resolved metric name."""
        d = self.d
        if d.sides == "both":
            return None, v.get(d.primary_metric, math.nan), d.primary_metric
        if not self._follow_moving:
            s = self.fixed or "L"
        else:
            s = None
            for sm in d.side_metrics or (d.primary_metric,):
                cand = {c: v.get(d.metric_for(sm, c), math.nan) for c in ("L", "R")}
                cand = {c: x for c, x in cand.items() if not math.isnan(x)}
                if len(cand) == 1 and self._busy() and self._last_side:
                    s = self._last_side  # the moving leg dropped out: keep it (NaN bridges)
                    break
                if cand:
                    s = max(cand, key=lambda k: cand[k])
                    break
            if s is None:
                name = d.metric_for(d.primary_metric, self.fixed or "L")
                shared = "{side}" not in d.primary_metric
                return None, v.get(name, math.nan) if shared else math.nan, name
        name = d.metric_for(d.primary_metric, s)
        return s, v.get(name, math.nan), name

    def _busy(self) -> bool:
        """True while a rep / hold / circle / timed stretch is under way."""
        m = self.d.mode
        if m == "reps":
            return self.reps.in_rep
        if m == "hold":
            return self.holds.active
        if m == "circles":
            return self._lifted
        return self.timer.side is not None

    def _emit(
        self, events: list[Event], kind: str, side: str | None, msg: str, **data: Any
    ) -> None:
        e = Event(self._t, kind, side, msg, dict(data))
        events.append(e)
        self.events.append(e)

    def _cue(
        self, events: list[Event], msg: str | None, side: str | None = None, **data: Any
    ) -> None:
        if msg and self.cues.allow(msg, self._t):
            self._emit(events, "cue", side, msg, **data)
            if self._log is not None and msg not in self._log.cues and not data.get("progress"):
                self._log.cues.append(msg)

    def _rules(
        self, v: dict[str, float], s: str | None, at_bottom: bool, log: bool, dt: float
    ) -> tuple[bool, list[str]]:
        """Check the rules on one active frame: (gating rules pass, cues of lasting faults)."""
        side = s or self.fixed or "L"
        gate_ok, failing = True, set()
        for r in self.d.rules:
            if not applies(r, self.d.mode, at_bottom):
                continue
            name = self.d.metric_for(r.metric, side)
            x = v.get(name, math.nan)
            if self._flags and is_reliable(self._flags, name) is False:
                x = math.nan  # not measurable from this camera angle: the check is skipped
            if self._log is not None and log:
                self._log.add(r.id, x, name, dt)
            if not r.passes(x):
                failing.add(r.id)
                gate_ok = gate_ok and not r.gates
        lasting = self.cue_timer.update(self._t, failing)
        by_id = {r.id: r for r in self.d.rules}
        return gate_ok, [by_id[rid].cue for rid in lasting]

    def _start_activity(self) -> None:
        self._log = FormLog(self.d.rules)
        self._sides = Counter()
        self._asym = {}
        self._peak = -math.inf

    def _track_activity(self, s: str | None, value: float, v: dict[str, float]) -> None:
        if s is not None:
            self._sides[s] += 1
        if not math.isnan(value):
            self._peak = max(self._peak, value)
        if self.d.asym_metric:
            for code, name in SIDE_NAMES.items():
                metric = self.d.metric_for(self.d.asym_metric, code)
                x = v.get(metric, math.nan)
                if self._flags and is_reliable(self._flags, metric) is False:
                    continue  # not measurable from this camera angle: no left/right number
                if not math.isnan(x):
                    self._asym[name] = max(self._asym.get(name, -math.inf), x)

    def _activity_side(self) -> str:
        if self.d.sides == "both":
            return "both"
        if self.fixed is not None:
            return SIDE_NAMES[self.fixed]
        if not self._sides:
            return SIDE_NAMES.get(self._last_side or "L", "left")
        return SIDE_NAMES[self._sides.most_common(1)[0][0]]

    def _credit(self, side: str, peak: float) -> None:
        self.counts[side] = self.counts.get(side, 0) + 1
        self.peaks.setdefault(side, []).append(peak)
        for k, x in self._asym.items():
            self.asym_peaks[k].append(x)

    # ------------------------------------------------------------------ modes

    def _step_reps(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        d = self.d
        was_in = self.reps.in_rep
        rep = self.reps.update(self._t, value)
        if rep is not None:
            self._finish_rep(ev, rep)
        if self.reps.in_rep:
            if not was_in or self._log is None:
                self._start_activity()
            self._track_activity(s, value, v)
            at_bottom = not math.isnan(value) and value >= d.target
            _, lasting = self._rules(v, s, at_bottom, True, dt)
            for msg in lasting:
                self._cue(ev, msg, self._activity_side())
            if d.end_hold_s and self.reps.hold_elapsed_s >= d.end_hold_s - 1e-6:
                self._cue(ev, "Well done: release", self._activity_side(), progress=True)
        else:
            self.cue_timer.update(self._t, set())
        st = self.reps.state
        if st in ("moving", "holding"):
            return st
        return "resting" if any(self.counts.values()) else "ready"

    def _finish_rep(self, ev: list[Event], rep: Rep) -> None:
        d, log = self.d, self._log
        side = self._activity_side()
        self._log = None
        if rep.reason in ("too_short", "lost_tracking") or log is None:
            return
        peak = rep.peak_value + self.base.rest_of(side)
        form = log.results(MIN_FAIL_S)
        other = [r for r in d.rules if r.disqualifies and form[r.id]["pass"] is False]
        if rep.counted and other:
            rep = replace(rep, counted=False, reason="other_movement")
        if rep.counted:
            self._credit(side, peak)
        metric = d.metric_for(d.primary_metric, _SIDE_CODES.get(side, "L"))
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
        )
        self.rep_records.append(rec)
        if rep.counted:
            self._emit(
                ev,
                "rep_done",
                side,
                f"Rep {self.counts[side]}",
                count=self.counts[side],
                peak=round(peak, 2),
            )
            if rep.peak_value < d.target:
                self._cue(ev, d.depth_cue, side)
            done = cuetext.reps_progress(self.counts[side], d.reps_target, side)
            if done and side not in self._announced:
                self._announced.add(side)
                self._cue(ev, done, side, progress=True)
        elif other:
            self._cue(ev, other[0].cue, side)
        else:
            short = rep.peak_value < d.target
            self._cue(ev, d.depth_cue if short else (d.hold_cue or d.depth_cue), side)

    def _step_hold(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        d, ht = self.d, self.holds
        active = ht.in_position and not math.isnan(value)
        form_ok, lasting = (
            self._rules(v, s, True, False, dt)
            if active
            else (True, self.cue_timer.update(self._t, set()))
        )
        if d.still_max is not None:
            spread = self.motion.update(
                self._t, v.get("pelvis_x", math.nan), v.get("pelvis_y", math.nan)
            )
            if active and spread > d.still_max:  # (NaN: not enough frames yet)
                form_ok = False
                lasting = [*lasting, HOLD_STILL]
        was_open = ht.active
        hold = ht.update(self._t, value, form_ok)
        if hold is not None:
            self._finish_hold(ev, hold)
        if ht.active:
            if not was_open or self._log is None:
                self._start_activity()
            self._track_activity(s, value, v)
            if not math.isnan(value):
                self._log_rules(v, s, dt)
            if ht.reached_target_now():
                self._cue(ev, "Well done: release", self._activity_side(), progress=True)
        for msg in lasting:
            self._cue(ev, msg, self._activity_side() if ht.active else None)
        self._depth_cue(ev, value, not ht.in_position)
        if ht.active:
            return "holding" if ht.running else "moving"
        if not math.isnan(value) and ht.armed and value >= d.exit:
            return "moving"
        return "resting" if self.hold_records else "ready"

    def _log_rules(self, v: dict[str, float], s: str | None, dt: float) -> None:
        side = s or self.fixed or "L"
        assert self._log is not None
        for r in self.d.rules:
            name = self.d.metric_for(r.metric, side)
            self._log.add(r.id, v.get(name, math.nan), name, dt)

    def _depth_cue(self, ev: list[Event], value: float, short: bool) -> None:
        """Cue the depth when the person stays part-way for a while (holds)."""
        d = self.d
        part_way = short and not math.isnan(value) and d.exit <= value < d.enter
        if not part_way:
            self._short_since = None
            return
        if self._short_since is None:
            self._short_since = self._t
        if self._t - self._short_since >= SHORT_CUE_S:
            self._cue(ev, d.depth_cue)

    def _finish_hold(self, ev: list[Event], hold: Hold) -> None:
        d, log = self.d, self._log
        side = self._activity_side()
        self._log = None
        off = self.base.rest_of(side)
        self._credit(side, hold.peak_value + off)
        metric = d.metric_for(d.primary_metric, _SIDE_CODES.get(side, "L"))
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
        self.hold_records.append(rec)
        self._emit(
            ev,
            "hold_done",
            side,
            f"Hold {self.counts[side]}: {hold.duration_s:.1f} s",
            count=self.counts[side],
            duration_s=round(hold.duration_s, 2),
            reached_target=hold.reached_target,
        )
        done = cuetext.reps_progress(self.counts[side], d.reps_target, side)
        if done and side not in self._announced:
            self._announced.add(side)
            self._cue(ev, done, side, progress=True)

    def _step_circles(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        """Knee circles: follow the moving, lifted knee and count its turns."""
        d = self.d
        nan = math.nan
        paths = {c: (v.get(f"knee_path_x_{c}", nan), v.get(f"knee_path_y_{c}", nan)) for c in "LR"}
        if not self.setup.ok:
            paths = {c: (nan, nan) for c in "LR"}
        lift = {c: v.get(d.metric_for(d.primary_metric, c), nan) for c in "LR"}
        point = self.knees.update(self._t, paths, lift)
        c = self.knees.side
        if self.knees.started:
            # a new set of circles; the knee was already moving while it came up
            self.circles.reset()
            self.circles.seed(self.knees.lookback())
        active = c is not None and point is not None
        self._lifted = active
        x, y = point if point is not None else (nan, nan)
        if active and self._log is None:
            self._start_activity()
        if active:
            self._track_activity(c, lift[c], v)
            _, lasting = self._rules(v, c, True, False, dt)
            for msg in lasting:
                self._cue(ev, msg, self._activity_side())
        else:
            self.cue_timer.update(self._t, set())
        for _ in range(self.circles.update(self._t, x, y, active)):
            side = self._activity_side()
            self._credit(side, self._peak + self.base.rest_of(side))
            self.circle_counts[side] = self.circle_counts.get(side, 0) + 1
            self._emit(
                ev, "circle_done", side, f"Circle {self.counts[side]}", count=self.counts[side]
            )
            done = cuetext.reps_progress(self.counts[side], d.circles_target, side)
            if done and side not in self._announced:
                self._announced.add(side)
                self._cue(ev, done, side, progress=True)
            self._start_activity()
            self._sides[c or "L"] += 1
        if not active and self.circles.progress_deg == 0.0:
            self._log = None
        return "moving" if active else ("resting" if any(self.counts.values()) else "ready")

    def _step_timed(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        d = self.d
        spread = self.motion.update(
            self._t, v.get("pelvis_x", math.nan), v.get("pelvis_y", math.nan)
        )
        turn = self.turning.update(
            self._t, v.get("pelvis_tilt", math.nan), v.get("pelvis_yaw", math.nan)
        )
        if s != self._gate_side:  # the other knee: its own settle / release
            self.gate.close()
            self._gate_side = s
        dropped = self.gate.update(self._t, value) and not math.isnan(value) and s is not None
        moving_now = (not math.isnan(spread) and spread >= d.motion_min) or (
            not math.isnan(turn) and turn >= d.motion_min_deg
        )
        if moving_now:
            self._moved_t = self._t
        # a pause shorter than motion_grace_s still "keeps moving"
        moving = self._moved_t is not None and self._t - self._moved_t <= d.motion_grace_s
        side = self._side_key(s) if dropped else None
        seg = self.timer.update(self._t, side if moving else None)
        if seg is not None:
            self._finish_segment(ev, seg)
        if dropped and self.timer.side is not None:
            if self._log is None:
                self._start_activity()
            self._track_activity(s, value, v)
        # cues: dropped but still, or moving with the knee up
        if dropped and not moving:
            self._short_since = self._short_since if self._short_since is not None else self._t
            if self._t - self._short_since >= SHORT_CUE_S:
                self._cue(ev, d.hold_cue, side)
        else:
            self._short_since = None
        target = d.timed_target_s
        if (
            side
            and target
            and self.timer.total_s(side) >= target - 1e-6
            and (side not in self._announced)
        ):
            self._announced.add(side)
            self._cue(ev, "Switch sides", side, progress=True)
        if self.timer.side is not None:
            # live count: whole seconds on this side so far, the open stretch included
            self.counts[self.timer.side] = int(self.timer.total_s(self.timer.side) + 1e-6)
            return "moving"
        return "resting" if self.timed_segments else "ready"

    def _finish_segment(self, ev: list[Event], seg: TimedSegment) -> None:
        self.timed_segments.append(seg)
        peak = self._peak + self.base.rest_of(seg.side)
        self._log = None
        self.peaks.setdefault(seg.side, []).append(peak)
        total = self.timer.totals.get(seg.side, 0.0)
        self.counts[seg.side] = int(total + 1e-6)
        self._emit(
            ev,
            "timed_done",
            seg.side,
            f"{seg.duration_s:.1f} s on the {seg.side} side",
            duration_s=round(seg.duration_s, 2),
            total_s=round(total, 2),
        )

    def _disarm(self) -> None:
        if not self.reps.in_rep:
            self.reps.state = "idle"
        if not self.holds.active:
            self.holds.armed = False
            self.holds.in_position = False
        self._lifted = False
        self.gate.close()

    # ------------------------------------------------------------------ public

    def update(self, fm: FrameMetrics) -> TrackerState:
        """Process one frame and return what to draw (see :class:`TrackerState`).

        With ``lookback`` (a file), the clean frames seen while the setup was settling
        before it first passed are run through the engine once it does, so a clip that
        starts mid-movement still counts its first rep.
        """
        if self._t0 is None:
            self._t0 = fm.t_s
        dt = 0.0 if self._prev_t is None else max(fm.t_s - self._prev_t, 0.0)
        self._prev_t = self._t = fm.t_s
        ev: list[Event] = []
        st = self.setup.update(fm)
        for p in st.new_problems:
            if self.cues.allow(p, self._t):
                self._emit(ev, "setup_problem", None, p)
        src = self._source(fm)
        self.base.update(fm, src, clean=not st.problems, ok_now=st.ok)
        if self._pending is not None:
            if st.ok:
                self._replay(self._pending, st, ev)
                self._pending = None
                dt = max(fm.t_s - self._prev_t, 0.0)
                self._prev_t = self._t = fm.t_s
            elif st.problems:
                self._pending.clear()
            else:
                self._pending.append(fm)
        return self._step(fm, st, src, ev, dt)

    def _source(self, fm: FrameMetrics) -> dict[str, float]:
        return fm.values

    def _replay(self, frames: list[FrameMetrics], st, ev: list[Event]) -> None:
        """Run the settle-time ``frames`` through the engine as if the setup had passed.

        The rest value comes from the first of them; it is captured before they run, so
        that they count from it (a clip that starts as the person goes down begins at rest,
        not mid-rep).
        """
        if self.d.rest_relative:
            for old in frames[:REST_FRAMES]:
                v = with_derived(self._source(old), self.base.values, old.pose)
                self.base.rest_offset(v, self._side_key(self._pick(v)[0]), True)
        prev = frames[0].t_s if frames else self._t
        for old in frames:
            self._t = old.t_s
            self._step(old, st, self._source(old), ev, max(old.t_s - prev, 0.0))
            prev = self._prev_t = old.t_s

    def _step(
        self, fm: FrameMetrics, st, src: dict[str, float], ev: list[Event], dt: float
    ) -> TrackerState:
        """The engine on one frame whose setup status ``st`` is known."""
        d = self.d
        self._flags = fm.reliable
        v = with_derived(src, self.base.values, fm.pose)
        if st.ok and d.mode == "reps" and self.base.restand(fm, v):
            self.reps.cancel()  # the standing thigh height was wrong: so was that "rep"
            v = with_derived(src, self.base.values, fm.pose)
        s, value, metric = self._pick(v)
        if not st.ok:
            value = math.nan
        rest = self.base.rest_offset(v, self._side_key(s), st.ok)
        shown = value
        value = value - rest
        if d.mode == "reps":
            phase = self._step_reps(ev, s, value, v, dt)
        elif d.mode == "hold":
            phase = self._step_hold(ev, s, value, v, dt)
        elif d.mode == "circles":
            phase = self._step_circles(ev, s, value, v, dt)
        else:
            phase = self._step_timed(ev, s, value, v, dt)
        if not st.ok:
            self._disarm()
            phase = "setup"
        if s is not None and phase in ("moving", "holding"):
            self._last_side = s
        if phase in ("ready", "resting") and not self._busy():
            self.base.reanchor(fm, v)
        return TrackerState(
            exercise_id=d.id,
            mode=d.mode,
            counts=dict(self.counts),
            active_side=self._current_side(s, phase),
            phase=phase,
            hold_elapsed_s=self._elapsed(),
            hold_target_s=self._elapsed_target(),
            primary_metric=metric,
            primary_value=shown,
            target_band=self._band(s),
            setup_ok=st.ok,
            setup_problems=list(st.problems),
            cue=st.problems[0] if st.problems else self._current_cue(),
            events=ev,
        )

    def _band(self, s: str | None) -> tuple[float, float]:
        lo, hi = self.d.target_band
        off = self.base.rest_of(self._side_key(s)) if self.d.rest_relative else 0.0
        return (lo + off, hi)

    def _current_side(self, s: str | None, phase: str) -> str | None:
        if self.d.sides == "both":
            return "both"
        if self.fixed is not None:
            return SIDE_NAMES[self.fixed]
        code = s if phase in ("moving", "holding") else self._last_side
        return SIDE_NAMES.get(code or "")

    def _elapsed(self) -> float:
        m = self.d.mode
        if m == "hold":
            return self.holds.elapsed_s
        if m == "reps":
            return self.reps.hold_elapsed_s
        if m == "timed" and self.timer.side is not None:
            return self.timer.total_s(self.timer.side)
        return 0.0

    def _elapsed_target(self) -> float | None:
        m = self.d.mode
        if m == "hold":
            return self.d.hold_target_s
        if m == "reps":
            return self.d.end_hold_s or None
        return self.d.timed_target_s if m == "timed" else None

    def _current_cue(self) -> str | None:
        shown = self.cues.showing(self._t)
        if shown:
            return shown
        d, t = self.d, self._elapsed_target()
        if d.mode == "hold" and self.holds.running and t:
            return cuetext.hold_progress(self.holds.elapsed_s, t)
        if d.mode == "reps" and self.reps.state == "holding" and t:
            return cuetext.hold_progress(self.reps.hold_elapsed_s, t)
        if d.mode == "timed" and self.timer.side is not None and t:
            return cuetext.timed_progress(self._elapsed(), t)
        return None

    def finish(self) -> ExerciseResult:
        """Close what is open and return the set's :class:`ExerciseResult`."""
        d, ev = self.d, []
        if d.mode == "reps":
            rep = self.reps.finish(self._t)
            if rep is not None:
                self._finish_rep(ev, rep)
        if d.mode == "hold":
            hold = self.holds.finish(self._t)
            if hold is not None:
                self._finish_hold(ev, hold)
        if d.mode == "timed":
            seg = self.timer.finish()
            if seg is not None:
                self._finish_segment(ev, seg)
        timed = {k: round(x, 3) for k, x in self.timer.totals.items()}
        sides = self.side_keys
        per_side = side_summary(
            sides,
            self.rep_records,
            self.hold_records,
            self.circle_counts,
            timed,
            self.peaks,
            d.depth_full,
        )
        if d.sides == "both":
            asym = asymmetry(
                self.asym_peaks["left"],
                self.asym_peaks["right"],
                d.unit,
                d.asym_metric or d.primary_metric,
            )
        else:
            asym = asymmetry(
                self.peaks.get("left", []), self.peaks.get("right", []), d.unit, d.primary_metric
            )
        return ExerciseResult(
            exercise=d.id,
            mode=d.mode,
            unit=d.unit,
            settings=d.settings(),
            reps=list(self.rep_records),
            holds=list(self.hold_records),
            circles=dict(self.circle_counts) if d.mode == "circles" else {},
            timed=timed if d.mode == "timed" else {},
            per_side=per_side,
            asymmetry=asym,
            top_cues=top_cues(self.events),
            setup_problems={k: round(x, 3) for k, x in self.setup.seconds.items()},
            events=list(self.events),
            duration_s=self._t - (self._t0 or 0.0),
        )
