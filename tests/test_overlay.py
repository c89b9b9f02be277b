"""The overlay draws where the landmarks are and never modifies its input."""

from __future__ import annotations

import numpy as np

from formcheck.outputs.overlay import AngleLabel, Hud, annotate
from formcheck.pose.landmarks import KNEE, PoseFrame


def _pose(vis_knee: float = 1.0) -> PoseFrame:
    xy = np.zeros((33, 2))
    xy[:, 0] = 320
    xy[:, 1] = np.linspace(60, 420, 33)
    vis = np.ones(33)
    vis[KNEE["L"]] = vis_knee
    return PoseFrame(0, 0.0, 640, 480, xy, vis, None, 1)


def test_draws_skeleton_labels_and_hud_without_touching_input():
    frame = np.full((480, 640, 3), 128, np.uint8)
    before = frame.copy()
    out = annotate(frame, _pose(), [AngleLabel(KNEE["L"], "drop 30")], Hud(["t 1.0 s"], cue="Hi"))
    assert np.array_equal(frame, before)
    changed = np.any(out != frame, axis=2)
    assert changed[60:420, 316:324].mean() > 0.5  # the bone line down the middle
    ky = int(_pose().xy[KNEE["L"], 1])
    assert changed[ky - 40 : ky, 325:420].any()  # left-knee label to the right of the joint
    assert changed[:40, :200].any() and changed[440:, :200].any()  # HUD line and cue


def test_hidden_landmark_label_is_not_drawn():
    frame = np.full((480, 640, 3), 128, np.uint8)
    ky = int(_pose().xy[KNEE["L"], 1])
    out = annotate(frame, _pose(vis_knee=0.1), [AngleLabel(KNEE["L"], "drop 30")])
    assert not np.any(out[ky - 40 : ky, 340:460] != 128)


def test_no_person_draws_only_the_hud():
    frame = np.zeros((240, 320, 3), np.uint8)
    out = annotate(frame, PoseFrame(0, 0.0, 320, 240), None, Hud(cue="No person found"))
    changed = np.any(out != 0, axis=2)
    assert changed[200:, :].any() and not changed[:150, :].any()
