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
    """``v[k]`` as a float, NaN when missing or None.

    Parameters
    ----------
    v : Values
        One frame's metric values.
    k : str
        A metric name.

    Returns
    -------
    float
        The value; NaN when missing or None.
    """
    x = v.get(k, _NAN)
    return _NAN if x is None else float(x)


def since_start(v: Values, b: Values, name: str) -> float:
    """``name`` minus its baseline (e.g. pelvis rotation since the set started).

    Parameters
    ----------
    v : Values
        One frame's metric values.
    b : Values
        The baseline values (e.g. from the start of the set).
    name : str
        A metric name.

    Returns
    -------
    float
        In the metric's units; NaN when either is missing.
    """
    return value(v, name) - value(b, name)


def nanmin(a: float, b: float) -> float:
    """min, NaN if either is NaN.

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        The smaller; NaN if either is NaN.
    """
    return _NAN if math.isnan(a) or math.isnan(b) else min(a, b)


def nanmax(a: float, b: float) -> float:
    """max, NaN if either is NaN.

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        The larger; NaN if either is NaN.
    """
    return _NAN if math.isnan(a) or math.isnan(b) else max(a, b)


def anymin(a: float, b: float) -> float:
    """min of the measurable values (side views often hide the far leg); NaN if none.

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        The smaller measurable one; NaN if both are NaN.
    """
    return nanmin(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def anymax(a: float, b: float) -> float:
    """max of the measurable values; NaN if none.

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        The larger measurable one; NaN if both are NaN.
    """
    return nanmax(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def mean2(a: float, b: float) -> float:
    """The mean of two values (NaN if either is).

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        NaN if either is NaN.
    """
    return 0.5 * (a + b)


def absdiff(a: float, b: float) -> float:
    """``|a - b|`` (NaN if either is).

    Parameters
    ----------
    a, b : float
        Two values (NaN = not measurable).

    Returns
    -------
    float
        NaN if either is NaN.
    """
    return abs(a - b)


def pair(v: Values, name: str, fn: Callable[[float, float], float]) -> float:
    """``fn`` of a per-leg metric's two values (``name_L``, ``name_R``).

    Parameters
    ----------
    v : Values
        One frame's metric values.
    name : str
        The per-leg metric's name without its side suffix.
    fn : callable (float, float) -> float
        E.g. :func:`anymin`, :func:`mean2`.

    Returns
    -------
    float
        ``fn(value(v, name_L), value(v, name_R))``.
    """
    return fn(value(v, f"{name}_L"), value(v, f"{name}_R"))


def seen_xy(pose: PoseFrame | None, idx: list[int]) -> np.ndarray | None:
    """The pose's pixel coordinates when every landmark in ``idx`` is visible, else None.

    Parameters
    ----------
    pose : PoseFrame or None
        One frame's pose.
    idx : list of int
        Landmark indices that must be visible (>= :data:`VISIBILITY_THRESHOLD`).

    Returns
    -------
    ndarray, shape (33, 2), or None
        Image landmarks, pixels (x right, y down); None when nobody was found or a
        landmark in ``idx`` is not visible.
    """
    if pose is None or pose.xy is None or pose.vis is None:
        return None
    if np.any(np.asarray(pose.vis)[idx] < VISIBILITY_THRESHOLD):
        return None
    return np.asarray(pose.xy)
