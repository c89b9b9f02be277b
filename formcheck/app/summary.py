"""A set's summary for the app and the history: per-side counts, depth, hold time, cues.

Reads the exercise result dict (``report["result"]``) defensively: every field
may be missing, and numbers are recomputed from the per-rep / per-hold lists
when the engine's ``per_side`` block does not carry them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from formcheck.exercises import get_exercise

SIDE_NAMES = {"L": "Left", "R": "Right", "both": "Both"}
_SIDE_KEYS = {"l": "L", "left": "L", "r": "R", "right": "R", "both": "both", "b": "both"}


def norm_side(side) -> str:
    """``"left"``/``"L"`` -> ``"L"``, ``"right"``/``"R"`` -> ``"R"``, anything else ``"both"``."""
    return _SIDE_KEYS.get(str(side or "both").lower(), "both")


def finite_float(x) -> float | None:
    """``x`` as a finite float, else None (bools, text, NaN and inf give None)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _first(d: dict, *keys: str):
    for k in keys:
        if isinstance(d, dict) and d.get(k) is not None:
            return d[k]
    return None


@dataclass
class SideSummary:
    """One side's numbers (``side`` is ``"L"``, ``"R"`` or ``"both"``)."""

    side: str
    count: float = 0
    best: float | None = None
    average: float | None = None
    hold_total_s: float | None = None
    hold_longest_s: float | None = None
    holds_reached: int | None = None
    depth_measurable: bool = True
    uncertainty: float | None = None  # ± on best/average, measured on held-out renders
    untrusted: int = 0  # counted reps whose depth the landmarks could not support

    @property
    def label(self) -> str:
        return SIDE_NAMES.get(self.side, self.side)


@dataclass
class SetSummary:
    """What the summary cards and the history table show for one set."""

    exercise: str | None
    title: str
    mode: str
    unit: str = "°"
    primary_label: str = ""
    hold_target_s: float | None = None
    sides: dict[str, SideSummary] = field(default_factory=dict)
    asymmetry: float | None = None
    asymmetry_metric: str | None = None
    top_cues: list[tuple[str, int | None]] = field(default_factory=list)
    setup_problems: list[str] = field(default_factory=list)
    patient: str = ""  # a batch plan's patient id ("" for uploads and live sets)

    @property
    def count_word(self) -> str:
        words = {"reps": "reps", "hold": "holds", "circles": "circles", "timed": "seconds moving"}
        return words.get(self.mode, "reps")

    @property
    def total_count(self) -> float:
        return sum(s.count or 0 for s in self.sides.values())

    @property
    def best(self) -> float | None:
        vals = [s.best for s in self.sides.values() if s.best is not None]
        return max(vals) if vals else None

    @property
    def hold_total_s(self) -> float | None:
        vals = [s.hold_total_s for s in self.sides.values() if s.hold_total_s is not None]
        return sum(vals) if vals else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["total_count"] = self.total_count
        d["best"] = self.best
        d["hold_total_s"] = self.hold_total_s
        return d


def _exercise_meta(exercise_id: str | None) -> tuple[str, str, str, float | None]:
    """(title, mode, primary label, hold target) from the catalogue, best effort."""
    if not exercise_id:
        return ("No exercise", "", "", None)
    try:
        ex = get_exercise(exercise_id)
    except Exception:  # noqa: BLE001 - the engine may be missing or renamed
        return (exercise_id.replace("_", " ").capitalize(), "", "", None)
    return (
        getattr(ex, "title", exercise_id),
        getattr(ex, "mode", ""),
        getattr(ex, "primary_label", ""),
        getattr(ex, "hold_target_s", None),
    )


def _norm_cues(raw) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    if isinstance(raw, dict):
        raw = sorted(raw.items(), key=lambda kv: -(finite_float(kv[1]) or 0))
    for item in raw or []:
        if isinstance(item, str):
            out.append((item, None))
        elif isinstance(item, dict):
            text = _first(item, "cue", "text", "message")
            n = finite_float(_first(item, "count", "n", "times"))
            if text:
                out.append((str(text), int(n) if n is not None else None))
        elif isinstance(item, list | tuple) and item:
            n = finite_float(item[1]) if len(item) > 1 else None
            out.append((str(item[0]), int(n) if n is not None else None))
    return out[:5]


def summarize(report: dict) -> SetSummary:
    """Build the :class:`SetSummary` of a report dict (``analyze_video`` or a live set)."""
    result = report.get("result") or {}
    ex_id = result.get("exercise") or report.get("exercise")
    title, mode, label, target = _exercise_meta(ex_id)
    mode = result.get("mode") or mode or ""
    settings = result.get("settings") or report.get("settings") or {}
    target = finite_float(settings.get("hold_target_s")) or finite_float(target)
    unit = str(result.get("unit") or "deg")
    unit = {"deg": "°", "degrees": "°"}.get(unit, f" {unit}")
    s = SetSummary(exercise=ex_id, title=title, mode=mode, unit=unit, primary_label=label,
                   hold_target_s=target, patient=str(report.get("patient") or ""))  # fmt: skip
    sides: dict[str, SideSummary] = {}
    vals: dict[str, list[float]] = {}

    def side(name) -> SideSummary:
        key = norm_side(name)
        if key not in sides:
            sides[key] = SideSummary(key)
        return sides[key]

    for rep in result.get("reps") or []:
        if not rep.get("counted", True):
            continue
        ss = side(rep.get("side"))
        ss.count += 1
        v = finite_float(rep.get("peak_value"))
        if v is not None:
            ss.best = v if ss.best is None else max(ss.best, v)
            vals.setdefault(ss.side, []).append(v)
    for hold in result.get("holds") or []:
        ss = side(hold.get("side"))
        ss.count += 1
        d = finite_float(hold.get("duration_s")) or 0.0
        ss.hold_total_s = (ss.hold_total_s or 0.0) + d
        ss.hold_longest_s = max(ss.hold_longest_s or 0.0, d)
        ss.holds_reached = (ss.holds_reached or 0) + int(bool(hold.get("reached_target")))
        v = finite_float(_first(hold, "peak_value", "peak"))
        if v is not None:
            ss.best = v if ss.best is None else max(ss.best, v)
        m = finite_float(_first(hold, "mean_value", "mean"))
        if m is not None:
            vals.setdefault(ss.side, []).append(m)
    circles = result.get("circles") or {}
    if isinstance(circles, dict):
        for key, n in circles.items():
            if finite_float(n):
                side(key).count = finite_float(n)
    for key, vs in vals.items():
        sides[key].average = sum(vs) / len(vs)
    # The engine's own per-side block wins where it has a value.
    for key, ps in (result.get("per_side") or {}).items():
        if not isinstance(ps, dict):
            continue
        ss = side(key)
        count = finite_float(_first(ps, "count", "reps", "holds", "circles"))
        if mode == "timed":
            count = finite_float(_first(ps, "timed_s", "count"))
        if count is not None:
            ss.count = count
        for attr, keys in (
            ("best", ("best", "best_depth", "best_value")),
            ("average", ("average", "average_depth", "mean", "avg")),
            ("hold_total_s", ("total_hold_s", "hold_total_s", "total_held_s", "time_held_s")),
            ("hold_longest_s", ("longest_hold_s", "hold_longest_s", "longest_s")),
            ("holds_reached", ("holds_reached_target", "holds_reached")),
        ):
            v = finite_float(_first(ps, *keys))
            if v is not None:
                setattr(ss, attr, v)
        ss.uncertainty = finite_float(ps.get("depth_uncertainty"))
        ss.untrusted = int(finite_float(ps.get("unreliable_depths")) or 0)
        if ps.get("depth_reliable") is False:  # the camera angle cannot measure the depth
            ss.depth_measurable, ss.best, ss.average = False, None, None
    timed = result.get("timed")
    if isinstance(timed, dict) and mode == "timed":
        for key, val in timed.items():
            raw = val if not isinstance(val, dict) else _first(val, "moving_s", "seconds")
            v = finite_float(raw)
            if v is not None:
                side(key).count = round(v, 1)
    s.sides = dict(sorted(sides.items()))
    asym = result.get("asymmetry")
    if isinstance(asym, dict):
        m = asym.get("metric")
        s.asymmetry_metric = str(m) if m else None
        asym = _first(asym, "diff", "difference", "best_diff", "value")
    s.asymmetry = finite_float(asym)
    if s.asymmetry is None and "L" in sides and "R" in sides:
        lb, rb = sides["L"].best, sides["R"].best
        if lb is not None and rb is not None:
            s.asymmetry = lb - rb
    s.top_cues = _norm_cues(result.get("top_cues"))
    s.setup_problems = [str(p) for p in (result.get("setup_problems") or [])][:5]
    if isinstance(result.get("setup_problems"), dict):
        s.setup_problems = list(result["setup_problems"])[:5]
    return s
