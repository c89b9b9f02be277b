"""Exercise definitions (data) and the engines that turn per-frame metrics into feedback.

Example:
    >>> from formcheck.exercises import ExerciseTracker, get_exercise
    >>> d = get_exercise("squat_valgus").with_settings({"reps_target": 8})
    >>> tracker = ExerciseTracker(d, side="auto")
    >>> # state = tracker.update(frame_metrics); result = tracker.finish()
"""

from __future__ import annotations

from formcheck.exercises.catalogue import CATALOGUE
from formcheck.exercises.model import ExerciseDef, FormRule
from formcheck.exercises.result import ExerciseResult, HoldRecord, RepRecord
from formcheck.exercises.state import Event, TrackerState
from formcheck.exercises.tracker import ExerciseTracker


class UnknownExerciseError(KeyError):
    """Raised by :func:`get_exercise` for an id not in :data:`CATALOGUE`."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def get_exercise(exercise_id: str) -> ExerciseDef:
    """The catalogue definition for ``exercise_id``.

    Parameters
    ----------
    exercise_id : str
        An id of :data:`CATALOGUE`.

    Returns
    -------
    ExerciseDef

    Raises
    ------
    UnknownExerciseError
        A ``KeyError`` listing the valid ids.
    """
    try:
        return CATALOGUE[exercise_id]
    except (KeyError, TypeError):
        valid = ", ".join(CATALOGUE)
        raise UnknownExerciseError(
            f"unknown exercise {exercise_id!r}; valid ids: {valid}"
        ) from None


__all__ = [
    "CATALOGUE",
    "Event",
    "ExerciseDef",
    "ExerciseResult",
    "ExerciseTracker",
    "FormRule",
    "HoldRecord",
    "RepRecord",
    "TrackerState",
    "UnknownExerciseError",
    "get_exercise",
]
