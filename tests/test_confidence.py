"""Reliability over a set: which numbers are shown, and which are "not measurable"."""

from __future__ import annotations

import pytest

from formcheck.exercises import get_exercise
from formcheck.measure.confidence import (
    NOT_MEASURABLE,
    base_metrics,
    is_reliable,
    not_measurable,
    used_metrics,
)
from formcheck.outputs.report import RunningSummary


def test_derived_metrics_map_to_what_they_are_measured_from() -> None:
    assert base_metrics("knee_drop_planted_L") == ["knee_drop_L"]
    assert base_metrics("knee_drop_out_R") == ["knee_drop_R"]
    assert base_metrics("knee_drop_mean") == ["knee_drop_L", "knee_drop_R"]
    assert base_metrics("twist_for_R") == ["trunk_twist"]
    assert base_metrics("pelvis_rotation") == ["pelvis_yaw"]
    # The hinge's depth also reads from the trunk's shrinking height, in any view: no flag
    # (like the squat's depth, a 2D landmark position).
    assert base_metrics("hinge_or_squat") == []
    assert base_metrics("squat_depth") == []
    assert base_metrics("knee_flexion_L") == ["knee_flexion_L"]  # a catalogue metric itself
    assert base_metrics("squat_depth") == []  # 2D landmark heights: no flag


def test_a_derived_value_is_reliable_only_when_its_sources_are() -> None:
    flags = {"knee_drop_L": True, "knee_drop_R": False}
    assert is_reliable(flags, "knee_drop_planted_L") is True
    assert is_reliable(flags, "knee_drop_mean") is False
    assert is_reliable(flags, "squat_depth") is None


def test_used_metrics_of_an_exercise_cover_primary_and_rules_per_side() -> None:
    used = used_metrics(get_exercise("seated_internal_rotation"), ("R",))
    assert used[0] == "knee_drop_R"
    assert {"pelvis_yaw", "trunk_twist", "knee_drop_L"} <= set(used)  # rules, other knee
    assert "knee_drop_R" in used_metrics(get_exercise("seated_internal_rotation"))


def test_spine_twist_lean_cue_carries_no_side_view_flag() -> None:
    """"Stand up straight" in the spine twist reads the lean in the image from the front
    (sideways lean): it must not be listed as needing a side view, and it still cues."""
    from formcheck.measure.registry import with_derived

    ex = get_exercise("standing_spine_twist")
    assert "trunk_inclination" not in used_metrics(ex)
    rule = next(r for r in ex.rules if r.id == "stand_tall")
    lean = with_derived({"trunk_inclination": 27.0}, {}, None)[rule.metric]
    assert lean == 27.0 and not rule.passes(lean)
    assert base_metrics(rule.metric) == []


def _summary(frames: list[tuple[dict, dict]], view: str = "front") -> RunningSummary:
    s = RunningSummary()
    for values, flags in frames:
        s.add(True, 1, view, "seated", values, flags)
    return s


def test_a_metric_trusted_in_under_half_the_frames_is_listed_not_measurable() -> None:
    frames = [({"knee_flexion_L": 90.0, "knee_drop_L": 20.0},
               {"knee_flexion_L": False, "knee_drop_L": True})] * 6  # fmt: skip
    frames += [({"knee_flexion_L": 90.0}, {"knee_flexion_L": True})] * 2
    s = _summary(frames)
    d = s.to_dict()
    assert d["metrics"]["knee_flexion_L"]["reliable_frames"] == 2
    assert d["metrics"]["knee_flexion_L"]["measurable_frames"] == 8
    out = not_measurable(["knee_flexion_L", "knee_drop_L"], d["metrics"], s.detected, d["views"])
    assert [o["metric"] for o in out] == ["knee_flexion_L"]
    assert out[0]["reliable_share"] == pytest.approx(0.25)
    assert out[0]["message"] == f"knee flexion (left): {NOT_MEASURABLE} (needs a side view)"


def test_nothing_is_listed_without_a_person() -> None:
    assert not_measurable(["knee_drop_L"], {}, 0) == []


def test_only_the_worked_side_gets_a_depth_verdict() -> None:
    from formcheck.measure.confidence import mark_depths

    result = {"per_side": {"left": {"count": 3}, "right": {"count": 0}}}
    gone = [{"metric": "knee_drop_R"}, {"metric": "knee_drop_L"}]
    mark_depths(result, get_exercise("seated_internal_rotation"), gone)
    assert result["per_side"]["left"]["depth_reliable"] is False
    assert "depth_reliable" not in result["per_side"]["right"]  # nothing done there
    nothing = {"per_side": {"left": {"count": 0}, "right": {"count": 0}}}
    mark_depths(nothing, get_exercise("seated_internal_rotation"), gone[:1])
    assert nothing["per_side"]["left"]["depth_reliable"] is True
    assert nothing["per_side"]["right"]["depth_reliable"] is False
