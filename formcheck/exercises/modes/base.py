"""The interface every mode implements (see :mod:`formcheck.exercises.modes`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from formcheck.exercises.state import Event

if TYPE_CHECKING:  # the tracker builds its mode: a type only, no import cycle
    from formcheck.exercises.tracker import ExerciseTracker

#: A rule fails a rep/hold when violated this long in total (s).
MIN_FAIL_S = 0.2
#: A depth / motion cue fires after this long short of the position (s).
SHORT_CUE_S = 1.5


class Mode:
    """One way of counting. ``t`` is the tracker: its setup, baseline, side choice, cue
    helpers and records, which every mode shares.

    What a mode uses of the tracker: ``t.d`` (the exercise), ``t.now`` (the frame's time,
    seconds), ``t.setup.ok``, ``t.base`` (the set's baseline and rest values),
    ``t.side_key(code)``, ``t.start_activity()`` / ``t.track_activity(...)`` /
    ``t.activity_side()`` around one rep, hold, circle or timed stretch (its form log and
    ``t.peak``), ``t.check_rules(...)`` (the form rules on one frame), ``t.credit(side,
    peak)`` (one more done), ``t.emit(...)`` / ``t.cue(...)`` (events and spoken cues),
    and the records the result is built from (``t.rep_records``, ``t.hold_records``,
    ``t.circle_counts``, ``t.timed_segments``).
    """

    #: What it counts, after the number on the video ("3 reps"); "" for seconds.
    count_word: str = ""

    def __init__(self, t: ExerciseTracker) -> None:
        self.t = t

    def step(
        self, ev: list[Event], s: str | None, value: float, v: dict[str, float], dt: float
    ) -> str:
        """One frame: leg ``s``, primary ``value`` (rest-relative, NaN when unknown or the
        setup is not passing), every metric ``v``, ``dt`` seconds since the last frame.
        Returns the phase (``ready`` / ``moving`` / ``holding`` / ``resting``)."""
        raise NotImplementedError

    def busy(self) -> bool:
        """True while a rep / hold / circle / timed stretch is under way."""
        raise NotImplementedError

    def disarm(self) -> None:
        """The setup stopped passing: nothing may start until it passes again."""

    def cancel(self) -> None:
        """Drop what is under way, uncounted (its baseline turned out wrong)."""

    def finish(self, ev: list[Event]) -> None:
        """The set ends: close (and record) what is open."""

    def elapsed(self) -> float:
        """Seconds into the current hold / end hold / side (0 when none)."""
        return 0.0

    def elapsed_target(self) -> float | None:
        """The seconds :meth:`elapsed` counts toward, if any."""
        return None

    def progress_cue(self) -> str | None:
        """The progress text to show when no cue is showing (e.g. "Hold it: 2 s to go")."""
        return None

    def timed_totals(self) -> dict[str, float]:
        """Seconds worked per side (timed work only)."""
        return {}
