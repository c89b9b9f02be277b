"""Counts, holds, depths and timed seconds: the engine's result against the sidecar's truth.

Per side, the true and found counts (reps, holds or circles by the exercise's mode),
each true hold paired with the engine's hold overlapping it most, the depth reported at
each true rep's peak, and the timed seconds per side (accuracy benchmark).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from formcheck.pose.landmarks import Side
from tools.accuracy_faults import FAULT_RULES
from tools.accuracy_truth import PEAK_TRUTH, _arr


def _side_counts(items: list[dict]) -> dict[str, int]:
    """How many items per side key (left / right / both)."""
    return dict(Counter(i["side"] for i in items))


def gated_faults(sc: dict) -> list[str]:
    """Injected faults whose form rule pauses the hold timer (``FormRule.gates``).

    The engine times a hold only while the form is right, so a hold done with such a
    fault is not a hold: none is expected (its cue is, see :func:`fault_detection`).
    """
    if not sc.get("faults"):
        return []
    from formcheck.exercises import get_exercise

    d = get_exercise(sc["exercise"]).with_settings(sc.get("settings") or {})
    gating = {r.id for r in d.rules if r.gates}
    return [f for f in sc["faults"] if gating & set(FAULT_RULES.get(f, ()))]


def true_counts(sc: dict, mode: str) -> dict[str, int]:
    """The sidecar's count per side for the exercise mode (reps, holds or circles).

    Holds done with a fault that pauses the hold timer count as none (:func:`gated_faults`).
    """
    if mode == "reps":
        return _side_counts(sc.get("reps") or [])
    if mode == "hold":
        return {} if gated_faults(sc) else _side_counts(sc.get("holds") or [])
    if mode == "circles":
        return {k: int(v) for k, v in (sc.get("circles") or {}).items() if v}
    return {}


def found_counts(result: dict) -> dict[str, int]:
    """The engine's count per side: counted reps, holds, or circles, by its mode."""
    mode = result["mode"]
    if mode == "reps":
        return _side_counts([r for r in result["reps"] if r["counted"]])
    if mode == "hold":
        return _side_counts(result["holds"])
    if mode == "circles":
        return {k: int(v) for k, v in (result.get("circles") or {}).items() if v}
    return {}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def hold_errors(sc: dict, result: dict) -> list[dict[str, Any]]:
    """Each true hold paired with the engine's hold (or rep end-hold) overlapping it most.

    Hold mode: the engine's holds (``duration_s``). Reps with an end hold: each counted
    or attempted rep's ``hold_s``. Returns ``{side, start_s, true_s, found_s, error_s}``
    per true hold (``found_s``/``error_s`` None when nothing overlaps); seconds.
    """
    mode = result["mode"]
    if mode == "hold":
        found = [(h["side"], h["start_s"], h["end_s"], h["duration_s"]) for h in result["holds"]]
    elif mode == "reps" and (result.get("settings") or {}).get("end_hold_s"):
        found = [(r["side"], r["start_s"], r["end_s"], r["hold_s"]) for r in result["reps"]]
    else:
        return []
    out, used = [], set()
    for h in sc.get("holds") or []:
        best, best_ov = None, 0.0
        for k, (side, s0, s1, _) in enumerate(found):
            ov = _overlap(h["start_s"], h["end_s"], s0, s1)
            if k not in used and side == h["side"] and ov > best_ov:
                best, best_ov = k, ov
        f = None if best is None else found[best][3]
        if best is not None:
            used.add(best)
        out.append(
            {
                "side": h["side"],
                "start_s": h["start_s"],
                "true_s": h["duration_s"],
                "found_s": f,
                "error_s": None if f is None else round(f - h["duration_s"], 3),
            }
        )
    return out


def peak_errors(sc: dict, result: dict) -> list[dict[str, Any]]:
    """The depth the engine reports against the truth, per true rep (or hold).

    For each true rep (hold mode: each true hold), the engine's rep/hold of the same side
    overlapping it most; ``found`` = its ``peak_value``, ``true`` = the largest true
    primary value (:data:`PEAK_TRUTH`) inside the true rep. Degrees; ``error`` = found -
    true, None when nothing matched. Empty for exercises without a true primary.
    """
    fn = PEAK_TRUTH.get(sc["exercise"])
    if fn is None:
        return []
    tr = {k: _arr(v) for k, v in sc["frames"]["metrics"].items()}
    t = _arr(sc["frames"]["t_s"])
    mode = result["mode"]
    items = result["holds"] if mode == "hold" else [r for r in result["reps"] if r["counted"]]
    truth_items = (sc.get("holds") if mode == "hold" else sc.get("reps")) or []
    out, used = [], set()
    for it in truth_items:
        series = fn(tr, Side.code(it["side"]) or "L")
        inside = (t >= it["start_s"]) & (t <= it["end_s"]) & np.isfinite(series)
        true_peak = float(np.max(series[inside])) if inside.any() else math.nan
        best, best_ov = None, 0.0
        for k, f in enumerate(items):
            ov = _overlap(it["start_s"], it["end_s"], f["start_s"], f["end_s"])
            if k not in used and f["side"] == it["side"] and ov > best_ov:
                best, best_ov = k, ov
        found = None if best is None else items[best]["peak_value"]
        if best is not None:
            used.add(best)
        ok = found is not None and math.isfinite(true_peak)
        out.append(
            {
                "side": it["side"],
                "start_s": it["start_s"],
                "true": round(true_peak, 2) if math.isfinite(true_peak) else None,
                "found": found,
                "error": round(found - true_peak, 2) if ok else None,
            }
        )
    return out


def true_timed(sc: dict) -> dict[str, float]:
    """Sidecar timed seconds per side (``{"left": s, "right": s}``), empty if none."""
    timed = sc.get("timed") or {}
    return {k.removesuffix("_s"): float(v) for k, v in timed.items()}
