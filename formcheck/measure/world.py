"""3D measures from MediaPipe's world landmarks: the yaw of the shoulder and hip lines
(trunk twist, pelvis yaw) and how far a foot is turned out.

``world`` is in metres, origin at the hip midpoint, camera axes (x toward image right,
y down, z away from the camera), shape ``(..., 33, 3)``; ``vis`` gates each value like
:mod:`formcheck.measure.geometry` (NaN where a landmark is not seen). Degrees.
"""

from __future__ import annotations

import numpy as np

from formcheck.measure.geometry import masked, seen_mask
from formcheck.pose.landmarks import FOOT, HEEL, HIP, SHOULDER


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
    ok = seen_mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"]))
    return masked(_wrap(sh - hp), ok)


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
    return masked(_wrap(line_yaw(world, HIP["L"], HIP["R"])), seen_mask(vis, (HIP["L"], HIP["R"])))


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
    return masked(val, seen_mask(vis, (hl, hr, he, to)))
