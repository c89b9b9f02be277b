"""Motion scripts of the standing movements: squats (front view), the standing spine twist
(front view) and the hip hinge with rotation (side view). Axes: see :mod:`tools.synth.script`.
"""

from __future__ import annotations

import numpy as np

from .body import Body
from .script import (
    OTHER,
    Motion,
    Spec,
    arms_down,
    const,
    env_sum,
    hold_record,
    leg_ik,
    leg_lengths,
    rep_record,
    schedule,
    smooth,
    timeline,
    yaw_root,
)


def squat_valgus(spec: Spec, body: Body) -> Motion:
    """Bodyweight squats, front view, both legs. Fault ``knee_valgus``: knees cave in
    (whole-leg rotation about the hip-ankle line) at the bottom."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    phases = schedule(spec.reps, 1.0, 1.3 * k, 0.4 * k, 1.3 * k, 0.9 * k, rng)
    t = timeline(phases[-1].end + 1.0, spec.fps)
    depth = [0.92 + 0.08 * rng.random() for _ in phases]
    p = env_sum(t, phases, depth)
    th, sh = leg_lengths(body)
    legs = th + sh
    drop = 0.33 * legs * p
    back = 0.17 * legs * p
    stand = 0.997 * legs
    thigh, knee = leg_ik(back, -(stand - drop), th, sh)
    lean = 30.0 * p
    ang: dict[str, np.ndarray] = {}
    for s in "LR":
        ang[f"hip_flex_{s}"] = thigh + lean
        ang[f"knee_flex_{s}"] = knee
        ang[f"hip_abd_{s}"] = const(t, 0.0)
        ang[f"foot_flat_{s}"] = const(t, 8.0)
        ang[f"sh_flex_{s}"] = 10.0 + 75.0 * p
        ang[f"sh_abd_{s}"] = const(t, 8.0)
        ang[f"elbow_{s}"] = const(t, 5.0)
        if "knee_valgus" in spec.faults:
            ang[f"wiper_{s}"] = 17.5 * p**1.5
        else:
            ang[f"wiper_{s}"] = -4.0 * p  # knees track out over the toes
    ang["neck_flex"] = -0.6 * lean
    m = Motion(t, ang, yaw_root(0 * t, lean), "standing", "front", anchor="ankles")
    m.reps = [rep_record("both", ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {}
    return m


def standing_spine_twist(spec: Spec, body: Body) -> Motion:
    """Standing, front view: the working side's foot turned out ~90 deg (hip external
    rotation + foot), the trunk twists to the opposite side and holds. Fault
    ``pelvis_rotation``: the pelvis turns with the trunk."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    hold = 4.0
    phases = schedule(spec.reps, 1.2, 1.3 * k, hold, 1.3 * k, 1.0 * k, rng, jitter=0.03)
    t = timeline(phases[-1].end + 1.0, spec.fps)
    p = env_sum(t, phases)
    s = spec.side
    sg = 1.0 if s == "L" else -1.0  # twist toward the person's left is +
    direction = -sg  # twist away from the turned-out foot
    ang: dict[str, np.ndarray] = {}
    arms_down(ang, t, 10.0)
    for q in "LR":
        ang[f"hip_abd_{q}"] = const(t, 6.0)
        ang[f"foot_flat_{q}"] = const(t, 8.0)
        ang[f"knee_flex_{q}"] = const(t, 3.0)
    ang[f"hip_rot_{s}"] = const(t, -50.0)  # external rotation of the working hip
    ang[f"foot_flat_{s}"] = const(t, 88.0)
    if "pelvis_rotation" in spec.faults:
        pelvis = direction * 24.0 * p
        twist = direction * 22.0 * p
    else:
        pelvis = 0.0 * p
        twist = direction * 42.0 * p
    ang["spine_twist"] = twist
    ang["neck_flex"] = const(t, 0.0)
    m = Motion(t, ang, yaw_root(pelvis), "standing", "front", anchor="ankles")
    m.legs_root = yaw_root(0 * t)  # the feet stay planted while the pelvis turns
    m.reps = [rep_record(s, ph) for ph in phases]
    m.holds = [hold_record(s, ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {"hold_target_s": 3.5}
    m.truth = {"trunk_twist_true_deg": twist, "pelvis_rotation_true_deg": pelvis}
    return m


def hip_hinge_rotation(spec: Spec, body: Body) -> Motion:
    """Split stance, side view. ``side`` is the FRONT (stance) leg; the other foot is
    back. The body hinges at the hips (knees soft) and twists toward the front-leg side at
    the bottom. Fault ``squat_not_hinge``: the knees bend a lot and the trunk stays
    nearly upright."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    phases = schedule(spec.reps, 1.0, 1.5 * k, 1.4 * k, 1.5 * k, 0.8 * k, rng)
    t = timeline(phases[-1].end + 1.0, spec.fps)
    p = env_sum(t, phases)
    s, o = spec.side, OTHER[spec.side]
    sg = 1.0 if s == "L" else -1.0
    th, sh = leg_lengths(body)
    legs = th + sh
    half = 0.17 * legs  # front ankle ahead of / back ankle behind the pelvis at rest
    squat = "squat_not_hinge" in spec.faults
    if squat:
        hinge = 14.0 * p
        drop = 0.30 * legs * p
        shift = 0.0 * p
        twist = sg * 6.0 * p
    else:
        hinge = 62.0 * p
        drop = 0.025 * legs * p
        shift = 0.10 * legs * p  # hips travel back as the trunk hinges
        twist = sg * 22.0 * smooth(1.6 * p - 0.5)
    stand = 0.994 * np.sqrt(legs**2 - half**2) * np.ones_like(t)
    ang: dict[str, np.ndarray] = {}
    for leg, fwd in ((s, half), (o, -half)):
        a_th, a_kn = leg_ik(fwd + shift, -(stand - drop), th, sh)
        ang[f"hip_flex_{leg}"] = a_th + hinge
        ang[f"knee_flex_{leg}"] = a_kn
        ang[f"hip_abd_{leg}"] = const(t, 3.0)
        ang[f"foot_flat_{leg}"] = const(t, 6.0 if leg == s else 20.0)
    arms_down(ang, t, 10.0)
    for q in "LR":
        ang[f"sh_flex_{q}"] = 0.7 * hinge
    ang["spine_twist"] = twist
    ang["neck_flex"] = -0.35 * hinge
    m = Motion(t, ang, yaw_root(0 * t, hinge), "standing", "side", anchor="ankles")
    m.reps = [rep_record(s, ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {}
    m.truth = {"trunk_twist_true_deg": twist, "hinge_true_deg": hinge}
    return m
