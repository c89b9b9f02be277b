"""Lying on the back: the knee-to-knee stretch and the resistance-band stretch."""

from __future__ import annotations

from formcheck.exercises.catalogue.common import SIDE_ON
from formcheck.exercises.model import ExerciseDef, FormRule

KNEE_TO_KNEE = ExerciseDef(
    id="knee_to_knee",
    title="Knee-to-knee stretch",
    instructions=(
        "Lie on your back, knees bent to 90 degrees, feet flat and a little wider than your hips.",
        "Rotate both knees in toward one another; the soles of your feet open to the sides.",
        "Hold the stretch for 20 to 30 seconds, then release and go again.",
    ),
    camera="At your feet, raised (e.g. on a chair), looking along your body.",
    views=frozenset({"front"}),
    positions=frozenset({"lying", "seated", "standing"}),  # heuristic is unreliable end-on
    mode="hold",
    primary_metric="knee_drop_mean",
    primary_label="knees in (shank tilt, mean of both)",
    unit="deg",
    sides="both",
    asym_metric="knee_drop_{side}",
    enter=15.0,
    exit=9.0,
    target=15.0,
    band_hi=70.0,
    needs=("hips", "knees", "ankles"),
    rules=(FormRule("knees_together", "knee_drop_diff", "Move both knees in together", max=15.0),),
    depth_cue="Rotate both knees in toward one another",
    view_cue="Place the camera at your feet, looking along your body",
    position_cue="Lie on your back with your knees bent",
    hold_target_s=20.0,
    settle_rate=3.0,
    release_drop=3.0,
    reps_target=3,
    notes="Shank tilt to the planted ankles; it reads 10-20 degrees low with the camera at "
    "the feet (thresholds are on MediaPipe's scale). Feet placement and knee bend are not "
    "checked.",
)


BAND_STRETCH = ExerciseDef(
    id="band_stretch",
    title="Lying resistance-band stretch",
    instructions=(
        "Lie on your back, legs extended; loop the band around one foot.",
        "Pull the band so the knee comes toward your chest and slightly across.",
        "Hold for 20 to 30 seconds, then switch to the other side.",
    ),
    camera="Side-on, at hip height, the whole body in view.",
    views=frozenset({"side"}),
    positions=frozenset({"lying"}),
    mode="hold",
    primary_metric="hip_flexion_{side}",
    primary_label="hip flexion of the working leg",
    unit="deg",
    sides="per_side",
    enter=75.0,
    exit=60.0,
    target=75.0,
    band_hi=150.0,
    rules=(
        FormRule(
            "other_leg_straight",
            "knee_flexion_{other}",
            "Keep the other leg straight on the floor",
            max=25.0,
        ),
    ),
    depth_cue="Pull your knee toward your chest",
    view_cue=SIDE_ON,
    position_cue="Lie on your back with your legs extended",
    hold_target_s=20.0,
    settle_rate=10.0,
    release_drop=10.0,
    reps_target=1,
    notes="Side views swap left and right now and then: the working leg is the more "
    "flexed one each frame. Adduction across the body is not measured.",
)
