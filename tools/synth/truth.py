"""The renderer's ground truth: the posed body placed on the floor, its keypoints in
MediaPipe's layout, and metrics straight from the true 3D joints.

World axes (see :mod:`tools.synth`): metres, Z up, floor z = 0, the body faces -Y at
rest, +X is the person's left.
"""

from __future__ import annotations

import numpy as np

from .body import COCO_LABELS, MP_FROM_COCO, Body
from .motions import Motion


def place(motion: Motion, body: Body, verts: np.ndarray, kps: np.ndarray) -> np.ndarray:
    """Per-frame translation (N, 3): lowest vertex on the floor (ignoring the bones in
    ``motion.ground_excludes``), the anchor keypoints' horizontal midpoint at world
    (0, 0). Applied in place to ``verts`` and ``kps``."""
    li = {name: i for i, name in enumerate(COCO_LABELS)}
    pair = ("left_ankle", "right_ankle") if motion.anchor == "ankles" else ("left_hip", "right_hip")
    mid = 0.5 * (kps[:, li[pair[0]]] + kps[:, li[pair[1]]])
    shift = np.zeros((len(verts), 3))
    if motion.anchor == "ankles":
        shift[:, :2] = -mid[0, :2]  # feet planted: fixed at their first-frame position
    else:
        shift[:, :2] = -mid[:, :2]
    names = [body.labels[i] for i in body.dominant_bone]
    keep = np.array([not n.startswith(motion.ground_excludes) for n in names])
    shift[:, 2] = -verts[:, keep, 2].min(axis=1)
    verts += shift[:, None, :]
    kps += shift[:, None, :]
    return shift


def mediapipe_layout(kps: np.ndarray) -> np.ndarray:
    """anny COCO keypoints (N, 23, 3) -> MediaPipe's 33-landmark layout (N, 33, 3); the
    unmapped landmarks (face details, hands) are NaN."""
    li = {name: i for i, name in enumerate(COCO_LABELS)}
    out = np.full((kps.shape[0], 33, 3), np.nan)
    for mp_i, label in MP_FROM_COCO.items():
        out[:, mp_i] = kps[:, li[label]]
    for mp_i, side in ((31, "left"), (32, "right")):
        out[:, mp_i] = 0.65 * kps[:, li[f"{side}_big_toe"]] + 0.35 * kps[:, li[f"{side}_small_toe"]]
    return out


def angle3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees for 3D points (N, 3)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def true_3d_metrics(w33: np.ndarray, motion: Motion) -> dict[str, np.ndarray]:
    """Metrics straight from the true 3D joints (world axes), degrees.

    ``knee_flexion_3d_s``: 180 - 3D angle hip-knee-ankle. ``hip_flexion_3d_s``: 180 - 3D
    angle shoulder-hip-knee. ``shank_tilt_true_deg_s``: angle of ankle->knee from world
    vertical, + toward the midline (lateral axis = the pelvis' right->left hip line).
    """
    out: dict[str, np.ndarray] = {}
    lat = w33[:, 23] - w33[:, 24]
    lat[:, 2] = 0.0
    lat /= np.linalg.norm(lat, axis=1, keepdims=True)
    for s, (sh, hp, kn, an) in {"L": (11, 23, 25, 27), "R": (12, 24, 26, 28)}.items():
        out[f"knee_flexion_3d_{s}"] = 180.0 - angle3(w33[:, hp], w33[:, kn], w33[:, an])
        out[f"hip_flexion_3d_{s}"] = 180.0 - angle3(w33[:, sh], w33[:, hp], w33[:, kn])
        if motion.position in ("seated", "supine"):
            d = w33[:, kn] - w33[:, an]
            medial = -np.sum(d * lat, axis=1) if s == "L" else np.sum(d * lat, axis=1)
            out[f"shank_tilt_true_deg_{s}"] = np.degrees(np.arctan2(medial, d[:, 2]))
    return out


def clean(v: np.ndarray, nd: int = 2) -> list:
    """Array -> JSON list with NaN as null, rounded."""
    return [None if not np.isfinite(x) else round(float(x), nd) for x in np.asarray(v, float)]
