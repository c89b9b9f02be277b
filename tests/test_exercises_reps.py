"""Rep-mode movements: seated internal rotation, hip hinge with rotation, squat valgus."""

from __future__ import annotations

import json
import math

import pytest
from exercise_fixtures import FRAME, Script, events_of, run

from formcheck.exercises import get_exercise
from formcheck.measure.derived import SEATED_DROP_SCALE as K

SIR = get_exercise("seated_internal_rotation")
# The seated primary is the planted tilt x K: a scripted knee_drop of 45 reads 45 K.
# Threshold-only end-hold timing (no settle / release check), for exact hold times.
SIR_THRESHOLD = SIR.with_settings({"settle_rate": 1000, "release_drop": 180})
REST_SIR = {"knee_drop_L": 0.0, "knee_drop_R": 0.0, "pelvis_yaw": 2.0, "trunk_twist": 5.0}


def sir_script(seed: int = 0, noise: float = 0.5, **kw) -> Script:
    return Script(seed=seed, noise=noise, base=dict(REST_SIR), **kw)


def sir_rep(
    s: Script, side: str = "R", depth: float = 45.0, hold: float = 3.5, rest: float = 1.0, **extra
) -> Script:
    k = f"knee_drop_{side}"
    s.seg(1.0, **{k: (0.0, depth)})
    s.seg(hold, **{k: depth}, **extra)
    s.seg(1.0, **{k: (depth, 0.0)})
    return s.seg(rest)


def test_seated_clean_reps_right_side_counted_with_times_and_depth():
    s = sir_script().seg(1.5)
    for _ in range(3):
        sir_rep(s)
    states, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 3
    assert res.per_side["left"]["count"] == 0
    assert states[-1].counts == {"left": 0, "right": 3}
    assert len(events_of(states, "rep_done")) == 3
    starts = s.start_times()
    for k, rep in enumerate(res.reps):
        down = starts[1 + 4 * k + 2]  # the ramp back up
        # the rep ends on the first frame below exit on the way back: 45 -> 0 over 1 s
        assert rep.end_s == pytest.approx(down + (45 - SIR.exit / K) / 45, abs=2 * FRAME)
        assert rep.peak_value == pytest.approx(45 * K, abs=2)
        assert rep.hold_s >= 3.0
        assert rep.depth_pct == pytest.approx(100 * rep.peak_value / 90)
        assert all(f["pass"] for f in rep.form.values())
        assert rep.side == "right" and rep.metric == "knee_drop_seated_R"
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["per_side"]["right"]["best_depth_pct"] == pytest.approx(50 * K, abs=3)


def test_seated_thresholds_count_from_the_rest_tilt():
    # Sitting with both shanks leaning in 14 deg at rest (seen on a rendered clip): a
    # fixed exit threshold below 14 would never see the rest position.
    s = Script(base={"knee_drop_L": 14.0, "knee_drop_R": 14.0}).seg(1.5)
    for _ in range(2):
        s.seg(1.0, knee_drop_R=(14.0, 48.0)).seg(3.5, knee_drop_R=48.0)
        s.seg(1.0, knee_drop_R=(48.0, 14.0)).seg(1.0)
    states, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 2
    assert [round(r.peak_value) for r in res.reps] == [pytest.approx(48 * K, abs=2 * K)] * 2
    assert res.reps[0].depth_pct == pytest.approx(100 * res.reps[0].peak_value / 90)
    assert states[-1].target_band[0] == pytest.approx(14 * K + SIR.target, abs=1)


def test_seated_jittery_reps_do_not_double_count():
    s = sir_script(seed=3, noise=3.0).seg(1.5)
    wobble = lambda t: 40 + 7 * math.sin(2 * math.pi * 3 * t)  # noqa: E731
    for _ in range(4):
        s.seg(1.0, knee_drop_R=(0.0, 40.0))
        s.seg(3.6, knee_drop_R=wobble)
        s.seg(1.0, knee_drop_R=(40.0, 0.0))
        s.seg(1.0)
    _, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 4
    assert sum(r.counted for r in res.reps) == 4


def test_seated_short_hold_and_shallow_rep_do_not_count_and_cue():
    s = sir_script().seg(1.5)
    sir_rep(s, hold=1.5)  # too short a hold at the bottom
    sir_rep(s, depth=15.0)  # past enter (12) but never at the target depth (18)
    sir_rep(s)
    states, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 1
    assert [r.counted for r in res.reps] == [False, False, True]
    assert [r.reason for r in res.reps[:2]] == ["hold_too_short", "hold_too_short"]
    cues = [e.message for e in events_of(states, "cue")]
    assert "Hold your knee in for 3 seconds" in cues
    assert "Let the knee drop closer to the floor" in cues


def test_seated_end_hold_is_time_at_the_bottom_not_the_way_down_and_up():
    # A 2.4 s pause at the bottom with 1 s ramps spends 3.6 s past the target depth,
    # yet it is not a 3 s hold; a 3.1 s pause is.
    s = sir_script().seg(1.5)
    sir_rep(s, hold=2.4)
    sir_rep(s, hold=3.1)
    _, res = run(SIR, s.frames())
    assert [r.counted for r in res.reps] == [False, True]
    assert res.reps[0].hold_s == pytest.approx(2.4, abs=0.3)
    assert res.reps[1].hold_s == pytest.approx(3.1, abs=0.3)
    _, res = run(SIR_THRESHOLD, s.frames())
    assert [r.counted for r in res.reps] == [True, True]  # what thresholds alone would say


def test_seated_pelvis_rotation_fails_the_rep_and_cues_in_the_seed_words():
    s = sir_script().seg(1.5)
    sir_rep(s)
    sir_rep(s, pelvis_yaw=2.0 + 25.0)  # pelvis turns 25 deg during the bottom hold
    states, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 2
    good, bad = res.reps
    assert good.form["pelvis_forward"]["pass"] is True
    assert bad.form["pelvis_forward"]["pass"] is False
    assert bad.form["pelvis_forward"]["worst"] == pytest.approx(25, abs=2)
    assert "Keep your pelvis and upper body facing forward" in bad.cues
    assert res.top_cues["Keep your pelvis and upper body facing forward"] >= 1


def test_seated_other_knee_dropping_is_a_form_fault():
    s = sir_script().seg(1.5)
    sir_rep(s, knee_drop_L=-35.0)  # the other knee falls out too (windscreen wiper)
    _, res = run(SIR, s.frames())
    assert res.reps[0].form["other_knee_up"]["pass"] is False


@pytest.mark.parametrize("undetected", [False, True])
def test_seated_short_dropout_in_the_hold_is_bridged(undetected):
    s = sir_script().seg(1.5)
    s.seg(1.0, knee_drop_R=(0.0, 45.0))
    s.seg(1.5, knee_drop_R=45.0)
    if undetected:
        s.seg(0.2, detected=False)
    else:
        s.seg(0.2, knee_drop_R=math.nan)
    s.seg(1.5, knee_drop_R=45.0)
    s.seg(1.0, knee_drop_R=(45.0, 0.0)).seg(1.0)
    states, res = run(SIR_THRESHOLD, s.frames())
    assert res.per_side["right"]["count"] == 1
    # at or past the target from part-way down the 1 s ramp to part-way back up
    ramp_part = (45 - SIR.target / K) / 45
    assert res.reps[0].hold_s == pytest.approx(3.2 + 2 * ramp_part, abs=2 * FRAME)
    assert all(st.setup_ok for st in states[30:])


def test_seated_long_dropout_abandons_the_rep():
    s = sir_script().seg(1.5)
    s.seg(1.0, knee_drop_R=(0.0, 45.0)).seg(1.5, knee_drop_R=45.0)
    s.seg(1.0, knee_drop_R=math.nan)
    s.seg(2.0, knee_drop_R=45.0).seg(1.0, knee_drop_R=(45.0, 0.0)).seg(1.0)
    _, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 0


def test_seated_getting_into_position_does_not_count():
    s = sir_script()
    # walking in and sitting down: standing, then seated with the knee dropped in
    s.seg(1.5, position="standing", knee_drop_R=10.0)
    s.seg(2.0, knee_drop_R=40.0)
    s.seg(1.0, knee_drop_R=(40.0, 0.0)).seg(1.0)
    sir_rep(s)
    states, res = run(SIR, s.frames())
    assert res.per_side["right"]["count"] == 1
    assert states[10].phase == "setup"
    assert states[10].cue == "Sit on the floor with your knees bent"


def test_seated_wrong_view_gives_a_setup_cue_and_no_counts():
    s = sir_script(view="side").seg(1.5)
    for _ in range(2):
        sir_rep(s)
    frames = s.frames()
    states, res = run(SIR, frames)
    assert res.per_side["right"]["count"] == 0
    assert res.reps == []
    assert not any(st.setup_ok for st in states)
    assert states[-1].cue == "Face the camera"
    assert [e.message for e in events_of(states, "setup_problem")] == ["Face the camera"]
    assert res.setup_problems["Face the camera"] == pytest.approx(frames[-1].t_s, abs=0.1)


def test_seated_left_then_right_and_asymmetry():
    s = sir_script().seg(1.5)
    for _ in range(2):
        sir_rep(s, side="L", depth=50.0)
    for _ in range(3):
        sir_rep(s, side="R", depth=40.0)
    states, res = run(SIR, s.frames())
    assert states[-1].counts == {"left": 2, "right": 3}
    assert [r.side for r in res.reps] == ["left"] * 2 + ["right"] * 3
    asym = res.asymmetry
    assert asym["diff"] == pytest.approx(10 * K, abs=2)
    assert asym["diff_pct"] == pytest.approx(20, abs=4)


def test_seated_given_side_reads_only_that_leg():
    s = sir_script().seg(1.5)
    sir_rep(s, side="L")
    sir_rep(s, side="R")
    _, res = run(SIR, s.frames(), side="right")
    assert res.per_side["right"]["count"] == 1
    assert len(res.reps) == 1


def test_seated_live_state_shape_and_hold_progress():
    s = sir_script().seg(1.5)
    sir_rep(s)
    states, _ = run(SIR, s.frames())
    holding = [st for st in states if st.phase == "holding"]
    assert holding, "the bottom hold is shown as 'holding'"
    st = holding[30]
    assert st.hold_target_s == 3.0
    assert 0 < st.hold_elapsed_s < 3.0
    assert st.cue is not None and st.cue.startswith("Hold it:")
    assert st.primary_metric == "knee_drop_seated_R"
    assert st.target_band[0] == pytest.approx(SIR.target, abs=1)  # plus the rest tilt (~0)
    assert st.target_band[1] == SIR.band_hi
    assert st.active_side == "right"


# --------------------------------------------------------------------------- hip hinge

HINGE = get_exercise("hip_hinge_rotation")
REST_HINGE = {
    "trunk_inclination": 3.0,
    "trunk_twist": 6.0,
    "knee_flexion_L": 5.0,
    "knee_flexion_R": 8.0,
}


def hinge_rep(s: Script, twist: float, depth: float = 55.0, **extra) -> Script:
    s.seg(1.0, trunk_inclination=(3.0, depth), trunk_twist=(6.0, 6.0 + twist), **extra)
    s.seg(1.0, trunk_inclination=depth, trunk_twist=6.0 + twist, **extra)
    s.seg(1.0, trunk_inclination=(depth, 3.0), trunk_twist=(6.0 + twist, 6.0), **extra)
    return s.seg(0.8)


def test_hinge_counts_per_side_from_the_twist_direction():
    s = Script(view="side", position="standing", base=dict(REST_HINGE)).seg(1.5)
    for _ in range(3):
        hinge_rep(s, twist=-9.0)  # right leg in front: upper body opens to the right (-)
    for _ in range(2):
        hinge_rep(s, twist=+9.0)
    states, res = run(HINGE, s.frames())
    assert states[-1].counts == {"left": 2, "right": 3}
    assert all(r.form["hinge_not_squat"]["pass"] for r in res.reps)


def test_hinge_squatting_instead_of_hinging_fails_the_rule():
    s = Script(view="side", position="standing", base=dict(REST_HINGE)).seg(1.5)
    hinge_rep(s, twist=-9.0, knee_flexion_L=60.0, knee_flexion_R=55.0)
    states, res = run(HINGE, s.frames())
    assert res.reps[0].form["hinge_not_squat"]["pass"] is False
    assert "Hinge at your hips, not a squat: keep the front knee soft" in res.top_cues


def test_hinge_a_squat_instead_counts_as_a_rep_with_both_faults():
    s = Script(view="side", position="standing", base=dict(REST_HINGE)).seg(1.5)
    for _ in range(2):  # trunk tilts only 12 deg while both knees bend to 70+
        s.seg(
            1.0,
            trunk_inclination=(3.0, 12.0),
            knee_flexion_L=(5.0, 75.0),
            knee_flexion_R=(8.0, 70.0),
        )
        s.seg(1.0, trunk_inclination=12.0, knee_flexion_L=75.0, knee_flexion_R=70.0)
        s.seg(
            1.0,
            trunk_inclination=(12.0, 3.0),
            knee_flexion_L=(75.0, 5.0),
            knee_flexion_R=(70.0, 8.0),
        )
        s.seg(0.8)
    _, res = run(HINGE, s.frames())
    assert sum(r.counted for r in res.reps) == 2
    for r in res.reps:
        assert r.form["hinge_at_hips"]["pass"] is False
        assert r.form["hinge_not_squat"]["pass"] is False


def test_hinge_is_counted_side_on_at_45_degrees_and_from_the_front():
    # From the front the trunk's tilt is read from its shrinking height (trunk_drop, on
    # landmarks: test_real_world_rules); a front-view deadlift is no longer refused.
    for view, expected in (("side", 2), ("other", 2), ("front", 2)):
        s = Script(view=view, position="standing", base=dict(REST_HINGE)).seg(1.5)
        hinge_rep(s, -9.0)
        hinge_rep(s, -9.0)
        _, res = run(HINGE, s.frames())
        assert res.per_side["right"]["count"] == expected, view


# --------------------------------------------------------------------------- squat valgus

SQUAT = get_exercise("squat_valgus")
REST_SQ = {
    "knee_flexion_L": 5.0,
    "knee_flexion_R": 5.0,
    "knee_valgus_L": 3.0,
    "knee_valgus_R": 3.0,
    "knee_ankle_ratio": 1.0,
}


def squat(
    s: Script, depth: float = 80.0, valgus_l: float = 5.0, valgus_r: float = 5.0, ratio: float = 1.0
) -> Script:
    s.seg(
        0.8,
        knee_flexion_L=(5.0, depth),
        knee_flexion_R=(5.0, depth),
        knee_valgus_L=(3.0, valgus_l),
        knee_valgus_R=(3.0, valgus_r),
        knee_ankle_ratio=(1.0, ratio),
    )
    s.seg(
        0.4,
        knee_flexion_L=depth,
        knee_flexion_R=depth,
        knee_valgus_L=valgus_l,
        knee_valgus_R=valgus_r,
        knee_ankle_ratio=ratio,
    )
    s.seg(
        0.8,
        knee_flexion_L=(depth, 5.0),
        knee_flexion_R=(depth, 5.0),
        knee_valgus_L=(valgus_l, 3.0),
        knee_valgus_R=(valgus_r, 3.0),
        knee_ankle_ratio=(ratio, 1.0),
    )
    return s.seg(0.6)


def squat_script(**kw) -> Script:
    return Script(position="standing", base=dict(REST_SQ), **kw)


def test_squat_counts_both_legs_and_flags_valgus_reps():
    s = squat_script().seg(1.5)
    squat(s)
    squat(s, valgus_l=25.0, ratio=0.7)
    squat(s, valgus_l=22.0, ratio=0.7)
    squat(s)
    states, res = run(SQUAT, s.frames())
    assert states[-1].counts == {"both": 4}
    fails = [r.form["valgus_left"]["pass"] for r in res.reps]
    assert fails == [True, False, False, True]
    assert res.reps[1].form["valgus_left"]["worst"] == pytest.approx(25, abs=2)
    assert res.reps[1].form["knee_ankle_ratio"]["pass"] is False
    assert all(r.form["valgus_right"]["pass"] for r in res.reps)
    assert res.top_cues["Push your knees out over your toes"] >= 1
    assert res.asymmetry["left"] > res.asymmetry["right"]


def test_squat_jitter_does_not_double_count():
    s = squat_script(seed=7, noise=4.0).seg(1.5)
    for _ in range(5):
        squat(s, depth=60.0)
    _, res = run(SQUAT, s.frames())
    assert res.per_side["both"]["count"] == 5


def test_squat_walking_in_and_two_people_do_not_count():
    s = squat_script()
    s.seg(1.0, detected=False)
    s.seg(1.0, knee_flexion_L=40.0, knee_flexion_R=40.0)  # stepping in, knees bent
    s.seg(1.0)
    squat(s)
    first_crowded = len(s.segments)
    s.seg(0.5)
    squat(s, depth=70.0)
    for seg in s.segments[first_crowded:]:
        seg.n_people = 2
    states, res = run(SQUAT, s.frames())
    assert res.per_side["both"]["count"] == 1
    assert "Move into the camera's view" in res.setup_problems
    assert res.setup_problems["Only one person in view, please"] > 2.0
    assert any(st.cue == "Only one person in view, please" for st in states)


def test_seated_pelvis_turn_of_about_20_degrees_is_flagged_and_8_is_not():
    # A held-out body's true 16-degree turn read 20-22 (missed at the old bound of 22);
    # clean renders read at most 7.4.
    s = sir_script().seg(1.5)
    sir_rep(s, pelvis_yaw=2.0 + 8.0)
    sir_rep(s, pelvis_yaw=2.0 + 19.0)
    _, res = run(SIR, s.frames())
    clean, turned = res.reps
    assert clean.form["pelvis_forward"]["pass"] is True
    assert turned.form["pelvis_forward"]["pass"] is False
    assert "Keep your pelvis and upper body facing forward" in turned.cues
