"""Turning known failures into one-line messages that say what to do."""

from __future__ import annotations

from formcheck.file_loop import AnalysisCancelled
from formcheck.pose.estimator import PoseModelError
from formcheck.video import VideoError


def user_message(exc: BaseException) -> str | None:
    """A one-line message for an expected failure, or None for a real bug.

    Parameters
    ----------
    exc : BaseException
        The failure.

    Returns
    -------
    str or None
        What to do, for video, model, cancel, value, permission, disk, other OS and
        memory errors (and an unknown exercise); None for anything else.
    """
    if isinstance(exc, VideoError | PoseModelError | AnalysisCancelled):
        return str(exc)
    name = type(exc).__name__
    if name == "UnknownExerciseError" or isinstance(exc, ValueError):
        return str(exc).strip("'\"")
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename}; choose a folder you can write to"
    if isinstance(exc, OSError) and exc.errno == 28:
        return "the disk is full; free some space and try again"
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, MemoryError):
        return "out of memory; try a shorter or smaller video"
    return None
