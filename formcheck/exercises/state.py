"""What the tracker reports each frame: :class:`Event` and :class:`TrackerState`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Event kinds: a rep / hold / circle / timed stretch finished, a cue, a setup problem.
EVENT_KINDS = ("rep_done", "hold_done", "circle_done", "timed_done", "cue", "setup_problem")


@dataclass(frozen=True)
class Event:
    """Something that happened at ``t_s`` seconds; ``side`` is left/right/both or None.

    Attributes
    ----------
    t_s : float
        When, seconds.
    kind : str
        One of :data:`EVENT_KINDS`.
    side : str or None
        ``"left"``, ``"right"``, ``"both"`` or None.
    message : str
        Text for the user.
    data : dict
        Kind-specific details (JSON-able).
    """

    t_s: float
    kind: str
    side: str | None
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict.

        Returns
        -------
        dict
            The fields, ``t_s`` rounded to 3 decimals.
        """
        return {
            "t_s": round(self.t_s, 3),
            "kind": self.kind,
            "side": self.side,
            "message": self.message,
            "data": self.data,
        }


@dataclass(frozen=True)
class TrackerState:
    """Everything needed to draw one frame live (see ``ExerciseTracker.update``).

    Attributes
    ----------
    exercise_id : str
        The exercise.
    mode : str
        The exercise's mode.
    counts : dict of str to int
        Completed reps / holds / circles (timed: whole seconds) per side key
        ("left"/"right", or "both").
    active_side : str or None
        The side being worked.
    phase : str
        setup / ready / moving / holding / resting.
    hold_elapsed_s : float
        Seconds of the hold under way.
    hold_target_s : float or None
        The hold target, seconds.
    primary_metric : str
        The primary metric's name.
    primary_value : float
        In the exercise's unit (NaN when not measurable).
    target_band : (float, float)
        ``(lo, hi)`` of the target position in that unit.
    setup_ok : bool
        The setup passes.
    setup_problems : list of str
        The setup problems shown.
    cue : str or None
        The message to show now (setup problems first).
    events : list of Event
        This frame's new events.
    """

    exercise_id: str
    mode: str
    counts: dict[str, int]
    active_side: str | None
    phase: str
    hold_elapsed_s: float
    hold_target_s: float | None
    primary_metric: str
    primary_value: float
    target_band: tuple[float, float]
    setup_ok: bool
    setup_problems: list[str]
    cue: str | None
    events: list[Event]
