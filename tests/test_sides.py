"""Side identity: SideStabilizer undoes injected left/right swaps and leaves clean clips alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.sides import GROUPS, SideStabilizer, side_view_near_side, swap_group

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "formcheck/data/samples"


def side_view_sequence(n: int = 60, fps: float = 15.0, seed: int = 0):
    """A person seen from their left side (facing image-left), walking-in-place legs.

    Returns lists of (xy, vis, world) per frame; the person's left is near the camera
    (world z smaller), the legs swing apart and together (but never cross in depth).
    """
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        t = i / fps
        xy = np.full((33, 2), 320.0)
        world = np.zeros((33, 3))
        # Head/face: nose ahead (image-left), ears behind.
        xy[0] = (300, 100)
        for j in range(1, 11):
            xy[j] = (310, 95)
        xy[7], xy[8] = (325, 100), (326, 100)
        for s, dz in (("L", -0.1), ("R", 0.1)):
            off = 1 if s == "R" else 0
            swing = (0.25 if s == "L" else -0.25) * np.sin(2 * np.pi * 0.7 * t)
            # shoulder, elbow, wrist, hands
            xy[11 + off] = (320 + 2 * off, 150)
            xy[13 + off] = (320 + 30 * swing, 210)
            xy[15 + off] = (320 + 60 * swing, 260)
            for j in (17, 19, 21):
                xy[j + off] = xy[15 + off] + (0, 10)
            xy[23 + off] = (320 + 2 * off, 260)
            xy[25 + off] = (320 - 80 * swing, 350)
            xy[27 + off] = (320 - 60 * swing, 440)
            xy[29 + off] = xy[27 + off] + (8, 5)
            xy[31 + off] = xy[27 + off] + (-25, 8)
            for j in range(11, 33):
                if (j % 2 == 1) == (s == "L"):
                    world[j] = ((xy[j, 0] - 320) / 400, (xy[j, 1] - 260) / 400, dz)
        xy += rng.normal(0, 1.0, xy.shape)
        world += rng.normal(0, 0.005, world.shape)
        frames.append((xy, np.ones(33), world))
    return frames


def run(frames, stab: SideStabilizer, swap_at=()):  # noqa: ANN001, ANN201
    outs = []
    for i, (xy, vis, world) in enumerate(frames):
        if i in swap_at:
            pairs = GROUPS["legs"]
            xy, vis, world = swap_group(xy, pairs), swap_group(vis, pairs), swap_group(world, pairs)
        pf = PoseFrame(i, i / 15.0, 640, 480, xy, vis, world, 1)
        outs.append(stab(pf))
    return outs


def leg_errors(outs, frames) -> int:  # noqa: ANN001
    """Frames whose left knee is not where the true left knee is."""
    bad = 0
    for o, (xy, _, _) in zip(outs, frames, strict=True):
        if np.linalg.norm(o.xy[25] - xy[25]) > np.linalg.norm(o.xy[25] - xy[26]) + 1e-9:
            bad += 1
    return bad


def test_swap_group_roundtrip() -> None:
    a = np.arange(33 * 2, dtype=float).reshape(33, 2)
    b = swap_group(a, GROUPS["legs"])
    assert np.array_equal(b[25], a[26]) and np.array_equal(b[26], a[25])
    assert np.array_equal(b[0], a[0])
    assert np.array_equal(swap_group(b, GROUPS["legs"]), a)


def test_clean_sequence_untouched() -> None:
    frames = side_view_sequence()
    stab = SideStabilizer(active=True)
    outs = run(frames, stab)
    assert stab.swaps["legs"] == 0
    for o, (xy, _, _) in zip(outs, frames, strict=True):
        assert np.allclose(o.xy, xy)


@pytest.mark.parametrize("swap_at", [range(10, 14), range(20, 21), range(30, 45)])
def test_injected_swaps_are_undone(swap_at: range) -> None:
    frames = side_view_sequence()
    stab = SideStabilizer(active=True)
    outs = run(frames, stab, swap_at=set(swap_at))
    assert leg_errors(outs, frames) == 0
    assert stab.swaps["legs"] == len(swap_at)


def test_swapped_from_the_start_is_reanchored_by_anatomy() -> None:
    frames = side_view_sequence()
    assert side_view_near_side(frames[0][0], frames[0][2]) == "L"
    stab = SideStabilizer(active=True)
    outs = run(frames, stab, swap_at=set(range(0, 60)))
    # A few frames to notice, then every frame is the right way round.
    assert leg_errors(outs[stab.anchor_frames + 1 :], frames[stab.anchor_frames + 1 :]) == 0


def test_switch_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMCHECK_SIDES", "0")
    stab = SideStabilizer()
    frames = side_view_sequence(20)
    outs = run(frames, stab, swap_at={5})
    assert np.allclose(outs[5].xy[25], frames[5][0][26])


def test_undetected_frames_pass_through() -> None:
    stab = SideStabilizer(active=True)
    pf = PoseFrame(0, 0.0, 640, 480)
    assert stab(pf) is pf


def _sample_side_clips() -> list[Path]:
    out = []
    for js in sorted(SAMPLES.glob("*.json")):
        with open(js) as f:
            if json.load(f).get("view") == "side" and js.with_suffix(".mp4").exists():
                out.append(js)
    return out


@pytest.mark.skipif(not _sample_side_clips(), reason="no side-view sample clips")
@pytest.mark.skipif(os.environ.get("FORMCHECK_FAST") == "1", reason="FORMCHECK_FAST")
def test_sample_side_clips_have_no_swaps() -> None:
    """The committed side-view samples: no left/right swap frames after stabilisation."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.video import iter_frames

    js = _sample_side_clips()[0]
    with open(js) as f:
        car = json.load(f)
    truth = {int(k): np.asarray(v, float) for k, v in car["keypoints_px"].items()}
    stab = SideStabilizer(active=True)
    swapped = 0
    with PoseEstimator(mode="video") as pose:
        for fr in iter_frames(js.with_suffix(".mp4")):
            pf = stab(pose.detect(fr.rgb, fr.t_s, fr.index))
            if not pf.detected or fr.index >= len(truth[25]):
                continue
            ident = swap = 0.0
            for li, ri in ((25, 26), (27, 28)):
                tl, tr = truth[li][fr.index], truth[ri][fr.index]
                ident += np.linalg.norm(pf.xy[li] - tl) + np.linalg.norm(pf.xy[ri] - tr)
                swap += np.linalg.norm(pf.xy[li] - tr) + np.linalg.norm(pf.xy[ri] - tl)
            swapped += int(swap < 0.7 * ident)
    print(f"{js.stem}: {swapped} swapped frames after SideStabilizer")
    assert swapped == 0


def front_view_knee_crossing(n: int = 40) -> list:
    """Seated, facing the camera: the left leg drops across to where the right one is.

    Hips 80 px apart (front view). In frames 10-29 the left knee and foot jump onto the
    right leg's place and the right leg's landmarks are put where the left's were, as
    MediaPipe mislocates a seated internal rotation: the swapped labels then fit the
    previous frame better.
    """
    frames = []
    for i in range(n):
        xy = np.full((33, 2), 320.0)
        world = np.zeros((33, 3))
        xy[0], xy[7], xy[8] = (320, 100), (340, 100), (300, 100)
        xy[11], xy[12] = (380, 150), (260, 150)
        xy[23], xy[24] = (360, 300), (280, 300)
        left, right = ((385, 330), (385, 440)), ((255, 330), (255, 440))
        if 10 <= i < 30:
            left, right = ((265, 345), (262, 440)), ((378, 332), (380, 440))
        (xy[25], xy[27]), (xy[26], xy[28]) = left, right
        for j in (29, 31):
            xy[j] = xy[27] + (0, 10)
        for j in (30, 32):
            xy[j] = xy[28] + (0, 10)
        for j in range(33):
            world[j] = ((xy[j, 0] - 320) / 400, (xy[j, 1] - 300) / 400, 0.0)
        frames.append((xy, np.ones(33), world))
    return frames


def test_front_view_crossing_knee_is_not_swapped() -> None:
    """A knee crossing the other leg in a front view is not a label swap: hips stay put."""
    frames = front_view_knee_crossing()
    outs = run(frames, SideStabilizer(active=True))
    for o, (xy, _, _) in zip(outs, frames, strict=True):
        assert np.allclose(o.xy[23], xy[23]) and np.allclose(o.xy[25], xy[25])
    # The same sequence with the front-view rule off is swapped (what went wrong before).
    stab = SideStabilizer(active=True, front_gap=float("inf"))
    run(frames, stab)
    assert stab.swaps["legs"] > 0
