"""Exercise definitions as data: :class:`ExerciseDef` and :class:`FormRule`.

An exercise is fully described by one frozen :class:`ExerciseDef`; the engines
(reps, holds, circles, timed) never branch on an exercise id. Metric names are
those of :data:`formcheck.measure.registry.METRIC_NAMES` or of
:data:`formcheck.measure.registry.DERIVED_METRICS`; ``{side}`` and ``{other}``
in a name are replaced by ``L``/``R`` for the working and the other leg.

Conventions: angles in degrees, times in seconds, positions in torso lengths.
The primary metric is always oriented so that *higher = deeper / further*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from formcheck.pose.landmarks import Side

Mode = Literal["hold", "reps", "circles", "timed"]
Sides = Literal["per_side", "both"]
When = Literal["whole", "bottom", "hold"]

#: Landmark groups an exercise can require to be visible.
LANDMARK_GROUPS = ("shoulders", "hips", "knees", "ankles", "feet")


@dataclass(frozen=True)
class FormRule:
    """One form check: ``min <= value <= max`` (``abs(value)`` when ``use_abs``).

    A NaN value (not measurable) never fails a rule.

    Attributes
    ----------
    id : str
        The rule's id (settings, reports).
    metric : str
        The metric checked (``{side}``/``{other}`` allowed).
    cue : str
        What the user is told when it fails.
    max, min : float or None
        The bounds, in the metric's unit; None: unbounded.
    when : {"whole", "bottom", "hold"}
        ``"whole"`` = every frame of the rep / hold / circle, ``"bottom"`` = only at the
        end position of a rep (primary at or past ``target``), ``"hold"`` = while a hold
        (or a rep's end hold) is running.
    use_abs : bool
        Check ``abs(value)``.
    gates : bool
        A failing rule pauses the hold timer; non-gating rules only cue and report.
    disqualifies : bool
        A rep during which the rule fails is another movement (a lunge done as a squat):
        it is not counted, and the cue says what to do instead.
    """

    id: str
    metric: str
    cue: str
    max: float | None = None
    min: float | None = None
    when: When = "whole"
    use_abs: bool = False
    gates: bool = True
    disqualifies: bool = False

    def passes(self, value: float) -> bool:
        """True when ``value`` is within bounds or not measurable (NaN).

        Parameters
        ----------
        value : float
            The metric, in its unit; NaN = not measurable.

        Returns
        -------
        bool
        """
        if math.isnan(value):
            return True
        v = abs(value) if self.use_abs else value
        if self.max is not None and v > self.max:
            return False
        return not (self.min is not None and v < self.min)

    def badness(self, value: float) -> float:
        """How far ``value`` is outside the bounds (0 inside, NaN unknown): for 'worst value'.

        Parameters
        ----------
        value : float
            The metric, in its unit; NaN = not measurable.

        Returns
        -------
        float
            In the metric's unit: positive outside the bounds, zero or negative inside
            (``-inf`` with no bound); NaN when ``value`` is NaN.
        """
        if math.isnan(value):
            return math.nan
        v = abs(value) if self.use_abs else value
        over = v - self.max if self.max is not None else -math.inf
        under = self.min - v if self.min is not None else -math.inf
        return max(over, under)


@dataclass(frozen=True)
class ExerciseDef:
    """One movement of the catalogue. See ``docs/exercises.md``.

    Only the fields with conventions of their own are listed here; the
    others are documented in ``docs/exercises.md`` (units: degrees, seconds, torso
    lengths, see the module docstring).

    Attributes
    ----------
    unit : str
        The primary metric's unit; ``enter``, ``exit``, ``target`` and ``band_hi`` are
        in it.
    enter, exit : float
        Reps: a rep starts when the primary rises to ``enter`` and ends when it falls
        below ``exit``. Holds: in position from ``enter`` until below ``exit``.
    target : float
        Reps: the end position is primary >= ``target`` and must last ``end_hold_s``.
    band_hi : float
        Top of the target band (charts).
    hold_target_s : float or None
        Holds: what the timer targets, seconds.
    rest_relative : bool
        The thresholds count from each side's rest value, captured when the setup passes
        (people rest with their knees tilted 0-15 degrees); reported depths stay
        absolute.
    both_sides_in : frozenset of str or None
        Camera views in which both landmarks of each ``needs`` pair must be seen
        (default: every view for an exercise not filmed from the side, none for one that
        is, where the far limb is often hidden).
    depth_uncertainty : float or None
        The reported depth's measured uncertainty (``unit``): on held-out rendered reps
        the true depth fell within +- this of the reported one 80% of the time (None: not
        measured).
    depth_check : (str, float) or None
        (derived metric with ``{side}``, minimum): that metric at a rep's deepest frame
        must reach the minimum for the rep's depth to be trusted.
    still_max : float or None
        Holds: the hip midpoint's spread over ``motion_window_s`` (RMS, torso lengths)
        above which the body is moving, not holding (jumping jacks, marching): the timer
        pauses as for a failing form rule and the cue is "Hold still".
    """

    id: str
    title: str
    instructions: tuple[str, ...]
    camera: str
    views: frozenset[str]
    positions: frozenset[str]
    mode: Mode
    primary_metric: str
    primary_label: str
    unit: str
    sides: Sides
    enter: float
    exit: float
    target: float
    band_hi: float
    needs: tuple[str, ...] = ("shoulders", "hips", "knees", "ankles")
    both_sides_in: frozenset[str] | None = None
    side_metrics: tuple[str, ...] = ()
    rest_relative: bool = False
    asym_metric: str | None = None
    rules: tuple[FormRule, ...] = ()
    depth_cue: str | None = None
    hold_cue: str | None = None
    view_cue: str = "Face the camera"
    position_cue: str = "Get into the start position"
    min_rep_s: float = 0.8
    end_hold_s: float = 0.0
    hold_target_s: float | None = None
    reps_target: int | None = None
    circles_target: int | None = None
    timed_target_s: float | None = None
    depth_full: float | None = None
    #: The reported depth's measured uncertainty (``unit``): on held-out rendered reps the
    #: true depth fell within +- this of the reported one 80% of the time (None: not
    #: measured). Shown with every depth ("62° ± 11°"); docs/accuracy.md has the numbers.
    depth_uncertainty: float | None = None
    #: (derived metric with ``{side}``, minimum): that metric at a rep's deepest frame must
    #: reach the minimum for the rep's depth to be trusted; below it the rep still counts,
    #: but its depth is reported as unreliable and left out of the best and average.
    depth_check: tuple[str, float] | None = None
    min_hold_s: float = 1.0
    settle_rate: float = 6.0
    hold_tolerance_s: float = 0.25
    release_drop: float = 5.0
    break_on_fault_s: float = 2.0
    min_radius: float = 0.04
    circle_window_s: float = 3.0
    circle_gap_s: float = 1.0
    motion_min: float = 0.02
    motion_min_deg: float = 1.5
    motion_grace_s: float = 0.5
    motion_window_s: float = 1.0
    still_max: float | None = None
    bridge_s: float = 0.3
    settle_s: float = 0.5
    cue_interval_s: float = 4.0
    notes: str = ""

    def metric_for(self, template: str, side: str) -> str:
        """Resolve ``{side}``/``{other}`` in ``template`` for side ``"L"``/``"R"``.

        Parameters
        ----------
        template : str
            A metric name, maybe with ``{side}``/``{other}``.
        side : {"L", "R"}
            The working leg.

        Returns
        -------
        str
            The concrete metric name.
        """
        return Side.fill(template, side)

    @property
    def target_band(self) -> tuple[float, float]:
        """Band of the primary metric that counts as the target position (for charts).

        Returns
        -------
        (float, float)
            ``(low, band_hi)`` in ``unit``; low is ``enter`` for holds, ``target`` otherwise.
        """
        lo = self.enter if self.mode == "hold" else self.target
        return (lo, self.band_hi)

    def settings(self) -> dict[str, Any]:
        """The user-adjustable numbers in effect (what a report shows as 'settings').

        Returns
        -------
        dict
            Each of :data:`SETTING_RANGES` -> its value, and ``"rules"``: rule id ->
            ``{"min", "max"}``.
        """
        out: dict[str, Any] = {k: getattr(self, k) for k in SETTING_RANGES}
        out["rules"] = {r.id: {"min": r.min, "max": r.max} for r in self.rules}
        return out

    def with_settings(self, overrides: dict[str, Any] | None) -> ExerciseDef:
        """A copy with user ``overrides`` applied, every number validated.

        Parameters
        ----------
        overrides : dict or None
            Keys: any of :data:`SETTING_RANGES` (for reps with an end hold,
            ``hold_target_s`` also sets ``end_hold_s``; for timed work,
            ``timed_target_s``), plus ``"rules": {rule_id: {"min"|"max": x}}``
            (or ``{rule_id: x}`` to set the rule's one bound). None: no change.

        Returns
        -------
        ExerciseDef
            The updated copy.

        Raises
        ------
        ValueError
            With a one-line message naming the setting and its valid range.

        Examples
        --------
        >>> from formcheck.exercises import get_exercise
        >>> get_exercise("knee_to_knee").with_settings({"hold_target_s": 10}).hold_target_s
        10.0
        """
        return apply_settings(self, overrides or {})


#: setting -> (low, high, unit text, integer?). ``None`` bounds come from the unit.
SETTING_RANGES: dict[str, tuple[float, float, str, bool]] = {
    "enter": (-180.0, 180.0, "degrees", False),
    "exit": (-180.0, 180.0, "degrees", False),
    "target": (-180.0, 180.0, "degrees", False),
    "band_hi": (-180.0, 180.0, "degrees", False),
    "min_rep_s": (0.0, 30.0, "seconds", False),
    "end_hold_s": (0.0, 120.0, "seconds", False),
    "hold_target_s": (1.0, 600.0, "seconds", False),
    "reps_target": (1, 100, "reps", True),
    "circles_target": (1, 100, "circles", True),
    "timed_target_s": (1.0, 600.0, "seconds", False),
    "min_hold_s": (0.1, 60.0, "seconds", False),
    "settle_rate": (0.1, 1000.0, "units per second", False),
    "hold_tolerance_s": (0.0, 5.0, "seconds", False),
    "release_drop": (0.0, 180.0, "degrees", False),
    "break_on_fault_s": (0.1, 60.0, "seconds", False),
    "min_radius": (0.005, 1.0, "torso lengths", False),
    "motion_min": (0.0, 1.0, "torso lengths", False),
    "motion_min_deg": (0.0, 45.0, "degrees", False),
    "still_max": (0.0, 1.0, "torso lengths", False),
    "motion_grace_s": (0.0, 10.0, "seconds", False),
    "circle_gap_s": (0.0, 10.0, "seconds", False),
    "bridge_s": (0.0, 2.0, "seconds", False),
    "settle_s": (0.0, 10.0, "seconds", False),
    "cue_interval_s": (0.0, 60.0, "seconds", False),
}
_TORSO_THRESHOLDS = {
    "enter": (0.0, 2.0),
    "exit": (0.0, 2.0),
    "target": (0.0, 2.0),
    "band_hi": (0.0, 2.0),
}


def _number(key: str, value: Any, lo: float, hi: float, unit: str, integer: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{key} must be a finite number, got {value!r}")
    if integer and float(value) != int(value):
        raise ValueError(f"{key} must be a whole number of {unit}, got {value!r}")
    if not lo <= value <= hi:
        lo_s, hi_s = (int(lo), int(hi)) if integer or float(lo).is_integer() else (lo, hi)
        if float(hi).is_integer():
            hi_s = int(hi)
        raise ValueError(f"{key} must be between {lo_s} and {hi_s} {unit}, got {value!r}")
    return int(value) if integer else float(value)


def _rule_overrides(d: ExerciseDef, spec: Any) -> tuple[FormRule, ...]:
    if not isinstance(spec, dict):
        raise ValueError(f"rules must be a dict of rule id -> bound, got {spec!r}")
    by_id = {r.id: r for r in d.rules}
    for rid in spec:
        if rid not in by_id:
            raise ValueError(
                f"unknown rule {rid!r} for {d.id}; valid rules: {', '.join(by_id) or 'none'}"
            )
    out = []
    for r in d.rules:
        if r.id not in spec:
            out.append(r)
            continue
        v = spec[r.id]
        if isinstance(v, dict):
            bad = set(v) - {"min", "max"}
            if bad:
                raise ValueError(f"rule {r.id} accepts 'min' and 'max', got {sorted(bad)}")
            new = {
                k: _number(f"rules.{r.id}.{k}", x, -360.0, 360.0, "", False) for k, x in v.items()
            }
            r = replace(r, **new)
        else:
            bound = "max" if r.max is not None else "min"
            r = replace(r, **{bound: _number(f"rules.{r.id}", v, -360.0, 360.0, "", False)})
        if r.min is not None and r.max is not None and r.min > r.max:
            raise ValueError(f"rule {r.id}: min ({r.min}) must not exceed max ({r.max})")
        out.append(r)
    return tuple(out)


def apply_settings(d: ExerciseDef, overrides: dict[str, Any]) -> ExerciseDef:
    """Validate ``overrides`` and return the updated definition (see ``with_settings``).

    Parameters
    ----------
    d : ExerciseDef
        The definition.
    overrides : dict
        As for :meth:`ExerciseDef.with_settings`.

    Returns
    -------
    ExerciseDef
        The updated copy.

    Raises
    ------
    ValueError
        An unknown or out-of-range setting, or thresholds out of order (``exit`` not
        below ``enter``, ``target`` below ``enter`` for reps, ``band_hi`` not above
        ``target``).
    """
    if not isinstance(overrides, dict):
        raise ValueError(f"settings must be a dict, got {type(overrides).__name__}")
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "rules":
            changes["rules"] = _rule_overrides(d, value)
            continue
        if key not in SETTING_RANGES:
            valid = ", ".join([*SETTING_RANGES, "rules"])
            raise ValueError(f"unknown setting {key!r}; valid settings: {valid}")
        lo, hi, unit, integer = SETTING_RANGES[key]
        if d.unit == "torso" and key in _TORSO_THRESHOLDS:
            (lo, hi), unit = _TORSO_THRESHOLDS[key], "torso lengths"
        changes[key] = _number(key, value, lo, hi, unit, integer)
        if key == "hold_target_s" and d.mode == "reps" and d.end_hold_s > 0:
            changes.setdefault("end_hold_s", changes[key])  # a rep's hold is its hold target
        if key == "hold_target_s" and d.mode == "timed":
            changes.setdefault("timed_target_s", changes[key])  # time per side
    new = replace(d, **changes)
    if new.exit >= new.enter:
        raise ValueError(
            f"exit ({new.exit:g}) must be below enter ({new.enter:g}) for {d.id} "
            "so that jitter cannot double-count"
        )
    if new.mode == "reps" and new.target < new.enter:
        raise ValueError(f"target ({new.target:g}) must be at least enter ({new.enter:g})")
    if new.band_hi <= new.target:
        raise ValueError(f"band_hi ({new.band_hi:g}) must be above target ({new.target:g})")
    return new


def field_names() -> tuple[str, ...]:
    """Names of every :class:`ExerciseDef` field (for docs and the CLI)."""
    return tuple(f.name for f in fields(ExerciseDef))
