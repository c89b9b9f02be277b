"""One class per mode of counting: reps, hold, circles, timed.

Each owns its engine (:mod:`formcheck.exercises.reps`, ``holds``, ``circles``, ``timed``),
its per-frame step, what it closes at the end of a set, and its progress text. The
:class:`~formcheck.exercises.tracker.ExerciseTracker` keeps the setup, the baseline and
the side choice, and builds only the mode its exercise needs (:data:`MODES`). A new mode
is one more file here and one entry in :data:`MODES`.
"""

from __future__ import annotations

from formcheck.exercises.modes.base import Mode
from formcheck.exercises.modes.circles import CirclesMode
from formcheck.exercises.modes.hold import HoldMode
from formcheck.exercises.modes.reps import RepsMode
from formcheck.exercises.modes.timed import TimedMode

#: ``ExerciseDef.mode`` -> the class that counts it.
MODES: dict[str, type[Mode]] = {
    "reps": RepsMode,
    "hold": HoldMode,
    "circles": CirclesMode,
    "timed": TimedMode,
}

__all__ = ["MODES", "CirclesMode", "HoldMode", "Mode", "RepsMode", "TimedMode"]
