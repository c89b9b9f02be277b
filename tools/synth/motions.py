"""Per-exercise motion scripts: per-frame anatomical angles plus the scripted truth.

Every script returns a :class:`Motion`: the frame times, the angle tracks understood by
:meth:`synth.body.Body.deltas` (degrees), the root (pelvis) orientation per frame, how
the body is placed on the floor, and the true reps / holds / circles defined by the
script itself (a rep starts when the body leaves the rest position and ends when it is
back at rest; a hold is the time spent at the target position).

World axes: metres, Z up, the body faces -Y at rest, +X is the person's left. Positive
yaw (rotation about +Z) turns the body toward its own left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .body import Body
from .rot import deg, rx, ry, rz

OTHER = {"L": "R", "R": "L"}
ARM_BONES = ("upperarm", "lowerarm", "wrist", "finger", "metacarpal")
SIDE_NAME = {"L": "left", "R": "right"}


@dataclass
class Spec:
    """What to render. ``side`` is the working leg ("L"/"R", anatomical) or "both"."""

    exercise: str
    variant: str = "good"
    side: str = "both"
    reps: int = 3
    tempo: float = 1.0  # >1 = slower (all phase durations multiplied)
    faults: tuple[str, ...] = ()
    seed: int = 0
    phenotype: str = "female_avg"
    clothing: str = "blue_grey"
    fps: int = 15
    #: Optional camera override: (position xyz, look-at xyz, vertical fov deg), metres in
    #: the world frame with the body's anchor at (0, 0, floor); None = the exercise's view.
    camera: tuple[tuple[float, float, float], tuple[float, float, float], float] | None = None


@dataclass
class Motion:
    """Scripted motion of one clip (see the module docstring for axes and units)."""

    t: np.ndarray  # (N,) seconds
    ang: dict[str, np.ndarray]  # angle tracks, degrees, (N,)
    root: np.ndarray  # (N, 3, 3) pelvis orientation in the world
    position: str  # standing | seated | supine | quadruped
    view: str  # front | side
    anchor: str = "ankles"  # keypoints kept fixed horizontally: "ankles" | "hips"
    ground_excludes: tuple[str, ...] = ()  # bone-name prefixes ignored for floor contact
    reps: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)
    circles: dict[str, int] = field(default_factory=dict)
    timed: dict[str, float] | None = None
    settings: dict = field(default_factory=dict)
    truth: dict[str, np.ndarray] = field(default_factory=dict)  # extra per-frame truths
    peaks: list[int] = field(default_factory=list)  # frame index of each rep's peak
    legs_root: np.ndarray | None = None  # (N, 3, 3) pelvis frame the legs hang from
    windows: list[dict] = field(default_factory=list)  # circling windows per side


# ----------------------------------------------------------------------------- helpers


def smooth(x: np.ndarray) -> np.ndarray:
    """Smooth 0..1 ramp (cosine ease) of x clipped to [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


@dataclass(frozen=True)
class Phase:
    """One rep/hold cycle: leave rest at ``start`` s, ramp ``up`` s, stay ``hold`` s at
    the target, ramp ``down`` s back to rest."""

    start: float
    up: float
    hold: float
    down: float

    @property
    def at_target(self) -> float:
        return self.start + self.up

    @property
    def leave_target(self) -> float:
        return self.start + self.up + self.hold

    @property
    def end(self) -> float:
        return self.start + self.up + self.hold + self.down

    def envelope(self, t: np.ndarray) -> np.ndarray:
        """0 at rest, 1 at the target, smooth ramps in between."""
        rise = smooth((t - self.start) / self.up)
        fall = smooth((t - self.leave_target) / self.down)
        return rise * (1.0 - fall)


def schedule(n: int, lead: float, up: float, hold: float, down: float, rest: float,
             rng: np.random.Generator, jitter: float = 0.06) -> list[Phase]:  # fmt: skip
    """``n`` cycles after ``lead`` s of rest, with ``rest`` s between cycles; durations
    jittered by +-``jitter`` (fraction) from ``rng`` so reps are not identical."""
    out, t = [], lead
    for _ in range(n):
        j = 1.0 + rng.uniform(-jitter, jitter, 4)
        ph = Phase(t, up * j[0], hold * j[1], down * j[2])
        out.append(ph)
        t = ph.end + rest * j[3]
    return out


def timeline(duration: float, fps: int) -> np.ndarray:
    """Frame times 0, 1/fps, ... covering ``duration`` seconds."""
    return np.arange(int(round(duration * fps))) / fps


def env_sum(t: np.ndarray, phases: list[Phase], amps: list[float] | None = None) -> np.ndarray:
    """Sum of the phases' envelopes, each scaled by its amplitude (default 1)."""
    amps = amps or [1.0] * len(phases)
    return sum((a * ph.envelope(t) for ph, a in zip(phases, amps, strict=True)), np.zeros_like(t))


def leg_ik(fwd: np.ndarray, up: np.ndarray, thigh: float, shank: float
           ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Sagittal two-link leg IK.

    Given the ankle relative to the hip (``fwd`` metres toward the body's front, ``up``
    metres upward; both in the world), returns (thigh angle from straight down, + forward;
    knee flexion), degrees, with the knee in front of / above the hip-ankle line.
    """
    d = np.clip(np.hypot(fwd, up), 1e-6, 0.999 * (thigh + shank))
    line = np.degrees(np.arctan2(fwd, -up))
    hip_in = np.degrees(np.arccos(np.clip((thigh**2 + d**2 - shank**2) / (2 * thigh * d), -1, 1)))
    cos_knee = (thigh**2 + shank**2 - d**2) / (2 * thigh * shank)
    knee_in = np.degrees(np.arccos(np.clip(cos_knee, -1, 1)))
    return line + hip_in, 180.0 - knee_in


def leg_lengths(body: Body) -> tuple[float, float]:
    """Mean rest thigh and shank lengths, metres."""
    t = float(np.mean([np.linalg.norm(body.thigh[s]) for s in "LR"]))
    s = float(np.mean([np.linalg.norm(body.shank[s]) for s in "LR"]))
    return t, s


def const(t: np.ndarray, v: float) -> np.ndarray:
    return np.full_like(t, float(v))


def yaw_root(yaw_deg: np.ndarray, pitch_deg: np.ndarray | None = None) -> np.ndarray:
    """Root orientation: yaw about +Z (+ = toward the person's left) after a pitch about
    +X (+ = pelvis and trunk tipping forward)."""
    pitch = np.zeros_like(yaw_deg) if pitch_deg is None else pitch_deg
    return rz(deg(yaw_deg)) @ rx(deg(pitch))


def rep_record(side: str, ph: Phase, peak_vals: dict[str, float] | None = None) -> dict:
    """A sidecar rep entry (times in seconds); the peak values are filled in later."""
    return {
        "side": SIDE_NAME.get(side, side),
        "start_s": round(ph.start, 3),
        "end_s": round(ph.end, 3),
        "peak_s": round(0.5 * (ph.at_target + ph.leave_target), 3),
        "peak": peak_vals or {},
    }


def hold_record(side: str, ph: Phase) -> dict:
    """A sidecar hold entry: the time spent at the target."""
    return {
        "side": SIDE_NAME.get(side, side),
        "start_s": round(ph.at_target, 3),
        "end_s": round(ph.leave_target, 3),
        "duration_s": round(ph.hold, 3),
    }


def arms_down(ang: dict[str, np.ndarray], t: np.ndarray, abd: float = 8.0) -> None:
    """Arms hanging by the sides, elbows slightly bent."""
    for s in "LR":
        ang[f"sh_abd_{s}"] = const(t, abd)
        ang[f"elbow_{s}"] = const(t, -22.0)  # the rest pose has the elbows bent ~35


def arms_behind(ang: dict[str, np.ndarray], t: np.ndarray) -> None:
    """Seated on the floor: both hands on the floor behind, arms straight."""
    for s in "LR":
        ang[f"sh_flex_{s}"] = const(t, -38.0)
        ang[f"sh_abd_{s}"] = const(t, 20.0)
        ang[f"elbow_{s}"] = const(t, 12.0)


# ------------------------------------------------------------------- standing movements


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


# ---------------------------------------------------------------------- floor movements


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
    m = Motion(t, ang, yaw_root(pelvis, -recline), "seated", "front", anchor="hips",
               ground_excludes=ARM_BONES)
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
        windows.append({"side": SIDE_NAME[s], "start_s": round(ph.at_target, 3),
                        "end_s": round(ph.leave_target, 3), "period_s": round(period, 3)})
        start = ph.end + switch
    m = Motion(t, ang, yaw_root(0 * t, 90.0 + 0 * t), "quadruped", "side", anchor="hips")
    m.circles = circles
    m.windows = windows
    m.settings = {"circles_target": n}
    return m


EXERCISES: dict[str, Callable[[Spec, Body], Motion]] = {
    "squat_valgus": squat_valgus,
    "standing_spine_twist": standing_spine_twist,
    "hip_hinge_rotation": hip_hinge_rotation,
    "seated_internal_rotation": seated_internal_rotation,
    "ball_massage": ball_massage,
    "knee_to_knee": knee_to_knee,
    "band_stretch": band_stretch,
    "quadruped_band_circles": quadruped_band_circles,
}
