"""End-to-end accuracy on the rendered sample clips (``formcheck/data/samples/*__*.mp4`` + sidecar).

Each clip goes once through the full pipeline (``analyze_video``, ``side="auto"``, the
sidecar's settings, no annotated video) via ``tools/accuracy.py``; the result is cached
for the module, and every check below is parametrised over the clips found, so a new
clip is tested as soon as it lands.

Checks and bounds (measured on the clips, see ``docs/accuracy.md``):

* counts per side match the sidecar exactly (reps, holds or circles, by the exercise's
  mode);
* every true hold is matched by one of the engine's holds (or a rep's end hold) within
  ``HOLD_TOL_S``; timed seconds per side within ``TIMED_TOL_S``;
* per metric family in the clip's camera view, the MAE against the true per-frame values
  stays under ``MAE_BOUNDS`` (degrees; ratio for ``knee_ankle_ratio``), or under the
  honest bound measured for that clip where the 5-degree aim is not met
  (``HONEST_BOUNDS``); where a family cannot be measured from that camera angle
  (``NOT_MEASURABLE_EXPECTED``), the pipeline must flag it instead of showing a number;
* injected faults make their form rule fail / cue fire; clean clips raise no form cue;
  holds done with a fault that pauses the hold timer are not timed.

Where the engine does not meet the truth, a case can be listed in ``KNOWN_FAILURES``
and marked ``xfail(strict=True)``: it turns red the moment it starts passing, so the
entry can be removed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from tools import accuracy as acc

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "formcheck/data/samples"

#: The end-to-end tests take about 20-40 s per clip on two cores: deselect them with
#: ``-m "not slow"``.
slow = pytest.mark.slow


#: Largest hold time error (s) of any hold.
HOLD_TOL_S = 0.5
#: Largest timed-per-side error (s).
TIMED_TOL_S = 0.5
#: Smallest share of frames with a person detected.
MIN_DETECTION = 0.95
#: MAE bound per metric family (degrees; ratio for knee_ankle_ratio), over all frames of a
#: clip filmed from the family's best view: the worst value measured on the clips that
#: meet it plus a margin of about 1 degree, never above the 5 degree aim for image-plane
#: (2D) angles. 3D (world-landmark) angles: 6 degrees, below the 7-25 degree thresholds
#: of the twist and pelvis rules that use them. Measured values in the comments.
MAE_BOUNDS: dict[str, float] = {
    "knee_flexion": 5.0,  # side view: 4.1 on the hinge clip
    "hip_flexion": 5.0,  # side view: 3.4
    "trunk_inclination": 3.0,  # side view: 0.6-2.0
    "knee_valgus": 4.0,  # standing, front: 1.3-2.5
    "knee_drop": 5.0,  # standing, front: 0.5-1.3; the seated knee drop is the target
    "knee_ankle_ratio": 0.05,  # standing, front: 0.01-0.03
    "trunk_twist": 6.0,  # 3D; 1.5-1.9 when the twist is small
    "pelvis_yaw": 6.0,  # 3D; 1.5-5.1 when the pelvis stays square
}

#: (clip, family) -> why the pipeline must flag the family "not measurable from this camera
#: angle" there (reliable in under half the frames with a person): no number is shown, so
#: the test checks the flag instead of an MAE (which is listed in docs/accuracy.md).
NOT_MEASURABLE_EXPECTED: dict[tuple[str, str], str] = {
    # Seated / supine, front: the FPPA of a knee bent toward the camera is degenerate (the
    # thigh is a few pixels long; MediaPipe reads -140 where the truth is +140).
    ("knee_to_knee__good", "knee_valgus"): "degenerate FPPA (MAE 94.5)",
    ("ball_massage__good", "knee_valgus"): "degenerate FPPA (MAE 34.8)",
    ("seated_internal_rotation__good", "knee_valgus"): "degenerate FPPA (MAE 85.3)",
    ("seated_internal_rotation__trunk_rotation", "knee_valgus"): "degenerate FPPA (MAE 54.7)",
    # Seated, the knees sit mid-shin (the thighs point at the camera); the seated model
    # barely beats raw (from the feet it is trusted: see HONEST_BOUNDS).
    ("ball_massage__good", "knee_ankle_ratio"): "MAE 0.12",
    ("seated_internal_rotation__good", "knee_ankle_ratio"): "MAE 0.43",
    ("seated_internal_rotation__trunk_rotation", "knee_ankle_ratio"): "MAE 0.40",
}

#: (clip, family) -> (bound, measured): where the 5-degree aim is not met, the honest bound
#: (the MAE measured with the default corrections on, plus about 1.5 degrees). A change that
#: makes the engine worse there still turns the test red.
HONEST_BOUNDS: dict[tuple[str, str], tuple[float, str]] = {
    # Side view, far (hidden) leg: MediaPipe guesses it; the near leg is within 3.5.
    ("hip_hinge_rotation__squat", "knee_flexion"): (8.5, "MAE 7.1 (far leg R 10.9, near 3.3)"),
    ("hip_hinge_rotation__squat", "hip_flexion"): (8.5, "MAE 7.0 (far leg R 10.6, near 3.5)"),
    ("quadruped_band_circles__good", "knee_flexion"): (7.5, "MAE 6.2 (far leg R 9.2, near 4.7)"),
    # Knee drop with the thigh toward the camera, corrected (raw 25.9 and 31.5: MediaPipe
    # drags the ankle under the dropped knee). The engine's own depth (measured to the
    # planted ankle) is closer: peak errors -2..+6 on the good clip.
    ("seated_internal_rotation__good", "knee_drop"): (11.5, "corrected MAE 9.8 (raw 25.9)"),
    ("seated_internal_rotation__trunk_rotation", "knee_drop"): (10.5, "corrected MAE 9.0 "
                                                                "(raw 31.5)"),  # fmt: skip
    # The outward-dropped knee keeps its raw value (outside the model's domain).
    ("ball_massage__good", "knee_drop"): (18.0, "corrected MAE 16.6 (raw 11.5)"),
    # 3D pelvis yaw: the models fix the fault clips (16.2 -> 2.9 standing, 12.0 -> 6.2
    # seated) but leave an offset (the rules read the change from the start).
    ("standing_spine_twist__good", "pelvis_yaw"): (9.0, "corrected MAE 7.4 (raw 5.1)"),
    ("seated_internal_rotation__trunk_rotation", "pelvis_yaw"): (7.7, "corrected MAE 6.2 "
                                                                 "(raw 12.0)"),  # fmt: skip
    # 3D standing twist of a 42-degree spine twist: raw reads it 17.3 short, corrected 9.8
    # (4.1 at the hold on held-out training bodies; this body is harder).
    ("standing_spine_twist__good", "trunk_twist"): (11.3, "corrected MAE 9.8 (raw 17.3)"),
}

#: (clip, check) -> what is wrong, measured. Checks: frames, detection, counts, holds,
#: timed, faults, mae:<family>. Each becomes ``xfail(strict=True)``. (None with the
#: default corrections on.)
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
#: Known failures only while the corrections are on (they pass raw).
KNOWN_FAILURES_CORRECTED: dict[tuple[str, str], str] = {}
#: Known failures only with ``FORMCHECK_CORRECTION=0`` (raw MediaPipe; they pass corrected).
KNOWN_FAILURES_RAW: dict[tuple[str, str], str] = {
    ("knee_to_knee__good", "mae:knee_drop"): "raw MAE 5.2, at target 7.0 (bias -5.1)",
    ("ball_massage__good", "mae:pelvis_yaw"): "raw MAE 9.1, at target 10.4 (bias +6.7)",
    ("seated_internal_rotation__good", "mae:pelvis_yaw"): "raw MAE 7.0, at target 7.9 (the "
    "dropped knee reads as pelvis yaw: 11 for a true 3)",
    ("seated_internal_rotation__trunk_rotation", "mae:pelvis_yaw"): "raw MAE 12.0, at target 17.6",
    ("seated_internal_rotation__trunk_rotation", "mae:trunk_twist"): "raw MAE 12.9, at target "
    "18.1 (reads about +7 for a true -7)",
}


def _correcting() -> bool:
    """True when the pipeline applies bias corrections (default, with models installed)."""
    try:
        from formcheck.measure import correction
    except ImportError:
        return False
    return correction.enabled() and Path(correction.MODEL_FILE).is_file()


KNOWN_FAILURES |= KNOWN_FAILURES_CORRECTED if _correcting() else KNOWN_FAILURES_RAW


@cache
def _sidecar(clip: str) -> dict:
    """The sidecar of ``clip`` without its bulky per-frame arrays."""
    with open(SAMPLES / f"{clip}.json", encoding="utf-8") as fh:
        sc = json.load(fh)
    sc.pop("keypoints_px", None)
    sc["families"] = acc.relevant_families(sc["view"])
    sc.pop("frames", None)
    return sc


def _exercise_def(clip: str):
    from formcheck.exercises import get_exercise

    sc = _sidecar(clip)
    return get_exercise(sc["exercise"]).with_settings(sc.get("settings") or {})


CLIPS = [p.stem for p in acc.find_sidecars(folder=SAMPLES)]


def _cases(check: str, clips: list[str] | None = None) -> list:
    """pytest params (one per clip) for ``check``, xfail-marked where known to fail."""
    out = []
    for clip in CLIPS if clips is None else clips:
        reason = KNOWN_FAILURES.get((clip, check))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(clip, marks=marks, id=clip))
    return out


def _family_cases() -> list:
    out = []
    for clip in CLIPS:
        for fam in _sidecar(clip)["families"]:
            reason = KNOWN_FAILURES.get((clip, f"mae:{fam}"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(clip, fam, marks=marks, id=f"{clip}-{fam}"))
    return out


def _with_holds() -> list[str]:
    """Clips whose exercise times holds (hold mode, or reps with an end hold), except holds
    done with a fault that pauses the timer (none is timed: see ``test_counts...``)."""
    out = []
    for clip in CLIPS:
        d = _exercise_def(clip)
        if d.mode == "hold" and acc.gated_faults(_sidecar(clip)):
            continue
        if _sidecar(clip).get("holds") and (d.mode == "hold" or d.end_hold_s > 0):
            out.append(clip)
    return out


def _timed() -> list[str]:
    return [c for c in CLIPS if _exercise_def(c).mode == "timed"]


@pytest.fixture(scope="module")
def result() -> Callable[[str], object]:
    """``result(clip)`` -> the clip's :class:`ClipResult`, computed once per module.

    ``FORMCHECK_SAMPLES_KEPT=DIR`` re-scores the outputs kept by
    ``tools/accuracy.py --keep DIR`` instead of running the pipeline (seconds, not minutes:
    for adjusting the checks; the engine is not re-run).
    """
    done: dict[str, object] = {}

    kept = os.environ.get("FORMCHECK_SAMPLES_KEPT")

    def get(clip: str):
        if clip not in done:
            sidecar = SAMPLES / f"{clip}.json"
            if kept:
                done[clip] = acc.rescore_clip(sidecar, Path(kept))
            else:
                done[clip] = acc.evaluate_clip(sidecar)
        return done[clip]

    return get


@slow
@pytest.mark.parametrize("clip", _cases("frames"))
def test_video_matches_sidecar(result, clip: str) -> None:
    r = result(clip)
    assert r.frames == r.frames_true, (
        f"{clip}: {r.frames} frames decoded, sidecar has {r.frames_true} (re-render both)"
    )


@slow
@pytest.mark.parametrize("clip", _cases("detection"))
def test_person_detected(result, clip: str) -> None:
    r = result(clip)
    assert r.detection_rate >= MIN_DETECTION, f"{clip}: detection rate {r.detection_rate:.2f}"


@slow
@pytest.mark.parametrize("clip", _cases("counts"))
def test_counts_match_per_side(result, clip: str) -> None:
    r = result(clip)
    assert r.counts_found == r.counts_true, (
        f"{clip} ({r.mode}): found {r.counts_found}, true {r.counts_true}"
    )


@slow
@pytest.mark.parametrize("clip", _cases("holds", _with_holds()))
def test_hold_times(result, clip: str) -> None:
    r = result(clip)
    assert r.hold_errors_s, f"{clip}: no holds compared"
    bad = [
        h for h in r.hold_errors_s
        if h["error_s"] is None or abs(h["error_s"]) > HOLD_TOL_S
    ]  # fmt: skip
    assert not bad, f"{clip}: holds off by more than {HOLD_TOL_S} s: {bad}"


@slow
@pytest.mark.parametrize("clip", _cases("timed", _timed()))
def test_timed_per_side(result, clip: str) -> None:
    r = result(clip)
    assert set(r.timed_found_s) >= set(r.timed_true_s), (
        f"{clip}: sides timed {sorted(r.timed_found_s)}, true {sorted(r.timed_true_s)}"
    )
    errs = r.timed_errors_s
    assert all(abs(e) <= TIMED_TOL_S for e in errs.values()), (
        f"{clip}: timed error per side {errs} s (found {r.timed_found_s}, true {r.timed_true_s})"
    )


@slow
@pytest.mark.parametrize(("clip", "family"), _family_cases())
def test_metric_mae(result, clip: str, family: str) -> None:
    """MAE within its bound where the number is shown; flagged where it cannot be read."""
    from formcheck.measure.confidence import MIN_RELIABLE_SHARE

    r = result(clip)
    e = r.metrics[family]
    share = r.reliable_share.get(family, 1.0)
    if (clip, family) in NOT_MEASURABLE_EXPECTED and _correcting():
        assert share < MIN_RELIABLE_SHARE, (
            f"{clip}: {family} shown as reliable in {share:.0%} of frames, but it cannot be "
            f"measured there ({NOT_MEASURABLE_EXPECTED[(clip, family)]}; MAE {e.mae})"
        )
        return
    if share < MIN_RELIABLE_SHARE:
        if not _correcting():
            pytest.skip(f"{family} is not measurable there without the corrections")
        pytest.fail(f"{clip}: {family} flagged not measurable ({share:.0%} reliable frames)")
    assert e.mae is not None, f"{clip}: {family} never measured"
    bound = HONEST_BOUNDS.get((clip, family), (MAE_BOUNDS[family], ""))[0]
    assert e.mae <= bound, (
        f"{clip}: {family} MAE {e.mae:.2f} > {bound} (at target {e.mae_target}, "
        f"bias {e.bias:+.2f}, coverage {e.coverage:.2f})"
    )


@slow
@pytest.mark.parametrize("clip", _cases("faults"))
def test_faults_detected_and_no_false_alarms(result, clip: str) -> None:
    r = result(clip)
    if r.faults_injected:
        missed = [f for f, ok in r.faults_detected.items() if not ok]
        assert not missed, (
            f"{clip}: faults {missed} not detected (rules failed {r.rules_failed}, cues {r.cues})"
        )
    else:
        assert not r.false_alarms, (
            f"{clip}: clean clip raised form rules {r.false_alarms} (cues {r.cues})"
        )


# ------------------------------------------------------------- the scoring itself (fast)


def test_angle_errors_wrap_around() -> None:
    import numpy as np

    d = acc.angle_diff(np.array([-179.0, 170.0, 10.0]), np.array([179.0, -170.0, 12.0]))
    assert np.allclose(d, [2.0, -20.0, -2.0])


def test_frames_align_by_time_and_skip_missing() -> None:
    import numpy as np

    rows = [{"t_s": 0.0}, {"t_s": 0.0667}, {"t_s": 0.2}]
    idx = acc.align(np.array([0.0, 0.0667, 0.1333, 0.2]), rows)
    assert idx.tolist() == [0, 1, -1, 2]


def test_target_window_covers_holds_peaks_and_circling() -> None:
    import numpy as np

    sc = {
        "holds": [{"start_s": 1.0, "end_s": 2.0}],
        "reps": [{"peak_s": 5.0}],
        "circle_windows": [{"start_s": 8.0, "end_s": 9.0}],
    }
    t = np.array([0.5, 1.5, 4.7, 5.2, 6.0, 8.5])
    assert acc.target_mask(sc, t).tolist() == [False, True, False, True, False, True]


def test_family_error_pools_sides_and_ignores_unmeasured_frames() -> None:
    import numpy as np

    sc = {"frames": {"metrics": {"knee_drop_L": [10.0, 20.0, None], "knee_drop_R": [0, 0, 0]}}}
    rows = [
        {"knee_drop_L": 12.0, "knee_drop_R": 1.0},
        {"knee_drop_L": float("nan"), "knee_drop_R": -1.0},
        {"knee_drop_L": 5.0, "knee_drop_R": 3.0},
    ]
    e = acc.family_error(
        ("knee_drop_L", "knee_drop_R"), sc, rows, np.arange(3), np.array([True, False, False])
    )
    assert e.n == 4 and e.mae == pytest.approx((2 + 1 + 1 + 3) / 4)
    assert e.mae_target == pytest.approx(1.5) and e.coverage == pytest.approx(4 / 5)


def test_holds_pair_by_overlap_and_counts_by_side() -> None:
    sc = {
        "holds": [
            {"side": "left", "start_s": 2.0, "end_s": 6.0, "duration_s": 4.0},
            {"side": "left", "start_s": 10.0, "end_s": 14.0, "duration_s": 4.0},
        ]
    }
    result = {
        "mode": "hold",
        "holds": [{"side": "left", "start_s": 1.8, "end_s": 6.3, "duration_s": 4.3}],
        "reps": [],
    }
    errs = acc.hold_errors(sc, result)
    assert [e["error_s"] for e in errs] == [pytest.approx(0.3), None]
    assert acc.found_counts(result) == {"left": 1}
    assert acc.true_counts(sc, "hold") == {"left": 2}


def test_a_fault_counts_when_its_rule_fails_or_its_cue_fires() -> None:
    cue = acc.rule_cues("squat_valgus", {})["valgus_left"]
    failed = {"reps": [{"form": {"valgus_left": {"pass": False}}}], "holds": [], "events": []}
    cued = {"reps": [], "holds": [], "events": [{"kind": "cue", "message": cue, "data": {}}]}
    quiet = {"reps": [{"form": {"valgus_left": {"pass": True}}}], "holds": [], "events": []}
    for res in (failed, cued):
        assert acc.fault_detection(["knee_valgus"], "squat_valgus", {}, res)[0] == {
            "knee_valgus": True
        }
        assert acc.fault_detection([], "squat_valgus", {}, res)[1]  # a false alarm if clean
    assert acc.fault_detection(["knee_valgus"], "squat_valgus", {}, quiet) == (
        {"knee_valgus": False},
        [],
    )


def test_reported_peak_is_compared_with_the_true_primary() -> None:
    sc = {
        "exercise": "band_stretch",
        "frames": {"t_s": [0.0, 1.0, 2.0, 3.0], "metrics": {"hip_flexion_L": [0, 50, 100, 10]}},
        "holds": [{"side": "left", "start_s": 0.5, "end_s": 2.5, "duration_s": 2.0}],
    }
    result = {
        "mode": "hold",
        "holds": [{"side": "left", "start_s": 0.8, "end_s": 2.6, "peak_value": 96.0}],
        "reps": [],
    }
    (p,) = acc.peak_errors(sc, result)
    assert p["true"] == 100 and p["error"] == pytest.approx(-4.0)


def test_a_hold_done_with_a_gating_fault_is_not_expected_to_be_timed() -> None:
    holds = [{"side": "left", "start_s": 2.0, "end_s": 6.0, "duration_s": 4.0}]
    twist = {"exercise": "standing_spine_twist", "faults": ["pelvis_rotation"], "holds": holds}
    assert acc.gated_faults(twist) == ["pelvis_rotation"]
    assert acc.true_counts(twist, "hold") == {}
    clean = dict(twist, faults=[])
    assert acc.gated_faults(clean) == [] and acc.true_counts(clean, "hold") == {"left": 1}
