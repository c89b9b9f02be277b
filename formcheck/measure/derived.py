"""Derived per-frame measures of the legs, computed from one frame's catalogue metrics.

Each is a pure function ``(values, baseline, pose[, side]) -> float`` (its record, with
unit, words and reliability, is in :data:`formcheck.measure.registry.DERIVED`; the trunk's
are in :mod:`formcheck.measure.trunk`) where ``values`` is the frame's metric dict
(:data:`formcheck.measure.registry.METRIC_NAMES`), ``baseline`` holds values captured when
the setup first passed (:func:`pose_baseline`, :data:`BASELINE_METRICS`) and ``pose`` is
the frame's :class:`~formcheck.pose.landmarks.PoseFrame` or ``None``. NaN = not
measurable.

Degrees unless stated. ``side`` is the leg, ``"L"`` or ``"R"``.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.measure.trunk import shoulder_width, torso_height
from formcheck.measure.values import Values, seen_xy, value
from formcheck.pose.landmarks import (
    ANKLE,
    FOOT,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    VISIBILITY_THRESHOLD,
    PoseFrame,
    Side,
)

_NAN = math.nan


#: Visibility enough to follow a knee's path: side views see the far knee at 0.4-0.5
#: while MediaPipe still places it well.
PATH_VISIBILITY = 0.3


def knee_path(pose: PoseFrame | None, side: str) -> tuple[float, float]:
    """Knee position relative to the hip midpoint in torso lengths ``(x, y)``, y down.

    Like ``knee_rel_x/y`` but accepting a knee seen with visibility 0.3 (the far
    leg side-on), for circle counting.

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    x, y : float
        Torso lengths, image axes (y down). NaN when not seen (knee, hips or shoulders
        under visibility :data:`PATH_VISIBILITY`, or no torso).
    """
    if pose is None or pose.xy is None or pose.vis is None:
        return _NAN, _NAN
    xy, vis = np.asarray(pose.xy), np.asarray(pose.vis)
    idx = [KNEE[side], HIP["L"], HIP["R"], SHOULDER["L"], SHOULDER["R"]]
    if np.any(vis[idx] < PATH_VISIBILITY):
        return _NAN, _NAN
    hip = 0.5 * (xy[HIP["L"]] + xy[HIP["R"]])
    torso = float(np.linalg.norm(0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]]) - hip))
    if torso < 1e-6:
        return _NAN, _NAN
    d = (xy[KNEE[side]] - hip) / torso
    return float(d[0]), float(d[1])


def knee_path_x(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """:func:`knee_path`'s x, or ``knee_rel_x`` when there are no landmarks (torso lengths).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Torso lengths; NaN when not seen.
    """
    return knee_path(p, side)[0] if p is not None else value(v, f"knee_rel_x_{side}")


def knee_path_y(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """:func:`knee_path`'s y, or ``knee_rel_y`` when there are no landmarks (torso lengths).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Torso lengths, + = down; NaN when not seen.
    """
    return knee_path(p, side)[1] if p is not None else value(v, f"knee_rel_y_{side}")


def knee_lift(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """How much higher this knee is than at the start, torso lengths (+ = lifted).

    Compared with its own rest height: side-on, the far knee sits higher in the
    image than the near one (perspective). Without a baseline, compared with the
    other knee.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Torso lengths, + = lifted; NaN when not measurable.
    """
    ref = value(b, f"knee_path_y_{side}")
    if math.isnan(ref):
        ref = value(b, f"knee_rel_y_{side}")
    if math.isnan(ref):
        ref = knee_path_y(v, b, p, Side.other(side))
    return ref - knee_path_y(v, b, p, side)


def foot_back(pose: PoseFrame | None, side: str) -> float:
    """How far ``side``'s ankle is behind the other ankle, torso lengths (side view).

    Forward is where the toes point (mean heel->toe x of both feet).

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Torso lengths, + = behind. NaN when the feet, hips or shoulders are not visible
        (or the feet point nowhere along x).
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
    other = Side.other(side)
    behind = (xy[ANKLE[other], 0] - xy[ANKLE[side], 0]) * math.copysign(1.0, fwd)
    return float(behind / torso)


def knee_drop_planted(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """Shank tilt measured to the ankle where it was planted at the start (degrees).

    Like ``knee_drop`` (0 = shank upright, + = knee toward the midline) but the
    ankle is the baseline position captured when the setup passed: MediaPipe
    drags a hidden ankle under a dropped knee (seated internal rotation reads
    the tilt backwards), while the foot really stays put. Without landmarks or
    a baseline this is the measured ``knee_drop``.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Degrees; 0 = shank upright, + = knee toward the midline.
    """
    ax, ay = value(b, f"ankle_x_{side}"), value(b, f"ankle_y_{side}")
    xy = seen_xy(pose, [KNEE[side], HIP["L"], HIP["R"]])
    if xy is None or math.isnan(ax) or math.isnan(ay):
        return value(v, f"knee_drop_{side}")
    other = Side.other(side)
    medial = 1.0 if xy[HIP[other], 0] >= xy[HIP[side], 0] else -1.0
    dx, dy = xy[KNEE[side], 0] - ax, xy[KNEE[side], 1] - ay
    return math.degrees(math.atan2(dx * medial, -dy))


#: MediaPipe's planted-ankle tilt of a seated knee dropping toward the midline reads about
#: 3/4 of the true drop at the bottom: true ~= 1.27 x read, a least-squares fit on 13 reps
#: of rendered training clips (8 bodies); on 16 held-out reps (6 other bodies) the error
#: at the bottom went from 15.9 to 5.6 degrees (docs/accuracy.md).
SEATED_DROP_SCALE = 1.27


def knee_drop_seated(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """:func:`knee_drop_planted` scaled to the true drop (degrees; see SEATED_DROP_SCALE).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Degrees, + = knee toward the midline.
    """
    return SEATED_DROP_SCALE * knee_drop_planted(v, b, pose, side)


def knee_drop_moved(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """:func:`knee_drop_planted` minus its value when the setup passed (degrees).

    How far this knee has moved in since the start: knees that rest leaning differently
    (a camera a little off to one side sees them so) do not count as moving unevenly.
    Without the start value, the plain planted tilt.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Degrees, + = moved toward the midline.
    """
    t0 = value(b, f"knee_tilt0_{side}")
    return knee_drop_planted(v, b, pose, side) - (0.0 if math.isnan(t0) else t0)


def shank_ratio(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """MediaPipe's knee-to-ankle length now over its length at rest (image pixels).

    A seated knee dropping toward the midline turns its shank into the image plane, so
    the true ratio grows; MediaPipe sometimes pulls the knee and ankle together instead
    (under 0.6 at the bottom: the depth read then runs 14-24 deep).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Ratio, 1 = as at rest. NaN without both landmarks or a rest length.
    """
    rest = value(b, f"shank_{side}")
    xy = seen_xy(pose, [KNEE[side], ANKLE[side]])
    if xy is None or math.isnan(rest) or rest <= 1e-6:
        return _NAN
    return float(np.hypot(*(xy[KNEE[side]] - xy[ANKLE[side]]))) / rest


def thigh_drop(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """Thigh angle from vertical from the shrinking hip-to-knee height (degrees, 0 = standing).

    ``arccos(height / standing height)``: valid from the front (the thigh swings
    toward the camera, where 2D knee flexion stays near 0) and from the side.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Degrees, 0 = standing. Without landmarks or a baseline: NaN.
    """
    h0 = value(b, f"thigh_dy_{side}")
    xy = seen_xy(pose, [KNEE[side], HIP[side]])
    if xy is None or math.isnan(h0) or h0 <= 1e-6:
        return _NAN
    h = xy[KNEE[side], 1] - xy[HIP[side], 1]
    return math.degrees(math.acos(max(-1.0, min(1.0, h / h0))))


def leg_bend_diff(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Difference of the two thighs' :func:`thigh_drop` (degrees).

    One thigh down and the other upright is a lunge or a split squat, both down a
    squat.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, >= 0. NaN unless both seen.
    """
    return abs(thigh_drop(v, b, pose, "L") - thigh_drop(v, b, pose, "R"))


def squat_depth(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Mean :func:`thigh_drop` of the legs seen (degrees).

    Both from the front; from the side the far leg is often hidden, and the near one
    alone gives the depth. Without landmarks, the mean 2D knee flexion.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, 0 = standing; NaN when neither leg is seen.
    """
    if pose is None:
        return 0.5 * (value(v, "knee_flexion_L") + value(v, "knee_flexion_R"))
    seen = [x for x in (thigh_drop(v, b, pose, s) for s in ("L", "R")) if not math.isnan(x)]
    return sum(seen) / len(seen) if seen else _NAN


def pose_baseline(pose: PoseFrame | None) -> dict[str, float]:
    """Landmark positions captured at the start.

    Ankle pixels, hip-to-knee heights, the shoulder width and the trunk's height.

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    dict of str to float
        Ankle pixels (``ankle_x/y_{side}``), the knee's tilt over its ankle
        (``knee_tilt0``, degrees), the shank length (``shank``, pixels), hip-to-knee
        heights (``thigh_dy``, pixels), the knee path height (``knee_path_y``, torso
        lengths), the shoulder width (``shoulder_w``) and the trunk's height
        (``torso_dy``); only the keys that were measurable (empty without a pose).
    """
    out: dict[str, float] = {}
    if pose is None or pose.xy is None or pose.vis is None:
        return out
    xy, vis = np.asarray(pose.xy), np.asarray(pose.vis)
    for s in ("L", "R"):
        if vis[ANKLE[s]] >= VISIBILITY_THRESHOLD:
            out[f"ankle_x_{s}"], out[f"ankle_y_{s}"] = map(float, xy[ANKLE[s]])
            tilt0 = knee_drop_planted({}, out, pose, s)  # the knee's tilt over its own ankle
            if not math.isnan(tilt0):
                out[f"knee_tilt0_{s}"] = tilt0
            if vis[KNEE[s]] >= VISIBILITY_THRESHOLD:
                out[f"shank_{s}"] = float(np.hypot(*(xy[KNEE[s]] - xy[ANKLE[s]])))
        if min(vis[KNEE[s]], vis[HIP[s]]) >= VISIBILITY_THRESHOLD:
            out[f"thigh_dy_{s}"] = float(xy[KNEE[s], 1] - xy[HIP[s], 1])
        y = knee_path(pose, s)[1]
        if not math.isnan(y):
            out[f"knee_path_y_{s}"] = y
    if min(vis[SHOULDER["L"]], vis[SHOULDER["R"]]) >= VISIBILITY_THRESHOLD:
        out["shoulder_w"] = shoulder_width(xy)
    h = torso_height(pose)
    if not math.isnan(h):
        out["torso_dy"] = h
    return out


def knee_drop_out(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """:func:`knee_drop_planted`, + = away from the midline (degrees).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Degrees, + = away from the midline.
    """
    return -knee_drop_planted(v, b, pose, side)


def knee_drop_mean(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Mean of both legs' :func:`knee_drop_planted` (degrees).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, + = toward the midline; NaN if either leg is NaN.
    """
    return 0.5 * (knee_drop_planted(v, b, pose, "L") + knee_drop_planted(v, b, pose, "R"))


def knee_drop_diff(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Uneven knees: the two knees' :func:`knee_drop_moved`, compared (degrees).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, the absolute difference; NaN if either leg is NaN.
    """
    return abs(knee_drop_moved(v, b, pose, "L") - knee_drop_moved(v, b, pose, "R"))


def foot_front(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """How far ``side``'s ankle is ahead of the other one (torso lengths, side view).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The leg.

    Returns
    -------
    float
        Torso lengths, + = ahead; NaN as for :func:`foot_back`.
    """
    return -foot_back(pose, side)


#: Metrics captured as the set's baseline when the setup first passes (plus
#: :func:`pose_baseline`'s landmark positions).
BASELINE_METRICS = ("pelvis_yaw", "trunk_twist", "knee_rel_y_L", "knee_rel_y_R")
BASELINE_POSE_KEYS = (
    *(
        f"{k}_{s}"
        for k in ("ankle_x", "ankle_y", "knee_tilt0", "thigh_dy", "knee_path_y", "shank")
        for s in "LR"
    ),
    "shoulder_w",
    "torso_dy",
)
