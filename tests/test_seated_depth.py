"""The seated knee drop's honesty: a measured ± on every depth, and reps whose landmarks
cannot support their depth marked as not trusted instead of reported.

The sample clips carry the truth: on ``seated_internal_rotation__good`` MediaPipe pulls
the knee onto the ankle at the bottom and the depth reads 14-24 deep; on
``__trunk_rotation`` the landmarks hold and the depth is within a few degrees.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from formcheck.app.views import depth_text
from formcheck.exercises import get_exercise
from formcheck.measure.derived import ANKLE, KNEE, pose_baseline, shank_ratio
from formcheck.outputs.set_summary import SideSummary, summarize
from formcheck.outputs.summary import summary_lines
from formcheck.pose.landmarks import PoseFrame
from formcheck.session import analyze_video
from tests.conftest import SAMPLES
from tools import accuracy  # the same truth and rep matching as the benchmark

EX = "seated_internal_rotation"
BAND = get_exercise(EX).depth_uncertainty


def _pose(knee_xy: tuple[float, float], ankle_xy=(200.0, 300.0)) -> PoseFrame:
    xy = np.full((33, 2), 100.0)
    xy[KNEE["R"]], xy[ANKLE["R"]] = knee_xy, ankle_xy
    return PoseFrame(0, 0.0, 640, 480, xy=xy, vis=np.ones(33))


def test_shank_ratio_is_the_knee_to_ankle_length_over_its_rest_length():
    rest = pose_baseline(_pose((200.0, 200.0)))
    assert rest["shank_R"] == pytest.approx(100.0)
    assert shank_ratio({}, rest, _pose((260.0, 220.0)), "R") == pytest.approx(1.0)
    assert shank_ratio({}, rest, _pose((230.0, 260.0)), "R") == pytest.approx(0.5)
    assert np.isnan(shank_ratio({}, {}, _pose((230.0, 260.0)), "R"))  # no rest length


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    out = {}
    for variant in ("good", "trunk_rotation"):
        clip = SAMPLES / f"{EX}__{variant}.mp4"
        sc = json.loads(clip.with_suffix(".json").read_text())
        res = analyze_video(clip, EX, tmp_path_factory.mktemp(variant), write_video=False,
                            settings=sc.get("settings") or {})  # fmt: skip
        out[variant] = (res.report, accuracy.peak_errors(sc, res.report["result"]))
    return out


def test_reps_whose_knee_collapsed_onto_the_ankle_are_counted_but_not_trusted(analysed):
    report, errors = analysed["good"]
    reps = [r for r in report["result"]["reps"] if r["counted"]]
    assert len(reps) == 3  # the count is unchanged
    assert all(r["depth_reliable"] is False for r in reps)
    assert all(abs(e["error"]) > BAND for e in errors)  # and those depths really were wrong
    right = report["result"]["per_side"]["right"]
    assert right["best_depth"] is None and right["unreliable_depths"] == 3
    line = next(ln for ln in summary_lines(report["result"]) if "right" in ln)
    assert "3 reps; depth not trusted on every rep" in line and "best" not in line
    side = summarize(report).sides["R"]
    assert side.untrusted == 3 and "depth not trusted on any rep" in depth_text(side, "°")


def test_trusted_depths_carry_the_measured_band_and_the_truth_is_inside_it(analysed):
    report, errors = analysed["trunk_rotation"]
    reps = [r for r in report["result"]["reps"] if r["counted"]]
    assert len(reps) == 3 and all(r["depth_reliable"] for r in reps)
    assert all(r["depth_uncertainty"] == BAND for r in reps)
    assert all(abs(e["error"]) <= BAND for e in errors)
    left = report["result"]["per_side"]["left"]
    assert left["depth_uncertainty"] == BAND and "unreliable_depths" not in left
    line = next(ln for ln in summary_lines(report["result"]) if "left" in ln)
    assert f"± {BAND:.0f}°" in line
    text = depth_text(summarize(report).sides["L"], "°")
    assert text.startswith("best ") and text.count(f"± {BAND:g}°") == 2


def test_depth_text_without_a_measured_band():
    s = SideSummary("L", count=2, best=40.0, average=35.0)
    assert depth_text(s, "°") == "best 40° · average 35°"
