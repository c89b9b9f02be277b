"""Motion scripts of the floor movements: seated (internal rotation, ball massage), supine
(knee to knee, band stretch) and on all fours (band circles). Axes: see
:mod:`tools.synth.script`.
"""

from __future__ import annotations

import numpy as np

from .body import Body
from .rot import deg, rx, ry, rz
from .script import (
    ARM_BONES,
    OTHER,
    SIDE_NAME,
    Motion,
    Phase,
    Spec,
    arms_behind,
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


def _seated_base(t: np.ndarray, body: Body, recline: float, reach: float
                 ) -> dict[str, np.ndarray]:  # fmt: skip
    """Seated on the floor, knees up, feet flat ``reach`` leg-lengths in front of the hips."""
    th, sh = leg_lengths(body)
    thigh, knee = leg_ik(const(t, reach * (th + sh)), const(t, -0.01), th, sh)
    ang: dict[str, np.ndarray] = {}
    for s in "LR":
        ang[f"hip_flex_{s}"] = thigh + recline
        ang[f"knee_flex_{s}"] = knee
        ang[f"hip_abd_{s}"] = const(t, 8.0)
        ang[f"foot_flat_{s}"] = const(t, 10.0)
    arms_behind(ang, t)
    ang["spine_flex"] = const(t, 6.0)
    ang["neck_flex"] = const(t, 8.0)
    return ang


def seated_internal_rotation(spec: Spec, body: Body) -> Motion:
    """Seated on the floor, front view: the working knee drops toward the midline and the
    floor (whole-leg rotation about the hip-ankle line, foot planted), 3 s hold, back up.
    Fault ``trunk_rotation``: pelvis and trunk turn with the knee."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    phases = schedule(spec.reps, 0.8, 1.1 * k, 3.2, 1.0 * k, 0.7 * k, rng, jitter=0.03)
    t = timeline(phases[-1].end + 0.5, spec.fps)
    amps = [0.93 + 0.07 * rng.random() for _ in phases]
    p = env_sum(t, phases, amps)
    s = spec.side
    recline = 12.0
    ang = _seated_base(t, body, recline, 0.70)
    ang[f"wiper_{s}"] = 60.0 * p
    sg = 1.0 if s == "L" else -1.0
    # The knee moves toward the other side: a compensating body turns that way too.
    toward = -sg
    if "trunk_rotation" in spec.faults:
        pelvis = toward * 16.0 * p
        twist = toward * 12.0 * p
    else:
        pelvis = 0.0 * p
        twist = 0.0 * p
    ang["spine_twist"] = twist
    m = Motion(
        t,
        ang,
        yaw_root(pelvis, -recline),
        "seated",
        "front",
        anchor="hips",
        ground_excludes=ARM_BONES,
    )
    m.legs_root = yaw_root(0 * t, const(t, -recline))
    m.reps = [rep_record(s, ph) for ph in phases]
    m.holds = [hold_record(s, ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {"hold_target_s": 3}
    m.truth = {"trunk_twist_true_deg": twist, "pelvis_rotation_true_deg": pelvis}
    return m


def ball_massage(spec: Spec, body: Body) -> Motion:
    """Seated on the floor, front view: one knee dropped to the side (outward), the pelvis
    circling over the ball; then the other side. Timed per side (shortened)."""
    rng = np.random.default_rng(spec.seed)
    per_side = 6.5 * spec.tempo
    order = ("R", "L") if spec.side in ("both", "R") else ("L", "R")
    lead, switch = 0.8, 1.2
    phases = [Phase(lead, 1.0, per_side, 1.0)]
    phases.append(Phase(phases[0].end + switch, 1.0, per_side, 1.0))
    t = timeline(phases[-1].end + 0.6, spec.fps)
    recline = 18.0
    ang = _seated_base(t, body, recline, 0.60)
    pelvis_yaw = np.zeros_like(t)
    roll = np.zeros_like(t)
    for ph, s in zip(phases, order, strict=True):
        e = ph.envelope(t)
        ang[f"wiper_{s}"] = ang.get(f"wiper_{s}", 0 * t) - 62.0 * e  # outward
        # Circling: the pelvis rolls toward the ball side and yaws, 0.5 Hz.
        w = 2 * np.pi * 0.5 * (t - ph.at_target)
        inside = (t >= ph.at_target) & (t <= ph.leave_target)
        circ = np.where(inside, smooth((t - ph.at_target) / 0.5), 0.0) * e
        pelvis_yaw += circ * 6.0 * np.sin(w + rng.uniform(0, 0.3))
        roll += circ * 5.0 * np.cos(w)
    ang["spine_lat"] = -0.8 * roll
    root = rz(deg(pelvis_yaw)) @ ry(deg(roll)) @ rx(deg(-recline))
    m = Motion(t, ang, root, "seated", "front", anchor="hips", ground_excludes=ARM_BONES)
    m.legs_root = yaw_root(0 * t, const(t, -recline))
    m.holds = [hold_record(s, ph) for ph, s in zip(phases, order, strict=True)]
    m.timed = {f"{SIDE_NAME[s]}_s": round(ph.hold, 3) for ph, s in zip(phases, order, strict=True)}
    m.settings = {"hold_target_s": round(per_side - 1.0, 1)}
    m.truth = {"pelvis_rotation_true_deg": pelvis_yaw}
    return m


def knee_to_knee(spec: Spec, body: Body) -> Motion:
    """Supine, knees bent ~90, feet flat and wider than the hips; both knees drop in
    toward each other and hold. Camera at the feet, raised."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    phases = schedule(spec.reps, 1.0, 1.5 * k, 5.0, 1.5 * k, 1.2 * k, rng, jitter=0.03)
    t = timeline(phases[-1].end + 1.0, spec.fps)
    p = env_sum(t, phases)
    th, sh = leg_lengths(body)
    # Lying on the back: body "forward" is world up. Feet ~0.55 leg-length toward the feet.
    # In the body frame (before the lying root) the feet are "below" the hips and the
    # knees point "forward" (world up), so the standing-frame IK applies directly.
    thigh, knee = leg_ik(const(t, -0.02), const(t, -0.68 * (th + sh)), th, sh)
    ang: dict[str, np.ndarray] = {}
    for s in "LR":
        ang[f"hip_flex_{s}"] = thigh
        ang[f"knee_flex_{s}"] = knee
        ang[f"hip_abd_{s}"] = const(t, 14.0)
        ang[f"wiper_{s}"] = 34.0 * p
        ang[f"foot_flat_{s}"] = const(t, 5.0)
        ang[f"sh_abd_{s}"] = const(t, 14.0)
        ang[f"elbow_{s}"] = const(t, -22.0)
    m = Motion(t, ang, yaw_root(0 * t, -90.0 + 0 * t), "supine", "front", anchor="hips")
    m.reps = [rep_record("both", ph) for ph in phases]
    m.holds = [hold_record("both", ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {"hold_target_s": 4}
    return m


def band_stretch(spec: Spec, body: Body) -> Motion:
    """Supine, side view: one knee pulled toward the chest and slightly across, the other
    leg straight on the floor; hold, then release. ``side`` is the pulled leg."""
    rng = np.random.default_rng(spec.seed)
    k = spec.tempo
    phases = schedule(spec.reps, 1.0, 1.6 * k, 6.0, 1.6 * k, 1.0 * k, rng, jitter=0.03)
    t = timeline(phases[-1].end + 1.0, spec.fps)
    p = env_sum(t, phases)
    s = spec.side
    ang: dict[str, np.ndarray] = {}
    ang[f"hip_flex_{s}"] = 115.0 * p
    ang[f"knee_flex_{s}"] = 10.0 + 95.0 * p
    ang[f"hip_abd_{s}"] = -14.0 * p  # across the body (adduction)
    ang[f"ankle_{s}"] = const(t, 20.0)
    ang[f"ankle_{OTHER[s]}"] = const(t, 25.0)
    ang[f"knee_flex_{OTHER[s]}"] = const(t, 4.0)
    for q in "LR":
        ang[f"sh_abd_{q}"] = const(t, 12.0)
    # Both hands reach to the pulled knee.
    for q in "LR":
        ang[f"sh_flex_{q}"] = 70.0 * p
        ang[f"elbow_{q}"] = 10.0 + 40.0 * p
    m = Motion(t, ang, yaw_root(0 * t, -90.0 + 0 * t), "supine", "side", anchor="hips")
    m.reps = [rep_record(s, ph) for ph in phases]
    m.holds = [hold_record(s, ph) for ph in phases]
    m.peaks = [int(round(0.5 * (ph.at_target + ph.leave_target) * spec.fps)) for ph in phases]
    m.settings = {"hold_target_s": 5}
    return m


def quadruped_band_circles(spec: Spec, body: Body) -> Motion:
    """All fours, side view: one knee lifted and circled (hip flexion and abduction
    sinusoids, 90 deg out of phase), ``spec.reps`` circles per side, left then right."""
    k = spec.tempo
    period = 2.0 * k
    n = spec.reps
    order = ("L", "R") if spec.side in ("both", "L") else ("R", "L")
    lead, lift, switch = 1.0, 0.8, 1.2
    t_end = lead + 2 * (lift + n * period + lift) + switch + 0.8
    t = timeline(t_end, spec.fps)
    ang: dict[str, np.ndarray] = {}
    for q in "LR":
        ang[f"hip_flex_{q}"] = const(t, 90.0)
        ang[f"knee_flex_{q}"] = const(t, 90.0)
        ang[f"ankle_{q}"] = const(t, 30.0)
        ang[f"hip_abd_{q}"] = const(t, 4.0)
        ang[f"sh_flex_{q}"] = const(t, 90.0)
        ang[f"sh_abd_{q}"] = const(t, 6.0)
        ang[f"elbow_{q}"] = const(t, 0.0)
    ang["neck_flex"] = const(t, -20.0)
    circles: dict[str, int] = {}
    windows: list[dict] = []
    start = lead
    for s in order:
        ph = Phase(start, lift, n * period, lift)
        e = ph.envelope(t)
        w = 2 * np.pi * (t - ph.at_target) / period
        inside = ((t >= ph.at_target) & (t <= ph.leave_target)).astype(float)
        # Knee lifted (abduction), then circled: flexion +-16 (knee forward/back) and
        # abduction 26 +- 12 (knee up/down), a quarter period apart.
        ang[f"hip_abd_{s}"] = ang[f"hip_abd_{s}"] + e * 26.0 + inside * 12.0 * np.cos(w)
        ang[f"hip_flex_{s}"] = ang[f"hip_flex_{s}"] + inside * 16.0 * np.sin(w)
        circles[SIDE_NAME[s]] = n
        windows.append(
            {
                "side": SIDE_NAME[s],
                "start_s": round(ph.at_target, 3),
                "end_s": round(ph.leave_target, 3),
                "period_s": round(period, 3),
            }
        )
        start = ph.end + switch
    m = Motion(t, ang, yaw_root(0 * t, 90.0 + 0 * t), "quadruped", "side", anchor="hips")
    m.circles = circles
    m.windows = windows
    m.settings = {"circles_target": n}
    return m
