"""Circle counting: full revolutions of a 2D point path around its running centre.

The centre is the mean of the path over the last ``window_s`` seconds (the mean
of any arc lies inside the circle, so the angle sweeps 360 degrees per turn).
Counting starts once a full window has been seen; that first window is then
replayed around the settled centre, so no part of the first circle is lost.
The angle is unwrapped frame to frame; every 360 degrees in one direction is
one circle (turning back undoes progress). Frames closer to the centre than
``min_radius`` are skipped (noise around a still point never counts). When the
path is inactive (knee not lifted, not measurable) for more than ``bridge_s``
the partial turn is dropped. The path is first smoothed exponentially
(``smooth_s``) so landmark jitter cannot spin round the centre.
Coordinates in torso lengths, times in seconds, angles in degrees.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class CircleConfig:
    """Parameters of one circle counter (see module docstring)."""

    min_radius: float = 0.03
    window_s: float = 3.0
    bridge_s: float = 0.3
    smooth_s: float = 0.1  # time constant of the exponential smoothing of the path


class CircleCounter:
    """Feed ``update(t_s, x, y, active)``; returns 1 on the frame a circle completes, else 0.

    Example:
        >>> cc = CircleCounter(CircleConfig(min_radius=0.05))
        >>> ts = [i / 30 for i in range(200)]
        >>> sum(cc.update(t, 0.2 * math.cos(t * 2), 0.2 * math.sin(t * 2), True) for t in ts)
        2
    """

    def __init__(self, cfg: CircleConfig) -> None:
        self.cfg = cfg
        self.count = 0
        self.progress_deg = 0.0  # signed sweep of the current partial circle
        self._pts: deque[tuple[float, float, float]] = deque()
        self._prev_angle: float | None = None
        self._last_active_t: float | None = None
        self._settled = False
        self._smooth: tuple[float, float] | None = None

    @property
    def fraction(self) -> float:
        """How far round the current circle is, 0..1."""
        return min(abs(self.progress_deg) / 360.0, 1.0)

    def update(self, t: float, x: float, y: float, active: bool) -> int:
        """Advance one frame; ``active`` False (or NaN x/y) means the path is not followed.

        Returns how many circles completed on this frame (usually 0 or 1; the
        first window's worth of path is replayed at once when the centre settles).
        """
        cfg = self.cfg
        if not active or math.isnan(x) or math.isnan(y):
            if self._last_active_t is not None and t - self._last_active_t > cfg.bridge_s:
                self._reset()
            return 0
        if self._smooth is None or self._last_active_t is None:
            self._smooth = (x, y)
        else:
            a = min(1.0, max(t - self._last_active_t, 0.0) / (cfg.smooth_s + 1e-9))
            a = a / (1.0 + a)
            self._smooth = (
                self._smooth[0] + a * (x - self._smooth[0]),
                self._smooth[1] + a * (y - self._smooth[1]),
            )
        x, y = self._smooth
        self._last_active_t = t
        self._pts.append((t, x, y))
        while self._pts and t - self._pts[0][0] > cfg.window_s:
            self._pts.popleft()
        cx = sum(p[1] for p in self._pts) / len(self._pts)
        cy = sum(p[2] for p in self._pts) / len(self._pts)
        if not self._settled:
            # Wait for a full window so the centre is trustworthy, then replay it.
            if t - self._pts[0][0] < 0.9 * cfg.window_s:
                return 0
            self._settled = True
            return sum(self._step(px - cx, py - cy) for _, px, py in self._pts)
        return self._step(x - cx, y - cy)

    def _step(self, dx: float, dy: float) -> int:
        if math.hypot(dx, dy) < self.cfg.min_radius:
            return 0
        angle = math.degrees(math.atan2(dy, dx))
        if self._prev_angle is None:
            self._prev_angle = angle
            return 0
        step = (angle - self._prev_angle + 180.0) % 360.0 - 180.0
        self._prev_angle = angle
        self.progress_deg += step
        if abs(self.progress_deg) >= 360.0:
            self.progress_deg -= math.copysign(360.0, self.progress_deg)
            self.count += 1
            return 1
        return 0

    def _reset(self) -> None:
        self.progress_deg = 0.0
        self._prev_angle = None
        self._pts.clear()
        self._last_active_t = None
        self._settled = False
        self._smooth = None
