"""Pure, vectorised joint-angle geometry over MediaPipe landmarks.

Every function takes arrays with any leading shape (frames, ...) and the
landmark axis of size 33 (see :mod:`formcheck.pose.landmarks` for axes and units),
and returns one value per leading index. Angles are in **degrees**. A value is
NaN whenever a landmark it needs has visibility below
:data:`~formcheck.pose.landmarks.VISIBILITY_THRESHOLD` (never 0).

``side`` is ``"L"`` or ``"R"``: the person's anatomical side. The catalogue of these
measures (names, units, best views) is :data:`formcheck.measure.registry.CATALOGUE`; the
camera view and body position are in :mod:`formcheck.measure.posture`.

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
    HIP,
    KNEE,
    SHOULDER,
    VISIBILITY_THRESHOLD,
    Side,
)


def seen_mask(vis: np.ndarray, idx: Sequence[int], thr: float = VISIBILITY_THRESHOLD) -> np.ndarray:
    """True where every landmark in ``idx`` is visible enough."""
    return np.all(vis[..., list(idx)] >= thr, axis=-1)


def masked(value: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """``value`` with NaN where ``ok`` is False (a float copy; a 0-d result as a scalar)."""
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
    return masked(val, seen_mask(vis, (h, k, a)))


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
    return masked(val, seen_mask(vis, (s, h, k)))


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
    return masked(sign * dev, seen_mask(vis, (h, k, a, HIP[Side.other(side)])))


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
    return masked(val, seen_mask(vis, (k, a, HIP["L"], HIP["R"])))


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
    ok = seen_mask(vis, (kl, kr, al, ar)) & (da > 1e-6)
    return masked(val, ok)


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
    return masked(val, seen_mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


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
    return masked(val, seen_mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


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
    ok = seen_mask(vis, (KNEE[side], HIP[side]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return masked(d[..., 0] / scale, ok), masked(d[..., 1] / scale, ok)


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
    ok = seen_mask(vis, (HIP["L"], HIP["R"]))
    with np.errstate(invalid="ignore", divide="ignore"):
        return masked(m[..., 0] / scale, ok), masked(m[..., 1] / scale, ok)
