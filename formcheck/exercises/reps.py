"""Rep counting: a hysteresis state machine on one primary value per frame.

States: ``"idle"`` (not armed: waiting to see the rest position, so getting into
position never counts), ``"ready"`` (at rest), ``"moving"`` (past ``enter``, not
yet at the end position) and ``"holding"`` (at or past ``target``). A rep ends
when the value falls below ``exit``; it counts when it lasted ``min_rep_s`` and
held the end position for ``end_hold_s``. NaN gaps and dips below ``target``
shorter than ``bridge_s`` are bridged; a longer NaN gap abandons the rep.
The end hold is timed like :mod:`formcheck.exercises.holds`: it starts once the
value has settled (slope over ``settle_window_s`` at most ``settle_rate``) and
stops when the value falls ``release_drop`` below the hold's mean (or 30% of
the way from that mean to ``exit``), so the way down and up is not hold time.
Values are in the primary metric's unit (higher = deeper), times in seconds.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from formcheck.exercises.holds import released, settled


@dataclass(frozen=True)
class RepConfig:
    """Thresholds of one rep counter (see module docstring).

    Values are in the primary metric's unit (higher = deeper), times in seconds.

    Attributes
    ----------
    enter : float
        A rep starts when the value rises to this.
    exit : float
        A rep ends when the value falls below this (also the rest position).
    target : float
        The end position: at or past this.
    min_rep_s : float
        A rep shorter than this is not counted (``"too_short"``).
    end_hold_s : float
        The end position must be held this long (``"hold_too_short"`` otherwise).
    bridge_s : float
        NaN gaps and dips below ``target`` shorter than this are bridged.
    settle_rate : float or None
        The end hold starts once the value's slope is at most this, units/s (None: no
        check).
    settle_window_s : float
        Seconds of samples the slope is fit on.
    release_drop : float or None
        The end hold stops when the value falls this far below its mean (or 30% of the
        way to ``exit``); None: never.
    hold_tolerance_s : float
        The end hold may be this much short.
    early_s : float
        A rep that began within this many seconds of the first frame (a file that starts
        mid-movement: part of the rep happened before the recording) needs only
        :data:`EARLY_MIN_FRACTION` of ``min_rep_s``. 0 (live): every rep needs all of it.
    """

    enter: float
    exit: float
    target: float
    min_rep_s: float = 0.8
    end_hold_s: float = 0.0
    bridge_s: float = 0.3
    settle_rate: float | None = None
    settle_window_s: float = 0.5
    release_drop: float | None = None
    hold_tolerance_s: float = 0.0
    #: A rep that began within this many seconds of the first frame (a file that starts
    #: mid-movement: part of the rep happened before the recording) needs only
    #: EARLY_MIN_FRACTION of ``min_rep_s``. 0 (live): every rep needs all of it.
    early_s: float = 0.0


#: Share of ``min_rep_s`` a rep cut by the start of the recording must last.
EARLY_MIN_FRACTION = 0.6


@dataclass(frozen=True)
class Rep:
    """One finished rep attempt. ``counted`` is False for too-short or unheld reps.

    Attributes
    ----------
    start_s, end_s : float
        From the last rest frame before it to when it ended, seconds.
    peak_s : float
        When the value peaked, seconds.
    peak_value : float
        The deepest value, the primary metric's unit.
    hold_s : float
        The longest end-position hold, seconds.
    counted : bool
        False for too-short or unheld reps (and lost tracking).
    reason : str or None
        Why it was not counted: ``"too_short"``, ``"hold_too_short"`` or
        ``"lost_tracking"``; None when counted.
    """

    start_s: float
    end_s: float
    peak_s: float
    peak_value: float
    hold_s: float
    counted: bool
    reason: str | None = None  # "too_short", "hold_too_short", "lost_tracking"


class RepCounter:
    """Feed ``update(t_s, value)`` once per frame; it returns a :class:`Rep` when one ends.

    Parameters
    ----------
    cfg : RepConfig
        The thresholds.

    Attributes
    ----------
    state : {"idle", "ready", "moving", "holding"}
        See the module docstring.

    Examples
    --------
    >>> rc = RepCounter(RepConfig(enter=20, exit=10, target=30, min_rep_s=0.5))
    >>> reps = [rc.update(i / 10, v) for i, v in enumerate([0, 25, 35, 35, 35, 35, 0])]
    >>> [r.counted for r in reps if r]
    [True]
    """

    def __init__(self, cfg: RepConfig) -> None:
        self.cfg = cfg
        self.state = "idle"
        self._dt = 1 / 30
        self._last_t: float | None = None
        self._last_valid_t: float | None = None
        self._last_value: float | None = None
        self._rest_t = math.nan
        self._start = math.nan
        self._peak = -math.inf
        self._peak_t = math.nan
        self._hold_start: float | None = None
        self._hold_last: float | None = None
        self._hold_best = 0.0
        self._hold_sum = 0.0
        self._hold_n = 0
        self._recent: deque[tuple[float, float]] = deque()
        self._t0: float | None = None  # the first frame's time

    @property
    def in_rep(self) -> bool:
        """True while a rep is under way."""
        return self.state in ("moving", "holding")

    @property
    def hold_elapsed_s(self) -> float:
        """Current end-position hold time in seconds (0 when not holding)."""
        if self._hold_start is None or self._hold_last is None or not self.in_rep:
            return 0.0
        return self._hold_last - self._hold_start + self._dt

    def _tick(self, t: float) -> None:
        if self._last_t is not None and t > self._last_t:
            dt = t - self._last_t
            self._dt = 0.8 * self._dt + 0.2 * min(dt, 0.2)
        self._last_t = t

    def update(self, t: float, value: float) -> Rep | None:
        """Advance to time ``t`` (s) with the primary ``value`` (NaN = not measurable).

        Parameters
        ----------
        t : float
            Frame time, seconds.
        value : float
            The primary metric; NaN = not measurable.

        Returns
        -------
        Rep or None
            The rep attempt that ended on this frame (counted or not).
        """
        if self._t0 is None:
            self._t0 = t
        self._tick(t)
        cfg = self.cfg
        if math.isnan(value):
            last = self._last_valid_t
            if self.in_rep and last is not None and t - last > cfg.bridge_s:
                return self._end(last, lost=True)
            return None
        self._last_valid_t = t
        self._last_value = value
        self._recent.append((t, value))
        while self._recent and t - self._recent[0][0] > cfg.settle_window_s + 1e-9:
            self._recent.popleft()
        if self.state == "idle":
            if value < cfg.exit:
                self.state = "ready"
                self._rest_t = t
            return None
        if self.state == "ready":
            if value < cfg.exit:
                self._rest_t = t
            if value >= cfg.enter:
                self._begin(t, value)
            return None
        # In a rep.
        if value > self._peak:
            self._peak, self._peak_t = value, t
        open_ = self._hold_last is not None and t - self._hold_last <= cfg.bridge_s + 1e-9
        if value >= cfg.target and not (open_ and self._released(value)):
            if not open_ and self._settled():
                self._hold_start, self._hold_sum, self._hold_n = t, 0.0, 0
                open_ = True
            if open_:
                self._hold_last = t
                self._hold_sum += value
                self._hold_n += 1
                self._hold_best = max(self._hold_best, self.hold_elapsed_s)
                self.state = "holding"
        if not open_:
            self.state = "moving"
        if value < cfg.exit:
            return self._end(t)
        return None

    def finish(self, t: float) -> Rep | None:
        """End of the set at ``t`` (s).

        A rep that reached ``target`` and is back below ``enter`` (a clip that ends just as
        the person comes back up) ends here as if its value had fallen below ``exit``; any
        other unfinished rep is dropped (None).

        Parameters
        ----------
        t : float
            The last frame's time, seconds (used when no valid frame was seen).

        Returns
        -------
        Rep or None
        """
        if not self.in_rep or self._last_value is None:
            return None
        if self._peak < self.cfg.target or self._last_value >= self.cfg.enter:
            return None
        return self._end(self._last_valid_t if self._last_valid_t is not None else t)

    def cancel(self) -> None:
        """Drop the rep under way, if any, uncounted and unreported (its baseline was wrong).

        The next rep starts from rest again.
        """
        if self.in_rep:
            self.state = "idle"
            self._hold_start = self._hold_last = None
            self._hold_best = 0.0

    def _settled(self) -> bool:
        return settled(self._recent, self.cfg.settle_rate)

    def _released(self, value: float) -> bool:
        mean = self._hold_sum / self._hold_n if self._hold_n else None
        return released(value, mean, self.cfg.release_drop, self.cfg.exit)

    def _begin(self, t: float, value: float) -> None:
        self.state = "moving"
        self._start = self._rest_t if not math.isnan(self._rest_t) else t
        self._peak, self._peak_t = value, t
        self._hold_start = self._hold_last = None
        self._hold_best = 0.0
        self._hold_sum, self._hold_n = 0.0, 0

    def _min_duration(self) -> float:
        """The current rep's minimum length (s): shorter when the recording cut into it."""
        cfg = self.cfg
        if cfg.early_s and self._t0 is not None and self._start - self._t0 <= cfg.early_s:
            return EARLY_MIN_FRACTION * cfg.min_rep_s
        return cfg.min_rep_s

    def _end(self, t: float, lost: bool = False) -> Rep:
        cfg = self.cfg
        duration = t - self._start
        reason = None
        if lost:
            reason = "lost_tracking"
        elif duration < self._min_duration():
            reason = "too_short"
        elif self._hold_best < cfg.end_hold_s - cfg.hold_tolerance_s - 0.5 * self._dt:
            reason = "hold_too_short"
        rep = Rep(
            start_s=self._start,
            end_s=t,
            peak_s=self._peak_t,
            peak_value=self._peak,
            hold_s=self._hold_best,
            counted=reason is None,
            reason=reason,
        )
        self.state = "idle" if lost else "ready"
        self._rest_t = t
        self._hold_start = self._hold_last = None
        self._hold_best = 0.0
        return rep
