"""Real people's clips, replayed from their recorded landmarks (no video, no MediaPipe).

The landmarks in ``tests/data/real_landmarks`` were recorded from real clips whose licence
allows it (see its README); the truth comes from ``docs/real_footage_truth.csv``, written
by eye. Each test replays them with :func:`formcheck.session.replay`, the same stages
a file analysis uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck import session
from formcheck.exercises.catalogue import LUNGE_CUE
from formcheck.pose.record import load_frames, load_meta

DATA = Path(__file__).parent / "data" / "real_landmarks"


def replay(name: str, exercise: str, lookback: bool = True) -> tuple[dict, list]:
    out = session.replay(load_frames(DATA / f"{name}.npz"), exercise, lookback=lookback)
    return out.result, [pf.state for pf in out.frames]


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


def _tilted(frames: list, deg: float) -> list:
    """The recorded landmarks as a phone rolled ``deg`` degrees would have seen them."""
    import dataclasses
    import math

    import numpy as np

    a = math.radians(deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    out = []
    for f in frames:
        if f.xy is not None:
            c = np.array([f.width / 2, f.height / 2])
            f = dataclasses.replace(f, xy=(np.asarray(f.xy) - c) @ rot.T + c)
        out.append(f)
    return out


@pytest.mark.parametrize("deg", [0.0, 15.0, -15.0])
def test_a_tilted_phone_still_counts_and_is_named(deg):
    from formcheck.measure.camera import CameraCheck

    frames = _tilted(load_frames(DATA / "squatanalysis_squat_side.npz"), deg)
    out = session.replay(frames, "squat_valgus")
    cam = CameraCheck()
    for pf in out.frames:
        if pf.metrics.detected:
            cam.add(pf.pose, pf.metrics.position, pf.metrics.values)
    assert count(out.result) == 2
    notes = cam.notes({"side": 1.0})
    if deg == 0.0:
        assert notes == [] and abs(cam.tilt_deg) < 5  # people stand within a few degrees
    else:
        assert cam.tilt_deg == pytest.approx(deg + 3.0, abs=4)  # (it leans 3 upright)
        assert len(notes) == 1 and "tilted by about" in notes[0]


def test_a_camera_between_front_and_side_is_named_as_borderline():
    from formcheck.measure.camera import CameraCheck

    # squat/bedroom_side_portrait (a steep oblique, ~65 deg): 61% of its frames "other".
    notes = CameraCheck().notes({"other": 0.61, "side": 0.3, "front": 0.09})
    assert len(notes) == 1 and "61%" in notes[0] and "between front-on and side-on" in notes[0]
    # squat/bluewall_side_3reps (side-on, turning at the end): 33%, no note.
    assert CameraCheck().notes({"other": 0.33, "side": 0.67}) == []


def test_a_clip_that_cuts_between_a_front_and_a_side_camera_counts_every_rep():
    # Reps 1-2 and 7-9 are seen from the front, 3-6 from the side. Back on the front
    # camera, the side camera's standing thigh heights made reps 7-9 read 20 degrees
    # down while standing, and they merged (7 counted): the front heights come back now.
    res, _ = replay("mrpose_airsquat_front_side", "squat_valgus")
    assert count(res) == 9
    peaks = [r["peak_s"] for r in res["reps"] if r["counted"]]
    truth = [2.8, 6.5, 10.8, 15.3, 19.9, 24.3, 28.7, 32.2, 35.9]  # bottoms by eye
    assert peaks == pytest.approx(truth, abs=0.8)
