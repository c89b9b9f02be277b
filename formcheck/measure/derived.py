"""Derived per-frame metrics the catalogue can name, computed from one frame's metrics.

Each entry of :data:`DERIVED_METRICS` is a pure function
``(values, baseline, pose) -> float`` where ``values`` is the frame's metric dict
(:data:`formcheck.measure.geometry.METRIC_NAMES`), ``baseline`` holds values captured when
the setup first passed (``pelvis_yaw``, ``trunk_twist``) and ``pose`` is the
frame's :class:`~formcheck.pose.landmarks.PoseFrame` or ``None``. NaN = not measurable.

Degrees unless stated. Names ending in ``_L``/``_R`` are per leg.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from formcheck.measure.geometry import FRONT_WIDTH_RATIO, body_width_ratio, torso_length
from formcheck.pose.landmarks import (
    ANKLE,
    FOOT,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    VISIBILITY_THRESHOLD,
    PoseFrame,
)

Values = Mapping[str, float]
Derived = Callable[[Values, Values, PoseFrame | None], float]

_NAN = math.nan


def _get(v: Values, k: str) -> float:
    x = v.get(k, _NAN)
    return _NAN if x is None else float(x)


def _rel(name: str) -> Derived:
    """``name`` minus its baseline (e.g. pelvis rotation since the set started)."""
    return lambda v, b, p: _get(v, name) - _get(b, name)


def _twist(sign: float) -> Derived:
    """Trunk twist since the start, signed so that the exercise's direction is positive."""
    return lambda v, b, p: sign * (_get(v, "trunk_twist") - _get(b, "trunk_twist"))


def _nanmin(a: float, b: float) -> float:
    return _NAN if math.isnan(a) or math.isnan(b) else min(a, b)


def _nanmax(a: float, b: float) -> float:
    return _NAN if math.isnan(a) or math.isnan(b) else max(a, b)


def _anymin(a: float, b: float) -> float:
    """min of the measurable values (side views often hide the far leg); NaN if none."""
    return _nanmin(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def _anymax(a: float, b: float) -> float:
    """max of the measurable values; NaN if none."""
    return _nanmax(a, b) if not (math.isnan(a) or math.isnan(b)) else (b if math.isnan(a) else a)


def _side_on(pose: PoseFrame | None) -> bool:
    """True unless the body faces the camera (the image-width rule of ``estimate_view``)."""
    if pose is None or pose.xy is None or pose.vis is None:
        return True  # hand-made metrics: no landmarks to tell
    r = body_width_ratio(np.asarray(pose.xy)[None], np.asarray(pose.vis)[None])[0]
    return not r >= FRONT_WIDTH_RATIO


#: Trunk inclination (deg, 2D) under which the trunk counts as upright (:func:`_upright`).
UPRIGHT_MAX = 40.0


def _upright(v: Values, x: float) -> float:
    """``x`` while the trunk is upright (or its tilt unknown), 0 once it tips forward."""
    incl = _get(v, "trunk_inclination")
    return 0.0 if incl >= UPRIGHT_MAX else x


def _pair(fn: Callable[[float, float], float], name: str) -> Derived:
    return lambda v, b, p: fn(_get(v, f"{name}_L"), _get(v, f"{name}_R"))


#: Visibility enough to follow a knee's path: side views see the far knee at 0.4-0.5
#: while MediaPipe still places it well.
PATH_VISIBILITY = 0.3


def knee_path(pose: PoseFrame | None, side: str) -> tuple[float, float]:
    """Knee position relative to the hip midpoint in torso lengths ``(x, y)``, y down.

    Like ``knee_rel_x/y`` but accepting a knee seen with visibility 0.3 (the far
    leg side-on), for circle counting. NaN when not seen.
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


def _path(axis: int, side: str) -> Derived:
    """``knee_path`` from landmarks, or ``knee_rel_x/y`` when there are none."""
    name = f"knee_rel_{'xy'[axis]}_{side}"
    return lambda v, b, p: knee_path(p, side)[axis] if p is not None else _get(v, name)


def _knee_lift(side: str) -> Derived:
    """How much higher this knee is than at the start, torso lengths (+ = lifted).

    Compared with its own rest height: side-on, the far knee sits higher in the
    image than the near one (perspective). Without a baseline, compared with the
    other knee.
    """
    other = "R" if side == "L" else "L"
    this_y, other_y = _path(1, side), _path(1, other)

    def lift(v: Values, b: Values, p: PoseFrame | None) -> float:
        ref = _get(b, f"knee_path_y_{side}")
        if math.isnan(ref):
            ref = _get(b, f"knee_rel_y_{side}")
        if math.isnan(ref):
            ref = other_y(v, b, p)
        return ref - this_y(v, b, p)

    return lift


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


def _seen(pose: PoseFrame | None, idx: list[int]) -> np.ndarray | None:
    """The pose's pixel coordinates when every landmark in ``idx`` is visible, else None."""
    if pose is None or pose.xy is None or pose.vis is None:
        return None
    if np.any(np.asarray(pose.vis)[idx] < VISIBILITY_THRESHOLD):
        return None
    return np.asarray(pose.xy)


def knee_drop_planted(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """Shank tilt measured to the ankle where it was planted at the start (degrees).

    Like ``knee_drop`` (0 = shank upright, + = knee toward the midline) but the
    ankle is the baseline position captured when the setup passed: MediaPipe
    drags a hidden ankle under a dropped knee (seated internal rotation reads
    the tilt backwards), while the foot really stays put. Without landmarks or
    a baseline this is the measured ``knee_drop``.
    """
    ax, ay = _get(b, f"ankle_x_{side}"), _get(b, f"ankle_y_{side}")
    xy = _seen(pose, [KNEE[side], HIP["L"], HIP["R"]])
    if xy is None or math.isnan(ax) or math.isnan(ay):
        return _get(v, f"knee_drop_{side}")
    other = "R" if side == "L" else "L"
    medial = 1.0 if xy[HIP[other], 0] >= xy[HIP[side], 0] else -1.0
    dx, dy = xy[KNEE[side], 0] - ax, xy[KNEE[side], 1] - ay
    return math.degrees(math.atan2(dx * medial, -dy))


#: MediaPipe's planted-ankle tilt of a seated knee dropping toward the midline reads about
#: 3/4 of the true drop at the bottom: true ~= 1.27 x read, a least-squares fit on 13 reps
#: of rendered training clips (8 bodies); on 16 held-out reps (6 other bodies) the error
#: at the bottom went from 15.9 to 5.6 degrees (docs/accuracy.md).
SEATED_DROP_SCALE = 1.27


def knee_drop_seated(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """:func:`knee_drop_planted` scaled to the true drop (degrees; see SEATED_DROP_SCALE)."""
    return SEATED_DROP_SCALE * knee_drop_planted(v, b, pose, side)


def knee_drop_moved(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """:func:`knee_drop_planted` minus its value when the setup passed (degrees).

    How far this knee has moved in since the start: knees that rest leaning differently
    (a camera a little off to one side sees them so) do not count as moving unevenly.
    Without the start value, the plain planted tilt.
    """
    t0 = _get(b, f"knee_tilt0_{side}")
    return knee_drop_planted(v, b, pose, side) - (0.0 if math.isnan(t0) else t0)


def shank_ratio(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """MediaPipe's knee-to-ankle length now over its length at rest (image pixels; 1 = as
    at rest). A seated knee dropping toward the midline turns its shank into the image
    plane, so the true ratio grows; MediaPipe sometimes pulls the knee and ankle together
    instead (under 0.6 at the bottom: the depth read then runs 14-24 deep). NaN without
    both landmarks or a rest length."""
    rest = _get(b, f"shank_{side}")
    xy = _seen(pose, [KNEE[side], ANKLE[side]])
    if xy is None or math.isnan(rest) or rest <= 1e-6:
        return _NAN
    return float(np.hypot(*(xy[KNEE[side]] - xy[ANKLE[side]]))) / rest


def thigh_drop(v: Values, b: Values, pose: PoseFrame | None, side: str) -> float:
    """Thigh angle from vertical from the shrinking hip-to-knee height (degrees, 0 = standing).

    ``arccos(height / standing height)``: valid from the front (the thigh swings
    toward the camera, where 2D knee flexion stays near 0) and from the side.
    Without landmarks or a baseline: NaN.
    """
    h0 = _get(b, f"thigh_dy_{side}")
    xy = _seen(pose, [KNEE[side], HIP[side]])
    if xy is None or math.isnan(h0) or h0 <= 1e-6:
        return _NAN
    h = xy[KNEE[side], 1] - xy[HIP[side], 1]
    return math.degrees(math.acos(max(-1.0, min(1.0, h / h0))))


def leg_bend_diff(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Difference of the two thighs' :func:`thigh_drop` (degrees): one thigh down and the
    other upright is a lunge or a split squat, both down a squat. NaN unless both seen."""
    return abs(thigh_drop(v, b, pose, "L") - thigh_drop(v, b, pose, "R"))


def _torso_height(pose: PoseFrame | None) -> float:
    """Hip-to-shoulder height in the image (pixels, + = shoulders above), NaN if not seen."""
    xy = _seen(pose, [SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"]])
    if xy is None:
        return _NAN
    return 0.5 * (xy[HIP["L"], 1] + xy[HIP["R"], 1] - xy[SHOULDER["L"], 1] - xy[SHOULDER["R"], 1])


def trunk_drop(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Trunk angle from vertical from the shrinking hip-to-shoulder height (degrees).

    ``arccos(height / standing height)`` of the shoulders above the hips: a forward hinge
    seen from the front or at an angle, where the trunk leans toward the camera and the 2D
    trunk inclination reads little. (Measured in hip or body widths instead, a walking
    lunge's turning pelvis read as a hinge on real clips: docs/real_footage.md.) NaN
    side-on (the 2D inclination reads the hinge there), without landmarks or a baseline.
    """
    h0 = _get(b, "torso_dy")
    h = _torso_height(pose)
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
    a side lunge moves them over the bent leg. NaN without landmarks or when the ankles
    are closer than :data:`HIP_SHIFT_MIN_STANCE` torso lengths across the image (side-on).
    """
    idx = [HIP["L"], HIP["R"], ANKLE["L"], ANKLE["R"], SHOULDER["L"], SHOULDER["R"]]
    xy = _seen(pose, idx)
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
    """:func:`hip_shift` while one knee is straight and the other bent (a side lunge's
    legs: :data:`SIDE_LUNGE_STRAIGHT`, :data:`SIDE_LUNGE_BEND_DIFF` more), else 0; NaN
    where the shift or either knee cannot be read."""
    shift = hip_shift(pose)
    kl, kr = _get(v, "knee_flexion_L"), _get(v, "knee_flexion_R")
    if math.isnan(shift) or math.isnan(kl) or math.isnan(kr):
        return _NAN
    lo, hi = min(kl, kr), max(kl, kr)
    return shift if lo <= SIDE_LUNGE_STRAIGHT and hi - lo >= SIDE_LUNGE_BEND_DIFF else 0.0


def squat_depth(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """Mean :func:`thigh_drop` of the legs seen (both from the front; from the side the far
    leg is often hidden, and the near one alone gives the depth). Without landmarks, the
    mean 2D knee flexion."""
    if pose is None:
        return 0.5 * (_get(v, "knee_flexion_L") + _get(v, "knee_flexion_R"))
    seen = [x for x in (thigh_drop(v, b, pose, s) for s in ("L", "R")) if not math.isnan(x)]
    return sum(seen) / len(seen) if seen else _NAN


def pelvis_tilt(pose: PoseFrame | None) -> float:
    """Image angle of the hip line from horizontal, degrees (+ = image-left hip lower).

    Changes when the pelvis rolls (circling over a ball). NaN without both hips.
    """
    xy = _seen(pose, [HIP["L"], HIP["R"]])
    if xy is None:
        return _NAN
    a, c = xy[HIP["L"]], xy[HIP["R"]]
    left, right = (a, c) if a[0] <= c[0] else (c, a)
    return math.degrees(math.atan2(left[1] - right[1], right[0] - left[0]))


def _shoulder_width(xy: np.ndarray) -> float:
    """Image distance between the shoulders (pixels)."""
    return float(np.linalg.norm(xy[SHOULDER["L"]] - xy[SHOULDER["R"]]))


def shoulder_turn(v: Values, b: Values, pose: PoseFrame | None) -> float:
    """How far the shoulder line has turned since the start, from its width in the image.

    Degrees, + = toward the person's left (the sign of ``trunk_twist``, whose direction
    MediaPipe's 3D landmarks get right even where they read only a third to a half of
    its size). ``arccos(width / width at the start)``: a front view sees the shoulders
    narrow as they turn; exact for a camera square to the body, ambiguous when the
    camera is off to the side the person turns toward (it then reads too little).
    Without both shoulders or a baseline width, the 3D twist since the start.
    """
    d3 = _get(v, "trunk_twist") - _get(b, "trunk_twist")
    w0 = _get(b, "shoulder_w")
    xy = _seen(pose, [SHOULDER["L"], SHOULDER["R"]])
    if xy is None or math.isnan(w0) or w0 <= 1e-6 or math.isnan(d3):
        return d3
    turn = math.degrees(math.acos(max(-1.0, min(1.0, _shoulder_width(xy) / w0))))
    return math.copysign(turn, d3)


def pose_baseline(pose: PoseFrame | None) -> dict[str, float]:
    """Landmark positions captured at the start: ankle pixels, hip-to-knee heights, the
    shoulder width and the trunk's height."""
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
        out["shoulder_w"] = _shoulder_width(xy)
    h = _torso_height(pose)
    if not math.isnan(h):
        out["torso_dy"] = h
    return out


def _sided(fn: Callable[[Values, Values, PoseFrame | None, str], float], side: str) -> Derived:
    return lambda v, b, p: fn(v, b, p, side)


DERIVED_METRICS: dict[str, Derived] = {
    "pelvis_rotation": _rel("pelvis_yaw"),
    "trunk_twist_rel": _rel("trunk_twist"),
    "knee_drop_mean": lambda v, b, p: (
        0.5 * (knee_drop_planted(v, b, p, "L") + knee_drop_planted(v, b, p, "R"))
    ),
    # Uneven knees: the two knees' movement since the start, compared.
    "knee_drop_diff": lambda v, b, p: abs(
        knee_drop_moved(v, b, p, "L") - knee_drop_moved(v, b, p, "R")
    ),
    "knee_flexion_mean": _pair(lambda a, b: 0.5 * (a + b), "knee_flexion"),
    "knee_flexion_min": _pair(_anymin, "knee_flexion"),
    "knee_flexion_max": _pair(_nanmax, "knee_flexion"),
    "knee_valgus_max": _pair(_nanmax, "knee_valgus"),
    "knee_valgus_diff": _pair(lambda a, b: abs(a - b), "knee_valgus"),
    # Spine twist: right foot turned out -> twist to the left (+), so "for_R" is +twist.
    "twist_for_R": _twist(+1.0),
    "twist_for_L": _twist(-1.0),
    # Spine twist from the shoulder line's width in the image (sign from the 3D twist).
    "shoulder_turn": shoulder_turn,
    "turn_for_R": shoulder_turn,
    "turn_for_L": lambda v, b, p: -shoulder_turn(v, b, p),
    # Twist toward the person's own left (L) or right (R), since the start.
    "twist_toward_L": _twist(+1.0),
    "twist_toward_R": _twist(-1.0),
    "knee_drop_planted_L": _sided(knee_drop_planted, "L"),
    "knee_drop_planted_R": _sided(knee_drop_planted, "R"),
    "knee_drop_seated_L": _sided(knee_drop_seated, "L"),
    "knee_drop_seated_R": _sided(knee_drop_seated, "R"),
    "shank_ratio_L": _sided(shank_ratio, "L"),
    "shank_ratio_R": _sided(shank_ratio, "R"),
    "knee_drop_out_L": lambda v, b, p: -knee_drop_planted(v, b, p, "L"),
    "knee_drop_out_R": lambda v, b, p: -knee_drop_planted(v, b, p, "R"),
    "thigh_drop_L": _sided(thigh_drop, "L"),
    "thigh_drop_R": _sided(thigh_drop, "R"),
    "leg_bend_diff": leg_bend_diff,
    "side_lunge_shift": lambda v, b, p: side_lunge_shift(v, p),
    # The same while the trunk is upright (a lunge); a hinge's trunk tips forward, and a
    # deadlift's bent, uneven-looking legs at an angle are no lunge.
    "leg_bend_diff_upright": lambda v, b, p: _upright(v, leg_bend_diff(v, b, p)),
    "side_lunge_shift_upright": lambda v, b, p: _upright(v, side_lunge_shift(v, p)),
    "squat_depth": squat_depth,
    # The trunk's lean from vertical in the image, whatever the view: sideways seen from
    # the front, forward seen from the side ("Stand up straight" means both). Unlike the
    # catalogue's trunk_inclination (a side-view angle) it carries no view flag.
    "trunk_lean": lambda v, b, p: _get(v, "trunk_inclination"),
    "pelvis_tilt": lambda v, b, p: pelvis_tilt(p),
    # Hinge reps: how far the body goes down, by trunk tilt or (a squat instead) knee bend.
    # The trunk tilt is read in the image (side-on) and from the shrinking trunk height
    # (also from the front or at an angle, where the 2D tilt reads little).
    "trunk_drop": trunk_drop,
    # The knee bend counts side-on only: from the front the 2D knee angle of a squat reads
    # little, and of a walking lunge or knees pushed out, nonsense.
    "hinge_or_squat": lambda v, b, p: _anymax(
        _anymax(_get(v, "trunk_inclination"), trunk_drop(v, b, p)),
        _anymin(_get(v, "knee_flexion_L"), _get(v, "knee_flexion_R")) if _side_on(p) else _NAN,
    ),
    "knee_path_x_L": _path(0, "L"),
    "knee_path_x_R": _path(0, "R"),
    "knee_path_y_L": _path(1, "L"),
    "knee_path_y_R": _path(1, "R"),
    "knee_lift_L": _knee_lift("L"),
    "knee_lift_R": _knee_lift("R"),
    "foot_front_L": lambda v, b, p: -foot_back(p, "L"),
    "foot_front_R": lambda v, b, p: -foot_back(p, "R"),
}

#: Metrics captured as the set's baseline when the setup first passes (plus
#: :func:`pose_baseline`'s landmark positions).
BASELINE_METRICS = ("pelvis_yaw", "trunk_twist", "knee_rel_y_L", "knee_rel_y_R")
BASELINE_POSE_KEYS = (
    *(f"{k}_{s}" for k in ("ankle_x", "ankle_y", "knee_tilt0", "thigh_dy", "knee_path_y",
                           "shank") for s in "LR"),
    "shoulder_w",
    "torso_dy",
)


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
