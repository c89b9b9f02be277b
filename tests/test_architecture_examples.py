"""docs/architecture.md's worked examples, run as written: a new exercise is one
``ExerciseDef``, and the engine counts it without knowing its id; a new measure is one
:class:`~formcheck.measure.registry.Measure` record; a new mode is one
:class:`~formcheck.exercises.modes.Mode` subclass."""

from __future__ import annotations

import dataclasses

import pytest
from exercise_fixtures import Script

from formcheck.exercises import ExerciseTracker
from formcheck.exercises.model import ExerciseDef, FormRule
from formcheck.exercises.modes import MODES, Mode
from formcheck.measure.confidence import base_metrics, is_reliable
from formcheck.measure.registry import Measure, find, register, unregister, with_derived
from formcheck.outputs.hud import count_word, primary_word

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
    s = Script(
        view="side",
        position="standing",
        noise=0.3,
        base={"hip_flexion_L": 5.0, "hip_flexion_R": 5.0, "trunk_inclination": lean},
    )
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


# docs/architecture.md's second worked example: a new measure is one record.
KNEE_GAP = Measure(
    name="knee_bend_gap",
    fn=lambda v, b, p: abs(v["knee_flexion_L"] - v["knee_flexion_R"]),
    description="how much more one knee bends than the other",
    measured_from=("knee_flexion_L", "knee_flexion_R"),
    word="knee gap",
)
SPLIT_SQUAT = ExerciseDef(
    id="split_squat", title="Split squat",
    instructions=("Stand side-on to the camera", "Bend the front knee, keep the back leg long"),
    camera="side-on, hip height", views=frozenset({"side"}),
    positions=frozenset({"standing"}), mode="reps",
    primary_metric="knee_bend_gap", primary_label="knee gap", unit="deg",
    sides="both", enter=25.0, exit=10.0, target=50.0, band_hi=90.0,
)  # fmt: skip


@pytest.fixture
def knee_gap():
    register(KNEE_GAP)
    yield KNEE_GAP
    unregister(KNEE_GAP.name)


def test_a_new_measure_is_one_record(knee_gap):
    s = Script(
        view="side",
        position="standing",
        noise=0.3,
        base={"knee_flexion_L": 5.0, "knee_flexion_R": 5.0},
    )
    s.seg(1.0)
    for _ in range(4):  # four split squats: the left knee bends, the right stays long
        s.seg(0.6, knee_flexion_L=(5.0, 70.0)).seg(0.5, knee_flexion_L=70.0)
        s.seg(0.6, knee_flexion_L=(70.0, 5.0)).seg(0.6)  # fmt: skip
    tracker = ExerciseTracker(SPLIT_SQUAT)
    for fm in s.frames():
        tracker.update(fm)
    assert tracker.finish().per_side["both"]["count"] == 4
    # the record's words and reliability reach the video and the report
    assert primary_word("knee_bend_gap") == "knee gap"
    assert base_metrics("knee_bend_gap") == ["knee_flexion_L", "knee_flexion_R"]
    front = {"knee_flexion_L": False, "knee_flexion_R": True}
    assert is_reliable(front, "knee_bend_gap") is False


def test_a_registered_measure_goes_away_again():
    register(KNEE_GAP)
    assert "knee_bend_gap" in with_derived({"knee_flexion_L": 9.0, "knee_flexion_R": 2.0}, {}, None)
    unregister(KNEE_GAP.name)
    assert find("knee_bend_gap") == (None, None)
    assert "knee_bend_gap" not in with_derived({}, {}, None)
    with pytest.raises(ValueError):
        register(Measure("knee_flexion", fn=lambda v, b, p: 0.0))  # a catalogue name


# docs/architecture.md's third worked example: a new mode is one Mode subclass.
class PulseMode(Mode):
    """Counts pulses: the primary rises past ``enter``, then falls back under ``exit``."""

    count_word = "pulses"

    def __init__(self, t) -> None:
        super().__init__(t)
        self.up = False

    def step(self, ev, s, value, v, dt) -> str:
        t = self.t
        if not self.up and value >= t.d.enter:
            self.up = True
            t.start_activity()
        if self.up:
            t.track_activity(s, value, v)
            if value < t.d.exit:
                self.up = False
                side = t.activity_side()
                t.credit(side, t.peak)
                t.emit(ev, "pulse_done", side, f"Pulse {t.counts[side]}")
        return "moving" if self.up else "ready"

    def busy(self) -> bool:
        return self.up


def test_a_new_mode_is_one_class(monkeypatch):
    monkeypatch.setitem(MODES, "pulses", PulseMode)
    pulses = dataclasses.replace(KNEE_RAISE, id="knee_pulses", mode="pulses", rules=())
    tracker = ExerciseTracker(pulses)
    states = [tracker.update(fm) for fm in _frames(lean=3.0)]
    assert states[-1].counts == {"left": 3, "right": 3}
    assert [e.message for e in tracker.events if e.kind == "pulse_done"][:2] == [
        "Pulse 1",
        "Pulse 2",
    ]
    assert count_word("pulses") == "pulses"
