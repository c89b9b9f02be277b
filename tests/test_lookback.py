"""Files that start mid-movement: the tracker's lookback over the setup's settle time.

A trimmed phone clip often starts as the person is already on the way down. Live, the
rest position must be seen after the setup passes (getting into position never
counts); for a file (``lookback=True``) the clean frames seen while the setup was
settling are run through the engine once it passes, so that first rep counts.
"""

from __future__ import annotations

import math

from exercise_fixtures import squat_front_pose

from formcheck.exercises import ExerciseTracker, get_exercise
from formcheck.measure.metrics import frame_metrics
from formcheck.pose.landmarks import PoseFrame

FPS = 30


def _squat_depth(t: float, start: float, down: float = 0.9, hold: float = 0.3) -> float:
    """Thigh angle (deg) of one 70-degree squat that starts at ``start`` (may be < 0)."""
    u = t - start
    if u < 0 or u > 2 * down + hold:
        return 0.0
    if u < down:
        return 35.0 - 35.0 * math.cos(math.pi * u / down)
    if u < down + hold:
        return 70.0
    return 35.0 + 35.0 * math.cos(math.pi * (u - down - hold) / down)


def _clip(starts: list[float], seconds: float, hidden_until: float = -1.0) -> list:
    frames = []
    for i in range(int(seconds * FPS)):
        t = i / FPS
        pf = squat_front_pose(i, t, sum(_squat_depth(t, s) for s in starts))
        if t < hidden_until:
            pf = PoseFrame(i, t, pf.width, pf.height)  # nobody found yet
        frames.append(frame_metrics(pf))
    return frames


def _count(frames: list, lookback: bool) -> int:
    tr = ExerciseTracker(get_exercise("squat_valgus"), lookback=lookback)
    for f in frames:
        tr.update(f)
    return tr.finish().per_side["both"]["count"]


def test_a_one_rep_clip_that_starts_on_the_way_down_counts_one():
    frames = _clip([-0.3], 2.5)  # already 30% of the way down at the first frame
    assert frames[0].get("knee_flexion_L") < 5  # (a front view: the depth is the thigh's)
    assert _count(frames, lookback=True) == 1
    assert _count(frames, lookback=False) == 0  # live: the rest was never seen after setup


def test_a_first_rep_in_the_first_second_counts_and_the_rest_too():
    frames = _clip([0.2, 3.0, 5.5], 8.0)
    assert _count(frames, lookback=True) == 3
    assert _count(frames, lookback=False) == 2


def test_lookback_replays_only_frames_after_the_last_setup_problem():
    # Nobody is found while the person goes down; they appear at the bottom and stand up:
    # no rest was seen before the bottom, so nothing counts, lookback or not.
    frames = _clip([0.0], 3.0, hidden_until=1.0)
    assert _count(frames, lookback=True) == 0


def test_lookback_changes_nothing_for_a_clip_that_starts_at_rest():
    frames = _clip([1.5, 4.5], 7.5)
    t_look = ExerciseTracker(get_exercise("squat_valgus"), lookback=True)
    t_live = ExerciseTracker(get_exercise("squat_valgus"))
    for f in frames:
        t_look.update(f)
        t_live.update(f)
    a, b = t_look.finish(), t_live.finish()
    assert a.per_side == b.per_side
    assert [(r.peak_s, r.end_s) for r in a.reps] == [(r.peak_s, r.end_s) for r in b.reps]


def test_a_rep_cut_by_the_start_of_a_file_needs_less_time_than_later_ones():
    from formcheck.exercises.reps import EARLY_MIN_FRACTION, RepConfig, RepCounter

    def reps(early_s: float) -> list:
        rc = RepCounter(RepConfig(enter=20, exit=10, target=30, min_rep_s=1.0, early_s=early_s))
        # 0.7 s reps (from the last rest frame): one starting at once, one at 3 s
        track = [0, 0, 25, 35, 35, 35, 35, 25, 0] + [0] * 22 + [25, 35, 35, 35, 35, 35, 25, 0, 0]
        out = [rc.update(i / 10, v) for i, v in enumerate(track)]
        return [r for r in out if r]

    assert EARLY_MIN_FRACTION * 1.0 < 0.7 < 1.0
    first, later = reps(early_s=1.0)
    assert first.counted and not later.counted and later.reason == "too_short"
    assert [r.counted for r in reps(early_s=0.0)] == [False, False]  # live: no leniency
