"""ExerciseTracker: setup checks, baseline, side choice, form rules and cues around one mode.

Fed one :class:`~formcheck.measure.metrics.FrameMetrics` at a time (live webcam or a
decoded file alike); the counting itself is the mode's (:mod:`formcheck.exercises.modes`)::

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
from typing import Any

from formcheck.exercises.baseline import REST_FRAMES, Baseline
from formcheck.exercises.cues import CueLimiter
from formcheck.exercises.model import ExerciseDef
from formcheck.exercises.modes import MODES
from formcheck.exercises.modes.hold import HOLD_STILL
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
from formcheck.exercises.timed import TimedSegment
from formcheck.measure.confidence import is_reliable
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.registry import with_derived
from formcheck.pose.landmarks import SIDE_CODES, SIDE_NAMES

__all__ = ["HOLD_STILL", "ExerciseTracker"]


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
        self.fixed = SIDE_CODES.get(side)
        self.side_keys = ["both"] if d.sides == "both" else ["left", "right"]
        self.counts: dict[str, int] = dict.fromkeys(self.side_keys, 0)
        self.follow_moving = "side" in d.views or self.fixed is None
        self.setup = SetupMonitor(d)
        self.cues = CueLimiter(d.cue_interval_s)
        self.cue_timer = CueTimer(0.3)
        self.base = Baseline(d)
        # the current rep / hold / circle / timed stretch
        self.activity_log: FormLog | None = None
        self.side_votes: Counter[str] = Counter()
        self._asym: dict[str, float] = {}
        self.peak = -math.inf
        self._peak_check = math.nan
        self.announced: set[str] = set()
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
        self.now = 0.0
        # lookback (files): clean frames seen while the setup settled, replayed once it passes
        self.lookback = lookback
        self._pending: list[FrameMetrics] | None = [] if lookback else None
        self._flags: dict[str, bool] = {}  # the current frame's reliability flags
        self.mode = MODES[d.mode](self)  # only the engine this exercise counts with

    # ------------------------------------------------------------------ helpers

    def side_key(self, s: str | None) -> str:
        """Side key of leg ``s``: "both", else the fixed side's, else ``s``'s (left when
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
        if not self.follow_moving:
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
        return self.mode.busy()

    def emit(self, events: list[Event], kind: str, side: str | None, msg: str, **data: Any) -> None:
        """Record an event (``kind``: "cue", "rep_done"...) at the current time, seconds."""
        e = Event(self.now, kind, side, msg, dict(data))
        events.append(e)
        self.events.append(e)

    def cue(
        self, events: list[Event], msg: str | None, side: str | None = None, **data: Any
    ) -> None:
        """Say ``msg`` (rate-limited per message); ``progress=True`` for progress text."""
        if msg and self.cues.allow(msg, self.now):
            self.emit(events, "cue", side, msg, **data)
            if (
                self.activity_log is not None
                and msg not in self.activity_log.cues
                and not data.get("progress")
            ):
                self.activity_log.cues.append(msg)

    def check_rules(
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
            if self.activity_log is not None and log:
                self.activity_log.add(r.id, x, name, dt)
            if not r.passes(x):
                failing.add(r.id)
                gate_ok = gate_ok and not r.gates
        lasting = self.cue_timer.update(self.now, failing)
        by_id = {r.id: r for r in self.d.rules}
        return gate_ok, [by_id[rid].cue for rid in lasting]

    def start_activity(self) -> None:
        """A rep / hold / circle / timed stretch starts: fresh form log, side votes, peak."""
        self.activity_log = FormLog(self.d.rules)
        self.side_votes = Counter()
        self._asym = {}
        self.peak = -math.inf
        self._peak_check = math.nan

    def track_activity(self, s: str | None, value: float, v: dict[str, float]) -> None:
        """One frame of the activity: leg ``s``, primary ``value`` (its peak is kept)."""
        if s is not None:
            self.side_votes[s] += 1
        if not math.isnan(value) and value > self.peak:
            self.peak = value
            if self.d.depth_check is not None:  # the check's value at the deepest frame
                name = self.d.metric_for(self.d.depth_check[0], s or self.fixed or "L")
                self._peak_check = v.get(name, math.nan)
        if self.d.asym_metric:
            for code, name in SIDE_NAMES.items():
                metric = self.d.metric_for(self.d.asym_metric, code)
                x = v.get(metric, math.nan)
                if self._flags and is_reliable(self._flags, metric) is False:
                    continue  # not measurable from this camera angle: no left/right number
                if not math.isnan(x):
                    self._asym[name] = max(self._asym.get(name, -math.inf), x)

    def activity_side(self) -> str:
        """Side key ("left" / "right" / "both") the current activity belongs to."""
        if self.d.sides == "both":
            return "both"
        if self.fixed is not None:
            return SIDE_NAMES[self.fixed]
        if not self.side_votes:
            return SIDE_NAMES.get(self._last_side or "L", "left")
        return SIDE_NAMES[self.side_votes.most_common(1)[0][0]]

    def depth_trusted(self) -> bool:
        """False when the activity's deepest frame failed the exercise's ``depth_check``."""
        check = self.d.depth_check
        return check is None or not (self._peak_check < check[1])

    def credit(self, side: str, peak: float, depth_ok: bool = True) -> None:
        """Count one done on ``side`` with its ``peak`` primary value (NaN if doubtful)."""
        self.counts[side] = self.counts.get(side, 0) + 1
        self.peaks.setdefault(side, []).append(peak if depth_ok else math.nan)
        for k, x in self._asym.items():
            self.asym_peaks[k].append(x)

    def _disarm(self) -> None:
        self.mode.disarm()

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
        self._prev_t = self.now = fm.t_s
        ev: list[Event] = []
        st = self.setup.update(fm)
        for p in st.new_problems:
            if self.cues.allow(p, self.now):
                self.emit(ev, "setup_problem", None, p)
        src = self._source(fm)
        self.base.update(fm, src, clean=not st.problems, ok_now=st.ok)
        if self._pending is not None:
            if st.ok:
                self._replay(self._pending, st, ev)
                self._pending = None
                dt = max(fm.t_s - self._prev_t, 0.0)
                self._prev_t = self.now = fm.t_s
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
                self.base.rest_offset(v, self.side_key(self._pick(v)[0]), True)
        prev = frames[0].t_s if frames else self.now
        for old in frames:
            self.now = old.t_s
            self._step(old, st, self._source(old), ev, max(old.t_s - prev, 0.0))
            prev = self._prev_t = old.t_s

    def _step(
        self, fm: FrameMetrics, st, src: dict[str, float], ev: list[Event], dt: float
    ) -> TrackerState:
        """The engine on one frame whose setup status ``st`` is known."""
        d = self.d
        self._flags = fm.reliable
        v = with_derived(src, self.base.values, fm.pose)
        if st.ok and d.mode == "reps":
            retaken = self.base.switch_view(fm)  # both run: each keeps its own timers
            retaken = self.base.restand(fm, v) or retaken
            if retaken:
                self.mode.cancel()  # the standing thigh height was wrong: so was that "rep"
                v = with_derived(src, self.base.values, fm.pose)
        s, value, metric = self._pick(v)
        if not st.ok:
            value = math.nan
        rest = self.base.rest_offset(v, self.side_key(s), st.ok)
        shown = value
        value = value - rest
        phase = self.mode.step(ev, s, value, v, dt)
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
        off = self.base.rest_of(self.side_key(s)) if self.d.rest_relative else 0.0
        return (lo + off, hi)

    def _current_side(self, s: str | None, phase: str) -> str | None:
        if self.d.sides == "both":
            return "both"
        if self.fixed is not None:
            return SIDE_NAMES[self.fixed]
        code = s if phase in ("moving", "holding") else self._last_side
        return SIDE_NAMES.get(code or "")

    def _elapsed(self) -> float:
        return self.mode.elapsed()

    def _elapsed_target(self) -> float | None:
        return self.mode.elapsed_target()

    def _current_cue(self) -> str | None:
        return self.cues.showing(self.now) or self.mode.progress_cue()

    def finish(self) -> ExerciseResult:
        """Close what is open and return the set's :class:`ExerciseResult`."""
        d, ev = self.d, []
        self.mode.finish(ev)
        timed = {k: round(x, 3) for k, x in self.mode.timed_totals().items()}
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
        for side_key, ps in per_side.items():
            doubtful = [r for r in self.rep_records
                        if r.side == side_key and r.counted and not r.depth_reliable]  # fmt: skip
            if doubtful:
                ps["unreliable_depths"] = len(doubtful)
            if d.depth_uncertainty is not None and ps.get("best_depth") is not None:
                ps["depth_uncertainty"] = d.depth_uncertainty
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
            duration_s=self.now - (self._t0 or 0.0),
        )
