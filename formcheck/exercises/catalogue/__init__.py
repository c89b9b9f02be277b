"""The eight movements, one :class:`~formcheck.exercises.model.ExerciseDef` each.

One module per starting position:

- ``lying.py``: ``knee_to_knee``, ``band_stretch``
- ``seated.py``: ``ball_massage``, ``seated_internal_rotation``
- ``all_fours.py``: ``quadruped_band_circles``
- ``standing.py``: ``hip_hinge_rotation``, ``standing_spine_twist``, ``squat_valgus`` (and
  the lunge guards ``LUNGE_THIGH_DIFF``, ``SIDE_LUNGE_SHIFT``, ``LUNGE_CUE``)
- ``common.py``: cue wording shared across families

Sources: the seed article (instructions and cue wording) and ``docs/exercises.md``.
Thresholds are set for what raw MediaPipe reports, which is biased for some
metrics: the seated knee drop reads 10-16 degrees shallow, the knee-to-knee shank
tilt about 8 shallow, and the 3D trunk twist about half the true twist. Adding a
ninth movement means adding one definition to the module of its starting position
and one entry in :data:`CATALOGUE` below.
"""

from __future__ import annotations

from formcheck.exercises.catalogue.all_fours import QUADRUPED_BAND_CIRCLES
from formcheck.exercises.catalogue.lying import BAND_STRETCH, KNEE_TO_KNEE
from formcheck.exercises.catalogue.seated import BALL_MASSAGE, SEATED_INTERNAL_ROTATION
from formcheck.exercises.catalogue.standing import (
    HIP_HINGE_ROTATION,
    LUNGE_CUE,
    LUNGE_THIGH_DIFF,
    SIDE_LUNGE_SHIFT,
    SQUAT_VALGUS,
    STANDING_SPINE_TWIST,
)
from formcheck.exercises.model import ExerciseDef

#: Exercise id -> definition, in the order the app and the CLI list them.
CATALOGUE: dict[str, ExerciseDef] = {
    d.id: d
    for d in (
        KNEE_TO_KNEE,
        BAND_STRETCH,
        BALL_MASSAGE,
        QUADRUPED_BAND_CIRCLES,
        SEATED_INTERNAL_ROTATION,
        HIP_HINGE_ROTATION,
        STANDING_SPINE_TWIST,
        SQUAT_VALGUS,
    )
}

__all__ = [
    "BALL_MASSAGE",
    "BAND_STRETCH",
    "CATALOGUE",
    "HIP_HINGE_ROTATION",
    "KNEE_TO_KNEE",
    "LUNGE_CUE",
    "LUNGE_THIGH_DIFF",
    "QUADRUPED_BAND_CIRCLES",
    "SEATED_INTERNAL_ROTATION",
    "SIDE_LUNGE_SHIFT",
    "SQUAT_VALGUS",
    "STANDING_SPINE_TWIST",
]
