"""The small stages on their own: baseline, knee follower, motion meter, slope, report keys."""

from __future__ import annotations

import json
import math
from collections import deque

import pytest
from exercise_fixtures import Script, run

from formcheck.exercises import get_exercise
from formcheck.exercises.baseline import REST_CLAMP, REST_FRAMES, Baseline
from formcheck.exercises.circles import MovingSide
from formcheck.exercises.holds import slope
from formcheck.exercises.knee_follow import KneeFollower
from formcheck.exercises.timed import MotionMeter, SideTimer
from formcheck.measure.derived import SEATED_DROP_SCALE
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.registry import METRIC_NAMES


def _fm(t: float, **vals: float) -> FrameMetrics:
    values = dict.fromkeys(METRIC_NAMES, math.nan) | vals
    return FrameMetrics(int(t * 30), t, True, 1, values, "front", "seated")


def test_baseline_fixes_medians_when_the_setup_first_passes():
    b = Baseline(get_exercise("seated_internal_rotation"))
    for i, yaw in enumerate([4.0, 5.0, 6.0, 100.0]):
        fm = _fm(i / 30, pelvis_yaw=yaw, trunk_twist=2.0)
        b.update(fm, fm.values, clean=i < 3, ok_now=False)
    assert b.values == {} and not b.fixed
    fm = _fm(0.2, pelvis_yaw=5.5, trunk_twist=2.0)
    b.update(fm, fm.values, clean=True, ok_now=True)
    assert b.fixed
    assert b.values["pelvis_yaw"] == pytest.approx(5.25)  # median of 4, 5, 6, 5.5
    fm = _fm(0.3, pelvis_yaw=50.0)
    b.update(fm, fm.values, clean=True, ok_now=True)
    assert b.values["pelvis_yaw"] == pytest.approx(5.25)  # fixed once set


def test_rest_value_is_captured_per_side_and_clamped():
    d = get_exercise("seated_internal_rotation")
    b = Baseline(d)
    fm = _fm(0.0, pelvis_yaw=0.0)
    b.update(fm, fm.values, clean=True, ok_now=True)
    v = {"knee_drop_seated_L": 12.0, "knee_drop_seated_R": 60.0}
    outs = [b.rest_offset(v, "left", ok=True) for _ in range(REST_FRAMES)]
    assert all(math.isnan(x) for x in outs[:-1])
    assert outs[-1] == 12.0
    assert b.rest_offset(v, "right", ok=True) == REST_CLAMP  # someone mid-movement
    assert b.rest_of("left") == 12.0
    assert Baseline(get_exercise("squat_valgus")).rest_offset(v, "both", ok=True) == 0.0


def test_moving_side_prefers_the_knee_that_is_seen_and_moving():
    ms = MovingSide(window_s=2.0)
    scores = {}
    for i in range(60):
        t = i / 30
        near = (0.1 * math.cos(3 * t), 0.1 * math.sin(3 * t))
        far = (0.1 * math.cos(3 * t), 0.1 * math.sin(3 * t)) if i % 3 == 0 else (math.nan,) * 2
        scores = ms.update(t, {"L": near, "R": far})
    assert scores["L"] > 2 * scores["R"] > 0


def test_knee_follower_locks_lifts_and_undoes_a_label_swap():
    d = get_exercise("quadruped_band_circles")
    kf = KneeFollower(d)
    still = (0.0, 0.8)
    got = []
    for i in range(90):
        t = i / 30
        knee = (0.1 * math.cos(3 * t), 0.65 + 0.1 * math.sin(3 * t))
        paths = {"L": knee, "R": still}
        if i == 60:  # one frame with the labels swapped
            paths = {"L": still, "R": knee}
        lift = {"L": 0.8 - paths["L"][1], "R": 0.8 - paths["R"][1]}
        got.append(kf.update(t, paths, lift))
    assert kf.side == "L"
    assert got[60] == pytest.approx((0.1 * math.cos(6.0), 0.65 + 0.1 * math.sin(6.0)))


def test_knee_follower_ignores_a_knee_circling_on_the_floor():
    kf = KneeFollower(get_exercise("quadruped_band_circles"))
    for i in range(120):
        t = i / 30
        paths = {"L": (0.1 * math.cos(3 * t), 0.8), "R": (0.0, 0.8)}
        assert kf.update(t, paths, {"L": 0.0, "R": 0.0}) is None


def test_motion_meter_spread_and_side_timer_bridging():
    m = MotionMeter(window_s=1.0)
    vals = [m.update(i / 30, 0.05 * math.cos(i / 3), 0.05 * math.sin(i / 3)) for i in range(60)]
    assert math.isnan(vals[5]) and vals[-1] == pytest.approx(0.05, abs=0.005)
    st = SideTimer(bridge_s=0.3)
    segs = [st.update(i / 10, "left" if i not in (20, 21) else None) for i in range(50)]
    assert not any(segs)
    assert st.finish().duration_s == pytest.approx(4.9)


def test_slope_of_a_line():
    q = deque((i / 10, 3.0 + 2.0 * i / 10) for i in range(5))
    assert slope(q) == pytest.approx(2.0)
    assert math.isnan(slope(deque([(0.0, 1.0)])))


def test_report_has_the_documented_keys():
    s = Script(base={"knee_drop_L": 0.0, "knee_drop_R": 0.0}).seg(1.5)
    s.seg(1.0, knee_drop_R=(0.0, 45.0)).seg(3.5, knee_drop_R=45.0)
    s.seg(1.0, knee_drop_R=(45.0, 0.0)).seg(1.0)
    states, res = run(get_exercise("seated_internal_rotation"), s.frames())
    d = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    for key in (
        "exercise",
        "mode",
        "settings",
        "reps",
        "holds",
        "circles",
        "timed",
        "per_side",
        "asymmetry",
        "top_cues",
        "setup_problems",
        "events",
    ):
        assert key in d
    rep = d["reps"][0]
    for key in ("side", "start_s", "end_s", "peak_s", "peak_value", "metric", "form", "cues"):
        assert key in rep
    assert {"pass", "worst"} <= set(rep["form"]["pelvis_forward"])
    st = states[-1]
    for f in (
        "exercise_id",
        "mode",
        "counts",
        "active_side",
        "phase",
        "hold_elapsed_s",
        "hold_target_s",
        "primary_metric",
        "primary_value",
        "target_band",
        "setup_ok",
        "setup_problems",
        "cue",
        "events",
    ):
        assert hasattr(st, f)
    assert [(e["kind"], e["message"]) for e in d["events"]] == [
        ("cue", "Well done: release"),  # the 3 s end hold reached (a progress cue)
        ("rep_done", "Rep 1"),
    ]
    assert d["events"][0]["data"] == {"progress": True} and d["top_cues"] == {}


def test_the_tracker_reads_the_corrected_metrics_not_the_raw_ones():
    import dataclasses

    from formcheck.exercises import ExerciseTracker

    s = Script(noise=0.0, base={"knee_drop_L": 0.0, "knee_drop_R": 0.0}).seg(1.5)
    s.seg(1.0, knee_drop_R=(0.0, 45.0)).seg(3.5, knee_drop_R=45.0)
    s.seg(1.0, knee_drop_R=(45.0, 0.0)).seg(1.0)
    # "corrected" values twice the raw ones: raw reads 45, corrected 90
    frames = [
        dataclasses.replace(f, raw=dict(f.values), values={k: 2 * v for k, v in f.values.items()})
        for f in s.frames()
    ]
    d = get_exercise("seated_internal_rotation")
    tr = ExerciseTracker(d)  # the corrected values the report shows
    for f in frames:
        tr.update(f)
    assert tr.finish().reps[0].peak_value == pytest.approx(90.0 * SEATED_DROP_SCALE)


def test_position_gate_settles_in_and_rides_out_a_short_dip():
    from formcheck.exercises.timed import PositionGate

    g = PositionGate(enter=30, exit=20, settle_rate=6.0, release_drop=5.0, bridge_s=0.3)
    ramp = [min(60.0, 60.0 * i / 15) for i in range(30)]  # 0 -> 60 in 0.5 s, then flat
    got = [g.update(i / 30, v) for i, v in enumerate(ramp)]
    first = got.index(True)
    assert 15 <= first <= 15 + 15  # not before the plateau, within one settle window
    dip = [g.update(1 + i / 30, v) for i, v in enumerate([60, 40, 41, 60, 60])]
    assert dip == [True, False, False, True, True] and g.open  # 2 frames: bridged
    out = [g.update(2 + i / 30, 25.0) for i in range(15)]
    assert not any(out) and not g.open  # a real release closes it after bridge_s


def test_rest_value_moves_down_for_the_followed_side_only():
    """Sat down with the knee dropped (rest captured at 40), then straightened it: the rest
    follows down to the lower value; later reps never raise it; the other side stays."""
    d = get_exercise("seated_internal_rotation")
    b = Baseline(d)
    fm = _fm(0.0, pelvis_yaw=0.0)
    b.update(fm, fm.values, clean=True, ok_now=True)
    v = {"knee_drop_seated_L": 3.0, "knee_drop_seated_R": 40.0}
    for _ in range(REST_FRAMES):
        b.rest_offset(v, "right", ok=True)
    assert b.rest_of("right") == 40.0 and b.rest_of("left") == 3.0
    for x in (5.0,) * REST_FRAMES + (60.0,) * (2 * REST_FRAMES):
        b.rest_offset({"knee_drop_seated_L": -20.0, "knee_drop_seated_R": x}, "right", ok=True)
    assert b.rest_of("right") == 5.0
    assert b.rest_of("left") == 3.0  # not followed: its values while the right works are no rest

