"""The committed synthetic sample clips and their sidecars keep their contract.

These tests need neither anny nor MediaPipe: they read ``formcheck/data/samples/*.json`` (schema
``formcheck.sample/1``, written by ``tools/render_synthetic.py``) and the MP4 headers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "formcheck/data/samples"
SIDECARS = sorted(SAMPLES.glob("*.json"))
EXERCISES = {
    "knee_to_knee", "band_stretch", "ball_massage", "quadruped_band_circles",
    "seated_internal_rotation", "hip_hinge_rotation", "standing_spine_twist", "squat_valgus",
}  # fmt: skip
REQUIRED = {
    "schema", "exercise", "variant", "side", "view", "position", "fps", "n_frames", "width",
    "height", "seed", "camera", "phenotype", "clothing", "faults", "settings", "reps", "holds",
    "circles", "frames", "keypoints_px",
}  # fmt: skip
MAPPED = {0, 11, 12, 13, 14, 15, 16, *range(23, 33)}


def _load(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def _peak(side: dict, metric: str) -> float:
    """Largest |value| of a per-frame truth metric over the clip."""
    v = np.array([np.nan if x is None else x for x in side["frames"]["metrics"][metric]])
    return float(np.nanmax(np.abs(v)))


def test_every_exercise_has_a_good_clip() -> None:
    good = {json.loads(p.read_text())["exercise"] for p in SIDECARS if "__good" in p.name}
    assert good == EXERCISES


@pytest.mark.parametrize("path", SIDECARS, ids=lambda p: p.stem)
def test_sidecar_contract(path: Path) -> None:
    s = json.loads(path.read_text())
    assert set(s) >= REQUIRED
    assert s["schema"] == "formcheck.sample/1"
    assert path.stem == f"{s['exercise']}__{s['variant']}"
    assert s["exercise"] in EXERCISES
    assert s["side"] in ("left", "right", "both")
    assert s["view"] in ("front", "side")
    assert s["position"] in ("standing", "seated", "supine", "quadruped")
    assert (s["variant"] == "good") == (s["faults"] == [])
    n = s["n_frames"]
    assert 5 <= n / s["fps"] <= 20
    assert len(s["frames"]["t_s"]) == n
    for name, values in s["frames"]["metrics"].items():
        assert len(values) == n, name
    assert {int(k) for k in s["keypoints_px"]} >= MAPPED
    for pts in s["keypoints_px"].values():
        assert len(pts) == n
        xy = np.array(pts)
        assert np.all((xy[:, 0] > 0) & (xy[:, 0] < s["width"]))
        assert np.all((xy[:, 1] > 0) & (xy[:, 1] < s["height"]))
    for item in s["reps"] + s["holds"]:
        assert item["side"] in ("left", "right", "both")
        assert 0 <= item["start_s"] < item["end_s"] <= n / s["fps"]
    for rep in s["reps"]:
        assert rep["start_s"] <= rep["peak_s"] <= rep["end_s"]


@pytest.mark.parametrize("path", SIDECARS, ids=lambda p: p.stem)
def test_video_matches_sidecar(path: Path) -> None:
    av = pytest.importorskip("av")
    s = json.loads(path.read_text())
    with av.open(str(path.with_suffix(".mp4"))) as c:
        st = c.streams.video[0]
        assert (st.codec_context.width, st.codec_context.height) == (s["width"], s["height"])
        assert st.codec_context.name == "h264"
        assert round(float(st.average_rate)) == s["fps"]
        assert sum(1 for _ in c.demux(st) if _.size) == s["n_frames"]


def test_fault_clips_show_their_fault() -> None:
    good, bad = _load("squat_valgus__good"), _load("squat_valgus__valgus")
    for side in "LR":
        assert max(r["peak"][f"knee_valgus_{side}"] for r in bad["reps"]) > 15
        assert max(r["peak"][f"knee_valgus_{side}"] for r in good["reps"]) < 10
    assert _peak(_load("seated_internal_rotation__good"), "pelvis_rotation_true_deg") < 1
    assert _peak(_load("seated_internal_rotation__trunk_rotation"),
                 "pelvis_rotation_true_deg") > 10  # fmt: skip
    assert _peak(_load("standing_spine_twist__good"), "pelvis_rotation_true_deg") < 1
    assert _peak(_load("standing_spine_twist__pelvis_rotation"),
                 "pelvis_rotation_true_deg") > 15  # fmt: skip
    hinge, squat = _load("hip_hinge_rotation__good"), _load("hip_hinge_rotation__squat")
    assert min(r["peak"]["trunk_inclination"] for r in hinge["reps"]) > 45
    assert max(r["peak"]["knee_flexion_L"] for r in hinge["reps"]) < 30
    assert max(r["peak"]["trunk_inclination"] for r in squat["reps"]) < 25
    assert min(r["peak"]["knee_flexion_L"] for r in squat["reps"]) > 50


def test_seated_knee_drops_toward_the_midline() -> None:
    s = _load("seated_internal_rotation__good")
    work = "R" if s["side"] == "right" else "L"
    other = "L" if work == "R" else "R"
    for rep in s["reps"]:
        assert rep["peak"][f"knee_drop_{work}"] > 45
        assert abs(rep["peak"][f"knee_drop_{other}"]) < 25
