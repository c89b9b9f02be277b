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
from formcheck.geometry import METRIC_NAMES, METRICS
from formcheck.metrics import FrameMetrics

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
