"""What is written on the video: the angle labels at the joints and the heads-up display.

One processed frame (:class:`formcheck.session.ProcessedFrame`: its metrics and the
tracker's state) in, words and numbers out; :mod:`formcheck.outputs.overlay` draws them.
Angles are printed in whole degrees, the knee/ankle ratio with two decimals.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from formcheck.measure.confidence import NOT_MEASURABLE, is_reliable
from formcheck.measure.geometry import METRICS
from formcheck.outputs.overlay import BAD, GOOD, WARN, Hud
from formcheck.pose.landmarks import FOOT, HIP, KNEE, SHOULDER

if TYPE_CHECKING:  # (the session module uses this one: a type only, no import cycle)
    from formcheck.session import ProcessedFrame


def landmark_for(metric: str) -> int | None:
    """Landmark near which a metric's value is drawn."""
    side = metric[-1] if metric[-2:] in ("_L", "_R") else None
    if metric.startswith(("knee_flexion", "knee_valgus", "knee_drop", "knee_rel")) and side:
        return KNEE[side]
    if metric.startswith("hip_flexion") and side:
        return HIP[side]
    if metric.startswith("foot_turnout") and side:
        return FOOT[side]
    if metric in ("trunk_inclination", "trunk_twist"):
        return SHOULDER["L"]
    if metric in ("pelvis_yaw", "knee_ankle_ratio"):
        return HIP["R"]
    return None


SHORT_NAMES = {
    "knee_flexion": "knee",
    "hip_flexion": "hip",
    "knee_valgus": "valgus",
    "knee_drop": "drop",
    "foot_turnout": "foot",
    "trunk_inclination": "hinge",
    "trunk_twist": "twist",
    "pelvis_yaw": "pelvis",
    "knee_ankle_ratio": "K/A",
}


def label_text(metric: str, value: float) -> str:
    """Short on-video text for a metric value, e.g. ``"knee 92°"``."""
    base = metric[:-2] if metric[-2:] in ("_L", "_R") else metric
    name = SHORT_NAMES.get(base, base)
    if base == "knee_ankle_ratio":
        return f"{name} {value:.2f}"
    return f"{name} {value:.0f}°"


#: Catalogue metrics drawn at the joints for derived primary metrics (name prefix -> metric).
BASE_FOR_DERIVED: tuple[tuple[str, str], ...] = (
    ("knee_drop", "knee_drop"),
    ("knee_lift", "knee_flexion"),
    ("squat_depth", "knee_flexion"),
    ("hinge", "trunk_inclination"),
    ("twist", "trunk_twist"),
)

#: Short HUD names for primary metrics (name prefix -> word).
PRIMARY_WORDS: tuple[tuple[str, str], ...] = (
    ("knee_drop", "knee drop"),
    ("hip_flexion", "hip flexion"),
    ("knee_lift", "knee lift"),
    ("hinge", "hinge"),
    ("twist", "twist"),
    ("turn", "twist"),
    ("squat_depth", "depth"),
)


def display_metrics(exercise) -> list[str]:
    """Metric names (sided) drawn on the video for an exercise definition (or None)."""
    if exercise is None:
        return ["knee_flexion_L", "knee_flexion_R", "hip_flexion_L", "hip_flexion_R"]
    names: list[str] = []
    primary = getattr(exercise, "primary_metric", "") or ""
    base = [m for prefix, m in BASE_FOR_DERIVED if primary.startswith(prefix)]
    for name in [primary, *base, *exercise_rule_metrics(exercise)]:
        if not name:
            continue
        for n in _expand_sides(name):
            if n not in names:
                names.append(n)
    return names[:6]


def exercise_rule_metrics(exercise) -> list[str]:
    """Metric names used by an exercise's form rules (templated names as written)."""
    return [rule.metric for rule in exercise.rules]


def _expand_sides(name: str) -> list[str]:
    """Concrete metric names for a (possibly templated, ``{side}``/``{other}``) name."""
    if "{side}" in name or "{other}" in name:
        pairs = (("L", "R"), ("R", "L"))
        cands = [name.replace("{side}", s).replace("{other}", o) for s, o in pairs]
    elif name.endswith(("_L", "_R")) or name in METRICS:
        cands = [name]
    else:
        cands = [f"{name}_L", f"{name}_R"]
    return [n for n in cands if n in METRICS]


def hud_for(pf: ProcessedFrame, exercise) -> Hud:
    """Heads-up display for one processed frame."""
    lines = [f"t {pf.metrics.t_s:6.1f} s"]
    st = pf.state
    if st is None:
        if not pf.metrics.detected:
            return Hud(lines=lines, cue="No person found", cue_colour=BAD)
        return Hud(lines=lines)
    title = getattr(exercise, "title", None) or getattr(st, "exercise_id", "")
    lines[0] += f"  {title}"
    counts = getattr(st, "counts", {}) or {}
    mode = getattr(st, "mode", "")
    if counts:
        unit = {"reps": "reps", "circles": "circles", "hold": "holds"}.get(mode, "")
        lines.append("  ".join(f"{k}: {v:g} {unit}".strip() for k, v in counts.items()))
    pv = getattr(st, "primary_value", math.nan)
    pm = getattr(st, "primary_metric", "") or ""
    word = next((w for p, w in PRIMARY_WORDS if pm.startswith(p)), "value")
    flags = getattr(pf.metrics, "reliable", None)
    if pf.metrics.detected and flags and is_reliable(flags, pm) is False:
        lines.append(f"{word}: {NOT_MEASURABLE}")
    elif pv is not None and math.isfinite(pv):
        unit = getattr(exercise, "unit", "deg")
        lines.append(f"{word}: {pv:.0f}°" if unit == "deg" else f"{word}: {pv:.2f}")
    frac = None
    hold_text = None
    target = getattr(st, "hold_target_s", None)
    elapsed = getattr(st, "hold_elapsed_s", None)
    if target and elapsed:
        frac = elapsed / target
        hold_text = f"{elapsed:4.1f} / {target:g} s"
    cue = getattr(st, "cue", None)
    colour = WARN
    if not getattr(st, "setup_ok", True):
        colour = BAD
    elif getattr(st, "phase", "") in ("holding",):
        colour = GOOD
    return Hud(lines=lines, cue=cue, cue_colour=colour, hold_fraction=frac, hold_text=hold_text)
