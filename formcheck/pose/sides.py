"""Side identity: keep the person's left and right landmarks stable through a clip.

MediaPipe sometimes labels the far leg (or arm) as the near one in side views (about
12% of frames on the rendered clips): the two legs' landmark sets trade names for a
few frames and back. Any metric per side then jumps, and the One-Euro smoother would
average the two legs together while it catches up. :class:`SideStabilizer` undoes such
swaps on the *raw* detections, before smoothing.

Method, per frame and per limb group (legs, arms, face):

- **Temporal consistency.** The group's landmarks are compared with the stabiliser's
  previous output (image positions in torso lengths plus world positions in metres,
  from the last few frames' motion extrapolated to now). When the swapped assignment
  is much closer than the identity (cost ratio below ``ratio`` and an absolute margin),
  the group's L/R landmark sets (image, world, visibility) are swapped back.
- **Anatomy.** In a side view the side facing the camera is known from the direction
  the person faces (nose ahead of the ears) and the head-hips axis: a swap makes the
  "left" leg lie on the wrong side in depth. A run of frames that all disagree with
  the anatomical depth order *and* agree with each other is a swap that started before
  the reference did (e.g. at the first frame); the stabiliser re-anchors on the
  anatomy after ``anchor_frames`` such frames.

- **Front and back views are left alone.** When a group's root pair (hips for the
  legs, shoulders for the arms, ears for the face) lies more than ``front_gap`` torso
  lengths apart across the image, the person faces toward or away from the camera and
  MediaPipe's labels follow the image order; what looks like a swap there is a knee
  crossing the other leg (seated internal rotation) and being mislocated. Swapping the
  group then would also exchange the hips, turning the 3D pelvis back to front (a
  twist read 90-180 degrees wrong), so it is never done.

Undetected frames keep the reference for ``max_gap_s`` seconds, then reset it.
Disable with ``FORMCHECK_SIDES=0``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from formcheck.pose.landmarks import HIP, SHOULDER, PoseFrame

#: Mirror pairs (left index, right index) per limb group, MediaPipe layout.
GROUPS: dict[str, tuple[tuple[int, int], ...]] = {
    "legs": ((23, 24), (25, 26), (27, 28), (29, 30), (31, 32)),
    "arms": ((11, 12), (13, 14), (15, 16), (17, 18), (19, 20), (21, 22)),
    "face": ((1, 4), (2, 5), (3, 6), (7, 8), (9, 10)),
}

#: The pair whose image spread tells a front view from a side view, per group.
ROOT: dict[str, tuple[int, int]] = {"legs": (23, 24), "arms": (11, 12), "face": (7, 8)}

#: Landmarks that decide a group (the cost uses these; the swap moves the whole group).
KEY: dict[str, tuple[tuple[int, int], ...]] = {
    "legs": ((25, 26), (27, 28), (29, 30), (31, 32)),
    "arms": ((13, 14), (15, 16)),
    "face": ((7, 8),),
}


def enabled() -> bool:
    """False when ``FORMCHECK_SIDES=0`` (default on)."""
    return os.environ.get("FORMCHECK_SIDES", "1").strip() not in ("0", "false", "no", "off")


def swap_group(a: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Copy of landmark array ``a`` (33, ...) with each (left, right) pair exchanged.

    Parameters
    ----------
    a : ndarray, shape (33, ...)
        Landmark array (image, world or visibility).
    pairs : tuple of (int, int)
        (left index, right index) pairs, e.g. a :data:`GROUPS` entry.

    Returns
    -------
    ndarray, shape (33, ...)
        A new array; ``a`` is unchanged.
    """
    out = np.array(a, copy=True)
    for li, ri in pairs:
        out[li], out[ri] = a[ri], a[li]
    return out


def _torso(xy: np.ndarray) -> float:
    sh = 0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]])
    hp = 0.5 * (xy[HIP["L"]] + xy[HIP["R"]])
    return float(np.linalg.norm(sh - hp))


def side_view_near_side(xy: np.ndarray, world: np.ndarray | None) -> str | None:
    """Anatomical guess of the side facing the camera in a side view: "L", "R" or None.

    Uses the head-hips axis ``H`` (image) and the facing direction ``F`` (nose ahead of
    the ear midpoint, perpendicular to ``H``); the person's left is ``H x F`` and its
    depth component says whether the left side points toward the camera.

    Parameters
    ----------
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels (x right, y down).
    world : ndarray, shape (33, 3), or None
        World landmarks, metres (not used by the computation).

    Returns
    -------
    {"L", "R"} or None
        The near side; None when the cues are weak (front-on view, nose on the axis).
    """
    hp = 0.5 * (xy[HIP["L"]] + xy[HIP["R"]])
    sh = 0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]])
    ears = 0.5 * (xy[7] + xy[8])
    h = sh - hp
    tl = float(np.linalg.norm(h))
    if not np.isfinite(tl) or tl < 1e-6:
        return None
    h = h / tl
    f = xy[0] - ears
    f = f - np.dot(f, h) * h  # the part across the body axis
    if not np.all(np.isfinite(f)) or np.linalg.norm(f) < 0.04 * tl:
        return None
    # Image axes x right, y down, z away: left = H x F; z < 0 means toward the camera.
    z = h[0] * f[1] - h[1] * f[0]
    return "L" if z < 0 else "R"


@dataclass
class SideStabilizer:
    """Undo MediaPipe's left/right swaps frame by frame (see the module docstring).

    Call it with each raw :class:`PoseFrame`; it returns the frame with swapped groups
    exchanged back.

    Attributes
    ----------
    ratio : float
        Swap when the swapped cost is below this fraction of the identity cost.
    margin : float
        And lower by at least this much (torso lengths squared, summed).
    world_weight : float
        Metres -> cost units for world landmarks (about 1 / torso length squared).
    anchor_frames : int
        Consecutive anatomy disagreements before re-anchoring.
    max_gap_s : float
        Seconds without a detection after which the reference is reset.
    front_gap : float
        A group whose root pair is farther apart than this across the image (torso
        lengths) is in a front or back view and never swapped.
    active : bool
        False: frames pass unchanged (default from ``FORMCHECK_SIDES``).
    swaps : dict of str to int
        Frames where a group was swapped back, per group.
    """

    ratio: float = 0.45
    margin: float = 0.02
    world_weight: float = 4.0  # metres -> cost units (about 1 / torso length squared)
    anchor_frames: int = 6
    max_gap_s: float = 0.6
    front_gap: float = 0.3
    active: bool = field(default_factory=enabled)

    def __post_init__(self) -> None:
        self.swaps: dict[str, int] = dict.fromkeys(GROUPS, 0)
        self.reset()

    def reset(self) -> None:
        """Forget the reference (a new clip or set)."""
        self._ref: PoseFrame | None = None
        self._prev: PoseFrame | None = None
        self._disagree: dict[str, int] = dict.fromkeys(GROUPS, 0)

    # ------------------------------------------------------------------ helpers
    def _predict(self, t_s: float) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Reference landmarks at ``t_s``: last output, extrapolated by half its velocity."""
        ref, prev = self._ref, self._prev
        if ref is None:
            return None
        xy = np.asarray(ref.xy, float)
        world = None if ref.world is None else np.asarray(ref.world, float)
        if prev is not None and prev.detected and ref.t_s > prev.t_s:
            k = 0.5 * (t_s - ref.t_s) / (ref.t_s - prev.t_s)
            xy = xy + k * (xy - np.asarray(prev.xy, float))
            if world is not None and prev.world is not None:
                world = world + k * (world - np.asarray(prev.world, float))
        return xy, world

    def _costs(self, xy, world, rxy, rworld, pairs, scale) -> tuple[float, float]:  # noqa: ANN001
        li = [p[0] for p in pairs]
        ri = [p[1] for p in pairs]

        def c(a: np.ndarray, b: np.ndarray, s: float) -> float:
            d = np.sum(((a - b) / s) ** 2, axis=-1)
            return float(np.nansum(d))

        ident = c(xy[li], rxy[li], scale) + c(xy[ri], rxy[ri], scale)
        swap = c(xy[ri], rxy[li], scale) + c(xy[li], rxy[ri], scale)
        if world is not None and rworld is not None and self.world_weight > 0:
            w = self.world_weight
            ident += w * (c(world[li], rworld[li], 1.0) + c(world[ri], rworld[ri], 1.0))
            swap += w * (c(world[ri], rworld[li], 1.0) + c(world[li], rworld[ri], 1.0))
        return ident, swap

    # --------------------------------------------------------------------- call
    def __call__(self, frame: PoseFrame) -> PoseFrame:
        if not self.active:
            return frame
        if not frame.detected:
            if self._ref is not None and frame.t_s - self._ref.t_s > self.max_gap_s:
                self.reset()
            return frame
        xy = np.asarray(frame.xy, float)
        vis = np.asarray(frame.vis, float)
        world = None if frame.world is None else np.asarray(frame.world, float)
        pred = self._predict(frame.t_s)
        if self._ref is not None and frame.t_s - self._ref.t_s > self.max_gap_s:
            pred = None
        near = None
        scale = _torso(xy)
        if not np.isfinite(scale) or scale < 1e-6:
            scale = float(np.hypot(frame.width, frame.height)) * 0.25
        for name, pairs in GROUPS.items():
            swap = False
            a, b = ROOT[name]
            if abs(xy[a, 0] - xy[b, 0]) > self.front_gap * scale:
                continue  # front/back view: labels follow the image order
            if pred is not None:
                ident_c, swap_c = self._costs(xy, world, pred[0], pred[1], KEY[name], scale)
                swap = swap_c < self.ratio * ident_c and ident_c - swap_c > self.margin
            if name == "legs" and world is not None:
                near = near or side_view_near_side(xy, world)
                swap = self._anchor(name, pairs, xy, world, swap, near)
            if swap:
                xy = swap_group(xy, pairs)
                vis = swap_group(vis, pairs)
                if world is not None:
                    world = swap_group(world, pairs)
                self.swaps[name] += 1
        out = PoseFrame(index=frame.index, t_s=frame.t_s, width=frame.width,
                        height=frame.height, xy=xy, vis=vis, world=world,
                        n_people=frame.n_people)  # fmt: skip
        self._prev, self._ref = self._ref, out
        return out

    def _anchor(self, name, pairs, xy, world, swap, near) -> bool:  # noqa: ANN001
        """Re-anchor the legs on anatomy after a run of depth-order disagreements."""
        if near is None:
            self._disagree[name] = 0
            return swap
        # Depth order of the legs after the decision so far: the near leg has smaller z.
        zl = np.nanmean(world[[25, 27, 29, 31], 2])
        zr = np.nanmean(world[[26, 28, 30, 32], 2])
        if swap:
            zl, zr = zr, zl
        width = float(np.linalg.norm(world[23] - world[24]))
        if not np.isfinite(zl - zr) or abs(zl - zr) < 0.5 * max(width, 0.05):
            self._disagree[name] = 0
            return swap
        label_near = "L" if zl < zr else "R"
        if label_near == near:
            self._disagree[name] = 0
            return swap
        self._disagree[name] += 1
        if self._disagree[name] >= self.anchor_frames:
            return not swap
        return swap
