"""Builders of hand-made FrameMetrics sequences for the exercise-engine tests.

A :class:`Script` is a list of segments; each segment lasts ``dur`` seconds and
sets metrics to a constant, a linear ramp ``(a, b)`` or a function of the
segment's local time ``f(t_local_s)``. Gaussian noise from a seeded RNG is added
to every set metric (``noise`` for degrees, ``noise_torso`` for torso-length
metrics). Unset metrics are NaN, exactly like a frame where they are not
measurable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from formcheck.exercises import ExerciseDef, ExerciseResult, ExerciseTracker, TrackerState
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.registry import METRIC_NAMES, METRICS
from formcheck.pose.landmarks import PoseFrame

Spec = float | tuple[float, float] | Callable[[float], float]


@dataclass
class Segment:
    """``dur`` seconds of frames with the given metric specs and frame flags."""

    dur: float
    metrics: dict[str, Spec]
    view: str | None = None
    position: str | None = None
    detected: bool = True
    n_people: int = 1
    noise: float | None = None


@dataclass
class Script:
    """A timeline of segments rendered to FrameMetrics at ``fps``."""

    fps: float = 30.0
    seed: int = 0
    noise: float = 0.5
    noise_torso: float = 0.002
    view: str = "front"
    position: str = "seated"
    base: dict[str, Spec] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    swap_frac: float = 0.0  # fraction of frames with every _L/_R metric swapped

    def seg(
        self,
        dur: float,
        view: str | None = None,
        position: str | None = None,
        detected: bool = True,
        n_people: int = 1,
        noise: float | None = None,
        **metrics: Spec,
    ) -> Script:
        """Append a segment; metrics not given keep the script's ``base`` spec."""
        self.segments.append(Segment(dur, metrics, view, position, detected, n_people, noise))
        return self

    def start_times(self) -> list[float]:
        """Start time (s) of each segment."""
        out, t = [], 0.0
        for s in self.segments:
            out.append(t)
            t += s.dur
        return out

    def frames(self) -> list[FrameMetrics]:
        """Render every segment to frames (index from 0, t = index / fps)."""
        rng = np.random.default_rng(self.seed)
        out: list[FrameMetrics] = []
        i = 0
        t_seg = 0.0
        for s in self.segments:
            n = int(round((t_seg + s.dur) * self.fps)) - int(round(t_seg * self.fps))
            start_i = i
            for _ in range(n):
                t = i / self.fps
                local = t - start_i / self.fps
                u = local / s.dur if s.dur > 0 else 0.0
                vals = dict.fromkeys(METRIC_NAMES, math.nan)
                if s.detected:
                    for name, spec in {**self.base, **s.metrics}.items():
                        vals[name] = _value(spec, u, local) + self._noise(rng, name, s)
                    if self.swap_frac and rng.random() < self.swap_frac:
                        vals = _swap(vals)
                out.append(
                    FrameMetrics(
                        index=i,
                        t_s=t,
                        detected=s.detected,
                        n_people=s.n_people if s.detected else 0,
                        values=vals,
                        view=(s.view or self.view) if s.detected else "other",
                        position=(s.position or self.position) if s.detected else "unknown",
                    )
                )
                i += 1
            t_seg += s.dur
        return out

    def _noise(self, rng: np.random.Generator, name: str, s: Segment) -> float:
        sigma = self.noise if s.noise is None else s.noise
        if METRICS.get(name, ("deg",))[0] in ("torso", "ratio"):
            sigma = self.noise_torso if s.noise is None else s.noise * self.noise_torso
        return float(rng.normal(0.0, sigma)) if sigma > 0 else 0.0


def _value(spec: Spec, u: float, local: float) -> float:
    if callable(spec):
        return float(spec(local))
    if isinstance(spec, tuple):
        a, b = spec
        return a + (b - a) * u
    return float(spec)


def _swap(vals: dict[str, float]) -> dict[str, float]:
    out = dict(vals)
    for k in vals:
        if k.endswith("_L"):
            r = k[:-2] + "_R"
            out[k], out[r] = vals[r], vals[k]
    return out


def run(
    d: ExerciseDef, frames: list[FrameMetrics], side: str = "auto"
) -> tuple[list[TrackerState], ExerciseResult]:
    """Feed ``frames`` to a fresh tracker; return every state and the final result."""
    tr = ExerciseTracker(d, side=side)
    states = [tr.update(f) for f in frames]
    return states, tr.finish()


def events_of(states: list[TrackerState], kind: str) -> list:
    """Every event of ``kind`` across ``states``."""
    return [e for s in states for e in s.events if e.kind == kind]


FRAME = 1 / 30


# --------------------------------------------------------------------------- landmark level


def stick_pose(
    i: int,
    t: float,
    points: dict[int, tuple[float, float]],
    n_people: int = 1,
    width: int = 640,
    height: int = 480,
) -> PoseFrame:
    """A PoseFrame with the given landmark pixels (others at the image centre), all visible."""
    xy = np.tile(np.array([width / 2, height / 2], float), (33, 1))
    for k, p in points.items():
        xy[k] = p
    return PoseFrame(i, t, width, height, xy=xy, vis=np.ones(33), world=None, n_people=n_people)


def seated_front_pose(
    i: int, t: float, drop_r: float, ankle_slides: bool = False, foot_shift: float = 0.0
) -> PoseFrame:
    """Seated on the floor seen from the front; the right knee dropped ``drop_r`` degrees
    toward the midline about its planted ankle. ``ankle_slides`` mimics MediaPipe putting
    the hidden ankle under the dropped knee; ``foot_shift`` moves the right foot outward
    (pixels), as when someone re-places it between reps."""
    shank = 125.0
    ank_r, ank_l = (215.0 - foot_shift, 240.0), (425.0, 240.0)
    a = math.radians(drop_r)
    knee_r = (ank_r[0] + shank * math.sin(a), ank_r[1] - shank * math.cos(a))
    if ankle_slides and drop_r > 30:
        ank_r = (knee_r[0] + 20.0, 245.0)
    pts = {
        11: (380.0, 80.0),
        12: (260.0, 80.0),
        23: (355.0, 225.0),
        24: (295.0, 225.0),
        25: (405.0, 120.0),
        26: knee_r,
        27: ank_l,
        28: ank_r,
        29: (ank_l[0] - 5, 248.0),
        30: (ank_r[0] + 5, 248.0),
        31: (ank_l[0] + 5, 262.0),
        32: (ank_r[0] - 5, 262.0),
    }
    return stick_pose(i, t, pts)


def squat_front_pose(i: int, t: float, depth: float) -> PoseFrame:
    """Squat seen from the front: thighs ``depth`` degrees from vertical (toward the camera)."""
    th, sh = 100.0, 100.0
    knee_y = 430.0 - sh * math.cos(math.radians(depth / 2))
    hip_y = knee_y - th * math.cos(math.radians(depth))
    pts = {
        11: (380.0, hip_y - 150),
        12: (260.0, hip_y - 150),
        23: (350.0, hip_y),
        24: (290.0, hip_y),
        25: (350.0, knee_y),
        26: (290.0, knee_y),
        27: (355.0, 430.0),
        28: (285.0, 430.0),
        29: (355.0, 440.0),
        30: (285.0, 440.0),
        31: (360.0, 450.0),
        32: (280.0, 450.0),
    }
    return stick_pose(i, t, pts)
