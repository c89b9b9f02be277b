"""What the tracker reports each frame: :class:`Event` and :class:`TrackerState`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Event kinds: a rep / hold / circle / timed stretch finished, a cue, a setup problem.
EVENT_KINDS = ("rep_done", "hold_done", "circle_done", "timed_done", "cue", "setup_problem")


@dataclass(frozen=True)
class Event:
    """Something that happened at ``t_s`` seconds; ``side`` is left/right/both or None."""

    t_s: float
    kind: str
    side: str | None
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
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

    ``counts``: completed reps / holds / circles (timed: whole seconds) per side key
    ("left"/"right", or "both"). ``phase``: setup / ready / moving / holding / resting.
    ``primary_value`` is in the exercise's unit (NaN when not measurable);
    ``target_band`` is ``(lo, hi)`` of the target position in that unit.
    ``cue`` is the message to show now (setup problems first); ``events`` are
    this frame's new events.
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
