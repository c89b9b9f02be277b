"""NaN-aware arithmetic on one frame's metric values, shared by the derived measures.

``Values`` maps metric names to floats (degrees, ratios or torso lengths; NaN = not
measurable). Every function here is pure; NaN in means NaN out unless stated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from formcheck.pose.landmarks import VISIBILITY_THRESHOLD, PoseFrame

Values = Mapping[str, float]

_NAN = math.nan


def value(v: Values, k: str) -> float:
    """``v[k]`` as a float, NaN when missing or None."""
    x = v.get(k, _NAN)
    return _NAN if x is None else float(x)


def since_start(v: Values, b: Values, name: str) -> float:
    """``name`` minus its baseline (e.g. pelvis rotation since the set started)."""
    return value(v, name) - value(b, name)


def nanmin(a: float, b: float) -> float:
    """min, NaN if either is NaN."""
    return _NAN if math.isnan(a) or math.isnan(b) else min(a, b)


def nanmax(a: float, b: float) -> float:
    """max, NaN if either is NaN."""
    return _NAN if math.isnan(a) or math.isnan(b) else max(a, b)


def anymin(a: float, b: float) -> float:
    """min of the measurable values (side views often hide the far leg); NaN if none."""
    return nanmin(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def anymax(a: float, b: float) -> float:
    """max of the measurable values; NaN if none."""
    return nanmax(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def mean2(a: float, b: float) -> float:
    """The mean of two values (NaN if either is)."""
    return 0.5 * (a + b)


def absdiff(a: float, b: float) -> float:
    """``|a - b|`` (NaN if either is)."""
    return abs(a - b)


def pair(v: Values, name: str, fn: Callable[[float, float], float]) -> float:
    """``fn`` of a per-leg metric's two values (``name_L``, ``name_R``)."""
    return fn(value(v, f"{name}_L"), value(v, f"{name}_R"))


def seen_xy(pose: PoseFrame | None, idx: list[int]) -> np.ndarray | None:
    """The pose's pixel coordinates when every landmark in ``idx`` is visible, else None."""
    if pose is None or pose.xy is None or pose.vis is None:
        return None
    if np.any(np.asarray(pose.vis)[idx] < VISIBILITY_THRESHOLD):
        return None
    return np.asarray(pose.xy)
