"""One set's summary, read once from the report the engine writes: :class:`SetSummary`.

The CLI summary (:mod:`formcheck.outputs.summary`), the app's cards, the history
store and its trend charts all read this one object. It is built from the exercise
result (``report["result"]``, :meth:`ExerciseResult.to_dict
<formcheck.exercises.result.ExerciseResult.to_dict>`): the engine's ``per_side`` block
gives each side's numbers. A result without a ``per_side`` block (a hand-written
report, an old history row) gets them counted from its ``reps`` / ``holds`` /
``circles`` lists instead.

Example:
    >>> s = summarize({"result": {"mode": "reps", "per_side": {"left": {"count": 2}}}})
    >>> s.sides["L"].count, s.total_count
    (2.0, 2.0)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from formcheck.exercises import get_exercise
from formcheck.exercises.result import SideStats
from formcheck.pose.landmarks import Side

#: Units of the result (``ExerciseDef.unit``) as a card writes them after a number.
_UNIT_SUFFIX = {"deg": "°"}


def norm_side(side) -> str:
    """``"left"``/``"L"`` -> ``"L"``, ``"right"``/``"R"`` -> ``"R"``, anything else ``"both"``."""
    return Side.code(str(side or "both")) or "both"


def finite_float(x) -> float | None:
    """``x`` as a finite float, else None (bools, text, NaN and inf give None)."""
    if isinstance(x, bool) or x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


@dataclass
class SideSummary:
    """One side's numbers (``side`` is ``"L"``, ``"R"`` or ``"both"``).

    ``count`` is reps, holds or circles, or the seconds moving of a timed exercise.
    """

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
    best_pct: float | None = None  # best depth as % of the way to the floor

    @property
    def label(self) -> str:
        return Side.name(self.side).capitalize() if self.side in Side.CODES else "Both"


@dataclass
class SetSummary:
    """What the CLI summary, the summary cards and the history show for one set."""

    exercise: str | None
    title: str
    mode: str
    unit: str = "°"  # as written after a number on a card: "°" or " torso"
    primary_label: str = ""
    hold_target_s: float | None = None
    sides: dict[str, SideSummary] = field(default_factory=dict)
    asymmetry: float | None = None  # left minus right
    asymmetry_metric: str | None = None
    asymmetry_pct: float | None = None  # the difference as % of the larger side
    top_cues: list[tuple[str, int]] = field(default_factory=list)
    #: Setup problem -> seconds it was seen, in the engine's order.
    setup_problems: dict[str, float] = field(default_factory=dict)
    patient: str = ""  # a batch plan's patient id ("" for uploads and live sets)
    unit_id: str = "deg"  # the result's own unit name ("deg", "torso")

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

    @property
    def depth_measurable(self) -> bool:
        """False when the camera angle could not measure the depth of some side."""
        return all(s.depth_measurable for s in self.sides.values())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["total_count"] = self.total_count
        d["best"] = self.best
        d["hold_total_s"] = self.hold_total_s
        return d


# -- the catalogue's part -------------------------------------------------------------
def _exercise_meta(exercise_id: str | None) -> tuple[str, str, str, float | None]:
    """(title, mode, primary label, hold target) from the catalogue."""
    if not exercise_id:
        return ("No exercise", "", "", None)
    try:
        ex = get_exercise(exercise_id)
    except KeyError:  # an exercise since renamed or removed (an old history row)
        return (exercise_id.replace("_", " ").capitalize(), "", "", None)
    return (ex.title, ex.mode, ex.primary_label, ex.hold_target_s)


# -- the engine's per-side block ------------------------------------------------------
def _engine_side(key: str, ps: SideStats, mode: str) -> SideSummary:
    """One side from the engine's ``per_side`` entry."""
    count = finite_float(ps.get("timed_s" if mode == "timed" else "count"))
    reached = finite_float(ps.get("holds_reached_target"))
    s = SideSummary(
        key,
        count=count if count is not None else 0,
        best=finite_float(ps.get("best_depth")),
        average=finite_float(ps.get("average_depth")),
        hold_total_s=finite_float(ps.get("total_hold_s")),
        hold_longest_s=finite_float(ps.get("longest_hold_s")),
        holds_reached=int(reached) if reached is not None else None,
        uncertainty=finite_float(ps.get("depth_uncertainty")),
        untrusted=int(finite_float(ps.get("unreliable_depths")) or 0),
        best_pct=finite_float(ps.get("best_depth_pct")),
    )
    if ps.get("depth_reliable") is False:  # the camera angle cannot measure the depth
        s.depth_measurable, s.best, s.average, s.best_pct = False, None, None, None
    return s


# -- a result without a per-side block: count from the lists ----------------------------
class _Tally:
    """Per-side numbers counted from a result's reps, holds and circles."""

    def __init__(self) -> None:
        self.sides: dict[str, SideSummary] = {}
        self.values: dict[str, list[float]] = {}

    def side(self, name) -> SideSummary:
        key = norm_side(name)
        if key not in self.sides:
            self.sides[key] = SideSummary(key)
        return self.sides[key]

    def peak(self, s: SideSummary, peak, value) -> None:
        """A rep's / hold's peak (for ``best``) and its value for the average."""
        v = finite_float(peak)
        if v is not None:
            s.best = v if s.best is None else max(s.best, v)
        m = finite_float(value)
        if m is not None:
            self.values.setdefault(s.side, []).append(m)

    def rep(self, rep: dict) -> None:
        if not rep.get("counted", True):
            return
        s = self.side(rep.get("side"))
        s.count += 1
        self.peak(s, rep.get("peak_value"), rep.get("peak_value"))

    def hold(self, hold: dict) -> None:
        s = self.side(hold.get("side"))
        s.count += 1
        d = finite_float(hold.get("duration_s")) or 0.0
        s.hold_total_s = (s.hold_total_s or 0.0) + d
        s.hold_longest_s = max(s.hold_longest_s or 0.0, d)
        s.holds_reached = (s.holds_reached or 0) + int(bool(hold.get("reached_target")))
        self.peak(s, hold.get("peak_value"), hold.get("mean_value"))

    def result(self) -> dict[str, SideSummary]:
        for key, vs in self.values.items():
            self.sides[key].average = sum(vs) / len(vs)
        return self.sides


def _counted_sides(result: dict) -> dict[str, SideSummary]:
    tally = _Tally()
    for rep in result.get("reps") or []:
        tally.rep(rep)
    for hold in result.get("holds") or []:
        tally.hold(hold)
    for key, n in (result.get("circles") or {}).items():
        if finite_float(n):
            tally.side(key).count = finite_float(n)
    return tally.result()


def _best_difference(sides: dict[str, SideSummary]) -> float | None:
    """Left minus right best depth (a result without the engine's ``asymmetry``)."""
    left, right = sides.get("L"), sides.get("R")
    if left is None or right is None or left.best is None or right.best is None:
        return None
    return left.best - right.best


# -- the whole set ----------------------------------------------------------------------
def _sides(result: dict, mode: str) -> dict[str, SideSummary]:
    per_side = result.get("per_side") or {}
    if per_side:
        sides = {norm_side(k): _engine_side(norm_side(k), ps, mode) for k, ps in per_side.items()}
    else:
        sides = _counted_sides(result)
    if mode == "timed":  # the engine's seconds moving, to a tenth
        for key, seconds in (result.get("timed") or {}).items():
            v = finite_float(seconds)
            if v is not None:
                sides.setdefault(norm_side(key), SideSummary(norm_side(key))).count = round(v, 1)
    return dict(sorted(sides.items()))


def _top_cues(raw) -> list[tuple[str, int]]:
    """The five most frequent cues: ``{cue: times}`` (or its ``[[cue, times], ...]`` items)."""
    cues = [(str(c), int(n)) for c, n in dict(raw or {}).items() if finite_float(n) is not None]
    return sorted(cues, key=lambda cn: -cn[1])[:5]


def _setup_problems(raw) -> dict[str, float]:
    """The setup problems and their seconds (``{problem: seconds}``)."""
    return {str(p): finite_float(s) or 0.0 for p, s in dict(raw or {}).items()}


def summarize(report: dict) -> SetSummary:
    """The :class:`SetSummary` of a report dict (``analyze_video``, a live set, a batch set)."""
    result = report.get("result") or {}
    ex_id = result.get("exercise") or report.get("exercise")
    title, mode, label, target = _exercise_meta(ex_id)
    mode = result.get("mode") or mode
    settings = result.get("settings") or report.get("settings") or {}
    unit_id = str(result.get("unit") or "deg")
    s = SetSummary(
        exercise=ex_id, title=title, mode=mode, unit=_UNIT_SUFFIX.get(unit_id, f" {unit_id}"),
        primary_label=label,
        hold_target_s=finite_float(settings.get("hold_target_s")) or finite_float(target),
        sides=_sides(result, mode), top_cues=_top_cues(result.get("top_cues")),
        setup_problems=_setup_problems(result.get("setup_problems")),
        patient=str(report.get("patient") or ""), unit_id=unit_id,
    )  # fmt: skip
    asym = result.get("asymmetry")
    if isinstance(asym, dict):
        s.asymmetry = finite_float(asym.get("diff"))
        s.asymmetry_pct = finite_float(asym.get("diff_pct"))
        s.asymmetry_metric = str(asym["metric"]) if asym.get("metric") else None
    elif not result.get("per_side"):
        s.asymmetry = _best_difference(s.sides)
    return s
