"""Timed work per side (ball massage): seconds while a side's condition holds.

:class:`PositionGate` says whether the position is held: it opens once the value
is past ``enter`` and has settled (slope under ``settle_rate`` over 0.5 s) and
closes when the value falls below ``exit`` or ``release_drop`` below the mean
since it opened (or 30% of the way from that mean to ``exit``), so the way in
and out is not timed.

:class:`MotionMeter` says whether a point keeps moving: the spread (root of the
summed variances of x and y) of its path over the last ``window_s`` seconds, in
the unit of x and y (torso lengths for the hip midpoint, degrees for the hip
line's tilt and yaw). :class:`SideTimer` accumulates time per side while
``update`` is given that side; gaps (``None``) up to ``bridge_s`` are bridged.
Times in seconds.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from formcheck.exercises.holds import slope


class MotionMeter:
    """Spread of a 2D path over a sliding window (torso lengths), NaN until enough data.

    Parameters
    ----------
    window_s : float
        The window, seconds.
    min_fill : float
        The samples must span at least this share of the window.
    """

    def __init__(self, window_s: float = 1.5, min_fill: float = 0.5) -> None:
        self.window_s = window_s
        self.min_fill = min_fill
        self._pts: deque[tuple[float, float, float]] = deque()

    def update(self, t: float, x: float, y: float) -> float:
        """Add a sample and return the spread.

        A sample with both NaN is skipped, one NaN coordinate counts as 0 (e.g. no hip-line
        tilt without landmarks).

        Parameters
        ----------
        t : float
            Time, seconds.
        x, y : float
            The point (torso lengths for the hip midpoint, degrees for the hip line's tilt
            and yaw).

        Returns
        -------
        float
            Root of the summed variances of x and y, in their unit; NaN with fewer than 3
            samples or spanning under ``min_fill`` of the window.
        """
        if math.isnan(x) != math.isnan(y):
            x, y = (0.0 if math.isnan(x) else x), (0.0 if math.isnan(y) else y)
        if not (math.isnan(x) or math.isnan(y)):
            self._pts.append((t, x, y))
        while self._pts and t - self._pts[0][0] > self.window_s:
            self._pts.popleft()
        if len(self._pts) < 3 or self._pts[-1][0] - self._pts[0][0] < self.min_fill * self.window_s:
            return math.nan
        n = len(self._pts)
        mx = sum(p[1] for p in self._pts) / n
        my = sum(p[2] for p in self._pts) / n
        var = sum((p[1] - mx) ** 2 + (p[2] - my) ** 2 for p in self._pts) / n
        return math.sqrt(var)


class PositionGate:
    """In-position test with settle-to-open and release-to-close (see module docstring).

    Parameters
    ----------
    enter : float
        Opens once the value is past this (and settled).
    exit : float
        Closes when the value falls below this.
    settle_rate : float, optional
        The largest ``|slope|`` to open, units/s; None: no check.
    release_drop : float, optional
        Closes when the value falls this far below the mean since it opened (or 30% of
        the way to ``exit``); None: never.
    settle_window_s : float
        Seconds of samples the slope is fit on.
    bridge_s : float
        Seconds out of position that leave the gate open.

    Attributes
    ----------
    open : bool
        The gate is open.
    """

    def __init__(
        self,
        enter: float,
        exit: float,
        settle_rate: float | None = None,
        release_drop: float | None = None,
        settle_window_s: float = 0.5,
        bridge_s: float = 0.3,
    ) -> None:
        self.enter, self.exit = enter, exit
        self.settle_rate, self.release_drop = settle_rate, release_drop
        self.settle_window_s = settle_window_s
        self.bridge_s = bridge_s
        self.open = False
        self._out_since: float | None = None
        self._recent: deque[tuple[float, float]] = deque()
        self._sum, self._n = 0.0, 0

    def update(self, t: float, value: float) -> bool:
        """Advance to ``t`` with ``value``; True when the position is held this frame.

        A value out of position for up to ``bridge_s`` leaves the gate open (False is
        returned for those frames; the side timer bridges them), so a one-frame dip
        does not need a new settle. NaN keeps the state and returns False.

        Parameters
        ----------
        t : float
            Time, seconds.
        value : float
            The metric; NaN = not measurable.

        Returns
        -------
        bool
        """
        if math.isnan(value):
            return False
        self._recent.append((t, value))
        while self._recent and t - self._recent[0][0] > self.settle_window_s + 1e-9:
            self._recent.popleft()
        if self.open:
            mean = self._sum / self._n
            drop = max(self.release_drop, 0.3 * (mean - self.exit)) if self.release_drop else None
            if value < self.exit or (drop is not None and value < mean - drop):
                if self._out_since is None:
                    self._out_since = t
                if t - self._out_since > self.bridge_s + 1e-9:
                    self.open = False
                return False
            self._out_since = None
            self._sum += value
            self._n += 1
            return True
        if value >= self.enter and self._settled():
            self.open = True
            self._out_since = None
            self._sum, self._n = value, 1
            return True
        return False

    def close(self) -> None:
        """Force the gate shut (the side changed, the setup failed)."""
        self.open = False

    def _settled(self) -> bool:
        if self.settle_rate is None:
            return True
        sl = slope(self._recent)
        return not math.isnan(sl) and abs(sl) <= self.settle_rate


@dataclass(frozen=True)
class TimedSegment:
    """One stretch of timed work on one side.

    Attributes
    ----------
    side : str
        The side worked.
    start_s, end_s : float
        Its first and last frame, seconds.
    duration_s : float
        Seconds counted (gaps up to ``bridge_s`` included).
    """

    side: str
    start_s: float
    end_s: float
    duration_s: float


class SideTimer:
    """Feed ``update(t_s, side_or_None)``; returns a :class:`TimedSegment` when one ends.

    Parameters
    ----------
    bridge_s : float
        Gaps (``None``) up to this many seconds are bridged.
    min_segment_s : float
        Shorter segments are dropped, seconds.

    Attributes
    ----------
    totals : dict of str to float
        Seconds of closed segments per side.
    side : str or None
        The side of the open segment.
    """

    def __init__(self, bridge_s: float = 0.3, min_segment_s: float = 0.5) -> None:
        self.bridge_s = bridge_s
        self.min_segment_s = min_segment_s
        self.totals: dict[str, float] = {}
        self.side: str | None = None
        self._start = math.nan
        self._last = math.nan
        self._dur = 0.0

    @property
    def current_s(self) -> float:
        """Seconds in the open segment (0 when none)."""
        return self._dur if self.side is not None else 0.0

    def update(self, t: float, side: str | None) -> TimedSegment | None:
        """Advance to ``t``; ``side`` is the side being worked this frame, or None.

        Parameters
        ----------
        t : float
            Time, seconds.
        side : str or None
            The side being worked; None: none.

        Returns
        -------
        TimedSegment or None
            The segment that ended (a side change or a gap over ``bridge_s``); None also
            when it was shorter than ``min_segment_s``.
        """
        done = None
        if self.side is not None and (
            side not in (None, self.side) or t - self._last > self.bridge_s + 1e-9
        ):
            done = self._close()
        if side is None:
            return done
        if self.side is None:
            self.side, self._start, self._last, self._dur = side, t, t, 0.0
        else:
            gap = t - self._last
            self._dur += gap
            self._last = t
        return done

    def _close(self) -> TimedSegment | None:
        side, self.side = self.side, None
        if side is None or self._dur < self.min_segment_s:
            return None
        self.totals[side] = self.totals.get(side, 0.0) + self._dur
        return TimedSegment(side, self._start, self._last, self._dur)

    def total_s(self, side: str) -> float:
        """Seconds worked on ``side`` so far, the open segment included.

        Parameters
        ----------
        side : str
            The side.

        Returns
        -------
        float
        """
        extra = self._dur if self.side == side else 0.0
        return self.totals.get(side, 0.0) + extra

    def finish(self) -> TimedSegment | None:
        """Close the open segment at the end of the input.

        Returns
        -------
        TimedSegment or None
            None when none is open or it is shorter than ``min_segment_s``.
        """
        return self._close() if self.side is not None else None
