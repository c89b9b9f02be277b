"""Cue wording and rate limiting.

:class:`CueLimiter` lets the same cue through at most once every ``interval_s``
seconds and keeps the last message on screen for ``show_s`` seconds.
:func:`hold_progress` and friends word progress messages.
"""

from __future__ import annotations

import math


class CueLimiter:
    """Rate-limits cues per message text; remembers what to show now.

    Parameters
    ----------
    interval_s : float
        The same message is let through at most once per this many seconds.
    show_s : float
        Seconds the last allowed message stays on screen.

    Examples
    --------
    >>> lim = CueLimiter(interval_s=4.0)
    >>> [lim.allow("Stand tall", t) for t in (0.0, 1.0, 3.9, 4.0)]
    [True, False, False, True]
    """

    def __init__(self, interval_s: float = 4.0, show_s: float = 2.5) -> None:
        self.interval_s = interval_s
        self.show_s = show_s
        self._last: dict[str, float] = {}
        self._showing: tuple[str, float] | None = None

    def allow(self, message: str, t: float) -> bool:
        """True (and remembered) if ``message`` was not let through in the last interval.

        Parameters
        ----------
        message : str
            The cue text.
        t : float
            Now, seconds.

        Returns
        -------
        bool
        """
        last = self._last.get(message)
        if last is not None and t - last < self.interval_s - 1e-9:
            return False
        self._last[message] = t
        self._showing = (message, t)
        return True

    def showing(self, t: float) -> str | None:
        """The last allowed message while it is still on screen, else None.

        Parameters
        ----------
        t : float
            Now, seconds.

        Returns
        -------
        str or None
        """
        if self._showing is None or t - self._showing[1] > self.show_s:
            return None
        return self._showing[0]


def hold_progress(elapsed_s: float, target_s: float) -> str:
    """'Hold it: 3 s to go' while holding; 'Well done: release' at the target.

    Parameters
    ----------
    elapsed_s : float
        Seconds held so far.
    target_s : float
        The target hold, seconds.

    Returns
    -------
    str
        The seconds left are rounded up.
    """
    left = target_s - elapsed_s
    if left <= 1e-6:
        return "Well done: release"
    return f"Hold it: {math.ceil(left - 1e-6)} s to go"


def reps_progress(done: int, target: int | None, side: str | None) -> str | None:
    """'Switch sides' / 'Set complete' once ``target`` reps are done, else None.

    Parameters
    ----------
    done : int
        Reps done.
    target : int or None
        The target reps (None or 0: no target).
    side : str or None
        ``"left"``/``"right"`` for a one-sided exercise (then "switch sides").

    Returns
    -------
    str or None
    """
    if not target or done < target:
        return None
    return "Set complete: switch sides" if side in ("left", "right") else "Set complete"


def timed_progress(elapsed_s: float, target_s: float) -> str:
    """'Keep going: 12 s to go' / 'Switch sides' for timed work.

    Parameters
    ----------
    elapsed_s : float
        Seconds worked so far.
    target_s : float
        The target, seconds.

    Returns
    -------
    str
        The seconds left are rounded up.
    """
    left = target_s - elapsed_s
    if left <= 1e-6:
        return "Switch sides"
    return f"Keep going: {math.ceil(left - 1e-6)} s to go"
