"""Cue wording and rate limiting.

:class:`CueLimiter` lets the same cue through at most once every ``interval_s``
seconds and keeps the last message on screen for ``show_s`` seconds.
:func:`hold_progress` and friends word progress messages.
"""

from __future__ import annotations

import math


class CueLimiter:
    """Rate-limits cues per message text; remembers what to show now.

    Example:
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
        """True (and remembered) if ``message`` was not let through in the last interval."""
        last = self._last.get(message)
        if last is not None and t - last < self.interval_s - 1e-9:
            return False
        self._last[message] = t
        self._showing = (message, t)
        return True

    def showing(self, t: float) -> str | None:
        """The last allowed message while it is still on screen, else None."""
        if self._showing is None or t - self._showing[1] > self.show_s:
            return None
        return self._showing[0]


def hold_progress(elapsed_s: float, target_s: float) -> str:
    """'Hold it: 3 s to go' while holding; 'Well done: release' at the target."""
    left = target_s - elapsed_s
    if left <= 1e-6:
        return "Well done: release"
    return f"Hold it: {math.ceil(left - 1e-6)} s to go"


def reps_progress(done: int, target: int | None, side: str | None) -> str | None:
    """'Switch sides' / 'Set complete' once ``target`` reps are done, else None."""
    if not target or done < target:
        return None
    return "Set complete: switch sides" if side in ("left", "right") else "Set complete"


def timed_progress(elapsed_s: float, target_s: float) -> str:
    """'Keep going: 12 s to go' / 'Switch sides' for timed work."""
    left = target_s - elapsed_s
    if left <= 1e-6:
        return "Switch sides"
    return f"Keep going: {math.ceil(left - 1e-6)} s to go"
