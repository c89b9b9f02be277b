"""Derived measures of the trunk and pelvis: twist since the start, the trunk's drop
in a hinge, the hips' sideways shift in a side lunge, the pelvis tilt.

Pure functions ``(values, baseline, pose[, side]) -> float`` like
:mod:`formcheck.measure.derived` (records in :mod:`formcheck.measure.registry`).
Degrees unless stated; image pixels with y down.
"""

from __future__ import annotations

import math

import numpy as np

from formcheck.measure.geometry import torso_length
from formcheck.measure.posture import FRONT_WIDTH_RATIO, body_width_ratio
from formcheck.measure.values import Values, anymax, anymin, seen_xy, since_start, value
from formcheck.pose.landmarks import ANKLE, HIP, SHOULDER, PoseFrame

_NAN = math.nan


def twist_for(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """Trunk twist since the start, + for the twist a turned-out ``side`` foot asks for.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The foot turned out.

    Returns
    -------
    float
        Degrees; right foot turned out -> twist to the left, the 3D twist's + direction.
        NaN without ``trunk_twist`` or its baseline.
    """
    return (1.0 if side == "R" else -1.0) * since_start(v, b, "trunk_twist")


def twist_toward(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """Trunk twist since the start toward the person's own ``side`` (degrees).

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The person's side.

    Returns
    -------
    float
        Degrees, + = toward ``side``; NaN without ``trunk_twist`` or its baseline.
    """
    return (1.0 if side == "L" else -1.0) * since_start(v, b, "trunk_twist")


def _side_on(pose: PoseFrame | None) -> bool:
    """True unless the body faces the camera (the image-width rule of ``estimate_view``)."""
    if pose is None or pose.xy is None or pose.vis is None:
        return True  # hand-made metrics: no landmarks to tell
    r = body_width_ratio(np.asarray(pose.xy)[None], np.asarray(pose.vis)[None])[0]
    return not r >= FRONT_WIDTH_RATIO


#: Trunk inclination (deg, 2D) under which the trunk counts as upright (:func:`upright`).
UPRIGHT_MAX = 40.0


def upright(v: Values, x: float) -> float:
    """``x`` while the trunk is upright (or its tilt unknown), 0 once it tips forward.

    Parameters
    ----------
    v : Values
        The frame's metric values (``trunk_inclination``, degrees).
    x : float
        The value to pass through.

    Returns
    -------
    float
        ``x``, or 0 when ``trunk_inclination >=`` :data:`UPRIGHT_MAX`.
    """
    incl = value(v, "trunk_inclination")
    return 0.0 if incl >= UPRIGHT_MAX else x


def torso_height(pose: PoseFrame | None) -> float:
    """Hip-to-shoulder height in the image (pixels, + = shoulders above), NaN if not seen.

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Pixels, + = shoulders above the hips; NaN if a shoulder or hip is not seen.
    """
    xy = seen_xy(pose, [SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"]])
    if xy is None:
        return _NAN
    return 0.5 * (xy[HIP["L"], 1] + xy[HIP["R"], 1] - xy[SHOULDER["L"], 1] - xy[SHOULDER["R"], 1])


def trunk_drop(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Trunk angle from vertical from the shrinking hip-to-shoulder height (degrees).

    ``arccos(height / standing height)`` of the shoulders above the hips: a forward hinge
    seen from the front or at an angle, where the trunk leans toward the camera and the 2D
    trunk inclination reads little. (Measured in hip or body widths instead, a walking
    lunge's turning pelvis read as a hinge on real clips: docs/real_footage.md.)

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
        Degrees, 0 = as tall as at the start. NaN side-on (the 2D inclination reads the
        hinge there), without landmarks or a baseline.
    """
    h0 = value(b, "torso_dy")
    h = torso_height(pose)
    if math.isnan(h) or math.isnan(h0) or h0 <= 1e-6 or _side_on(pose):
        return _NAN
    return math.degrees(math.acos(max(-1.0, min(1.0, h / h0))))


#: :func:`hip_shift` is NaN when the ankles are closer than this (torso lengths, across
#: the image): a side view, where the feet overlap.
HIP_SHIFT_MIN_STANCE = 0.8


def hip_shift(pose: PoseFrame | None) -> float:
    """How far the hips have moved sideways over one foot (0 = centred, 1 = over a foot).

    The hip midpoint's horizontal offset from the ankle midpoint over half the distance
    between the ankles, in the image. A squat or a hinge keeps the hips between the feet;
    a side lunge moves them over the bent leg.

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Ratio, 0 = centred, 1 = over a foot. NaN without landmarks or when the ankles are
        closer than :data:`HIP_SHIFT_MIN_STANCE` torso lengths across the image (side-on).
    """
    idx = [HIP["L"], HIP["R"], ANKLE["L"], ANKLE["R"], SHOULDER["L"], SHOULDER["R"]]
    xy = seen_xy(pose, idx)
    if xy is None:
        return _NAN
    torso = float(torso_length(xy[None], np.asarray(pose.vis)[None])[0])
    half = 0.5 * abs(xy[ANKLE["L"], 0] - xy[ANKLE["R"], 0])
    if torso <= 1e-6 or 2 * half < HIP_SHIFT_MIN_STANCE * torso:
        return _NAN
    hip_x = 0.5 * (xy[HIP["L"], 0] + xy[HIP["R"], 0])
    return abs(hip_x - 0.5 * (xy[ANKLE["L"], 0] + xy[ANKLE["R"], 0])) / half


#: A side lunge bends one knee and keeps the other nearly straight (2D knee flexion, deg):
#: a lateral lunge filmed from the front read 0-5 on the straight leg and 60-70 on the
#: bent one, a step turning toward the camera 1-10 and 23-30 (0.3 s). A deadlift seen at
#: an angle bends both (40-110; up to 30 apart), or passes through 14 and 36 for a frame
#: or two on its way, while its hips, pushed back, look shifted sideways. (25 missed the
#: turning step; 15-20 all keep the real deadlifts.)
SIDE_LUNGE_STRAIGHT = 15.0


SIDE_LUNGE_BEND_DIFF = 18.0


def side_lunge_shift(v: Values, pose: PoseFrame | None) -> float:
    """:func:`hip_shift` while one knee is straight and the other bent, else 0.

    A side lunge's legs: one at most :data:`SIDE_LUNGE_STRAIGHT`, the other
    :data:`SIDE_LUNGE_BEND_DIFF` more.

    Parameters
    ----------
    v : Values
        The frame's metric values (``knee_flexion_L``/``_R``, degrees).
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        :func:`hip_shift`'s ratio, or 0; NaN where the shift or either knee cannot be
        read.
    """
    shift = hip_shift(pose)
    kl, kr = value(v, "knee_flexion_L"), value(v, "knee_flexion_R")
    if math.isnan(shift) or math.isnan(kl) or math.isnan(kr):
        return _NAN
    lo, hi = min(kl, kr), max(kl, kr)
    return shift if lo <= SIDE_LUNGE_STRAIGHT and hi - lo >= SIDE_LUNGE_BEND_DIFF else 0.0


def pelvis_tilt(pose: PoseFrame | None) -> float:
    """Image angle of the hip line from horizontal, degrees (+ = image-left hip lower).

    Changes when the pelvis rolls (circling over a ball).

    Parameters
    ----------
    pose : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, + = image-left hip lower; NaN without both hips.
    """
    xy = seen_xy(pose, [HIP["L"], HIP["R"]])
    if xy is None:
        return _NAN
    a, c = xy[HIP["L"]], xy[HIP["R"]]
    left, right = (a, c) if a[0] <= c[0] else (c, a)
    return math.degrees(math.atan2(left[1] - right[1], right[0] - left[0]))


def shoulder_width(xy: np.ndarray) -> float:
    """Image distance between the shoulders (pixels).

    Parameters
    ----------
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.

    Returns
    -------
    float
        Pixels (no visibility check).
    """
    return float(np.linalg.norm(xy[SHOULDER["L"]] - xy[SHOULDER["R"]]))


def shoulder_turn(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """How far the shoulder line has turned since the start, from its width in the image.

    The sign is that of ``trunk_twist``, whose direction MediaPipe's 3D landmarks get
    right even where they read only a third to a half of its size.
    ``arccos(width / width at the start)``: a front view sees the shoulders narrow as they
    turn; exact for a camera square to the body, ambiguous when the camera is off to the
    side the person turns toward (it then reads too little). Without both shoulders or a
    baseline width, the 3D twist since the start.

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
        Degrees, + = toward the person's left; NaN without ``trunk_twist`` or its
        baseline.
    """
    d3 = value(v, "trunk_twist") - value(b, "trunk_twist")
    w0 = value(b, "shoulder_w")
    xy = seen_xy(pose, [SHOULDER["L"], SHOULDER["R"]])
    if xy is None or math.isnan(w0) or w0 <= 1e-6 or math.isnan(d3):
        return d3
    turn = math.degrees(math.acos(max(-1.0, min(1.0, shoulder_width(xy) / w0))))
    return math.copysign(turn, d3)


def turn_for(v: Values, b: Values, p: PoseFrame | None, side: str) -> float:
    """:func:`shoulder_turn`, + for the twist a turned-out ``side`` foot asks for.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.
    side : {"L", "R"}
        The foot turned out.

    Returns
    -------
    float
        Degrees.
    """
    turn = shoulder_turn(v, b, p)
    return turn if side == "R" else -turn


def hinge_or_squat(v: Values, b: Values, p: PoseFrame | None) -> float:
    """How far the body goes down in a hinge rep (degrees).

    The trunk's tilt, read in the image (side-on) and from its shrinking height (also
    from the front or at an angle, where the 2D tilt reads little), or, a squat instead,
    the knee bend. The knee bend counts side-on only: from the front the 2D knee angle of
    a squat reads little, and of a walking lunge or knees pushed out, nonsense.

    Parameters
    ----------
    v : Values
        The frame's metric values (NaN = not measurable).
    b : Values
        The set's baseline (:func:`pose_baseline` and :data:`BASELINE_METRICS`).
    p : PoseFrame or None
        The frame's pose (image landmarks, pixels); None: no landmarks.

    Returns
    -------
    float
        Degrees, the larger measurable of the trunk's tilt and the knee bend; NaN if
        none.
    """
    trunk = anymax(value(v, "trunk_inclination"), trunk_drop(v, b, p))
    knees = anymin(value(v, "knee_flexion_L"), value(v, "knee_flexion_R"))
    return anymax(trunk, knees if _side_on(p) else _NAN)
