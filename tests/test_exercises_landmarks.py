"""Landmark-level runs: PoseFrame -> formcheck.measure.metrics.frame_metrics -> tracker.

These reproduce two MediaPipe behaviours seen on the rendered clips: the hidden
ankle dragged under a dropped knee (seated internal rotation) and the 2D knee
angle staying near 0 in a squat filmed from the front.
"""

from __future__ import annotations

import math

import pytest
from exercise_fixtures import seated_front_pose, squat_front_pose

from formcheck.exercises import ExerciseTracker, get_exercise
from formcheck.measure.derived import SEATED_DROP_SCALE as K
from formcheck.measure.metrics import frame_metrics

FPS = 30


def envelope(t: float, start: float, up: float, hold: float, down: float) -> float:
    """0 at rest, 1 at the target, cosine ramps."""
    if t < start or t > start + up + hold + down:
        return 0.0
    if t < start + up:
        return 0.5 - 0.5 * math.cos(math.pi * (t - start) / up)
    if t <= start + up + hold:
        return 1.0
    return 0.5 + 0.5 * math.cos(math.pi * (t - start - up - hold) / down)


def test_seated_rotation_uses_the_planted_ankle_when_the_ankle_slides():
    starts = [1.5, 8.0, 14.5]
    frames = []
    for i in range(int(21 * FPS)):
        t = i / FPS
        drop = 50.0 * sum(envelope(t, s, 1.2, 3.4, 1.2) for s in starts)
        frames.append(frame_metrics(seated_front_pose(i, t, drop, ankle_slides=True)))
    bottom = frames[int(4.0 * FPS)]
    assert bottom.view == "front" and bottom.position == "seated"
    assert bottom.get("knee_drop_R") < 0  # what the sliding ankle does to the raw metric
    tr = ExerciseTracker(get_exercise("seated_internal_rotation"))
    for f in frames:
        tr.update(f)
    res = tr.finish()
    assert res.per_side["right"]["count"] == 3
    # The engine scales the planted tilt by K for MediaPipe's under-reading; these
    # hand-made landmarks have none, so a true 50 reads 50 K.
    assert all(abs(r.peak_value - 50.0 * K) < 1.0 * K for r in res.reps)


def test_a_foot_re_placed_between_reps_is_followed():
    starts = [1.5, 8.0, 17.0, 23.5]
    frames = []
    for i in range(int(30 * FPS)):
        t = i / FPS
        drop = 50.0 * sum(envelope(t, s, 1.2, 3.4, 1.2) for s in starts)
        shift = 40.0 if t > 14.5 else 0.0  # the foot moves 40 px out at 14.5 s, at rest
        frames.append(
            frame_metrics(seated_front_pose(i, t, drop, ankle_slides=True, foot_shift=shift))
        )
    tr = ExerciseTracker(get_exercise("seated_internal_rotation"))
    for f in frames:
        tr.update(f)
    res = tr.finish()
    assert res.per_side["right"]["count"] == 4
    assert all(abs(r.peak_value - 50.0 * K) < 2.0 * K for r in res.reps)


def test_front_view_squat_depth_comes_from_the_thigh_height():
    starts = [1.5, 4.5, 7.5]
    frames = []
    for i in range(int(10.5 * FPS)):
        t = i / FPS
        depth = 70.0 * sum(envelope(t, s, 0.9, 0.3, 0.9) for s in starts)
        frames.append(frame_metrics(squat_front_pose(i, t, depth)))
    assert max(f.get("knee_flexion_L") for f in frames) < 5.0  # 2D knee angle sees ~nothing
    tr = ExerciseTracker(get_exercise("squat_valgus"))
    for f in frames:
        tr.update(f)
    res = tr.finish()
    assert res.per_side["both"]["count"] == 3
    assert all(abs(r.peak_value - 70.0) < 1.5 for r in res.reps)


def test_spine_twist_reads_the_turn_from_the_narrowing_shoulder_line():
    """arccos(width / start width), signed by MediaPipe's 3D twist; 3D only without a pose."""
    from exercise_fixtures import stick_pose

    from formcheck.measure.derived import pose_baseline
    from formcheck.measure.trunk import shoulder_turn

    def pose(turn_deg: float):
        half = 60.0 * math.cos(math.radians(turn_deg))
        pts = {11: (320 + half, 150.0), 12: (320 - half, 150.0), 23: (345.0, 300.0),
               24: (295.0, 300.0), 27: (345.0, 450.0), 28: (295.0, 450.0)}  # fmt: skip
        return stick_pose(0, 0.0, pts)

    base = pose_baseline(pose(0.0)) | {"trunk_twist": 8.0}
    assert base["shoulder_w"] == 120.0
    for turn in (0.0, 15.0, 40.0):
        left = shoulder_turn({"trunk_twist": 8.0 + 0.4 * turn + 1e-3}, base, pose(turn))
        right = shoulder_turn({"trunk_twist": 8.0 - 0.4 * turn - 1e-3}, base, pose(turn))
        assert left == pytest.approx(turn, abs=0.01) and right == pytest.approx(-turn, abs=0.01)
    # No landmarks: the 3D twist since the start, as MediaPipe reads it.
    assert shoulder_turn({"trunk_twist": 20.0}, base, None) == pytest.approx(12.0)


def test_uneven_knees_compare_movement_since_the_start_not_the_resting_lean():
    """Knees that rest leaning differently (an off-axis camera) and move in together are even."""
    from exercise_fixtures import stick_pose

    from formcheck.measure.derived import pose_baseline
    from formcheck.measure.registry import DERIVED_METRICS

    def pose(tilt_l: float, tilt_r: float):
        def knee(ax: float, tilt: float, medial: float) -> tuple[float, float]:
            t = math.radians(tilt)
            return (ax + medial * 100 * math.sin(t), 400 - 100 * math.cos(t))

        pts = {23: (350.0, 250.0), 24: (290.0, 250.0), 27: (360.0, 400.0), 28: (280.0, 400.0),
               25: knee(360.0, tilt_l, -1.0), 26: knee(280.0, tilt_r, +1.0),
               11: (360.0, 120.0), 12: (280.0, 120.0)}  # fmt: skip
        return stick_pose(0, 0.0, pts)

    diff = DERIVED_METRICS["knee_drop_diff"]
    base = pose_baseline(pose(2.0, 14.0))  # resting 12 degrees apart
    assert diff({}, base, pose(2.0, 14.0)) == pytest.approx(0.0, abs=1e-6)
    assert diff({}, base, pose(27.0, 39.0)) == pytest.approx(0.0, abs=1e-6)  # both in by 25
    assert diff({}, base, pose(27.0, 14.0)) == pytest.approx(25.0, abs=1e-6)  # one knee only
