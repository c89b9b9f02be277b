"""Where the camera is and how the body is placed, per frame: the camera view (front,
side, other), the body position (standing, seated, lying, quadruped) and whether the body
clearly stands tall.

Vectorised like :mod:`formcheck.measure.geometry` (any leading shape, landmark axis of
33; pixels, y down); a frame whose landmarks are not seen gives "other" / "unknown".
"""

from __future__ import annotations

import numpy as np

from formcheck.measure.geometry import (
    masked,
    seen_mask,
    torso_length,
    trunk_inclination,
)
from formcheck.measure.world import pelvis_yaw
from formcheck.pose.landmarks import ANKLE, HIP, KNEE, SHOULDER

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
    return masked(val, seen_mask(vis, (SHOULDER["L"], SHOULDER["R"], HIP["L"], HIP["R"])))


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
