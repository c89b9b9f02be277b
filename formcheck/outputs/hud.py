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

from formcheck.exercises.model import ExerciseDef
from formcheck.exercises.modes import MODES
from formcheck.exercises.state import TrackerState
from formcheck.measure.confidence import NOT_MEASURABLE, is_reliable
from formcheck.measure.registry import METRICS, find
from formcheck.outputs.overlay import BAD, GOOD, WARN, Hud
from formcheck.pose.landmarks import Side

if TYPE_CHECKING:  # (the frame processor uses this one: a type only, no import cycle)
    from formcheck.processor import ProcessedFrame


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


def hud_for(pf: ProcessedFrame, exercise: ExerciseDef | None) -> Hud:
    """Heads-up display for one processed frame (``exercise`` None: no exercise chosen)."""
    lines = [f"t {pf.metrics.t_s:6.1f} s"]
    st = pf.state
    if st is None:
        if not pf.metrics.detected:
            return Hud(lines=lines, cue="No person found", cue_colour=BAD)
        return Hud(lines=lines)
    lines[0] += f"  {exercise.title if exercise is not None else st.exercise_id}"
    if st.counts:
        unit = count_word(st.mode)
        lines.append("  ".join(f"{k}: {v:g} {unit}".strip() for k, v in st.counts.items()))
    lines += _primary_line(pf, st, exercise)
    frac = None
    hold_text = None
    target, elapsed = st.hold_target_s, st.hold_elapsed_s
    if target and elapsed:
        frac = elapsed / target
        hold_text = f"{elapsed:4.1f} / {target:g} s"
    colour = WARN
    if not st.setup_ok:
        colour = BAD
    elif st.phase == "holding":
        colour = GOOD
    cue = st.cue
    return Hud(lines=lines, cue=cue, cue_colour=colour, hold_fraction=frac, hold_text=hold_text)


def count_word(mode: str) -> str:
    """What a mode counts, after the number (``"3 reps"``); "" for timed seconds."""
    cls = MODES.get(mode)
    return cls.count_word if cls is not None else ""


def _primary_line(pf: ProcessedFrame, st: TrackerState, exercise: ExerciseDef | None) -> list[str]:
    """The primary metric's line: its value, or why there is none to read."""
    word = primary_word(st.primary_metric or "")
    flags = pf.metrics.reliable
    if pf.metrics.detected and flags and is_reliable(flags, st.primary_metric or "") is False:
        return [f"{word}: {NOT_MEASURABLE}"]
    pv = st.primary_value
    if pv is None or not math.isfinite(pv):
        return []
    unit = exercise.unit if exercise is not None else "deg"
    return [f"{word}: {pv:.0f}°" if unit == "deg" else f"{word}: {pv:.2f}"]
