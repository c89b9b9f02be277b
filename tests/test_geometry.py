"""Geometry on hand-made landmark arrays with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.measure import geometry as g
from formcheck.measure import posture, registry
from formcheck.measure import world as w3
from formcheck.pose.landmarks import ANKLE, FOOT, HEEL, HIP, KNEE, SHOULDER, WRIST


def front_standing(valgus_deg: float = 0.0, width: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """A person facing the camera (their left on image right), legs straight.

    The knees are pushed toward the midline so each FPPA equals ``valgus_deg``.
    """
    xy = np.zeros((33, 2))
    vis = np.ones(33)
    cx = 320.0
    for side, sgn in (("L", 1.0), ("R", -1.0)):
        hx = cx + sgn * width / 2
        xy[SHOULDER[side]] = (cx + sgn * 60, 100)
        xy[HIP[side]] = (hx, 300)
        # knee displaced toward the midline by the angle at the knee: thigh/shank length 200
        half = math.radians(valgus_deg) / 2
        dx = 200 * math.sin(half)
        xy[KNEE[side]] = (hx - sgn * dx, 300 + 200 * math.cos(half))
        xy[ANKLE[side]] = (hx, 300 + 400 * math.cos(half))
        xy[HEEL[side]] = xy[ANKLE[side]] + (0, 10)
        xy[FOOT[side]] = xy[ANKLE[side]] + (sgn * 5, 20)
        xy[WRIST[side]] = (cx + sgn * 70, 300)
    return xy, vis


def test_right_angle_knee_flexion_both_sides():
    xy = np.zeros((33, 2))
    vis = np.ones(33)
    xy[HIP["L"]], xy[KNEE["L"]], xy[ANKLE["L"]] = (100, 100), (100, 200), (200, 200)
    xy[HIP["R"]], xy[KNEE["R"]], xy[ANKLE["R"]] = (300, 100), (300, 200), (300, 300)
    assert g.knee_flexion(xy, vis, "L") == pytest.approx(90.0)
    assert g.knee_flexion(xy, vis, "R") == pytest.approx(0.0, abs=1e-6)


def test_hip_flexion_right_angle():
    xy = np.zeros((33, 2))
    vis = np.ones(33)
    xy[SHOULDER["L"]], xy[HIP["L"]], xy[KNEE["L"]] = (100, 0), (100, 100), (200, 100)
    assert g.hip_flexion(xy, vis, "L") == pytest.approx(90.0)


@pytest.mark.parametrize("deg", [0.0, 8.0, 20.0])
def test_valgus_sign_and_mirror(deg):
    xy, vis = front_standing(valgus_deg=deg)
    assert g.knee_valgus(xy, vis, "L") == pytest.approx(deg, abs=1e-6)
    assert g.knee_valgus(xy, vis, "R") == pytest.approx(deg, abs=1e-6)
    # Knees bowing outward (varus) is negative on both sides.
    xy2, _ = front_standing(valgus_deg=deg)
    for side in ("L", "R"):
        mid_x = 0.5 * (xy2[HIP[side], 0] + xy2[ANKLE[side], 0])
        xy2[KNEE[side], 0] = 2 * mid_x - xy2[KNEE[side], 0]
    if deg:
        assert g.knee_valgus(xy2, vis, "L") == pytest.approx(-deg, abs=1e-6)
        assert g.knee_valgus(xy2, vis, "R") == pytest.approx(-deg, abs=1e-6)


def test_valgus_mirrored_image_keeps_sign():
    """A back view (mirror image) still reports valgus as positive."""
    xy, vis = front_standing(valgus_deg=12.0)
    mirrored = xy.copy()
    mirrored[:, 0] = 640 - mirrored[:, 0]
    assert g.knee_valgus(mirrored, vis, "L") == pytest.approx(12.0, abs=1e-6)
    assert g.knee_valgus(mirrored, vis, "R") == pytest.approx(12.0, abs=1e-6)


def test_knee_drop_toward_midline_positive_outward_negative():
    xy, vis = front_standing()
    # Left leg (image right): knee 100 px above the ankle, leaning 100 px toward the midline.
    xy[ANKLE["L"]] = (400, 400)
    xy[KNEE["L"]] = (300, 300)
    assert g.knee_drop(xy, vis, "L") == pytest.approx(45.0)
    xy[KNEE["L"]] = (500, 300)
    assert g.knee_drop(xy, vis, "L") == pytest.approx(-45.0)
    xy[KNEE["L"]] = (400, 250)
    assert g.knee_drop(xy, vis, "L") == pytest.approx(0.0, abs=1e-9)
    # Right leg (image left), knee on the floor toward the midline: 90.
    xy[ANKLE["R"]] = (200, 400)
    xy[KNEE["R"]] = (300, 400)
    assert g.knee_drop(xy, vis, "R") == pytest.approx(90.0)


def test_low_visibility_gives_nan_not_zero():
    xy, vis = front_standing()
    vis[KNEE["L"]] = 0.2
    assert math.isnan(g.knee_flexion(xy, vis, "L"))
    assert math.isnan(g.knee_valgus(xy, vis, "L"))
    assert not math.isnan(g.knee_flexion(xy, vis, "R"))
    m = registry.compute_metrics(xy[None], vis[None])
    assert math.isnan(m["knee_drop_L"][0])
    assert math.isnan(m["trunk_twist"][0])  # no world landmarks given


def test_knee_ankle_ratio():
    xy, vis = front_standing(valgus_deg=0.0)
    assert g.knee_ankle_ratio(xy, vis) == pytest.approx(1.0)
    xy[KNEE["L"], 0] -= 20
    xy[KNEE["R"], 0] += 20
    assert g.knee_ankle_ratio(xy, vis) == pytest.approx(60 / 100)


def test_trunk_inclination():
    xy, vis = front_standing()
    assert g.trunk_inclination(xy, vis) == pytest.approx(0.0, abs=1e-9)
    # Side view hinge: shoulders 100 px forward and 100 px up from the hips: 45 degrees.
    xy2 = np.zeros((33, 2))
    for s in ("L", "R"):
        xy2[HIP[s]] = (300, 300)
        xy2[SHOULDER[s]] = (400, 200)
    assert g.trunk_inclination(xy2, vis) == pytest.approx(45.0)


def _world_facing(twist_deg: float, pelvis_deg: float = 0.0) -> np.ndarray:
    """World landmarks (x right, y down, z away) for shoulders/hips turned about y."""
    w = np.zeros((33, 3))

    def place(idx_l, idx_r, half_width, yaw, y):
        a = math.radians(yaw)
        # right->left vector has yaw ``yaw``: (cos, sin) in (x, z)
        d = np.array([math.cos(a), 0.0, math.sin(a)]) * half_width
        w[idx_l] = np.array([0, y, 0]) + d
        w[idx_r] = np.array([0, y, 0]) - d

    place(HIP["L"], HIP["R"], 0.15, pelvis_deg, 0.0)
    place(SHOULDER["L"], SHOULDER["R"], 0.2, pelvis_deg + twist_deg, -0.5)
    return w


@pytest.mark.parametrize("twist", [-40.0, 0.0, 25.0])
def test_trunk_twist_and_pelvis_yaw(twist):
    world = _world_facing(twist, pelvis_deg=10.0)
    vis = np.ones(33)
    assert w3.trunk_twist(world, vis) == pytest.approx(twist, abs=1e-6)
    assert w3.pelvis_yaw(world, vis) == pytest.approx(10.0, abs=1e-6)


def test_trunk_twist_positive_is_turning_left():
    # Turning to the person's left: the left shoulder moves away from the camera (+z).
    world = _world_facing(0.0)
    world[SHOULDER["L"], 2] += 0.1
    world[SHOULDER["R"], 2] -= 0.1
    assert w3.trunk_twist(world, np.ones(33)) > 0


def test_foot_turnout():
    world = _world_facing(0.0)
    vis = np.ones(33)
    # Left foot pointing at the camera (forward = -z): 0; pointing to the person's left: +90.
    world[HEEL["L"]] = (0.1, 0.9, 0.0)
    world[FOOT["L"]] = (0.1, 0.9, -0.2)
    assert w3.foot_turnout(world, vis, "L") == pytest.approx(0.0, abs=1e-6)
    world[FOOT["L"]] = (0.3, 0.9, 0.0)
    assert w3.foot_turnout(world, vis, "L") == pytest.approx(90.0)
    # Right foot turned out points to the person's right (image left, -x).
    world[HEEL["R"]] = (-0.1, 0.9, 0.0)
    world[FOOT["R"]] = (-0.3, 0.9, -0.0)
    assert w3.foot_turnout(world, vis, "R") == pytest.approx(90.0)


def test_vectorised_over_frames_and_view():
    xy, vis = front_standing(valgus_deg=10.0)
    xs = np.stack([xy, xy, xy])
    vs = np.stack([vis, vis, vis])
    vs[1, KNEE["R"]] = 0.0
    out = registry.compute_metrics(xs, vs)
    assert set(out) == set(registry.METRIC_NAMES)
    assert out["knee_valgus_R"].shape == (3,)
    assert math.isnan(out["knee_valgus_R"][1]) and out["knee_valgus_R"][0] == pytest.approx(10)
    assert list(posture.estimate_view(xs, np.ones((3, 33)))) == ["front"] * 3
    assert list(posture.estimate_position(xs, np.ones((3, 33)))) == ["standing"] * 3


def test_side_view_and_positions():
    # Side view: shoulders and hips overlap in x.
    xy = np.zeros((33, 2))
    vis = np.ones(33)
    for s, dx in (("L", 3), ("R", -3)):
        xy[SHOULDER[s]] = (300 + dx, 100)
        xy[HIP[s]] = (300 + dx, 300)
        xy[KNEE[s]] = (300 + dx, 500)
        xy[ANKLE[s]] = (300 + dx, 700)
        xy[WRIST[s]] = (300, 300)
    assert posture.estimate_view(xy, vis) == "side"
    assert posture.estimate_position(xy, vis) == "standing"
    # Quadruped seen from the side: trunk horizontal, knees and wrists below.
    q = np.zeros((33, 2))
    for s, dx in (("L", 2), ("R", -2)):
        q[HIP[s]] = (200, 300 + dx)
        q[SHOULDER[s]] = (400, 300 + dx)
        q[KNEE[s]] = (200, 480)
        q[ANKLE[s]] = (60, 480)
        q[WRIST[s]] = (400, 480)
    assert posture.estimate_position(q, vis) == "quadruped"
    # Lying on the back, knees up.
    sup = q.copy()
    for s in ("L", "R"):
        sup[KNEE[s]] = (100, 200)
        sup[ANKLE[s]] = (20, 300)
        sup[WRIST[s]] = (300, 300)
    assert posture.estimate_position(sup, vis) == "lying"
