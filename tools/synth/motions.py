"""Per-exercise motion scripts: per-frame anatomical angles plus the scripted truth.

Every script (in :mod:`.standing` and :mod:`.floor`) returns a :class:`Motion`: the frame
times, the angle tracks understood by :meth:`synth.body.Body.deltas` (degrees), the root
(pelvis) orientation per frame, how the body is placed on the floor, and the true reps /
holds / circles defined by the script itself (a rep starts when the body leaves the rest
position and ends when it is back at rest; a hold is the time spent at the target
position). :data:`EXERCISES` maps each exercise id to its script.

World axes: metres, Z up, the body faces -Y at rest, +X is the person's left. Positive
yaw (rotation about +Z) turns the body toward its own left.
"""

from __future__ import annotations

from collections.abc import Callable

from .body import Body
from .floor import (
    ball_massage,
    band_stretch,
    knee_to_knee,
    quadruped_band_circles,
    seated_internal_rotation,
)
from .script import Motion, Spec
from .standing import hip_hinge_rotation, squat_valgus, standing_spine_twist

__all__ = ["EXERCISES", "Motion", "Spec"]

EXERCISES: dict[str, Callable[[Spec, Body], Motion]] = {
    "squat_valgus": squat_valgus,
    "standing_spine_twist": standing_spine_twist,
    "hip_hinge_rotation": hip_hinge_rotation,
    "seated_internal_rotation": seated_internal_rotation,
    "ball_massage": ball_massage,
    "knee_to_knee": knee_to_knee,
    "band_stretch": band_stretch,
    "quadruped_band_circles": quadruped_band_circles,
}
