"""The training set's recipe: which clips to render, on which bodies, clothing and cameras.

Five training rounds, the held-out clips (``render-holdout``: bodies never fitted on) and
the held-out cameras (``render-newcam``: training bodies, camera set-ups no round used);
everything is deterministic from the seeds (``RECIPE_SEED``).
"""

from __future__ import annotations

import numpy as np

RECIPE_SEED = 20240611
FPS = 10
N_BODIES = 8
N_CAMS = 4  # camera set-up presets per view (the unit held out in validation)

#: (exercise, variant, faults, side, reps, count, depth range) - depth scales the main
#: movement's amplitude (knee drop, twist) where the script has one.
RECIPE: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 1, 10, (0.6, 1.15)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 1, 6,
     (0.7, 1.1)),
    ("knee_to_knee", "good", (), "both", 1, 7, (0.55, 1.2)),
    ("standing_spine_twist", "good", (), "alt", 1, 3, (0.45, 1.15)),
    ("standing_spine_twist", "pelvis_rotation", ("pelvis_rotation",), "alt", 1, 3,
     (0.6, 1.2)),
    ("hip_hinge_rotation", "good", (), "alt", 1, 2, (1.0, 1.0)),
    ("hip_hinge_rotation", "squat", ("squat_not_hinge",), "alt", 1, 1, (1.0, 1.0)),
    ("band_stretch", "good", (), "alt", 1, 2, (1.0, 1.0)),
    ("quadruped_band_circles", "good", (), "both", 1, 1, (1.0, 1.0)),
    ("squat_valgus", "good", (), "both", 2, 2, (1.0, 1.0)),
    ("squat_valgus", "valgus", ("knee_valgus",), "both", 2, 1, (1.0, 1.0)),
]  # fmt: skip

#: Round 2 (added to fit the models that missed their targets: seated knee drop and twist,
#: knee-to-knee, standing twist and pelvis): the same kinds of clip on new bodies
#: (``train_b8``...), drawn from their own seed so round 1 is unchanged.
RECIPE2_SEED = RECIPE_SEED + 2
N_BODIES2 = 6
RECIPE2: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 1, 8, (0.6, 1.15)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 1, 3,
     (0.7, 1.1)),
    ("standing_spine_twist", "good", (), "alt", 1, 6, (0.0, 1.15)),
    ("standing_spine_twist", "pelvis_rotation", ("pelvis_rotation",), "alt", 1, 4,
     (0.6, 1.2)),
    ("knee_to_knee", "good", (), "both", 1, 5, (0.55, 1.2)),
]  # fmt: skip

#: Round 3: more bodies again (``train_b14``...), same kinds of clip as round 2.
RECIPE3_SEED = RECIPE_SEED + 3
N_BODIES3 = 10
RECIPE3: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 1, 14, (0.6, 1.15)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 1, 4,
     (0.7, 1.1)),
    ("standing_spine_twist", "good", (), "alt", 1, 6, (0.0, 1.15)),
    ("standing_spine_twist", "pelvis_rotation", ("pelvis_rotation",), "alt", 1, 4,
     (0.6, 1.2)),
    ("knee_to_knee", "good", (), "both", 1, 8, (0.55, 1.2)),
]  # fmt: skip

#: Round 4: ten more bodies (``train_b30``..., after the held-out ones) for the models
#: still over their targets: knee-to-knee (right knee at the hold) and the seated twist
#: with no true twist; plus squats for the standing models.
RECIPE4_SEED = RECIPE_SEED + 5
N_BODIES4 = 10
RECIPE4: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 1, 10, (0.6, 1.15)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 1, 4,
     (0.7, 1.1)),
    ("knee_to_knee", "good", (), "both", 1, 12, (0.55, 1.2)),
    # Standing squats (no twist, pelvis square), so the standing twist and pelvis models
    # see knees bending toward the camera without a turn.
    ("squat_valgus", "good", (), "both", 2, 6, (1.0, 1.0)),
    ("squat_valgus", "valgus", ("knee_valgus",), "both", 2, 2, (1.0, 1.0)),
]  # fmt: skip

#: Round 5: ten more bodies (``train_b40``...) for the standing twist and pelvis models
#: (the spine twist had 26 clips).
RECIPE5_SEED = RECIPE_SEED + 6
N_BODIES5 = 10
RECIPE5: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("standing_spine_twist", "good", (), "alt", 1, 10, (0.3, 1.15)),
    ("standing_spine_twist", "pelvis_rotation", ("pelvis_rotation",), "alt", 1, 6,
     (0.6, 1.2)),
]  # fmt: skip

#: Angle tracks scaled by the depth factor (``{s}`` = working side); truth tracks too.
DEPTH_TRACKS = {
    "seated_internal_rotation": ("wiper_{s}", "spine_twist"),
    "knee_to_knee": ("wiper_L", "wiper_R"),
    "standing_spine_twist": ("spine_twist",),
}
DEPTH_TRUTH = {"standing_spine_twist": ("trunk_twist_true_deg",),
               "seated_internal_rotation": ("trunk_twist_true_deg",)}  # fmt: skip


def bodies(rng: np.random.Generator, n: int = N_BODIES, first: int = 0) -> list[dict]:
    """``n`` random adult phenotypes (none equal to the sample clips' bodies)."""
    out = []
    for i in range(first, first + n):
        out.append(dict(label=f"train_b{i}", gender=float(rng.uniform(0.0, 1.0)),
                        age=float(rng.uniform(0.55, 0.97)), muscle=float(rng.uniform(0.3, 0.7)),
                        weight=float(rng.uniform(0.25, 0.92)),
                        height=float(rng.uniform(0.28, 0.66)),
                        proportions=float(rng.uniform(0.35, 0.68))))  # fmt: skip
    return out


def clothing(rng: np.random.Generator, label: str) -> dict:
    """Random clothing colours; one in three has dark trousers/leggings."""

    def col(lo: float = 0.1, hi: float = 0.95) -> tuple[float, float, float]:
        return tuple(float(x) for x in rng.uniform(lo, hi, 3))

    dark = rng.random() < 0.35
    skin_t = rng.uniform(0.0, 1.0)
    skin = tuple(
        float(a + (b - a) * skin_t)
        for a, b in zip((0.45, 0.30, 0.22), (0.94, 0.78, 0.68), strict=True)
    )
    return dict(
        label=label,
        shirt=col(),
        trousers=col(0.05, 0.18) if dark else col(0.15, 0.8),
        shoes=col(0.2, 0.95),
        skin=skin,
        hair=col(0.05, 0.6),
        long_sleeves=bool(rng.random() < 0.4),
        shorts=bool(rng.random() < 0.2),
    )


#: Camera set-up presets: (distance scale, height offset m, azimuth deg, look-at z offset).
CAM_PRESETS = [(1.0, 0.0, 0.0, 0.0), (0.85, -0.2, -8.0, -0.05), (1.15, 0.25, 8.0, 0.05),
               (1.0, 0.1, 14.0, 0.0),
               # 4-7: held-out camera set-ups, never in a training round (``render-newcam``):
               # closer and lower, farther and higher, 22 degrees to either side.
               (0.72, -0.3, 4.0, -0.08), (1.35, 0.4, -4.0, 0.08), (1.0, 0.05, 22.0, 0.0),
               (0.9, -0.1, -22.0, 0.04)]  # fmt: skip


def recipe() -> list[dict]:
    """The clip list: name -> spec fields, body, clothing, camera preset + jitter, depth."""
    return (
        _round(RECIPE_SEED, RECIPE, N_BODIES, 0, "")
        + _round(RECIPE2_SEED, RECIPE2, N_BODIES2, N_BODIES, "r2_")
        + _round(RECIPE3_SEED, RECIPE3, N_BODIES3, N_BODIES + N_BODIES2, "r3_")
        + _round(
            RECIPE4_SEED,
            RECIPE4,
            N_BODIES4,
            N_BODIES + N_BODIES2 + N_BODIES3 + N_BODIES_HOLDOUT,
            "r4_",
        )
        + _round(
            RECIPE5_SEED,
            RECIPE5,
            N_BODIES5,
            N_BODIES + N_BODIES2 + N_BODIES3 + N_BODIES_HOLDOUT + N_BODIES4,
            "r5_",
        )
    )


#: Per-round clip seed offsets (rounds never share a seed).
SEED_OFFSET = {"": 0, "r2_": 500, "r3_": 800, "h_": 1100, "r4_": 1400, "r5_": 1700,
               "c_": 2000}  # fmt: skip


def _round(seed: int, table: list, n_bodies: int, first: int, tag: str) -> list[dict]:
    """One recipe round: its own random bodies, clothing, cameras and depths."""
    rng = np.random.default_rng(seed)
    bods = bodies(rng, n_bodies, first)
    clips = []
    for k, (ex, variant, faults, side, reps, count, (d0, d1)) in enumerate(table):
        for j in range(count):
            s = ("L", "R")[j % 2] if side == "alt" else side
            b = bods[(k * 3 + j) % n_bodies]
            cam = (k + j) % N_CAMS
            clips.append(dict(
                name=f"{ex}__{variant}__{tag}{j:02d}", exercise=ex, variant=variant,
                faults=list(faults), side=s, reps=reps,
                seed=1000 + k * 17 + j + SEED_OFFSET[tag],
                tempo=float(rng.uniform(0.75, 1.25)), depth=float(rng.uniform(d0, d1)),
                body=b, clothing=clothing(rng, f"c{k}_{j}"), cam_preset=cam,
                cam_jitter=[float(x) for x in rng.uniform(-1, 1, 4)],
                mirror_side_camera=bool(rng.random() < 0.5),
            ))  # fmt: skip
    return clips


#: A held-out check of the whole engine (never fitted on): every movement, 2-3 reps or
#: holds per clip, on bodies of their own and the moved camera set-ups. ``render-holdout``
#: writes it to ``OUT/holdout``; ``tools/accuracy.py --clips 'OUT/holdout/*.mp4'`` scores it.
HOLDOUT_SEED = RECIPE_SEED + 4
N_BODIES_HOLDOUT = 6
HOLDOUT: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 3, 4, (0.8, 1.1)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 3, 2,
     (0.8, 1.1)),
    ("knee_to_knee", "good", (), "both", 2, 3, (0.8, 1.1)),
    ("standing_spine_twist", "good", (), "alt", 2, 3, (0.8, 1.1)),
    ("standing_spine_twist", "pelvis_rotation", ("pelvis_rotation",), "alt", 2, 2,
     (0.8, 1.1)),
    ("squat_valgus", "good", (), "both", 4, 2, (1.0, 1.0)),
    ("squat_valgus", "valgus", ("knee_valgus",), "both", 4, 2, (1.0, 1.0)),
    ("hip_hinge_rotation", "good", (), "alt", 3, 2, (1.0, 1.0)),
    ("band_stretch", "good", (), "alt", 1, 2, (1.0, 1.0)),
    ("ball_massage", "good", (), "both", 1, 1, (1.0, 1.0)),
    ("quadruped_band_circles", "good", (), "both", 3, 1, (1.0, 1.0)),
]  # fmt: skip


#: Held-out camera set-ups (presets 4-7) on training bodies: the seated exercise only,
#: 3 reps a clip, to tell a camera the models never saw from a body they never saw.
NEWCAM_SEED = RECIPE_SEED + 7
NEWCAM: list[tuple[str, str, tuple[str, ...], str, int, int, tuple[float, float]]] = [
    ("seated_internal_rotation", "good", (), "alt", 3, 6, (0.8, 1.1)),
    ("seated_internal_rotation", "trunk_rotation", ("trunk_rotation",), "alt", 3, 2,
     (0.8, 1.1)),
]  # fmt: skip


def newcam() -> list[dict]:
    """The held-out-camera clip list: training bodies (round 1), camera presets 4-7."""
    clips = _round(NEWCAM_SEED, NEWCAM, N_BODIES, 0, "c_")
    for i, c in enumerate(clips):
        c["cam_preset"] = 4 + i % 4
    return clips


def holdout() -> list[dict]:
    """The held-out clip list (bodies ``train_b24``... never used for fitting)."""
    first = N_BODIES + N_BODIES2 + N_BODIES3
    return _round(HOLDOUT_SEED, HOLDOUT, N_BODIES_HOLDOUT, first, "h_")
