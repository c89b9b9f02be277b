"""Standing: the hip hinge with rotation, the spine twist and the squat valgus check.

The lunge guards (a lunge or a side lunge is not counted as a hinge or a squat) live here.
"""

from __future__ import annotations

from formcheck.exercises.catalogue.common import FACE, SIDE_ON
from formcheck.exercises.model import ExerciseDef, FormRule

#: A rep with one leg bent and the other not is a lunge or a split squat, not a squat or a
#: hinge: not counted (degrees between the legs, ``leg_bend_diff``).
LUNGE_THIGH_DIFF = 50.0
#: ... and one with the hips moved sideways over a bent leg, the other straight, is a side
#: lunge (``side_lunge_shift``: 0 = centred between the feet, 1 = over a foot; squats stay
#: under 0.3).
SIDE_LUNGE_SHIFT = 0.4
LUNGE_CUE = "That looked like a lunge: keep both feet side by side and bend both legs"
_HINGE_NOT_LUNGE = "That looked like a lunge: hinge forward from your hips, knees soft"


HIP_HINGE_ROTATION = ExerciseDef(
    id="hip_hinge_rotation",
    title="Standing hip hinge with rotation",
    instructions=(
        "Stand tall, then step one foot one to two feet back.",
        "Hinge forward from the hips with a neutral spine, rotating open toward the front leg.",
        "Hold the twist, return to standing; 10 to 12 reps, then switch legs.",
    ),
    camera="Side-on (or at 45 degrees), the whole body in view.",
    # Counted from any view (the trunk's shrinking height); the 2D trunk tilt and knee
    # bend checks need the side or an angle.
    views=frozenset({"side", "other", "front"}),
    positions=frozenset({"standing", "seated"}),  # a deep split squat reads as seated
    mode="reps",
    primary_metric="hinge_or_squat",
    primary_label="how far you go down (trunk from vertical; knee bend if squatting)",
    unit="deg",
    sides="per_side",
    side_metrics=("foot_front_{side}", "twist_toward_{side}"),
    rest_relative=True,  # soft knees in a split stance read 15-20 deg at rest
    enter=20.0,
    exit=10.0,
    target=25.0,
    band_hi=100.0,
    rules=(
        FormRule(
            "hinge_at_hips",
            "trunk_inclination",
            "Hinge forward from your hips, keeping your spine neutral",
            min=25.0,
            when="bottom",
        ),
        FormRule(
            "hinge_not_squat",
            "knee_flexion_min",
            "Hinge at your hips, not a squat: keep the front knee soft",
            max=35.0,
            when="bottom",
        ),
        FormRule(
            "not_a_lunge",
            "leg_bend_diff_upright",
            _HINGE_NOT_LUNGE,
            max=LUNGE_THIGH_DIFF,
            when="whole",
            disqualifies=True,
        ),
        FormRule(
            "not_a_side_lunge",
            "side_lunge_shift_upright",
            _HINGE_NOT_LUNGE,
            max=SIDE_LUNGE_SHIFT,
            when="whole",
            disqualifies=True,
        ),
    ),
    depth_cue="Hinge forward a little further from your hips",
    view_cue=SIDE_ON,
    position_cue="Stand up with one foot a step back",
    min_rep_s=1.0,
    reps_target=10,
    notes="Side = the front (stance) leg, whose hip rotates inward as the trunk turns "
    "toward it; the other foot is stepped back. The twist is 3D and unreliable side-on: "
    "used only to tell the side when the feet are not visible.",
)


STANDING_SPINE_TWIST = ExerciseDef(
    id="standing_spine_twist",
    title="Standing spine twist",
    instructions=(
        "Stand tall, feet shoulder-width apart; turn one foot out so the toes point outward.",
        "Keep your pelvis near neutral and twist your upper body the opposite way.",
        "Hold 10 seconds; 10 to 12 reps, then switch to the other foot.",
    ),
    camera="In front of you, the whole body in view.",
    views=frozenset({"front"}),
    positions=frozenset({"standing"}),
    mode="hold",
    still_max=0.08,  # jumping jacks (about 0.1) narrow the shoulder line too
    primary_metric="turn_for_{side}",
    primary_label="upper-body turn away from the turned-out foot (shoulder line)",
    unit="deg",
    sides="per_side",
    enter=12.0,
    exit=8.0,
    target=12.0,
    band_hi=60.0,
    rules=(
        FormRule(
            "pelvis_neutral",
            "pelvis_rotation",
            "Keep your pelvis close to neutral",
            max=20.0,
            use_abs=True,
        ),
        FormRule("stand_tall", "trunk_lean", "Stand up straight", max=20.0, gates=False),
        FormRule(
            "knees_over_toes",
            "knee_valgus_max",
            "Keep your knees over your toes",
            max=15.0,
            gates=False,
        ),
    ),
    depth_cue="Twist your upper body away from the turned-out foot",
    view_cue=FACE,
    position_cue="Stand up tall",
    hold_target_s=10.0,
    settle_rate=4.0,
    release_drop=3.0,
    reps_target=10,
    notes="Side = the turned-out foot (the twist goes the other way). The turn is read "
    "from how much the shoulder line narrows in the image (MediaPipe's 3D twist reads a "
    "third to a half of it and gives only the direction); a camera well off to one side "
    "under-reads turns toward it. The pelvis rule reads the corrected 3D pelvis yaw.",
)


SQUAT_VALGUS = ExerciseDef(
    id="squat_valgus",
    title="Bodyweight squat valgus check",
    instructions=(
        "Stand with your feet hip- to shoulder-width apart, facing the camera.",
        "Squat down and back up at an easy pace.",
        "Keep your knees tracking over your toes.",
    ),
    camera="In front of you, at knee height, the whole body in view.",
    views=frozenset({"front", "side", "other"}),
    both_sides_in=frozenset({"front"}),  # from the side the far leg is often hidden
    positions=frozenset({"standing", "seated"}),
    mode="reps",
    primary_metric="squat_depth",
    primary_label="squat depth (thigh angle from vertical)",
    unit="deg",
    sides="both",
    asym_metric="knee_valgus_{side}",
    enter=30.0,
    exit=15.0,
    target=40.0,
    band_hi=140.0,
    rules=(
        FormRule(
            "valgus_left",
            "knee_valgus_L",
            "Push your knees out over your toes",
            max=15.0,
            when="bottom",
        ),
        FormRule(
            "valgus_right",
            "knee_valgus_R",
            "Push your knees out over your toes",
            max=15.0,
            when="bottom",
        ),
        FormRule(
            "knee_ankle_ratio",
            "knee_ankle_ratio",
            "Push your knees out over your toes",
            min=0.7,
            when="bottom",
        ),
        FormRule(
            "symmetric",
            "knee_valgus_diff",
            "Keep both knees tracking the same way",
            max=10.0,
            when="bottom",
        ),
        FormRule(
            "both_legs",
            "leg_bend_diff",
            LUNGE_CUE,
            max=LUNGE_THIGH_DIFF,
            when="whole",
            disqualifies=True,
        ),
        FormRule(
            "hips_centred",
            "side_lunge_shift",
            LUNGE_CUE,
            max=SIDE_LUNGE_SHIFT,
            when="whole",
            disqualifies=True,
        ),
    ),
    depth_cue="Squat a little deeper",
    view_cue=FACE,
    position_cue="Stand up, facing the camera",
    min_rep_s=0.8,
    reps_target=10,
    notes="Knee valgus (FPPA) under about 10 degrees is normal, over 15 a clear cave.",
)
