"""Chart builders and the set summary: pure functions over rows and result dicts."""

from __future__ import annotations

import math

from formcheck.app.charts import (
    items_of,
    metric_series,
    primary_metrics,
    rep_charts,
    series_for,
    thin,
    timeline_chart,
    trend_chart,
)
from formcheck.app.store import SideStat
from formcheck.outputs.set_summary import norm_side, summarize

ROWS = [
    {"t_s": i / 10, "knee_drop_L": 10.0 + (i % 20), "knee_drop_R": math.nan,
     "trunk_twist": 5.0 + i, "pelvis_yaw": 1.0, "view": "front", "phase": "", "cue": ""}
    for i in range(60)
]  # fmt: skip
RESULT = {
    "exercise": "seated_internal_rotation",
    "mode": "reps",
    "unit": "deg",
    "reps": [
        {"side": "left", "start_s": 0.5, "end_s": 1.9, "peak_s": 1.9, "peak_value": 29.0,
         "metric": "knee_drop_L", "counted": True},
        {"side": "left", "start_s": 2.5, "end_s": 3.9, "peak_s": 3.9, "peak_value": 25.0,
         "metric": "knee_drop_L", "counted": True},
        {"side": "right", "start_s": 4.0, "end_s": 5.0, "peak_s": 4.5, "peak_value": 12.0,
         "metric": "knee_drop_R", "counted": False},
    ],
    "per_side": {"left": {"count": 2, "best_depth": 29.0, "average_depth": 27.0,
                          "total_hold_s": 0.0, "longest_hold_s": 0.0}},
    "asymmetry": {"diff": 4.5},
    "top_cues": {"Keep your pelvis and upper body facing forward": 3, "Keep the other knee up": 1},
}  # fmt: skip


def test_metric_series_column_and_derived() -> None:
    pts = metric_series(ROWS, "knee_drop_L")
    assert len(pts) == 60 and pts[3] == (0.3, 13.0)
    rel = metric_series(ROWS, "trunk_twist_rel")  # derived: twist since the first frame
    assert rel[0][1] == 0.0 and rel[10][1] == 10.0
    assert metric_series(ROWS, "no_such_metric") == []
    assert series_for(ROWS, ["knee_drop_L", "knee_drop_R"]).keys() == {"knee_drop_L"}


def test_thin_keeps_ends() -> None:
    pts = [(float(i), float(i)) for i in range(10000)]
    out = thin(pts, 100)
    assert len(out) == 100 and out[0] == pts[0] and out[-1] == pts[-1]


def test_primary_metrics() -> None:
    assert primary_metrics(RESULT) == ["knee_drop_L", "knee_drop_R"]

    class Ex:
        primary_metric = "knee_drop_{side}"

    assert primary_metrics({}, Ex(), "right") == ["knee_drop_R"]
    assert primary_metrics({}, Ex(), "auto") == ["knee_drop_L", "knee_drop_R"]


def test_rep_and_timeline_charts() -> None:
    series = series_for(ROWS, primary_metrics(RESULT))
    grid = rep_charts(series, RESULT, band=(30.0, 90.0), unit="deg")
    spec = grid.to_dict()
    assert len(spec["concat"]) == 2  # the right rep has no measurable series: no chart
    titles = [c["title"] for c in spec["concat"]]
    assert titles[0].startswith("Rep 1")
    label = "upper-body turn away from the turned-out foot (shoulder line)"
    tl = timeline_chart(series, RESULT, band=(30.0, 90.0), label=label).to_dict()
    assert len(tl["layer"]) == 4  # rep boxes, band lines, curve, peaks
    # The measure's long name goes in the title; the y axis says only the unit (a long
    # y title made Streamlit's theme squeeze the plot to a few pixels).
    assert tl["title"] == f"Whole set: {label}"
    y_titles = {ly["encoding"]["y"].get("title") for ly in tl["layer"] if "title" in
                ly.get("encoding", {}).get("y", {})}  # fmt: skip
    assert y_titles == {"degrees"}
    rep_y = spec["concat"][0]["layer"][-2]["encoding"]["y"]["title"]
    assert rep_y == "degrees"
    names = {r["metric"] for d in tl["datasets"].values() for r in d if "metric" in r}
    assert names == {"left"}  # legend: the side, not knee_drop_L
    torso = timeline_chart(series, RESULT, unit="torso").to_dict()
    assert {ly["encoding"]["y"].get("title") for ly in torso["layer"]
            if "title" in ly.get("encoding", {}).get("y", {})} == {"torso lengths"}  # fmt: skip
    assert rep_charts(series, {}, None) is None
    assert timeline_chart({}, {}) is None
    assert len(items_of(RESULT)) == 3


def test_trend_chart() -> None:
    stats = [SideStat(1, "2026-01-01T10:00:00+00:00", "x", "L", 2, 25.0, 24.0, 0, 0),
             SideStat(2, "2026-01-03T10:00:00+00:00", "x", "L", 3, 28.0, 26.0, 0, 0),
             SideStat(2, "2026-01-03T10:00:00+00:00", "x", "R", 3, None, None, 0, 0)]  # fmt: skip
    spec = trend_chart(stats, "best", "Best depth").to_dict()
    assert spec["mark"]["type"] == "line"
    assert trend_chart([], "best", "Best depth") is None


def test_summary_of_engine_result() -> None:
    s = summarize({"exercise": "seated_internal_rotation", "result": RESULT})
    assert s.title == "Seated internal rotation"
    assert set(s.sides) == {"L"}  # the uncounted right rep is not a rep
    left = s.sides["L"]
    assert left.count == 2 and left.best == 29.0 and left.average == 27.0
    assert s.asymmetry == 4.5
    assert s.top_cues[0] == ("Keep your pelvis and upper body facing forward", 3)
    assert s.unit == "°"


def test_summary_of_holds_and_missing_fields() -> None:
    res = {"mode": "hold", "holds": [
        {"side": "both", "start_s": 1, "end_s": 12, "duration_s": 10.0, "reached_target": False,
         "mean_value": 20.0, "peak_value": 26.0},
        {"side": "both", "start_s": 15, "end_s": 37, "duration_s": 20.5, "reached_target": True,
         "mean_value": 22.0, "peak_value": 30.0}]}  # fmt: skip
    s = summarize({"exercise": "knee_to_knee", "settings": {"hold_target_s": 20}, "result": res})
    b = s.sides["both"]
    assert b.count == 2 and b.hold_total_s == 30.5 and b.hold_longest_s == 20.5
    assert b.holds_reached == 1 and b.best == 30.0 and b.average == 21.0
    assert s.hold_target_s == 20
    empty = summarize({})
    assert empty.sides == {} and empty.total_count == 0
    assert norm_side("Right") == "R" and norm_side(None) == "both"


def test_primary_column_is_preferred_and_peaks_checked() -> None:
    rows = [{"t_s": i / 10, "knee_flexion_L": 5.0, "knee_flexion_R": 5.0,
             "primary_metric": "squat_depth", "primary": float(min(i, 40 - i))}
            for i in range(41)]  # fmt: skip
    res = {"reps": [{"side": "both", "start_s": 1.0, "end_s": 3.0, "peak_s": 2.0,
                     "peak_value": 20.0, "metric": "squat_depth"}]}  # fmt: skip
    pts = metric_series(rows, "squat_depth")
    assert pts[20] == (2.0, 20.0)
    assert series_for(rows, ["squat_depth"], res).keys() == {"squat_depth"}
    # Without the tracker's column, a recomputed curve that misses the peaks is not drawn.
    bare = [{k: v for k, v in r.items() if not k.startswith("primary")} for r in rows]
    assert series_for(bare, ["squat_depth"], res) == {}
    tl = timeline_chart({}, res)  # peaks only
    assert tl is not None and len(tl.to_dict()["layer"]) == 2
