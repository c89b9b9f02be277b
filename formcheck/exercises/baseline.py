"""The set's baseline: values captured at rest when the setup first passes.

:class:`Baseline` collects, while the setup is clean, the metrics of
:data:`~formcheck.measure.derived.BASELINE_METRICS` and the landmark positions
of :func:`~formcheck.measure.derived.pose_baseline`, and fixes their medians
when the setup first passes (pelvis rotation and trunk twist are measured from
there, knee drops to the planted ankle). For ``rest_relative`` exercises it then
captures each side's rest value of the primary metric over the next few frames
(people rest with their knees leaning 0-15 degrees, up to 40 on a wide stance filmed
close): thresholds count from it. Afterwards the rest value of the side being
followed only ever moves down, to the median of its last few frames when that is
lower (someone who sat down with the knee already dropped, then straightened it).

Between reps and holds (:meth:`Baseline.reanchor`) the landmark positions follow
slowly where they are now, so a foot that is re-placed or a person who moves
closer to the camera between sets does not skew the planted-ankle knee drop or
the squat depth. A hidden ankle is never followed: only an ankle seen clearly
(visibility 0.8) under an upright shank. The standing thigh and trunk heights also jump
up at once to one seen at rest that is 1.5 times as tall (the set began at the bottom of a
squat). A thigh that reads well dropped while its knee is straight, seen side-on or at an
angle, for a second, is standing too: its standing height was taken wrong (a phone moved
up close while the set-up settled) and is taken again (:meth:`Baseline.restand`). The
standing heights are kept per camera view, so a clip that cuts from a front camera to a
side one and back gets its front heights back (:meth:`Baseline.switch_view`).
"""

from __future__ import annotations

import math
import statistics
from collections import deque

import numpy as np

from formcheck.exercises.model import ExerciseDef
from formcheck.measure.derived import BASELINE_METRICS, BASELINE_POSE_KEYS, pose_baseline
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.registry import MEASURES
from formcheck.pose.landmarks import Side

#: Frames (after the setup passes) whose median is a side's rest value.
REST_FRAMES = 6
#: Bound on a rest value, in the primary's unit (someone mid-movement at the start). A
#: wide seated stance filmed from close and low really rests at 35-40 degrees of knee
#: lean (a held-out render; 43 on the seated scale), while the bottom of a rep reads 55-70.
REST_CLAMP = 45.0
#: Per-frame weight of the current position when re-anchoring at rest.
REANCHOR_RATE = 0.05
#: Measures whose baseline follows the person at rest: each record's ``reanchor`` rule
#: (:class:`formcheck.measure.registry.Reanchor`): an ankle only when its shank is within
#: 20 degrees of upright and it is seen (visibility 0.8), the standing thigh and trunk
#: heights only while standing within 15 degrees, the knee's path at rest (0.02 torso
#: lengths), the shoulder width only while the shoulder line is within 8 degrees of its
#: start.
REANCHORED = tuple(m for m in MEASURES.values() if m.reanchor is not None)
#: A standing height this many times the baseline's replaces it at once (see reanchor).
REBASE_TALLER = 1.5
#: Straight-leg re-base (see :meth:`Baseline.restand`): a leg seen side-on or at an angle
#: with a 2D knee flexion under STRAIGHT_KNEE (deg) whose thigh reads at least
#: WRONG_STANDING_DROP (deg) dropped, for WRONG_STANDING_S seconds. Real squats at the
#: bottom read 60-120 of knee flexion side-on; the 2D knee angle seen from the front reads
#: little in a squat, so front views are skipped.
STRAIGHT_KNEE = 12.0
WRONG_STANDING_DROP = 18.0
WRONG_STANDING_S = 1.0
#: Standing heights remembered per camera view (front / side), and how long a new view
#: must last (s) before its heights are swapped in.
VIEW_KEYS = ("thigh_dy_L", "thigh_dy_R", "torso_dy")
VIEW_SWITCH_S = 0.3
#: Only after a cut: a stretch of at least CUT_GAP_S (s) without a usable frame (nobody
#: found, or the setup failing: a cross-fade, a camera switch) ending at most CUT_RECENT_S
#: before the new view. A view that only flickers (an oblique camera) never swaps heights.
CUT_GAP_S = 0.2
CUT_RECENT_S = 1.5


class Baseline:
    """Rest values of one set (see module docstring). ``values`` feeds the derived metrics.

    Parameters
    ----------
    d : ExerciseDef
        The exercise.

    Attributes
    ----------
    values : dict of str to float
        Baseline metrics and landmark positions (:func:`~formcheck.measure.derived.pose_baseline`
        keys), fed to the derived metrics.
    rest : dict of str to float
        Side key (``"left"``, ``"right"`` or ``"both"``) -> rest value of the primary
        metric, in its unit.
    """

    def __init__(self, d: ExerciseDef) -> None:
        self.d = d
        self.values: dict[str, float] = {}
        self.rest: dict[str, float] = {}  # side key -> rest value of the primary
        self._buf: dict[str, deque[float]] = {}
        self._rest_buf: dict[str, deque[float]] = {}
        self._first_ok = True
        self._straight_since: dict[str, float] = {}  # leg -> since when straight, dropped
        self._by_view: dict[str, dict[str, float]] = {}  # view -> its standing heights
        self._new_view: tuple[str, float] | None = None  # (view, since when)
        self._last_ok_t: float | None = None  # the last frame switch_view saw
        self._cut_t = -math.inf  # when the last gap (a possible cut) ended
        self._last_view: str | None = None  # the front/side view of the last usable frame
        self._left_view: str | None = None  # the view before the last gap

    @property
    def fixed(self) -> bool:
        """True once the setup has passed and the baseline values are set."""
        return not self._first_ok

    def update(self, fm: FrameMetrics, values: dict[str, float], clean: bool, ok_now: bool) -> None:
        """Collect rest values while the setup is ``clean``; fix them when it is first ok.

        Parameters
        ----------
        fm : FrameMetrics
            The frame's metrics and pose.
        values : dict of str to float
            The frame's metrics the tracker works on (raw or corrected).
        clean : bool
            The setup is clean this frame (collect).
        ok_now : bool
            The setup passes this frame (fix the medians collected so far).
        """
        if not clean or len(self.values) == len(BASELINE_METRICS) + len(BASELINE_POSE_KEYS):
            return
        sample = {m: values.get(m, math.nan) for m in BASELINE_METRICS}
        sample = {k: (math.nan if x is None else float(x)) for k, x in sample.items()}
        sample |= pose_baseline(fm.pose)
        for k, x in sample.items():
            if k not in self.values and not math.isnan(x):
                self._buf.setdefault(k, deque(maxlen=15)).append(x)
        if ok_now:
            for k, buf in self._buf.items():
                if k not in self.values and len(buf) >= (1 if self._first_ok else 5):
                    self.values[k] = statistics.median(buf)
            self._first_ok = False

    def rest_offset(self, v: dict[str, float], key: str, ok: bool) -> float:
        """Rest value of side ``key`` to subtract (0 if not ``rest_relative``; NaN until known).

        Capture runs while ``ok``.

        Parameters
        ----------
        v : dict of str to float
            The frame's metrics (derived included).
        key : str
            The side key: ``"left"``, ``"right"`` or ``"both"``.
        ok : bool
            The frame may be used for the capture.

        Returns
        -------
        float
            In the primary metric's unit; 0 if not ``rest_relative``, NaN until known.
        """
        d = self.d
        if not d.rest_relative:
            return 0.0
        names = (
            {"both": d.primary_metric}
            if d.sides == "both"
            else {Side.name(c): d.metric_for(d.primary_metric, c) for c in Side.CODES}
        )
        if ok and self.fixed:
            for k, name in names.items():
                if k in self.rest and k != key:
                    continue  # after the capture, only the side being followed moves down
                x = v.get(name, math.nan)
                if math.isnan(x):
                    continue
                buf = self._rest_buf.setdefault(k, deque(maxlen=REST_FRAMES))
                buf.append(x)
                if len(buf) < REST_FRAMES:
                    continue
                med = statistics.median(buf)
                if k not in self.rest:
                    self.rest[k] = min(max(med, -REST_CLAMP), REST_CLAMP)
                elif med < self.rest[k]:
                    self.rest[k] = med  # lower than the captured rest: that was not rest
        return self.rest.get(key, math.nan)

    def rest_of(self, key: str) -> float:
        """Rest value of side ``key`` to add back to reported values (0 if none).

        Parameters
        ----------
        key : str
            The side key: ``"left"``, ``"right"`` or ``"both"``.

        Returns
        -------
        float
            In the primary metric's unit; 0 if none or not ``rest_relative``.
        """
        return self.rest.get(key, 0.0) if self.d.rest_relative else 0.0

    def reanchor(self, fm: FrameMetrics, v: dict[str, float]) -> None:
        """At rest: move the landmark baseline a little toward where it is now.

        Call only between reps / holds.

        Parameters
        ----------
        fm : FrameMetrics
            The frame's metrics and pose.
        v : dict of str to float
            The frame's metrics with the derived ones (``knee_drop_L``, ``thigh_drop_L``...).
        """
        if not self.fixed or fm.pose is None or fm.pose.vis is None:
            return
        now = pose_baseline(fm.pose)
        vis = np.asarray(fm.pose.vis)
        for m in REANCHORED:
            rule = m.reanchor
            for name, side in ((n, n[-1]) for n in m.names) if m.sided else ((m.name, None),):
                if rule.holds(v.get(name, math.nan), vis, side):
                    self._follow(now, tuple(k.replace("{s}", side or "") for k in rule.keys))
        # A thigh or trunk seen far taller than its standing height: that was not standing
        # (a clip that starts at the bottom of a squat); take the taller one at once. (Not
        # for a little taller: someone walking toward the camera grows 10-20% a stride.)
        for k in ("thigh_dy_L", "thigh_dy_R", "torso_dy"):
            x = now.get(k, -math.inf)
            if k in self.values and x > 0 and x > REBASE_TALLER * self.values[k]:
                self.values[k] = x

    def restand(self, fm: FrameMetrics, v: dict[str, float]) -> bool:
        """Take a leg's standing thigh height again when it reads dropped while straight.

        See the module docstring. Call on every frame after the setup has passed.

        Parameters
        ----------
        fm : FrameMetrics
            The frame's metrics and pose.
        v : dict of str to float
            The frame's metrics with the derived ones (``knee_drop_L``, ``thigh_drop_L``...).

        Returns
        -------
        bool
            True when one was just taken (a rep under way was not one).
        """
        if not self.fixed or fm.pose is None or fm.view == "front":
            return False  # front views neither confirm nor break a leg's run
        taken = False
        for s in ("L", "R"):
            k, d = v.get(f"knee_flexion_{s}", math.nan), v.get(f"thigh_drop_{s}", math.nan)
            if math.isnan(k) or math.isnan(d):
                continue  # hidden this frame: neither confirms nor breaks
            if not (k <= STRAIGHT_KNEE and d >= WRONG_STANDING_DROP):
                self._straight_since.pop(s, None)
                continue
            since = self._straight_since.setdefault(s, fm.t_s)
            if fm.t_s - since < WRONG_STANDING_S - 1e-9:
                continue
            h = pose_baseline(fm.pose).get(f"thigh_dy_{s}", math.nan)
            if h > 0:
                self.values[f"thigh_dy_{s}"] = h
                self._straight_since.pop(s)
                taken = True
        if taken and fm.view in ("front", "side"):
            self._by_view[fm.view] = self._heights()  # these belong to this view
        return taken

    def switch_view(self, fm: FrameMetrics) -> bool:
        """Give a camera view its own standing heights back after a cut.

        The heights taken when the setup passed belong to that view; those
        :meth:`restand` takes again belong to the view they were taken in. When, just
        after a cut (no usable frame for :data:`CUT_GAP_S`), the view is one of these for
        :data:`VIEW_SWITCH_S`, its heights come back: a clip that cuts from a front camera
        to a side one and back. Call on every usable frame after the setup has passed.

        Parameters
        ----------
        fm : FrameMetrics
            The frame's metrics and pose.

        Returns
        -------
        bool
            True when they did (a rep under way was read against the other view's heights).
        """
        if not self.fixed or not fm.detected:
            return False
        if self._last_ok_t is not None and fm.t_s - self._last_ok_t >= CUT_GAP_S - 1e-9:
            self._cut_t = fm.t_s
            self._left_view = self._last_view  # the view the cut left
        self._last_ok_t = fm.t_s
        if fm.view not in ("front", "side"):
            return False
        self._last_view = fm.view
        if not self._by_view:  # the setup's own view
            self._by_view[fm.view] = self._heights()
        known = self._by_view.get(fm.view)
        cut_here = self._left_view not in (None, fm.view) and fm.t_s - self._cut_t <= CUT_RECENT_S
        if not known or known == self._heights() or not cut_here:
            self._new_view = None  # the same camera (an oblique one flickers): keep all
            return False
        if self._new_view is None or self._new_view[0] != fm.view:
            self._new_view = (fm.view, fm.t_s)
        if fm.t_s - self._new_view[1] < VIEW_SWITCH_S - 1e-9:
            return False
        self._by_view[self._left_view] = self._heights()  # as they were followed there
        self.values.update(known)
        self._new_view, self._cut_t = None, -math.inf
        return True

    def _heights(self) -> dict[str, float]:
        return {k: self.values[k] for k in VIEW_KEYS if k in self.values}

    def _follow(self, now: dict[str, float], keys: tuple[str, ...]) -> None:
        for k in keys:
            if k in self.values and k in now:
                self.values[k] += REANCHOR_RATE * (now[k] - self.values[k])
