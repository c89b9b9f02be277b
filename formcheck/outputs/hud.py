"""What is written on the video: the angle labels at the joints and the heads-up display.

One processed frame (:class:`formcheck.session.ProcessedFrame`: its metrics and the
tracker's state) in, words and numbers out; :mod:`formcheck.outputs.overlay` draws them.
Angles are printed in whole degrees, the knee/ankle ratio with two decimals. The words
and where they are drawn come from each measure's record in
:mod:`formcheck.measure.registry` (``short``, ``word``, ``drawn_at``, ``shown_with``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from formcheck.measure.confidence import NOT_MEASURABLE, is_reliable
from formcheck.measure.registry import METRICS, find
from formcheck.outputs.overlay import BAD, GOOD, WARN, Hud
from formcheck.pose.landmarks import Side

if TYPE_CHECKING:  # (the session module uses this one: a type only, no import cycle)
    from formcheck.session import ProcessedFrame


def landmark_for(metric: str) -> int | None:
    """Landmark near which a metric's value is drawn (the registry's ``drawn_at``)."""
    m, side = find(metric)
    return None if m is None else m.landmark(side)


def label_text(metric: str, value: float) -> str:
    """Short on-video text for a metric value, e.g. ``"knee 92°"``."""
    m = find(metric)[0]
    return m.label(value) if m is not None else f"{Side.split(metric)[0]} {value:.0f}°"


def primary_word(metric: str) -> str:
    """The heads-up display's name for an exercise's primary metric (``"value"`` if none)."""
    m = find(metric)[0]
    return m.word if m is not None else "value"


def display_metrics(exercise) -> list[str]:
    """Metric names (sided) drawn on the video for an exercise definition (or None)."""
    if exercise is None:
        return ["knee_flexion_L", "knee_flexion_R", "hip_flexion_L", "hip_flexion_R"]
    names: list[str] = []
    primary = getattr(exercise, "primary_metric", "") or ""
    m = find(primary)[0]
    base = [m.shown_with] if m is not None and m.shown_with else []
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
        cands = [Side.fill(name, s) for s in Side.CODES]
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
    word = primary_word(pm)
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
