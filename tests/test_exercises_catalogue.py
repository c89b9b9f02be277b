"""Catalogue data, settings validation, cue rate limiting, setup checks, engines in isolation."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from exercise_fixtures import Script, events_of, run

from formcheck.exercises import (
    CATALOGUE,
    ExerciseDef,
    ExerciseTracker,
    FormRule,
    UnknownExerciseError,
    get_exercise,
)
from formcheck.exercises.cues import CueLimiter, hold_progress
from formcheck.exercises.holds import HoldConfig, HoldTimer
from formcheck.exercises.reps import RepConfig, RepCounter
from formcheck.exercises.setup import frame_problems
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.registry import DERIVED_METRICS, METRIC_NAMES
from formcheck.pose.landmarks import PoseFrame

IDS = [
    "knee_to_knee",
    "band_stretch",
    "ball_massage",
    "quadruped_band_circles",
    "seated_internal_rotation",
    "hip_hinge_rotation",
    "standing_spine_twist",
    "squat_valgus",
]
KNOWN_METRICS = set(METRIC_NAMES) | set(DERIVED_METRICS)


def test_catalogue_has_the_eight_movements():
    assert list(CATALOGUE) == IDS
    for d in CATALOGUE.values():
        assert 2 <= len(d.instructions) <= 4
        assert d.views and d.views <= {"front", "side", "other"}
        assert d.positions <= {"standing", "seated", "lying", "quadruped"}
        assert d.exit < d.enter <= d.target < d.band_hi or d.mode != "reps"
    assert get_exercise("knee_to_knee").views == {"front"}
    assert get_exercise("seated_internal_rotation").end_hold_s == 3.0
    assert get_exercise("quadruped_band_circles").mode == "circles"
    assert get_exercise("ball_massage").mode == "timed"


@pytest.mark.parametrize("d", CATALOGUE.values(), ids=IDS)
def test_every_named_metric_exists(d):
    names = [d.primary_metric, *d.side_metrics, *(r.metric for r in d.rules)]
    if d.asym_metric:
        names.append(d.asym_metric)
    for n in names:
        for s in ("L", "R"):
            assert d.metric_for(n, s) in KNOWN_METRICS, n


def test_cues_use_the_seed_words():
    sir = get_exercise("seated_internal_rotation")
    cues = {r.cue for r in sir.rules}
    assert "Keep your pelvis and upper body facing forward" in cues
    assert sir.depth_cue == "Let the knee drop closer to the floor"


def test_unknown_exercise_error_lists_valid_ids():
    with pytest.raises(KeyError) as ei:
        get_exercise("lunge")
    assert isinstance(ei.value, UnknownExerciseError)
    msg = str(ei.value)
    assert "lunge" in msg and "squat_valgus" in msg and "\n" not in msg


def test_settings_override_and_report():
    d = get_exercise("knee_to_knee").with_settings(
        {"hold_target_s": 25, "enter": 20, "exit": 12, "rules": {"knees_together": 10}}
    )
    assert d.hold_target_s == 25.0 and d.enter == 20.0
    assert d.rules[0].max == 10.0
    assert get_exercise("knee_to_knee").hold_target_s == 20.0  # the catalogue is unchanged
    s = d.settings()
    assert s["hold_target_s"] == 25.0 and s["rules"]["knees_together"]["max"] == 10.0


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"hold_target_s": -3}, "hold_target_s must be between 1 and 600 seconds, got -3"),
        ({"reps_target": 2.5}, "reps_target must be a whole number of reps, got 2.5"),
        ({"reps_target": 0}, "reps_target must be between 1 and 100 reps, got 0"),
        ({"enter": "deep"}, "enter must be a number, got 'deep'"),
        ({"enter": math.nan}, "enter must be a finite number, got nan"),
        ({"enter": True}, "enter must be a number, got True"),
        ({"exit": 50}, "exit (50) must be below enter (15.2)"),
        ({"holdtime": 5}, "unknown setting 'holdtime'"),
        ({"rules": {"nope": 3}}, "unknown rule 'nope'"),
        ({"rules": {"pelvis_forward": {"max": 5, "min": 9}}}, "min (9.0) must not exceed max"),
    ],
)
def test_settings_validation_messages(overrides, message):
    with pytest.raises(ValueError) as ei:
        get_exercise("seated_internal_rotation").with_settings(overrides)
    assert message in str(ei.value)
    assert "\n" not in str(ei.value)


def test_settings_change_what_is_counted():
    s = Script(base={"knee_drop_L": 0.0, "knee_drop_R": 0.0}).seg(1.5)
    for _ in range(2):
        s.seg(1.0, knee_drop_R=(0.0, 16.0)).seg(3.5, knee_drop_R=16.0)
        s.seg(1.0, knee_drop_R=(16.0, 0.0)).seg(1.0)
    d = get_exercise("seated_internal_rotation")
    # 16 reads 16 x 1.27 = 20.3 on the seated scale: under the target (22.9)
    assert run(d, s.frames())[1].per_side["right"]["count"] == 0
    easier = d.with_settings({"target": 19, "end_hold_s": 2})
    _, res = run(easier, s.frames())
    assert res.per_side["right"]["count"] == 2
    assert res.to_dict()["settings"]["target"] == 19.0


def test_hold_target_sets_the_end_hold_of_reps():
    d = get_exercise("seated_internal_rotation").with_settings({"hold_target_s": 2})
    assert d.end_hold_s == 2.0
    assert get_exercise("squat_valgus").with_settings({"hold_target_s": 2}).end_hold_s == 0.0


def test_tracker_rejects_a_bad_side():
    with pytest.raises(ValueError, match="side must be"):
        ExerciseTracker(get_exercise("squat_valgus"), side="middle")


def test_a_ninth_exercise_is_one_definition():
    lift = ExerciseDef(
        id="standing_knee_lift",
        title="Standing knee lift",
        instructions=("Stand tall.", "Lift one knee to hip height and hold."),
        camera="Side-on.",
        views=frozenset({"side"}),
        positions=frozenset({"standing"}),
        mode="hold",
        primary_metric="hip_flexion_{side}",
        primary_label="hip flexion",
        unit="deg",
        sides="per_side",
        enter=70.0,
        exit=50.0,
        target=70.0,
        band_hi=130.0,
        rules=(FormRule("tall", "trunk_inclination", "Stand up straight", max=15.0),),
        hold_target_s=2.0,
    )
    base = {"hip_flexion_L": 3.0, "hip_flexion_R": 3.0, "trunk_inclination": 2.0}
    s = Script(view="side", position="standing", base=base).seg(1.5)
    s.seg(0.5, hip_flexion_R=(3.0, 90.0)).seg(3.0, hip_flexion_R=90.0)
    s.seg(0.5, hip_flexion_R=(90.0, 3.0)).seg(1.0)
    _, res = run(lift, s.frames())
    assert [(h.side, h.reached_target) for h in res.holds] == [("right", True)]


# --------------------------------------------------------------------------- cues


def test_cue_limiter_rate_limits_per_message():
    lim = CueLimiter(interval_s=4.0)
    assert [lim.allow("A", t) for t in (0.0, 1.0, 3.9, 4.0, 5.0)] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert lim.allow("B", 5.0) is True  # another message is not blocked
    assert lim.showing(5.5) == "B" and lim.showing(9.0) is None


def test_progress_wording():
    assert hold_progress(1.2, 3.0) == "Hold it: 2 s to go"
    assert hold_progress(0.0, 3.0) == "Hold it: 3 s to go"
    assert hold_progress(3.0, 3.0) == "Well done: release"


def test_a_lasting_fault_is_cued_every_interval_not_every_frame():
    sir = get_exercise("seated_internal_rotation")
    s = Script(base={"knee_drop_L": 0.0, "knee_drop_R": 0.0, "pelvis_yaw": 0.0}).seg(1.5)
    s.seg(1.0, knee_drop_R=(0.0, 45.0))
    s.seg(10.0, knee_drop_R=45.0, pelvis_yaw=30.0)
    s.seg(1.0, knee_drop_R=(45.0, 0.0)).seg(1.0)
    states, res = run(sir, s.frames())
    msg = "Keep your pelvis and upper body facing forward"
    times = [e.t_s for e in events_of(states, "cue") if e.message == msg]
    # fault from t=2.5 (cue after 0.3 s), then every 4 s while it lasts: 2.8, 6.8, 10.8
    assert len(times) == 3
    assert np.diff(times) == pytest.approx([4.0, 4.0], abs=0.05)
    assert res.top_cues[msg] == 3
    assert json.loads(json.dumps(res.to_dict(), allow_nan=False))["top_cues"][msg] == 3


# --------------------------------------------------------------------------- setup


def _pose_frame(missing: tuple[int, ...] = (), outside: tuple[int, ...] = ()) -> FrameMetrics:
    xy = np.full((33, 2), 100.0)
    vis = np.ones(33)
    vis[list(missing)] = 0.1
    xy[list(outside), 1] = 900.0
    pose = PoseFrame(0, 0.0, 640, 480, xy=xy, vis=vis, world=None, n_people=1)
    return FrameMetrics(
        0, 0.0, True, 1, dict.fromkeys(METRIC_NAMES, 0.0), "front", "standing", pose
    )


def test_setup_problems_are_specific_instructions():
    squat = get_exercise("squat_valgus")
    assert frame_problems(squat, _pose_frame()) == []
    assert frame_problems(squat, _pose_frame(outside=(27, 28))) == [
        "Your feet are out of frame: step back"
    ]
    assert frame_problems(squat, _pose_frame(missing=(25,))) == [
        "Your knees are out of frame: step back"
    ]
    fm = dataclasses.replace(_pose_frame(), n_people=2, view="side")
    twist = get_exercise("standing_spine_twist")
    assert frame_problems(twist, fm) == ["Only one person in view, please", "Face the camera"]
    # A squat is counted from the side too (its depth reads there; the valgus checks not).
    assert frame_problems(squat, fm) == ["Only one person in view, please"]
    side_squat = dataclasses.replace(_pose_frame(missing=(25,)), view="side")
    assert frame_problems(squat, side_squat) == []  # the far knee may be hidden
    nobody = FrameMetrics(0, 0.0, False, 0)
    assert frame_problems(squat, nobody) == ["Move into the camera's view"]
    band = get_exercise("band_stretch")
    side = dataclasses.replace(_pose_frame(missing=(24, 26, 28)), view="side", position="lying")
    assert frame_problems(band, side) == []  # side views: the far limb may be hidden


# --------------------------------------------------------------------------- engines


def test_rep_counter_needs_rest_first_and_hysteresis():
    rc = RepCounter(RepConfig(enter=20, exit=10, target=30, min_rep_s=0.3))
    vals = [35] * 10 + [0] * 5 + [35, 15, 35, 15, 35] + [0] * 5
    reps = [rc.update(i / 10, v) for i, v in enumerate(vals)]
    done = [r for r in reps if r]
    assert len(done) == 1 and done[0].counted
    assert done[0].start_s == pytest.approx(1.4)


def test_hold_timer_bridges_short_gaps_only():
    ht = HoldTimer(HoldConfig(enter=10, exit=5, target_s=2.0, bridge_s=0.3, min_hold_s=0.5))
    vals = [0] * 3 + [20] * 10 + [math.nan] * 2 + [20] * 10 + [math.nan] * 5 + [20] * 10 + [0]
    holds = [h for i, v in enumerate(vals) if (h := ht.update(i / 10, v))]
    holds.append(ht.finish(len(vals) / 10))
    # 0.2 s of NaN bridged (counted), 0.5 s ends the hold; the engine reopens after it
    assert [round(h.duration_s, 2) for h in holds] == [2.1, 0.9]
    assert [h.reached_target for h in holds] == [True, False]


def test_hold_reached_target_allows_the_tolerance():
    cfg = HoldConfig(enter=10, exit=5, target_s=2.0, min_hold_s=0.5, hold_tolerance_s=0.25)
    for n, reached in ((20, True), (19, True), (18, False)):  # 1.9 s, 1.8 s, 1.7 s
        ht = HoldTimer(cfg)
        vals = [0] + [20] * n + [0] * 5
        (h,) = [h for i, v in enumerate(vals) if (h := ht.update(i / 10, v))]
        assert h.reached_target is reached, n
