"""The anny body: posing from anatomical angles, true keypoints and clothing colours.

Axes (anny's world frame, also the scene's): metres, Z up, the body at rest faces -Y,
+X is the person's LEFT. Pose deltas use anny's default ``local-ref`` parameterisation:
each bone's delta rotation is expressed in world-aligned rest axes and composes down the
chain as ``G_child = G_parent @ D_child`` (verified: ``upperleg01.L`` by Rx(-a) flexes
the hip, ``lowerleg01.L`` by Rx(+a) bends the knee, Rz(+a) on the root turns the body
toward its own left).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .rot import axis_angle, deg, rx, ry, rz

SIDES = ("L", "R")
SPINE = ("spine05", "spine04", "spine03", "spine02", "spine01")

#: anny COCO-wholebody-feet keypoint labels, in the regressor's order.
COCO_LABELS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_big_toe",
    "right_big_toe", "left_small_toe", "right_small_toe", "left_heel", "right_heel",
)  # fmt: skip

#: MediaPipe landmark index -> anny COCO label (foot index 31/32 is built separately).
MP_FROM_COCO = {
    0: "nose", 2: "left_eye", 5: "right_eye", 7: "left_ear", 8: "right_ear",
    11: "left_shoulder", 12: "right_shoulder", 13: "left_elbow", 14: "right_elbow",
    15: "left_wrist", 16: "right_wrist", 23: "left_hip", 24: "right_hip", 25: "left_knee",
    26: "right_knee", 27: "left_ankle", 28: "right_ankle", 29: "left_heel", 30: "right_heel",
}  # fmt: skip
#: MediaPipe indices whose truth this module provides (vis = 1 for these).
MP_MAPPED = tuple(sorted([*MP_FROM_COCO, 31, 32]))


@dataclass(frozen=True)
class Phenotype:
    """anny phenotype, every value in [0, 1] (anny's units; 0.5 = average).

    gender: 0 male .. 1 female; age: 0 baby, 1/3 child, 2/3 young adult, 1 old;
    height/weight/muscle/proportions: relative scales.
    """

    label: str
    gender: float
    age: float
    muscle: float
    weight: float
    height: float
    proportions: float

    def kwargs(self) -> dict[str, float]:
        """The phenotype as anny ``phenotype_kwargs``."""
        return {
            k: getattr(self, k)
            for k in ("gender", "age", "muscle", "weight", "height", "proportions")
        }


@dataclass(frozen=True)
class Clothing:
    """Clothing colours as sRGB 0..1 triples, plus sleeve/leg cut."""

    label: str
    shirt: tuple[float, float, float]
    trousers: tuple[float, float, float]
    shoes: tuple[float, float, float]
    skin: tuple[float, float, float]
    hair: tuple[float, float, float]
    long_sleeves: bool = False
    shorts: bool = False


@functools.lru_cache(maxsize=1)
def _model():  # noqa: ANN202 - returns (anny.Anny, KeypointsRegressor)
    """Load anny once (slow: builds a ~790 MB cache in ANNY_CACHE_DIR on first use)."""
    os.environ.setdefault("ANNY_CACHE_DIR", "/tmp/anny_cache")
    import anny
    import torch

    torch.set_num_threads(2)
    model = anny.Anny().to(dtype=torch.float32)
    kreg = anny.KeypointsRegressor.coco(model)
    assert tuple(kreg.labels) == COCO_LABELS, kreg.labels
    return model, kreg


class Body:
    """One anny body with a fixed phenotype, posed by anatomical angles.

    Angle inputs (all degrees, arrays of shape (N,), missing = 0), per side s in L/R:
      ``hip_flex_s``   hip flexion (+ thigh forward)
      ``hip_abd_s``    hip abduction (+ thigh away from the midline)
      ``hip_rot_s``    hip internal rotation about the femur axis (+ internal)
      ``wiper_s``      rotation of the whole leg about the hip->ankle line (+ knee toward
                       the midline), applied after the above; the foot keeps its world
                       orientation when ``foot_flat_s`` is set
      ``knee_flex_s``  knee flexion (+ bend)
      ``ankle_s``      ankle plantar-flexion (+ toes down), used when the foot is not flat
      ``foot_flat_s``  if present (not NaN): the foot is set flat on the floor with this
                       toe-out yaw in degrees (+ toes away from the midline)
      ``sh_flex_s``    shoulder flexion (+ arm forward/up), ``sh_abd_s`` abduction from
                       the side of the body (0 = arm hanging), ``elbow_s`` elbow flexion
    and for the trunk: ``spine_flex`` (+ forward), ``spine_twist`` (+ shoulders toward
    the person's left), ``spine_lat`` (+ bend to the left), ``neck_flex`` (+ chin down).
    The root (pelvis) orientation is a separate (N, 3, 3) world rotation.
    """

    def __init__(self, phenotype: Phenotype) -> None:
        import torch

        self.phenotype = phenotype
        model, kreg = _model()
        self.model = model
        self.kreg = kreg
        self.labels: list[str] = list(model.bone_labels)
        self.index = {name: i for i, name in enumerate(self.labels)}
        with torch.no_grad():
            out = model(phenotype_kwargs=phenotype.kwargs())
        heads = out["bone_poses"][0, :, :3, 3].numpy().astype(float)
        self.rest_heads = heads
        self.rest_vertices = out["vertices"][0].numpy().astype(float)
        self.rest_keypoints = kreg(out)[0].numpy().astype(float)
        h = self.head
        # Rest segment vectors (world axes, metres).
        self.thigh = {s: h(f"lowerleg01.{s}") - h(f"upperleg01.{s}") for s in SIDES}
        self.shank = {s: h(f"foot.{s}") - h(f"lowerleg01.{s}") for s in SIDES}
        arm = {s: h(f"lowerarm01.{s}") - h(f"upperarm01.{s}") for s in SIDES}
        # Rest arm abduction (A-pose), degrees from hanging straight down.
        self.rest_arm_abd = {
            s: float(np.degrees(np.arctan2(abs(arm[s][0]), -arm[s][2]))) for s in SIDES
        }
        self.faces = model.faces.numpy().astype(np.int32)
        w = model.vertex_bone_weights.numpy()
        idx = model.vertex_bone_indices.numpy()
        self.dominant_bone = idx[np.arange(len(idx)), np.argmax(w, axis=1)]

    def head(self, bone: str) -> np.ndarray:
        """Rest-pose position of a bone's head (its joint), metres."""
        return self.rest_heads[self.index[bone]]

    # ------------------------------------------------------------------ posing

    def deltas(
        self, ang: dict[str, np.ndarray], root: np.ndarray, legs_root: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Bone delta rotations (N, 3, 3) from anatomical angles (see the class docstring).

        ``root`` (N, 3, 3) is the pelvis orientation in the world. ``legs_root`` (optional,
        N x 3 x 3) is the pelvis orientation the leg angles refer to: when the pelvis turns
        but the feet stay planted, the legs keep hanging from ``legs_root``.
        """
        n = root.shape[0]
        legs_fix = np.swapaxes(root, 1, 2) @ legs_root if legs_root is not None else np.eye(3)[None]

        def a(key: str) -> np.ndarray:
            v = ang.get(key)
            return np.zeros(n) if v is None else np.asarray(v, dtype=float)

        d: dict[str, np.ndarray] = {"root": root}
        for s in SIDES:
            d |= self._leg_deltas(s, a, ang.get(f"foot_flat_{s}"), root, legs_fix)
            d |= self._arm_deltas(s, a)
        k = len(SPINE)
        seg = (
            rz(deg(a("spine_twist")) / k)
            @ rx(deg(a("spine_flex")) / k)
            @ ry(deg(a("spine_lat")) / k)
        )
        for b in SPINE:
            d[b] = seg
        d["neck01"] = rx(deg(a("neck_flex")))
        return d

    def _leg_deltas(
        self,
        s: str,
        a: Callable[[str], np.ndarray],
        flat: np.ndarray | None,
        root: np.ndarray,
        legs_fix: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Hip, knee and foot deltas of leg ``s`` from the angle tracks ``a`` (see
        :meth:`deltas`); ``flat`` = the ``foot_flat_s`` track or None."""
        sg = 1.0 if s == "L" else -1.0  # mirror for the right side
        hip = (
            rx(-deg(a(f"hip_flex_{s}")))
            @ ry(-sg * deg(a(f"hip_abd_{s}")))
            @ rz(-sg * deg(a(f"hip_rot_{s}")))
        )
        knee = rx(deg(a(f"knee_flex_{s}")))
        wiper = a(f"wiper_{s}")
        if np.any(wiper != 0):
            hip = self._wiper(s, hip, knee, wiper)
        hip = legs_fix @ hip
        foot = rx(deg(a(f"ankle_{s}")))
        if flat is not None:
            flat = np.asarray(flat, dtype=float)
            g_shank = root @ hip @ knee
            target = rz(sg * deg(np.nan_to_num(flat)))
            foot_flat = np.swapaxes(g_shank, 1, 2) @ target
            foot = np.where(np.isnan(flat)[:, None, None], foot, foot_flat)
        return {f"upperleg01.{s}": hip, f"lowerleg01.{s}": knee, f"foot.{s}": foot}

    def _wiper(self, s: str, hip: np.ndarray, knee: np.ndarray, wiper: np.ndarray) -> np.ndarray:
        """The hip rotation ``hip`` followed by a turn of the whole leg about the hip->ankle
        line (pelvis frame) by ``wiper`` degrees, + moving the knee toward the midline."""
        sg = 1.0 if s == "L" else -1.0
        ankle = np.einsum("nij,j->ni", hip, self.thigh[s]) + np.einsum(
            "nij,njk,k->ni", hip, knee, self.shank[s]
        )
        # + wiper moves the knee toward the midline (-X for the left leg).
        knee_pos = np.einsum("nij,j->ni", hip, self.thigh[s])
        axis = ankle / np.linalg.norm(ankle, axis=1, keepdims=True)
        test = np.cross(axis, knee_pos)[:, 0]  # d(knee.x)/d(angle)
        sign = np.where(test * sg < 0, 1.0, -1.0)
        return axis_angle(axis, sign * deg(wiper)) @ hip

    def _arm_deltas(self, s: str, a: Callable[[str], np.ndarray]) -> dict[str, np.ndarray]:
        """Arm ``s``: remove the rest A-pose abduction, then abduct and flex."""
        sg = 1.0 if s == "L" else -1.0
        abd = deg(self.rest_arm_abd[s] - a(f"sh_abd_{s}"))
        return {
            f"upperarm01.{s}": rx(-deg(a(f"sh_flex_{s}"))) @ ry(sg * abd),
            f"lowerarm01.{s}": rx(-deg(a(f"elbow_{s}"))),
        }

    def forward(
        self, deltas: dict[str, np.ndarray], chunk: int = 100
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pose the mesh. Returns vertices (N, V, 3), COCO keypoints (N, 23, 3) and bone
        heads (N, B, 3), metres, world axes, root at the origin (before placement)."""
        import torch

        n = next(iter(deltas.values())).shape[0]
        verts, kps, heads = [], [], []
        for i0 in range(0, n, chunk):
            i1 = min(n, i0 + chunk)
            pose = {}
            for name, r in deltas.items():
                t = torch.eye(4, dtype=torch.float32).repeat(i1 - i0, 1, 1)
                t[:, :3, :3] = torch.from_numpy(r[i0:i1]).float()
                pose[name] = t
            ph = {k: torch.full((i1 - i0,), v) for k, v in self.phenotype.kwargs().items()}
            with torch.no_grad():
                out = self.model(pose_parameters=pose, phenotype_kwargs=ph)
                verts.append(out["vertices"].numpy().astype(float))
                kps.append(self.kreg(out).numpy().astype(float))
                heads.append(out["bone_poses"][:, :, :3, 3].numpy().astype(float))
        return np.concatenate(verts), np.concatenate(kps), np.concatenate(heads)

    # ---------------------------------------------------------------- clothing

    def vertex_colors(self, c: Clothing) -> np.ndarray:
        """Per-vertex sRGB colours (V, 3) in 0..1 from the dominant skinning bone."""
        names = [self.labels[i] for i in self.dominant_bone]
        v = self.rest_vertices
        kp = dict(zip(COCO_LABELS, self.rest_keypoints, strict=True))
        eye_z = kp["left_eye"][2]
        ear_y = kp["left_ear"][1]
        knee_z = kp["left_knee"][2]
        thigh_mid_z = 0.5 * (kp["left_hip"][2] + knee_z)
        elbow_z = kp["left_elbow"][2]
        hip_z = kp["left_hip"][2]
        col = np.empty((len(names), 3))
        for i, name in enumerate(names):
            base = name.split(".")[0]
            z = v[i, 2]
            if base in ("head", "eye", "neck03") and (
                z > eye_z + 0.045 or (v[i, 1] > ear_y - 0.01 and z > eye_z - 0.06)
            ):
                col[i] = c.hair
            elif base.startswith(("spine", "clavicle", "shoulder01")) or base == "root":
                col[i] = c.trousers if z < hip_z + 0.10 else c.shirt
            elif base.startswith("upperarm"):
                col[i] = c.shirt if (c.long_sleeves or z > elbow_z + 0.12) else c.skin
            elif base.startswith("lowerarm"):
                col[i] = c.shirt if c.long_sleeves else c.skin
            elif base.startswith(("pelvis", "upperleg", "lowerleg")):
                col[i] = c.trousers if (not c.shorts or z > thigh_mid_z - 0.05) else c.skin
            elif base.startswith(("foot", "toe")):
                col[i] = c.shoes
            else:
                col[i] = c.skin
        return col
