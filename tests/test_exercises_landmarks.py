"""Landmark-level runs: PoseFrame -> formcheck.metrics.frame_metrics -> tracker.

These reproduce two MediaPipe behaviours seen on the rendered clips: the hidden
ankle dragged under a dropped knee (seated internal rotation) and the 2D knee
angle staying near 0 in a squat filmed from the front.
"""

from __future__ import annotations

import math

from exercise_fixtures import seated_front_pose, squat_front_pose

from formcheck.exercises import ExerciseTracker, get_exercise
from formcheck.metrics import frame_metrics

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
    assert all(abs(r.peak_value - 50.0) < 1.0 for r in res.reps)


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
    assert all(abs(r.peak_value - 50.0) < 2.0 for r in res.reps)


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
