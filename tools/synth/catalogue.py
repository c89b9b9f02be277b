"""The sample clips' bodies, clothing and clip table (``tools/render_synthetic.py --all``).

Also the metrics recorded at each rep's peak in the sidecar, per exercise.
"""

from __future__ import annotations

from .body import Clothing, Phenotype
from .motions import Spec

# ------------------------------------------------------------------------------ bodies

PHENOTYPES: dict[str, Phenotype] = {
    p.label: p
    for p in (
        Phenotype("female_avg", gender=0.92, age=0.68, muscle=0.5, weight=0.45, height=0.45,
                  proportions=0.5),
        Phenotype("male_heavy", gender=0.05, age=0.84, muscle=0.45, weight=0.88, height=0.35,
                  proportions=0.4),
        Phenotype("male_tall_slim", gender=0.1, age=0.7, muscle=0.65, weight=0.3,
                  height=0.58, proportions=0.65),
        Phenotype("female_older", gender=0.95, age=0.93, muscle=0.35, weight=0.62, height=0.3,
                  proportions=0.45),
    )
}  # fmt: skip

CLOTHING: dict[str, Clothing] = {
    c.label: c
    for c in (
        Clothing("blue_grey", shirt=(0.20, 0.45, 0.75), trousers=(0.42, 0.42, 0.46),
                 shoes=(0.92, 0.92, 0.90), skin=(0.87, 0.68, 0.55), hair=(0.30, 0.18, 0.09)),
        Clothing("red_navy", shirt=(0.78, 0.22, 0.20), trousers=(0.22, 0.28, 0.48),
                 shoes=(0.85, 0.85, 0.85), skin=(0.72, 0.52, 0.38), hair=(0.12, 0.09, 0.07),
                 long_sleeves=True),
        Clothing("green_black", shirt=(0.25, 0.60, 0.40), trousers=(0.30, 0.30, 0.32),
                 shoes=(0.90, 0.55, 0.25), skin=(0.55, 0.38, 0.27), hair=(0.08, 0.06, 0.05),
                 shorts=True),
        Clothing("yellow_teal", shirt=(0.90, 0.76, 0.30), trousers=(0.18, 0.50, 0.52),
                 shoes=(0.95, 0.95, 0.95), skin=(0.93, 0.76, 0.65), hair=(0.62, 0.52, 0.40)),
        Clothing("white_maroon", shirt=(0.88, 0.88, 0.86), trousers=(0.50, 0.20, 0.25),
                 shoes=(0.25, 0.25, 0.30), skin=(0.80, 0.60, 0.45), hair=(0.45, 0.28, 0.14)),
    )
}  # fmt: skip

# ------------------------------------------------------------------------ clip table

#: Every committed sample clip: name -> spec. ``--all`` renders these.
CLIPS: dict[str, Spec] = {
    "squat_valgus__good": Spec("squat_valgus", "good", "both", reps=4, seed=1,
                               phenotype="female_avg", clothing="blue_grey"),
    "squat_valgus__valgus": Spec("squat_valgus", "valgus", "both", reps=4, seed=2,
                                 faults=("knee_valgus",), phenotype="male_heavy",
                                 clothing="red_navy"),
    "seated_internal_rotation__good": Spec("seated_internal_rotation", "good", "R", reps=3,
                                           seed=3, phenotype="male_tall_slim",
                                           clothing="yellow_teal"),
    "seated_internal_rotation__trunk_rotation": Spec(
        "seated_internal_rotation", "trunk_rotation", "L", reps=3, seed=4,
        faults=("trunk_rotation",), phenotype="female_avg", clothing="white_maroon"),
    "standing_spine_twist__good": Spec("standing_spine_twist", "good", "R", reps=2, seed=5,
                                       phenotype="male_heavy", clothing="green_black"),
    "standing_spine_twist__pelvis_rotation": Spec(
        "standing_spine_twist", "pelvis_rotation", "L", reps=2, seed=6,
        faults=("pelvis_rotation",), phenotype="female_avg", clothing="red_navy"),
    "hip_hinge_rotation__good": Spec("hip_hinge_rotation", "good", "L", reps=3, seed=7,
                                     phenotype="male_tall_slim", clothing="blue_grey"),
    "hip_hinge_rotation__squat": Spec("hip_hinge_rotation", "squat", "L", reps=3, seed=8,
                                      faults=("squat_not_hinge",), phenotype="female_older",
                                      clothing="yellow_teal"),
    "knee_to_knee__good": Spec("knee_to_knee", "good", "both", reps=2, seed=9,
                               phenotype="female_avg", clothing="green_black"),
    "band_stretch__good": Spec("band_stretch", "good", "L", reps=1, seed=10,
                               phenotype="male_heavy", clothing="white_maroon"),
    "ball_massage__good": Spec("ball_massage", "good", "both", reps=1, seed=11,
                               phenotype="female_older", clothing="blue_grey"),
    "quadruped_band_circles__good": Spec("quadruped_band_circles", "good", "both", reps=3,
                                         seed=12, phenotype="male_tall_slim",
                                         clothing="red_navy"),
}  # fmt: skip

#: Metrics reported at each rep's peak ({s} working side, {o} the other side).
PEAK_METRICS: dict[str, tuple[str, ...]] = {
    "squat_valgus": ("knee_valgus_L", "knee_valgus_R", "knee_ankle_ratio",
                     "knee_flexion_3d_L", "knee_flexion_3d_R"),
    "seated_internal_rotation": ("knee_drop_{s}", "shank_tilt_true_deg_{s}", "knee_drop_{o}",
                                 "trunk_twist_true_deg", "pelvis_rotation_true_deg"),
    "standing_spine_twist": ("trunk_twist_true_deg", "pelvis_rotation_true_deg",
                             "trunk_twist", "foot_turnout_{s}"),
    "hip_hinge_rotation": ("trunk_inclination", "knee_flexion_{s}", "knee_flexion_3d_{s}",
                           "trunk_twist_true_deg", "hip_flexion_{s}"),
    "knee_to_knee": ("knee_drop_L", "knee_drop_R", "shank_tilt_true_deg_L",
                     "shank_tilt_true_deg_R", "knee_ankle_ratio"),
    "band_stretch": ("hip_flexion_{s}", "knee_flexion_{o}", "hip_flexion_3d_{s}"),
}  # fmt: skip
