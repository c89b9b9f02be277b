"""Derived per-frame metrics the catalogue can name, computed from one frame's metrics.

Each entry of :data:`DERIVED_METRICS` is a pure function
``(values, baseline, pose) -> float`` where ``values`` is the frame's metric dict
(:data:`formcheck.geometry.METRIC_NAMES`), ``baseline`` holds values captured when
the setup first passed (``pelvis_yaw``, ``trunk_twist``) and ``pose`` is the
frame's :class:`~formcheck.landmarks.PoseFrame` or ``None``. NaN = not measurable.

Degrees unless stated. Names ending in ``_L``/``_R`` are per leg.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from formcheck.landmarks import ANKLE, FOOT, HEEL, HIP, SHOULDER, VISIBILITY_THRESHOLD, PoseFrame

Values = Mapping[str, float]
Derived = Callable[[Values, Values, PoseFrame | None], float]

_NAN = math.nan


def _get(v: Values, k: str) -> float:
    x = v.get(k, _NAN)
    return _NAN if x is None else float(x)


def _rel(name: str) -> Derived:
    """``name`` minus its baseline (e.g. pelvis rotation since the set started)."""
    return lambda v, b, p: _get(v, name) - _get(b, name)


def _signed(name: str, sign: float) -> Derived:
    return lambda v, b, p: sign * _get(v, name)


def _twist_for(sign: float) -> Derived:
    """Trunk twist since the start, signed so that the exercise's direction is positive."""
    return lambda v, b, p: sign * (_get(v, "trunk_twist") - _get(b, "trunk_twist"))


def _nanmin(a: float, b: float) -> float:
    return _NAN if math.isnan(a) or math.isnan(b) else min(a, b)


def _nanmax(a: float, b: float) -> float:
    return _NAN if math.isnan(a) or math.isnan(b) else max(a, b)


def _pair(fn: Callable[[float, float], float], name: str) -> Derived:
    return lambda v, b, p: fn(_get(v, f"{name}_L"), _get(v, f"{name}_R"))


def _knee_lift(side: str) -> Derived:
    """How much higher this knee is than the other, torso lengths (+ = this knee lifted)."""
    other = "R" if side == "L" else "L"
    return lambda v, b, p: _get(v, f"knee_rel_y_{other}") - _get(v, f"knee_rel_y_{side}")


def foot_back(pose: PoseFrame | None, side: str) -> float:
    """How far ``side``'s ankle is behind the other ankle, torso lengths (side view).

    Forward is where the toes point (mean heel->toe x of both feet). NaN when the
    feet, hips or shoulders are not visible.
    """
    if pose is None or pose.xy is None or pose.vis is None:
        return _NAN
    xy, vis = np.asarray(pose.xy), np.asarray(pose.vis)
    idx = [
        ANKLE["L"],
        ANKLE["R"],
        HEEL["L"],
        HEEL["R"],
        FOOT["L"],
        FOOT["R"],
        HIP["L"],
        HIP["R"],
        SHOULDER["L"],
        SHOULDER["R"],
    ]
    if np.any(vis[idx] < VISIBILITY_THRESHOLD):
        return _NAN
    fwd = (xy[FOOT["L"], 0] - xy[HEEL["L"], 0]) + (xy[FOOT["R"], 0] - xy[HEEL["R"], 0])
    torso = np.linalg.norm(
        0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]]) - 0.5 * (xy[HIP["L"]] + xy[HIP["R"]])
    )
    if abs(fwd) < 1e-6 or torso < 1e-6:
        return _NAN
    other = "R" if side == "L" else "L"
    behind = (xy[ANKLE[other], 0] - xy[ANKLE[side], 0]) * math.copysign(1.0, fwd)
    return float(behind / torso)


DERIVED_METRICS: dict[str, Derived] = {
    "pelvis_rotation": _rel("pelvis_yaw"),
    "trunk_twist_rel": _rel("trunk_twist"),
    "knee_drop_mean": _pair(lambda a, b: 0.5 * (a + b), "knee_drop"),
    "knee_drop_diff": _pair(lambda a, b: abs(a - b), "knee_drop"),
    "knee_flexion_mean": _pair(lambda a, b: 0.5 * (a + b), "knee_flexion"),
    "knee_flexion_min": _pair(_nanmin, "knee_flexion"),
    "knee_flexion_max": _pair(_nanmax, "knee_flexion"),
    "knee_valgus_max": _pair(_nanmax, "knee_valgus"),
    "knee_valgus_diff": _pair(lambda a, b: abs(a - b), "knee_valgus"),
    # Right foot turned out (or right foot back) -> twist to the left (+): "for_R" is +twist.
    "twist_for_R": _twist_for(+1.0),
    "twist_for_L": _twist_for(-1.0),
    "knee_drop_out_L": _signed("knee_drop_L", -1.0),
    "knee_drop_out_R": _signed("knee_drop_R", -1.0),
    "knee_lift_L": _knee_lift("L"),
    "knee_lift_R": _knee_lift("R"),
    "foot_back_L": lambda v, b, p: foot_back(p, "L"),
    "foot_back_R": lambda v, b, p: foot_back(p, "R"),
}

#: Metrics captured as the set's baseline when the setup first passes.
BASELINE_METRICS = ("pelvis_yaw", "trunk_twist")


def with_derived(values: Values, baseline: Values, pose: PoseFrame | None) -> dict[str, float]:
    """``values`` plus every derived metric (NaN where not measurable)."""
    out = {k: (_NAN if x is None else float(x)) for k, x in values.items()}
    with np.errstate(invalid="ignore"):
        for name, fn in DERIVED_METRICS.items():
            try:
                val = float(fn(out, baseline, pose))
            except (ValueError, TypeError):
                val = _NAN
            out[name] = val if math.isfinite(val) else _NAN
    return out
