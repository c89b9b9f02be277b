"""Hold-mode movements: knee-to-knee stretch, lying band stretch, standing spine twist."""

from __future__ import annotations

import math

import pytest
from exercise_fixtures import FRAME, Script, events_of, run

from formcheck.exercises import get_exercise

# Threshold-only timing (no settle / release check) for the exact-duration tests below;
# the settle and release rules have their own tests at the end.
NO_SETTLE = {"settle_rate": 1000, "release_drop": 180}
KTK = get_exercise("knee_to_knee").with_settings({"hold_target_s": 5, **NO_SETTLE})
REST_KTK = {"knee_drop_L": 0.0, "knee_drop_R": 0.0}


def ktk_script(**kw) -> Script:
    return Script(**{"position": "lying", **kw}, base=dict(REST_KTK))


def ktk_hold(
    s: Script, depth: float = 30.0, hold: float = 6.0, right: float | None = None, **extra
) -> Script:
    r = depth if right is None else right
    s.seg(1.0, knee_drop_L=(0.0, depth), knee_drop_R=(0.0, r))
    s.seg(hold, knee_drop_L=depth, knee_drop_R=r, **extra)
    s.seg(1.0, knee_drop_L=(depth, 0.0), knee_drop_R=(r, 0.0))
    return s.seg(1.0)


def ktk_expected(hold: float, depth: float = 30.0) -> float:
    """Timer time: from crossing enter (15) on the way in to the last frame at or past exit (9)."""
    return (1 - 15 / depth) + hold + (1 - 9 / depth)


def test_knee_to_knee_two_clean_holds_with_durations():
    s = ktk_script().seg(1.5)
    ktk_hold(s)
    ktk_hold(s, hold=3.0)
    states, res = run(KTK, s.frames())
    assert states[-1].counts == {"both": 2}
    d1, d2 = (h.duration_s for h in res.holds)
    assert d1 == pytest.approx(ktk_expected(6.0), abs=2 * FRAME)
    assert d2 == pytest.approx(ktk_expected(3.0), abs=2 * FRAME)
    assert [h.reached_target for h in res.holds] == [True, False]
    assert res.per_side["both"]["longest_hold_s"] == pytest.approx(d1)
    assert res.per_side["both"]["total_hold_s"] == pytest.approx(d1 + d2)
    assert res.holds[0].mean_value == pytest.approx(28, abs=2.5)
    assert len(events_of(states, "hold_done")) == 2
    assert "Well done: release" in [e.message for e in events_of(states, "cue")]


def test_knee_to_knee_short_form_fault_pauses_the_timer():
    s = ktk_script().seg(1.5)
    s.seg(1.0, knee_drop_L=(0.0, 30.0), knee_drop_R=(0.0, 30.0))
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=32.0, knee_drop_R=8.0)  # one knee drifts back out: 24 apart
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    states, res = run(KTK, s.frames())
    assert len(res.holds) == 1
    h = res.holds[0]
    assert h.duration_s == pytest.approx(ktk_expected(6.0), abs=3 * FRAME)
    assert h.fault_s == pytest.approx(1.0, abs=3 * FRAME)
    assert h.form["knees_together"]["pass"] is False
    assert "Move both knees in together" in h.cues
    paused = [st for st in states if st.phase == "moving" and st.hold_elapsed_s > 0]
    assert paused, "the paused timer is visible in the live state"


def test_knee_to_knee_long_form_fault_breaks_the_hold():
    s = ktk_script().seg(1.5)
    s.seg(1.0, knee_drop_L=(0.0, 30.0), knee_drop_R=(0.0, 30.0))
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(3.0, knee_drop_L=32.0, knee_drop_R=8.0)
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    _, res = run(KTK, s.frames())
    assert len(res.holds) == 2
    first, second = res.holds
    assert first.duration_s == pytest.approx(0.5 + 3.0, abs=2 * FRAME)
    assert second.duration_s == pytest.approx(3.0 + (1 - 9 / 30), abs=2 * FRAME)


@pytest.mark.parametrize("undetected", [False, True])
def test_knee_to_knee_short_dropout_is_bridged(undetected):
    s = ktk_script().seg(1.5)
    s.seg(1.0, knee_drop_L=(0.0, 30.0), knee_drop_R=(0.0, 30.0))
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    if undetected:
        s.seg(0.25, detected=False)
    else:
        s.seg(0.25, knee_drop_L=math.nan)
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    _, res = run(KTK, s.frames())
    assert len(res.holds) == 1
    assert res.holds[0].duration_s == pytest.approx(ktk_expected(6.25), abs=2 * FRAME)


def test_knee_to_knee_long_dropout_ends_the_hold():
    s = ktk_script().seg(1.5)
    s.seg(1.0, knee_drop_L=(0.0, 30.0), knee_drop_R=(0.0, 30.0))
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, detected=False)
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    _, res = run(KTK, s.frames())
    # the first hold ends at the dropout; after it the tracker must see rest again
    assert len(res.holds) == 1
    assert res.holds[0].duration_s == pytest.approx(0.5 + 3.0, abs=2 * FRAME)
    assert "Move into the camera's view" in res.setup_problems


def test_knee_to_knee_getting_into_position_does_not_count():
    s = ktk_script()
    s.seg(3.0, knee_drop_L=30.0, knee_drop_R=30.0)  # knees already in when tracking starts
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    ktk_hold(s)
    _, res = run(KTK, s.frames())
    assert len(res.holds) == 1
    assert res.holds[0].start_s > 5.0


def test_knee_to_knee_wrong_view_no_holds():
    s = ktk_script(view="side").seg(1.5)
    ktk_hold(s)
    states, res = run(KTK, s.frames())
    assert res.holds == []
    assert states[-1].cue == "Place the camera at your feet, looking along your body"


def test_knee_to_knee_part_way_gets_the_depth_cue_and_asymmetry():
    s = ktk_script().seg(1.5)
    s.seg(3.0, knee_drop_L=12.0, knee_drop_R=12.0)  # between exit (9) and enter (15)
    s.seg(1.0)
    ktk_hold(s, depth=34.0, right=26.0)
    states, res = run(KTK, s.frames())
    assert "Rotate both knees in toward one another" in res.top_cues
    assert res.asymmetry["diff"] == pytest.approx(8, abs=2.5)


# --------------------------------------------------------------------------- band stretch

BAND = get_exercise("band_stretch").with_settings({"hold_target_s": 5, **NO_SETTLE})
REST_BAND = {
    "hip_flexion_L": 5.0,
    "hip_flexion_R": 5.0,
    "knee_flexion_L": 5.0,
    "knee_flexion_R": 5.0,
}


def band_script(**kw) -> Script:
    return Script(**{"view": "side", "position": "lying", **kw}, base=dict(REST_BAND))


def band_hold(s: Script, side: str, depth: float = 100.0, hold: float = 6.0, **extra) -> Script:
    k, kn = f"hip_flexion_{side}", f"knee_flexion_{side}"
    s.seg(1.0, **{k: (5.0, depth), kn: (5.0, 90.0)})
    s.seg(hold, **{k: depth, kn: 90.0}, **extra)
    s.seg(1.0, **{k: (depth, 5.0), kn: (90.0, 5.0)})
    return s.seg(1.5)


def band_expected(hold: float, depth: float = 100.0) -> float:
    return (1 - (BAND.enter - 5) / (depth - 5)) + hold + (1 - (BAND.exit - 5) / (depth - 5))


def test_band_stretch_left_then_right():
    s = band_script().seg(1.5)
    band_hold(s, "L")
    band_hold(s, "R", depth=90.0)
    states, res = run(BAND, s.frames())
    assert states[-1].counts == {"left": 1, "right": 1}
    assert [h.side for h in res.holds] == ["left", "right"]
    assert res.holds[0].duration_s == pytest.approx(band_expected(6.0), abs=2 * FRAME)
    assert res.holds[1].duration_s == pytest.approx(band_expected(6.0, 90.0), abs=2 * FRAME)
    assert res.asymmetry["diff"] == pytest.approx(10, abs=2)


def test_band_stretch_survives_left_right_label_swaps():
    s = band_script(swap_frac=0.12, seed=5).seg(1.5)
    band_hold(s, "R")
    _, res = run(BAND, s.frames())
    assert len(res.holds) == 1
    assert res.holds[0].side == "right"
    assert res.holds[0].duration_s == pytest.approx(band_expected(6.0), abs=2 * FRAME)


def test_band_stretch_bent_other_leg_pauses_and_cues():
    s = band_script().seg(1.5)
    s.seg(1.0, hip_flexion_L=(5.0, 100.0))
    s.seg(2.0, hip_flexion_L=100.0)
    s.seg(1.0, hip_flexion_L=100.0, knee_flexion_R=45.0)
    s.seg(2.0, hip_flexion_L=100.0)
    s.seg(1.0, hip_flexion_L=(100.0, 5.0)).seg(1.0)
    states, res = run(BAND, s.frames())
    assert len(res.holds) == 1
    assert res.holds[0].duration_s == pytest.approx(band_expected(4.0), abs=3 * FRAME)
    assert res.holds[0].form["other_leg_straight"]["pass"] is False
    assert "Keep the other leg straight on the floor" in res.top_cues


def test_band_stretch_front_view_asks_to_turn():
    s = band_script(view="front").seg(1.5)
    band_hold(s, "L")
    states, res = run(BAND, s.frames())
    assert res.holds == []
    assert states[-1].setup_problems == ["Turn side-on to the camera"]


# --------------------------------------------------------------------------- spine twist

TWIST = get_exercise("standing_spine_twist").with_settings({"hold_target_s": 3, **NO_SETTLE})
# MediaPipe shows about 8 deg of twist where there is none: the baseline removes it.
REST_TW = {
    "trunk_twist": 8.0,
    "pelvis_yaw": -3.0,
    "trunk_inclination": 3.0,
    "knee_valgus_L": 2.0,
    "knee_valgus_R": 2.0,
}


def twist_hold(s: Script, twist: float, hold: float = 4.0, **extra) -> Script:
    s.seg(0.8, trunk_twist=(8.0, 8.0 + twist))
    s.seg(hold, trunk_twist=8.0 + twist, **extra)
    s.seg(0.8, trunk_twist=(8.0 + twist, 8.0))
    return s.seg(1.0)


def twist_script(**kw) -> Script:
    return Script(**{"position": "standing", **kw}, base=dict(REST_TW))


def test_spine_twist_holds_per_side_from_the_twist_direction():
    s = twist_script().seg(1.5)
    for _ in range(3):
        twist_hold(s, +20.0)  # right foot out, twist to the left
    for _ in range(2):
        twist_hold(s, -20.0)
    states, res = run(TWIST, s.frames())
    assert states[-1].counts == {"left": 2, "right": 3}
    assert all(h.reached_target for h in res.holds)
    exp = (1 - TWIST.enter / 20) * 0.8 + 4.0 + (1 - TWIST.exit / 20) * 0.8
    for h in res.holds:  # slow 25 deg/s ramps: noise moves each crossing by about a frame
        assert h.duration_s == pytest.approx(exp, abs=3 * FRAME)
    assert res.per_side["right"]["holds_reached_target"] == 3


def test_spine_twist_constant_offset_is_not_a_twist():
    s = twist_script().seg(20.0)
    _, res = run(TWIST, s.frames())
    assert res.holds == []


def test_spine_twist_pelvis_turning_pauses_the_timer():
    s = twist_script().seg(1.5)
    s.seg(0.8, trunk_twist=(8.0, 28.0))
    s.seg(2.0, trunk_twist=28.0)
    s.seg(1.0, trunk_twist=28.0, pelvis_yaw=-3.0 + 35.0)
    s.seg(2.0, trunk_twist=28.0)
    s.seg(0.8, trunk_twist=(28.0, 8.0)).seg(1.0)
    states, res = run(TWIST, s.frames())
    assert len(res.holds) == 1
    exp = (1 - TWIST.enter / 20) * 0.8 + 4.0 + (1 - TWIST.exit / 20) * 0.8
    assert res.holds[0].duration_s == pytest.approx(exp, abs=3 * FRAME)
    assert res.holds[0].form["pelvis_neutral"]["pass"] is False
    assert "Keep your pelvis close to neutral" in res.top_cues


def test_spine_twist_seated_is_a_setup_problem():
    s = twist_script(position="seated").seg(1.5)
    twist_hold(s, 20.0)
    states, res = run(TWIST, s.frames())
    assert res.holds == []
    assert "Stand up tall" in res.setup_problems


# --------------------------------------------------------------------------- settle / release


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hold_times_the_position_not_the_way_in_and_out(seed):
    d = get_exercise("knee_to_knee").with_settings({"hold_target_s": 5})
    s = ktk_script(seed=seed).seg(1.5)
    ktk_hold(s, depth=30.0, hold=6.0)
    _, res = run(d, s.frames())
    (h,) = res.holds
    plateau_start = s.start_times()[2]
    release_start = s.start_times()[3]
    # opens once the 0.5 s slope is under settle_rate: at most one window after the plateau
    assert plateau_start - FRAME <= h.start_s <= plateau_start + 0.5
    # ends once 30% of the way from the hold's mean (30) back to exit (9) is lost: 0.21 s
    drop_s = 0.3 * (30 - d.exit) / 30
    assert release_start <= h.end_s <= release_start + drop_s + 2 * FRAME
    assert h.duration_s == pytest.approx(6.0, abs=0.3)
    assert h.reached_target


def test_a_slow_creep_in_still_counts_once_settled():
    d = get_exercise("knee_to_knee").with_settings({"hold_target_s": 5})
    s = ktk_script().seg(1.5)
    s.seg(4.0, knee_drop_L=(0.0, 30.0), knee_drop_R=(0.0, 30.0))  # 7.5 deg/s: not settled
    s.seg(6.0, knee_drop_L=30.0, knee_drop_R=30.0)
    s.seg(1.0, knee_drop_L=(30.0, 0.0), knee_drop_R=(30.0, 0.0)).seg(1.0)
    _, res = run(d, s.frames())
    (h,) = res.holds
    assert h.start_s >= s.start_times()[2] - FRAME
