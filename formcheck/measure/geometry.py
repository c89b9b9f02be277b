"""Pure, vectorised joint-angle geometry over MediaPipe landmarks.

Every function takes arrays with any leading shape (frames, ...) and the
landmark axis of size 33 (see :mod:`formcheck.pose.landmarks` for axes and units),
and returns one value per leading index. Angles are in **degrees**. A value is
NaN whenever a landmark it needs has visibility below
:data:`~formcheck.pose.landmarks.VISIBILITY_THRESHOLD` (never 0).

``side`` is ``"L"`` or ``"R"``: the person's anatomical side. The catalogue of these
measures (names, units, best views) is :data:`formcheck.measure.registry.CATALOGUE`.

Example:
    >>> import numpy as np
    >>> from formcheck.pose.landmarks import HIP, KNEE, ANKLE
    >>> xy = np.zeros((33, 2)); vis = np.ones(33)
    >>> xy[HIP["L"]] = (100, 100); xy[KNEE["L"]] = (100, 200); xy[ANKLE["L"]] = (200, 200)
    >>> round(float(knee_flexion(xy, vis, "L")))
    90
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from formcheck.pose.landmarks import (
    ANKLE,
    FOOT,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    VISIBILITY_THRESHOLD,
    Side,
)


def _mask(vis: np.ndarray, idx: Sequence[int], thr: float = VISIBILITY_THRESHOLD) -> np.ndarray:
    """True where every landmark in ``idx`` is visible enough."""
    return np.all(vis[..., list(idx)] >= thr, axis=-1)


def _masked(value: np.ndarray, ok: np.ndarray) -> np.ndarray:
    out = np.asarray(value, dtype=float).copy()
    out[~ok] = np.nan
    return out if out.ndim else out[()]


def angle_at(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC at vertex ``b`` in degrees (0..180), for 2D or 3D points ``(..., D)``.

    Parameters
    ----------
    a, b, c : ndarray, shape (..., D)
        The points; ``b`` is the vertex.

    Returns
    -------
    ndarray, shape (...)
        Degrees, 0..180; NaN where a point coincides with ``b`` or is NaN.
    """
    u = a - b
    v = c - b
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def signed_angle_2d(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed angle from 2D vector ``u`` to ``v`` in degrees (-180..180], image axes.

    Parameters
    ----------
    u, v : ndarray, shape (..., 2)
        Vectors in image axes (x right, y down).

    Returns
    -------
    ndarray, shape (...)
        Degrees, -180..180; positive is clockwise on screen (image y points down).
    """
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = np.sum(u * v, axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def _medial_sign(xy: np.ndarray, side: str) -> np.ndarray:
    """+1 where the body's midline lies toward image +x from ``side``'s hip, else -1."""
    dx = xy[..., HIP[Side.other(side)], 0] - xy[..., HIP[side], 0]
    return np.where(dx >= 0, 1.0, -1.0)


def knee_flexion(xy: np.ndarray, vis: np.ndarray, side: str) -> np.ndarray:
    """Knee flexion: 180 minus the image angle hip-knee-ankle (0 = straight leg).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    ndarray, shape (...)
        Degrees, 0 = straight leg; NaN where a landmark is not visible.
    """
    h, k, a = HIP[side], KNEE[side], ANKLE[side]
    val = 180.0 - angle_at(xy[..., h, :], xy[..., k, :], xy[..., a, :])
    return _masked(val, _mask(vis, (h, k, a)))


def hip_flexion(xy: np.ndarray, vis: np.ndarray, side: str) -> np.ndarray:
    """Hip flexion: 180 minus the image angle shoulder-hip-knee (0 = trunk and thigh in line).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    ndarray, shape (...)
        Degrees, 0 = trunk and thigh in line; NaN where a landmark is not visible.
    """
    s, h, k = SHOULDER[side], HIP[side], KNEE[side]
    val = 180.0 - angle_at(xy[..., s, :], xy[..., h, :], xy[..., k, :])
    return _masked(val, _mask(vis, (s, h, k)))


def knee_valgus(xy: np.ndarray, vis: np.ndarray, side: str) -> np.ndarray:
    """Frontal-plane projection angle (FPPA) of the knee, front view.

    The deviation of the shank (knee->ankle) from the line of the thigh (hip->knee).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    ndarray, shape (...)
        Degrees; positive when the knee falls toward the body's midline (valgus), negative
        when it bows outward (varus). NaN where a landmark (or the other hip) is not
        visible.
    """
    h, k, a = HIP[side], KNEE[side], ANKLE[side]
    hip, knee, ankle = xy[..., h, :], xy[..., k, :], xy[..., a, :]
    dev = 180.0 - angle_at(hip, knee, ankle)
    # Which side of the hip->ankle line the knee lies on, toward the midline or not.
    line = ankle - hip
    rel = knee - hip
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.sum(rel * line, axis=-1) / np.sum(line * line, axis=-1)
    foot_of_perp = hip + t[..., None] * line
    offset_x = knee[..., 0] - foot_of_perp[..., 0]
    sign = np.where(offset_x * _medial_sign(xy, side) >= 0, 1.0, -1.0)
    return _masked(sign * dev, _mask(vis, (h, k, a, HIP[Side.other(side)])))


def knee_drop(xy: np.ndarray, vis: np.ndarray, side: str) -> np.ndarray:
    """Shank tilt from vertical: angle of the ankle->knee vector from image-up.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    ndarray, shape (...)
        Degrees; 0 = shank upright, 90 = knee level with the ankle (on the floor).
        Positive when the knee leans toward the body's midline, negative when it drops
        outward. NaN where the knee, ankle or either hip is not visible.
    """
    k, a = KNEE[side], ANKLE[side]
    d = xy[..., k, :] - xy[..., a, :]
    medial = d[..., 0] * _medial_sign(xy, side)
    up = -d[..., 1]
    val = np.degrees(np.arctan2(medial, up))
    return _masked(val, _mask(vis, (k, a, HIP["L"], HIP["R"])))


def knee_ankle_ratio(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Distance between the knees divided by distance between the ankles (image plane).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Ratio (no unit); NaN where a landmark is not visible or the ankles coincide.
    """
    kl, kr, al, ar = KNEE["L"], KNEE["R"], ANKLE["L"], ANKLE["R"]
    dk = np.linalg.norm(xy[..., kl, :] - xy[..., kr, :], axis=-1)
    da = np.linalg.norm(xy[..., al, :] - xy[..., ar, :], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = dk / da
    ok = _mask(vis, (kl, kr, al, ar)) & (da > 1e-6)
    return _masked(val, ok)


def _mid(p: np.ndarray, a: int, b: int) -> np.ndarray:
    return 0.5 * (p[..., a, :] + p[..., b, :])


def trunk_inclination(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Angle of the hip-midpoint->shoulder-midpoint vector from image vertical (0..180).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Degrees; 0 = upright trunk, 90 = horizontal (e.g. a deep hip hinge seen from the
        side). NaN where a shoulder or hip is not visible.
    """
    sh = _mid(xy, SHOULDER["L"], SHOULDER["R"])
    hp = _mid(xy, HIP["L"], HIP["R"])
    d = sh - hp
    val = np.degrees(np.arctan2(np.abs(d[..., 0]), -d[..., 1]))
    return _masked(val, _mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


def line_yaw(world: np.ndarray, left: int, right: int) -> np.ndarray:
    """Yaw of the right->left line about the vertical axis, degrees (-180..180].

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        World landmarks, metres.
    left, right : int
        Landmark indices of the line's left and right ends.

    Returns
    -------
    ndarray, shape (...)
        Degrees, -180..180. 0 when the line is parallel to the image x axis with the
        person facing the camera; positive when the person's left end is farther from
        the camera (the body turned toward its own left). No visibility mask.
    """
    d = world[..., left, :] - world[..., right, :]
    return np.degrees(np.arctan2(d[..., 2], d[..., 0]))


def _wrap(deg: np.ndarray) -> np.ndarray:
    return (np.asarray(deg) + 180.0) % 360.0 - 180.0


def trunk_twist(world: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Trunk twist: yaw of the shoulder line minus yaw of the hip line (world landmarks).

    3D estimate (world landmarks): see the report's reliability notes.

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        World landmarks, metres (x image right, y image down, z away from the camera).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Degrees, -180..180, positive when the upper body is turned toward the person's
        left relative to the pelvis. NaN where a shoulder or hip is not visible.
    """
    sh = line_yaw(world, SHOULDER["L"], SHOULDER["R"])
    hp = line_yaw(world, HIP["L"], HIP["R"])
    return _masked(_wrap(sh - hp), _mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


def pelvis_yaw(world: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Yaw of the hip line relative to the camera (0 = pelvis square to the camera).

    Pelvis *rotation* during a set is this value minus its value at the start of the
    set.

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        World landmarks, metres (x image right, y image down, z away from the camera).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Degrees, -180..180, positive when turned toward the person's left. NaN where a hip
        is not visible.
    """
    return _masked(_wrap(line_yaw(world, HIP["L"], HIP["R"])), _mask(vis, (HIP["L"], HIP["R"])))


def foot_turnout(world: np.ndarray, vis: np.ndarray, side: str) -> np.ndarray:
    """Foot turn-out: angle of heel->toe from the person's forward direction, degrees.

    Measured about the vertical axis in world landmarks. Forward is perpendicular to
    the hip line, toward the front of the body.

    Parameters
    ----------
    world : ndarray, shape (..., 33, 3)
        World landmarks, metres (x image right, y image down, z away from the camera).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    ndarray, shape (...)
        Degrees; positive when the toes point away from the midline (turned out),
        negative when turned in. NaN where a hip, the heel or the toe is not visible.
    """
    hl, hr, he, to = HIP["L"], HIP["R"], HEEL[side], FOOT[side]
    h = world[..., hl, :] - world[..., hr, :]
    h2 = np.stack([h[..., 0], h[..., 2]], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        h2 = h2 / np.linalg.norm(h2, axis=-1, keepdims=True)
    # Rotate the right->left hip line by -90 deg in the x-z plane: facing the camera
    # (h = +x) gives forward = -z (toward the camera).
    fwd = np.stack([h2[..., 1], -h2[..., 0]], axis=-1)
    lateral = h2 if side == "L" else -h2
    f = world[..., to, :] - world[..., he, :]
    f2 = np.stack([f[..., 0], f[..., 2]], axis=-1)
    val = np.degrees(np.arctan2(np.sum(f2 * lateral, -1), np.sum(f2 * fwd, -1)))
    return _masked(val, _mask(vis, (hl, hr, he, to)))


def torso_length(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Image distance from hip midpoint to shoulder midpoint, pixels.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Pixels; NaN where a shoulder or hip is not visible.
    """
    d = _mid(xy, SHOULDER["L"], SHOULDER["R"]) - _mid(xy, HIP["L"], HIP["R"])
    val = np.linalg.norm(d, axis=-1)
    return _masked(val, _mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


def knee_relative(xy: np.ndarray, vis: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Knee position relative to its hip in torso lengths: ``(dx, dy)``, image axes.

    Used for the knee path in circles (quadruped).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    side : {"L", "R"}
        The person's anatomical side.

    Returns
    -------
    dx, dy : ndarray, shape (...)
        Torso lengths (:func:`torso_length`); dy is positive downward. NaN where the knee,
        the hip or the torso is not visible.
    """
    scale = torso_length(xy, vis)
    d = xy[..., KNEE[side], :] - xy[..., HIP[side], :]
    ok = _mask(vis, (KNEE[side], HIP[side]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _masked(d[..., 0] / scale, ok), _masked(d[..., 1] / scale, ok)


def pelvis_position(xy: np.ndarray, vis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hip midpoint in torso lengths from the image origin: ``(x, y)``.

    Only differences over time are meaningful (pelvis circling, ball massage).

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    x, y : ndarray, shape (...)
        Torso lengths (y down); NaN where a hip or the torso is not visible.
    """
    scale = torso_length(xy, vis)
    m = _mid(xy, HIP["L"], HIP["R"])
    ok = _mask(vis, (HIP["L"], HIP["R"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return _masked(m[..., 0] / scale, ok), _masked(m[..., 1] / scale, ok)


VIEWS = ("front", "side", "other")
POSITIONS = ("standing", "seated", "lying", "quadruped", "unknown")


def body_width_ratio(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Larger of shoulder width and hip width (image) divided by torso length.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray, shape (...)
        Ratio: about 0.6-1.0 facing the camera, under about 0.3 side-on. NaN where a
        shoulder or hip is not visible.
    """
    sw = np.linalg.norm(xy[..., SHOULDER["L"], :] - xy[..., SHOULDER["R"], :], axis=-1)
    hw = np.linalg.norm(xy[..., HIP["L"], :] - xy[..., HIP["R"], :], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.maximum(sw, hw) / torso_length(xy, vis)
    return _masked(val, _mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


#: :func:`body_width_ratio` at or above which the body faces the camera.
FRONT_WIDTH_RATIO = 0.45


def estimate_view(xy: np.ndarray, vis: np.ndarray, world: np.ndarray | None = None) -> np.ndarray:
    """Camera view per frame: ``"front"``, ``"side"`` or ``"other"`` (strings array).

    Uses the image width of shoulders/hips against torso length; where that is
    ambiguous (0.3-0.45) the world-landmark yaw of the hip line decides.
    ``"front"`` includes a camera at the feet looking along a lying body.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    world : ndarray, shape (..., 33, 3), optional
        World landmarks, metres; decides the ambiguous frames.

    Returns
    -------
    ndarray of str (object), shape (...)
        One of :data:`VIEWS` per frame; ``"other"`` where the torso is not visible.
    """
    r = body_width_ratio(xy, vis)
    view = np.full(r.shape, "other", dtype=object)
    view[r >= FRONT_WIDTH_RATIO] = "front"
    view[r < 0.3] = "side"
    if world is not None:
        yaw = np.abs(np.asarray(pelvis_yaw(world, vis)))
        amb = (r >= 0.3) & (r < 0.45)
        view[amb & (yaw < 35)] = "front"
        view[amb & (yaw > 55) & (yaw < 125)] = "side"
    return view


#: Trunk inclination range (deg) of a body bent over on its feet (see estimate_position);
#: a plank or a push-up is flatter.
BENT_OVER_MIN = 45.0
BENT_OVER_MAX = 80.0


def estimate_position(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Body position per frame: standing / seated / lying / quadruped / unknown.

    Heuristic on image geometry in torso lengths: trunk inclination, how far
    the ankles and knees are below the hips, and where the wrists are.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray of str (object), shape (...)
        One of :data:`POSITIONS` per frame; ``"unknown"`` where the torso is not visible.
    """
    tl = torso_length(xy, vis)
    incl = trunk_inclination(xy, vis)
    hip_y = 0.5 * (xy[..., HIP["L"], 1] + xy[..., HIP["R"], 1])
    sh_y = 0.5 * (xy[..., SHOULDER["L"], 1] + xy[..., SHOULDER["R"], 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        ankle_below = (0.5 * (xy[..., ANKLE["L"], 1] + xy[..., ANKLE["R"], 1]) - hip_y) / tl
        knee_below = (0.5 * (xy[..., KNEE["L"], 1] + xy[..., KNEE["R"], 1]) - hip_y) / tl
        wrist_below = (0.5 * (xy[..., 15, 1] + xy[..., 16, 1]) - sh_y) / tl
    pos = np.full(np.shape(tl), "unknown", dtype=object)
    upright = incl < 60
    flat = (incl >= 60) & (incl <= 120)
    pos[upright & (ankle_below > 1.1)] = "standing"
    pos[upright & (ankle_below <= 1.1)] = "seated"
    pos[flat & (knee_below > 0.5) & (wrist_below > 0.5)] = "quadruped"
    pos[flat & ~((knee_below > 0.5) & (wrist_below > 0.5))] = "lying"
    # Hinging forward while standing: trunk tilted but ankles far below the hips, or bent
    # over on the feet with the arms hanging (a deadlift's bottom from the side: knees near
    # hip height, ankles 0.5-0.9 torso lengths below; on all fours the knees are lower).
    pos[flat & (ankle_below > 1.3)] = "standing"
    bent_over = (
        (incl >= BENT_OVER_MIN) & (incl < BENT_OVER_MAX) & (wrist_below > 0.7)
        & (ankle_below > 0.5) & (knee_below < 0.5)
    )  # fmt: skip
    pos[bent_over] = "standing"
    pos[np.isnan(tl) | np.isnan(incl)] = "unknown"
    return pos


#: A body standing tall facing (or side-on to) the camera: torso at least this many hip
#: widths long in the image, knees at least this many torso lengths below the hips. A
#: body lying on its back filmed from the feet looks upright too, but its torso is
#: foreshortened to 0.9-1.4 hip widths (renders seen by MediaPipe); standing people
#: measure 1.9-2.7 (real clips), and bent forward or mid-lunge drop below.
TALL_TORSO_HIPS = 1.6
TALL_KNEE_BELOW = 0.45


def standing_tall(xy: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """Where a body called "standing" has the shape of one standing upright.

    The shape is checked against :data:`TALL_TORSO_HIPS`; the caller checks the
    position label (:func:`estimate_position`).

    Used to refuse exercises done lying on the back, whose end-on camera makes
    :func:`estimate_position` read "standing" too.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.

    Returns
    -------
    ndarray of bool, shape (...)
        True where the torso is at least :data:`TALL_TORSO_HIPS` hip widths long and the
        knees at least :data:`TALL_KNEE_BELOW` torso lengths below the hips; False where
        these are not measurable.
    """
    tl = torso_length(xy, vis)
    hip_y = 0.5 * (xy[..., HIP["L"], 1] + xy[..., HIP["R"], 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        knee_below = (0.5 * (xy[..., KNEE["L"], 1] + xy[..., KNEE["R"], 1]) - hip_y) / tl
        hips = np.linalg.norm(xy[..., HIP["L"], :] - xy[..., HIP["R"], :], axis=-1)
        torso_hips = tl / hips
    return (torso_hips >= TALL_TORSO_HIPS) & (knee_below >= TALL_KNEE_BELOW)
