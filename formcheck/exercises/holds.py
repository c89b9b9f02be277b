"""Hold timing: a timer that runs only while the position is held and form passes.

In position: the primary value reaches ``enter`` and stays until it falls below
``exit`` (hysteresis). The timer is armed only after the rest position
(value below ``exit``) has been seen, so getting into position never counts.
Gaps shorter than ``bridge_s`` (NaN, a dip out of position, a flicker of a form
fault) are bridged: their time counts. A longer form fault pauses the timer and,
past ``break_on_fault_s``, ends the hold; leaving the position (or losing
tracking) for longer than ``bridge_s`` ends it at the last good frame.

So that the timer measures the time *at* the position rather than the way in
and out, a hold opens only once the value has settled (least-squares slope over
``settle_window_s`` at most ``settle_rate`` units/s; None = no check) and the
position counts as left once the value falls ``release_drop`` below the hold's
mean (or 30% of the way from that mean to ``exit``, whichever is more).
Times in seconds; a hold's ``duration_s`` is the time the timer ran.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class HoldConfig:
    """Thresholds of one hold timer (see module docstring).

    Values are in the primary metric's unit, times in seconds.

    Attributes
    ----------
    enter : float
        In position once the value reaches this.
    exit : float
        Out of position below this (hysteresis); seen first to arm the timer.
    target_s : float
        The target hold.
    bridge_s : float
        Gaps shorter than this are bridged (their time counts).
    break_on_fault_s : float
        A form fault longer than this ends the hold.
    min_hold_s : float
        Shorter holds are not reported.
    settle_rate : float or None
        A hold opens only once the value's slope is at most this, units/s (None: no
        check).
    settle_window_s : float
        Seconds of samples the slope is fit on.
    release_drop : float or None
        The position counts as left once the value falls this far below the hold's mean
        (or 30% of the way to ``exit``, whichever is more); None: never.
    hold_tolerance_s : float
        The target counts as reached this much early.
    """

    enter: float
    exit: float
    target_s: float
    bridge_s: float = 0.3
    break_on_fault_s: float = 2.0
    min_hold_s: float = 1.0
    settle_rate: float | None = None
    settle_window_s: float = 0.5
    release_drop: float | None = None
    hold_tolerance_s: float = 0.0


def slope(samples: deque[tuple[float, float]]) -> float:
    """Least-squares slope of ``(t, value)`` samples, units per second (NaN if < 3).

    Parameters
    ----------
    samples : deque of (float, float)
        ``(t, value)``: seconds and the metric's unit.

    Returns
    -------
    float
        Units per second; NaN with fewer than 3 samples or all at one time.
    """
    n = len(samples)
    if n < 3:
        return math.nan
    mt = sum(t for t, _ in samples) / n
    mv = sum(v for _, v in samples) / n
    den = sum((t - mt) ** 2 for t, _ in samples)
    if den <= 0:
        return math.nan
    return sum((t - mt) * (v - mv) for t, v in samples) / den


def settled(recent: deque[tuple[float, float]], rate: float | None) -> bool:
    """True when the metric's recent slope (units/s) is within ``rate`` (None: always).

    Parameters
    ----------
    recent : deque of (float, float)
        ``(t, value)`` samples.
    rate : float or None
        The largest ``|slope|``, units/s; None: always settled.

    Returns
    -------
    bool
        False too when the slope is NaN (fewer than 3 samples).
    """
    if rate is None:
        return True
    sl = slope(recent)
    return not math.isnan(sl) and abs(sl) <= rate


def released(value: float, mean: float | None, drop: float | None, exit_: float) -> bool:
    """True when ``value`` fell below the hold's ``mean`` by ``drop`` (or 30% of mean-exit).

    Parameters
    ----------
    value : float
        The metric now.
    mean : float or None
        The hold's mean so far; None (no sample yet) never releases.
    drop : float or None
        The drop that releases; None never releases.
    exit_ : float
        The hold's exit threshold.

    Returns
    -------
    bool
    """
    if drop is None or mean is None:
        return False
    return value < mean - max(drop, 0.3 * (mean - exit_))


@dataclass(frozen=True)
class Hold:
    """One finished hold: timer time ``duration_s``, from ``start_s`` to ``end_s``.

    Attributes
    ----------
    start_s, end_s : float
        When it opened and its last good frame, seconds.
    duration_s : float
        The time the timer ran, seconds.
    reached_target : bool
        ``duration_s`` reached the target (less the tolerance).
    mean_value, peak_value : float
        Mean and largest value in position, the metric's unit.
    fault_s : float
        Seconds of gaps between good frames longer than ``bridge_s`` (not in
        ``duration_s``).
    """

    start_s: float
    end_s: float
    duration_s: float
    reached_target: bool
    mean_value: float
    peak_value: float
    fault_s: float


class HoldTimer:
    """Feed ``update(t_s, value, form_ok)`` per frame; returns a :class:`Hold` when one ends.

    Parameters
    ----------
    cfg : HoldConfig
        The thresholds.

    Examples
    --------
    >>> ht = HoldTimer(HoldConfig(enter=10, exit=5, target_s=1.0, min_hold_s=0.5))
    >>> out = [ht.update(i / 10, v, True) for i, v in enumerate([0] + [20] * 15 + [0] * 5)]
    >>> [round(h.duration_s, 1) for h in out if h]  # in position from 0.1 s to 1.5 s
    [1.4]
    """

    def __init__(self, cfg: HoldConfig) -> None:
        self.cfg = cfg
        self.armed = False
        self.in_position = False
        self._active = False  # a hold is open
        self._prev_t: float | None = None
        self._last_good_t = math.nan  # last frame in position with form ok
        self._last_inpos_t = math.nan  # last frame in position (any form)
        self._fault_since: float | None = None
        self._elapsed = 0.0
        self._fault_s = 0.0
        self._start = math.nan
        self._sum = 0.0
        self._n = 0
        self._peak = -math.inf
        self._target_announced = False
        self._recent: deque[tuple[float, float]] = deque()

    @property
    def active(self) -> bool:
        """True while a hold is open (its timer may be paused by a form fault)."""
        return self._active

    @property
    def running(self) -> bool:
        """True while a hold is open and its timer is not paused by a fault."""
        return self._active and self._fault_since is None

    @property
    def elapsed_s(self) -> float:
        """Timer time of the open hold in seconds (0 when none)."""
        return self._elapsed if self._active else 0.0

    def reached_target_now(self) -> bool:
        """True exactly once per hold, on the frame its timer reaches the target."""
        if self._active and not self._target_announced and self._elapsed >= self._tol_target:
            self._target_announced = True
            return True
        return False

    @property
    def _tol_target(self) -> float:
        return self.cfg.target_s - self.cfg.hold_tolerance_s - 1e-6

    def update(self, t: float, value: float, form_ok: bool = True) -> Hold | None:
        """Advance to ``t`` (s) with the primary ``value`` (NaN = not measurable).

        Parameters
        ----------
        t : float
            Frame time, seconds.
        value : float
            The primary metric; NaN = not measurable.
        form_ok : bool
            Every form rule passes this frame.

        Returns
        -------
        Hold or None
            The hold that ended on this frame (None also for one shorter than
            ``min_hold_s``).
        """
        cfg = self.cfg
        prev_t, self._prev_t = self._prev_t, t
        if not math.isnan(value):
            if value < cfg.exit:
                self.in_position = False
                self.armed = True
            elif value >= cfg.enter and self.armed:
                self.in_position = True
            self._recent.append((t, value))
        while self._recent and t - self._recent[0][0] > cfg.settle_window_s + 1e-9:
            self._recent.popleft()
        if not self._active:
            if self.in_position and not math.isnan(value) and form_ok and self._settled():
                self._open(t, value)
            return None
        # An open hold.
        valid = not math.isnan(value) and self.in_position and not self._released(value)
        if not valid:
            if t - self._last_inpos_t > cfg.bridge_s:
                return self._close(self._last_good_t)
            return None
        self._last_inpos_t = t
        self._sum += value
        self._n += 1
        self._peak = max(self._peak, value)
        if form_ok:
            gap = t - self._last_good_t
            if gap <= cfg.bridge_s + 1e-9:
                self._elapsed += gap  # bridges NaN, dips and fault flickers
            else:
                self._fault_s += gap
            self._last_good_t = t
            self._fault_since = None
            return None
        if self._fault_since is None:
            self._fault_since = t if prev_t is None else prev_t
        if t - self._fault_since > cfg.break_on_fault_s:
            return self._close(self._last_good_t)
        return None

    def _settled(self) -> bool:
        return settled(self._recent, self.cfg.settle_rate)

    def _released(self, value: float) -> bool:
        mean = self._sum / self._n if self._n else None
        return released(value, mean, self.cfg.release_drop, self.cfg.exit)

    def _open(self, t: float, value: float) -> None:
        self._active = True
        self._start = self._last_good_t = self._last_inpos_t = t
        self._elapsed = self._fault_s = 0.0
        self._fault_since = None
        self._sum, self._n, self._peak = value, 1, value
        self._target_announced = False

    def _close(self, end_t: float) -> Hold | None:
        self._active = False
        self._fault_since = None
        if self._elapsed < self.cfg.min_hold_s:
            return None
        return Hold(
            start_s=self._start,
            end_s=end_t,
            duration_s=self._elapsed,
            reached_target=self._elapsed >= self._tol_target,
            mean_value=self._sum / max(self._n, 1),
            peak_value=self._peak,
            fault_s=self._fault_s,
        )

    def finish(self, t: float) -> Hold | None:
        """Close an open hold at the end of the input (``t`` = last frame time).

        Parameters
        ----------
        t : float
            The last frame's time, seconds (the hold ends at its last good frame).

        Returns
        -------
        Hold or None
            None when no hold is open or it is shorter than ``min_hold_s``.
        """
        if not self._active:
            return None
        return self._close(self._last_good_t)
