"""What a motion script returns (:class:`Motion`) for a :class:`Spec`, and the helpers the
scripts share: rep / hold scheduling, smooth envelopes, leg IK, records.

Every script returns a :class:`Motion`: the frame times, the angle tracks understood by
:meth:`synth.body.Body.deltas` (degrees), the root (pelvis) orientation per frame, how
the body is placed on the floor, and the true reps / holds / circles defined by the
script itself (a rep starts when the body leaves the rest position and ends when it is
back at rest; a hold is the time spent at the target position).

World axes: metres, Z up, the body faces -Y at rest, +X is the person's left. Positive
yaw (rotation about +Z) turns the body toward its own left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .body import Body
from .rot import deg, rx, rz

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
