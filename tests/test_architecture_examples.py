"""docs/architecture.md's worked example, run as written: a new exercise is one
``ExerciseDef``, and the engine counts it without knowing its id."""

from __future__ import annotations

from exercise_fixtures import Script

from formcheck.exercises import ExerciseTracker
from formcheck.exercises.model import ExerciseDef, FormRule

KNEE_RAISE = ExerciseDef(
    id="knee_raise", title="Standing knee raise",
    instructions=("Stand side-on to the camera", "Lift one knee to hip height"),
    camera="side-on, hip height", views=frozenset({"side"}),
    positions=frozenset({"standing"}), mode="reps",
    primary_metric="hip_flexion_{side}", primary_label="hip flexion", unit="deg",
    sides="per_side", enter=30.0, exit=15.0, target=70.0, band_hi=110.0,
    rules=(FormRule("upright", "trunk_inclination", "Stand up tall", max=20.0),),
)  # fmt: skip


def _frames(lean: float) -> list:
    s = Script(view="side", position="standing", noise=0.3,
               base={"hip_flexion_L": 5.0, "hip_flexion_R": 5.0, "trunk_inclination": lean})
    s.seg(1.0)
    for _ in range(3):  # three left knee raises, then three right ones
        s.seg(0.6, hip_flexion_L=(5.0, 80.0)).seg(0.6, hip_flexion_L=80.0)
        s.seg(0.6, hip_flexion_L=(80.0, 5.0)).seg(0.6)
    for _ in range(3):
        s.seg(0.6, hip_flexion_R=(5.0, 80.0)).seg(0.6, hip_flexion_R=80.0)
        s.seg(0.6, hip_flexion_R=(80.0, 5.0)).seg(0.6)  # fmt: skip
    return s.frames()


def test_a_new_exercise_is_one_definition():
    tracker = ExerciseTracker(KNEE_RAISE)
    for fm in _frames(lean=3.0):
        tracker.update(fm)
    res = tracker.finish()
    assert res.per_side["left"]["count"] == 3 and res.per_side["right"]["count"] == 3
    assert "Stand up tall" not in res.top_cues


def test_the_new_exercise_s_form_rule_cues():
    tracker = ExerciseTracker(KNEE_RAISE)
    for fm in _frames(lean=35.0):  # leaning back through every raise
        tracker.update(fm)
    assert "Stand up tall" in tracker.finish().top_cues
