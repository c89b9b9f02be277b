"""The end-of-set report: :class:`ExerciseResult` and the per-side summary.

Depths are in the exercise's primary unit (degrees unless ``unit`` says
otherwise); times in seconds. ``to_dict`` is JSON-able (NaN becomes None).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, TypedDict

from formcheck.exercises.state import Event


@dataclass(frozen=True)
class RepRecord:
    """One rep attempt (``counted`` False: end hold too short)."""

    side: str
    start_s: float
    end_s: float
    peak_s: float
    peak_value: float
    metric: str
    counted: bool
    reason: str | None
    hold_s: float
    depth_pct: float | None
    form: dict[str, dict[str, Any]]
    cues: list[str]
    #: False: the landmarks at the deepest frame failed the exercise's ``depth_check``, so
    #: ``peak_value`` is not to be trusted (the rep still counts).
    depth_reliable: bool = True
    #: +- the measured uncertainty of ``peak_value`` (unit; None: not measured).
    depth_uncertainty: float | None = None


@dataclass(frozen=True)
class HoldRecord:
    """One hold: timer time ``duration_s`` against the target."""

    side: str
    start_s: float
    end_s: float
    duration_s: float
    reached_target: bool
    mean_value: float
    peak_value: float
    fault_s: float
    metric: str
    form: dict[str, dict[str, Any]]
    cues: list[str]


class SideStats(TypedDict, total=False):
    """One side's entry of ``per_side`` (:func:`side_summary`; the last three are added by
    the tracker and :func:`formcheck.measure.confidence.mark_depths`). Read back by
    :class:`formcheck.outputs.set_summary.SetSummary`."""

    count: int  # counted reps + holds + circles
    best_depth: float | None
    average_depth: float | None
    best_depth_pct: float  # only with the exercise's ``depth_full``
    average_depth_pct: float
    total_hold_s: float
    longest_hold_s: float
    holds_reached_target: int
    circles: int
    timed_s: float
    unreliable_depths: int  # counted reps whose depth is not trusted (only when some)
    depth_uncertainty: float  # the exercise's measured ± (only with a best depth)
    depth_reliable: bool  # False: the camera angle cannot measure this side's depth


def _clean(x: Any) -> Any:
    if isinstance(x, float):
        return None if not math.isfinite(x) else round(x, 3)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


@dataclass
class ExerciseResult:
    """Everything a physiotherapist would want about one set (see ``to_dict``)."""

    exercise: str
    mode: str
    unit: str
    settings: dict[str, Any]
    reps: list[RepRecord] = field(default_factory=list)
    holds: list[HoldRecord] = field(default_factory=list)
    circles: dict[str, int] = field(default_factory=dict)
    timed: dict[str, float] = field(default_factory=dict)
    per_side: dict[str, SideStats] = field(default_factory=dict)
    asymmetry: dict[str, Any] | None = None
    top_cues: dict[str, int] = field(default_factory=dict)
    setup_problems: dict[str, float] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict with the keys of the report (NaN -> None, floats rounded)."""
        return _clean(
            {
                "exercise": self.exercise,
                "mode": self.mode,
                "unit": self.unit,
                "settings": self.settings,
                "reps": [asdict(r) for r in self.reps],
                "holds": [asdict(h) for h in self.holds],
                "circles": dict(self.circles),
                "timed": dict(self.timed),
                "per_side": self.per_side,
                "asymmetry": self.asymmetry,
                "top_cues": dict(self.top_cues),
                "setup_problems": dict(self.setup_problems),
                "events": [e.to_dict() for e in self.events],
                "duration_s": self.duration_s,
            }
        )


def _mean(xs: list[float]) -> float:
    xs = [x for x in xs if math.isfinite(x)]
    return sum(xs) / len(xs) if xs else math.nan


def side_summary(
    side_keys: list[str],
    reps: list[RepRecord],
    holds: list[HoldRecord],
    circles: dict[str, int],
    timed: dict[str, float],
    peaks: dict[str, list[float]],
    depth_full: float | None,
) -> dict[str, SideStats]:
    """Per side: count, best and average depth, hold totals, circles, timed seconds.

    ``peaks``: per side the peak primary value of each counted rep / hold /
    circle / timed stretch (the depth figures come from these).
    """
    out: dict[str, SideStats] = {}
    for s in side_keys:
        p = [x for x in peaks.get(s, []) if math.isfinite(x)]
        hs = [h for h in holds if h.side == s]
        rs = [r for r in reps if r.side == s and r.counted]
        d: SideStats = {
            "count": len(rs) + len(hs) + circles.get(s, 0),
            "best_depth": max(p) if p else None,
            "average_depth": _mean(p) if p else None,
            "total_hold_s": sum(h.duration_s for h in hs),
            "longest_hold_s": max((h.duration_s for h in hs), default=0.0),
            "holds_reached_target": sum(h.reached_target for h in hs),
            "circles": circles.get(s, 0),
            "timed_s": timed.get(s, 0.0),
        }
        if depth_full and p:
            d["best_depth_pct"] = 100.0 * max(p) / depth_full
            d["average_depth_pct"] = 100.0 * _mean(p) / depth_full
        out[s] = d
    return out


def asymmetry(left: list[float], right: list[float], unit: str, metric: str) -> dict | None:
    """Left/right difference of the average depth: ``diff`` (left - right, in ``unit``;
    also ``diff_deg`` for angles) and ``diff_pct`` (of the larger side)."""
    lm, rm = _mean(left), _mean(right)
    if not (math.isfinite(lm) and math.isfinite(rm)):
        return None
    big = max(abs(lm), abs(rm))
    return {
        "metric": metric,
        "unit": unit,
        "left": lm,
        "right": rm,
        "diff": lm - rm,
        "diff_deg": lm - rm if unit == "deg" else None,
        "diff_pct": 100.0 * abs(lm - rm) / big if big > 1e-9 else 0.0,
    }


def top_cues(events: list[Event]) -> dict[str, int]:
    """Form cues by how often they fired (progress messages excluded), most first."""
    c = Counter(e.message for e in events if e.kind == "cue" and not e.data.get("progress"))
    return dict(c.most_common())
