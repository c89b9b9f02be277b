"""Real people's clips, replayed from their recorded landmarks (no video, no MediaPipe).

The landmarks in ``tests/data/real_landmarks`` were recorded from real clips whose licence
allows it (see its README); the truth comes from ``docs/real_footage_truth.csv``, written
by eye. Each test replays them through the same :class:`~formcheck.session.FrameProcessor`
a file analysis uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.exercises.catalogue import LUNGE_CUE
from formcheck.pose_record import ReplayPose, load_frames, load_meta
from formcheck.session import FrameProcessor

DATA = Path(__file__).parent / "data" / "real_landmarks"


def replay(name: str, exercise: str, lookback: bool = True) -> tuple[dict, list]:
    frames = load_frames(DATA / f"{name}.npz")
    proc = FrameProcessor(exercise_id=exercise, pose=ReplayPose(frames), lookback=lookback)
    states = [proc.process(None, f.t_s, f.index).state for f in frames]
    return proc.finish(), states


def count(result: dict) -> int:
    return sum(d["count"] for d in result["per_side"].values())


def test_every_recording_names_its_source_and_licence():
    for p in DATA.glob("*.npz"):
        meta = load_meta(p)
        assert meta["source"] and meta["licence"] in ("MIT", "Apache-2.0", "CC0-1.0"), p.name


def test_a_side_view_squat_is_counted_with_its_depth_and_no_valgus_verdict():
    res, states = replay("squatanalysis_squat_side", "squat_valgus")
    assert count(res) == 2
    peaks = [r["peak_s"] for r in res["reps"] if r["counted"]]
    assert peaks == pytest.approx([10.4, 17.3], abs=0.6)  # bottoms read off the frames
    assert all(r["peak_value"] > 60 for r in res["reps"])  # deep squats
    # The valgus checks are not measurable from the side: skipped, never a verdict.
    assert all(r["form"]["valgus_left"]["pass"] is None for r in res["reps"])
    assert res["asymmetry"] is None  # no left/right valgus number either
    assert not any("Face the camera" in (s.setup_problems or []) for s in states)


@pytest.mark.parametrize("name", ["nowva_lunge_side_dumbbell", "nowva_lateral_lunge_front"])
@pytest.mark.parametrize("exercise", ["squat_valgus", "hip_hinge_rotation"])
def test_lunges_are_not_counted_as_squats_or_hinges(name, exercise):
    res, _ = replay(name, exercise)
    assert count(res) == 0
    attempts = [r for r in res["reps"] if r["reason"] == "other_movement"]
    assert len(attempts) >= 8  # 10-11 lunges, each recognised as another movement
    assert any(c.startswith("That looked like a lunge") for c in res["top_cues"])


def test_the_squat_lunge_cue_says_what_to_do():
    res, _ = replay("nowva_lunge_side_dumbbell", "squat_valgus")
    assert LUNGE_CUE in res["top_cues"]


@pytest.mark.parametrize("exercise", ["knee_to_knee", "band_stretch"])
def test_a_glute_bridge_counts_no_hold(exercise):
    res, _ = replay("physioplus_bridging", exercise)
    assert count(res) == 0


def test_a_standing_person_is_asked_to_lie_down_for_knee_to_knee():
    res, states = replay("squatanalysis_squat_side", "knee_to_knee")
    cue = "Lie on your back with your knees bent"
    assert count(res) == 0
    assert res["setup_problems"].get(cue, 0) > 10  # most of the 20 s clip
    assert sum(s.phase == "setup" for s in states) > 0.8 * len(states)
