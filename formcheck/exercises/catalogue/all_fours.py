"""On all fours: knee circles against a resistance band."""

from __future__ import annotations

from formcheck.exercises.catalogue.common import SIDE_ON
from formcheck.exercises.model import ExerciseDef, FormRule

QUADRUPED_BAND_CIRCLES = ExerciseDef(
    id="quadruped_band_circles",
    title="Resistance band on all fours",
    instructions=(
        "Get on all fours, the looped band around one thigh with tension in it.",
        "Lift that knee off the floor and circle it.",
        "Do 10 to 12 circles, then switch legs.",
    ),
    camera="Side-on, at hip height, the whole body in view.",
    views=frozenset({"side"}),
    positions=frozenset({"quadruped"}),
    mode="circles",
    primary_metric="knee_lift_{side}",
    primary_label="knee lift above the other knee",
    unit="torso",
    sides="per_side",
    enter=0.04,
    exit=0.02,
    target=0.04,
    band_hi=0.6,
    rules=(
        FormRule(
            "back_flat",
            "trunk_inclination",
            "Keep your back flat",
            min=60.0,
            max=120.0,
            gates=False,
        ),
    ),
    depth_cue="Lift your knee off the floor",
    view_cue=SIDE_ON,
    position_cue="Get on all fours",
    circles_target=10,
    min_radius=0.03,
    notes="Counts turns of the lifted knee around the centre of its path; the far knee is "
    "followed even when MediaPipe gives it low visibility. Hip level is not measured "
    "from the side.",
)
