"""End-to-end `formcheck analyze` on the real clips in ../shared/footage, and CLI errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import av
import numpy as np
import pytest
from conftest import ROOT, footage, make_clip

from formcheck.cli import main
from formcheck.outputs.report import read_frames_csv
from formcheck.session import analyze_video


def _segments_above(t: np.ndarray, v: np.ndarray, thr: float) -> list[tuple[float, float]]:
    """(time of peak, peak value) of each run of frames where ``v > thr``."""
    out, start = [], None
    for i, above in enumerate(np.nan_to_num(v, nan=-1) > thr):
        if above and start is None:
            start = i
        if (not above or i == len(v) - 1) and start is not None:
            end = i if above else i - 1
            k = start + int(np.nanargmax(v[start : end + 1]))
            out.append((float(t[k]), float(v[k])))
            start = None
    return out


@pytest.fixture(scope="module")
def squat_run(tmp_path_factory):
    clip = footage("squatanalysis_squat_side.mp4")
    out = tmp_path_factory.mktemp("squat")
    rc = main(["analyze", str(clip), "--out", str(out), "--quiet"])
    assert rc == 0
    return out


def test_squat_clip_report(squat_run):
    rep = json.loads((squat_run / "report.json").read_text())
    assert rep["schema"].startswith("formcheck.report/")
    assert rep["detection_rate"] >= 0.95
    assert rep["video"]["frames_decoded"] == 614
    assert rep["views"].get("side", 0) > 0.8
    assert rep["metrics"]["knee_flexion_R"]["max"] > 90


def test_squat_clip_two_deep_squats(squat_run):
    rows = read_frames_csv(squat_run / "frames.csv")
    assert len(rows) == 614
    t = np.array([r["t_s"] for r in rows])
    # The side facing the camera is the one measurable in more frames.
    counts = {s: sum(not math.isnan(r[f"knee_flexion_{s}"]) for r in rows) for s in "LR"}
    near = max(counts, key=counts.get)
    v = np.array([r[f"knee_flexion_{near}"] for r in rows])
    peaks = _segments_above(t, v, 90.0)
    assert len(peaks) == 2, peaks
    assert abs(peaks[0][0] - 10.5) < 1.0 and abs(peaks[1][0] - 17.4) < 1.0


def test_squat_clip_annotated_video_is_h264_with_all_frames(squat_run):
    with av.open(str(squat_run / "annotated.mp4")) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert s.codec_context.pix_fmt == "yuv420p"
        n = sum(1 for _ in c.decode(s))
    assert n == 614


def test_bridging_clip_all_outputs(tmp_path):
    clip = footage("physioplus_bridging.mp4")
    assert main(["analyze", str(clip), "--exercise", "band_stretch", "--out", str(tmp_path),
                 "--quiet"]) == 0  # fmt: skip
    rep = json.loads((tmp_path / "report.json").read_text())
    assert rep["detection_rate"] >= 0.95 and rep["exercise"] == "band_stretch"
    rows = read_frames_csv(tmp_path / "frames.csv")
    assert len(rows) == 91
    # The tracker's own primary value is in every row, named after the working leg's metric.
    assert {r["primary_metric"] for r in rows} <= {"hip_flexion_L", "hip_flexion_R"}
    assert sum(math.isfinite(r["primary"]) for r in rows) > 45
    assert (tmp_path / "annotated.mp4").stat().st_size > 0


def test_no_person_clip(tmp_path):
    clip = make_clip(tmp_path / "empty_room.mp4", n=20, size=(320, 240))
    assert main(["analyze", str(clip), "--out", str(tmp_path / "o"), "--quiet"]) == 0
    rep = json.loads((tmp_path / "o" / "report.json").read_text())
    assert rep["detection_rate"] == 0.0
    assert rep["metrics"]["knee_flexion_L"]["max"] is None


def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "formcheck.cli", *args],
        capture_output=True, text=True, timeout=120, cwd=cwd or ROOT,
    )  # fmt: skip


@pytest.mark.parametrize(
    "make, args, needle",
    [
        (None, ["analyze", "/nonexistent/clip.mp4"], "not found"),
        ("text", ["analyze", "{p}"], "not a readable video"),
        ("empty", ["analyze", "{p}"], "empty"),
        ("clip", ["analyze", "{p}", "--exercise", "moonwalk"], "unknown exercise"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(tmp_path, make, args, needle):
    p = tmp_path / "x.mp4"
    if make == "text":
        p.write_text("not a video at all\n" * 20)
    elif make == "empty":
        p.write_bytes(b"")
    elif make == "clip":
        make_clip(p)
    r = _cli(*[a.replace("{p}", str(p)) for a in args], "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_cli_exercises_lists_all_ids():
    r = _cli("exercises")
    assert r.returncode == 0
    ids = [ln.split()[0] for ln in r.stdout.splitlines() if ln.strip()]
    assert ids == [
        "knee_to_knee", "band_stretch", "ball_massage", "quadruped_band_circles",
        "seated_internal_rotation", "hip_hinge_rotation", "standing_spine_twist", "squat_valgus",
    ]  # fmt: skip


def test_an_analysis_rate_below_the_video_s_analyses_fewer_frames_and_keeps_every_frame(
    tmp_path,
):
    """``analysis_fps``: the 15 fps squat sample analysed at 7.5 fps still counts its 4
    reps; frames.csv has a row per analysed frame, the annotated video every frame."""
    import av

    from formcheck.data import SAMPLES_DIR
    from formcheck.outputs.report import read_frames_csv
    from formcheck.session import analyze_video

    sample = SAMPLES_DIR / "squat_valgus__good.mp4"
    settings = json.loads(sample.with_suffix(".json").read_text())["settings"]
    res = analyze_video(sample, "squat_valgus", tmp_path, settings=settings,
                        analysis_fps=7.5)  # fmt: skip
    rep = res.report
    decoded = rep["video"]["frames_decoded"]
    rows = read_frames_csv(res.csv_path)
    assert len(rows) == rep["frames"] and abs(len(rows) - decoded / 2) <= 1
    assert rep["result"]["per_side"]["both"]["count"] == 4
    times = [float(r["t_s"]) for r in rows]
    assert all(abs(b - a - 2 / 15) < 0.01 for a, b in zip(times, times[1:], strict=False))
    with av.open(str(res.video_path)) as c:
        assert c.streams.video[0].frames == decoded
    with pytest.raises(ValueError, match="analysis_fps"):
        analyze_video(sample, "squat_valgus", tmp_path / "x", analysis_fps=0)


def _same_cell(a: object, b: object) -> bool:
    both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return both_nan or a == b


def test_the_rows_an_analysis_returns_are_its_frames_csv(tmp_path):
    """The app charts the rows it already has: they are frames.csv as read back, cell for
    cell (rounded to 3 decimals, NaN where empty), on a real clip."""
    res = analyze_video(footage("physioplus_bridging.mp4"), "knee_to_knee", tmp_path,
                        write_video=False)  # fmt: skip
    back = read_frames_csv(res.csv_path)
    assert res.rows is not None and len(res.rows) == len(back) > 0
    for mine, read in zip(res.rows, back, strict=True):
        assert mine.keys() == read.keys()
        assert all(_same_cell(mine[k], read[k]) for k in mine), mine
