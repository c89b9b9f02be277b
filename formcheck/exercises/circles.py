"""Circle counting: full revolutions of a 2D point path around its running centre.

The centre is the middle of the path's bounding box over the last ``window_s``
seconds (with only part of the circle visible, e.g. the far knee hidden behind
the body for half of each turn, the box still spans the circle's width).
Counting starts once a full window has been seen; that first window is then
replayed around the settled centre, so no part of the first circle is lost.

The angle is unwrapped frame to frame; every 360 degrees in one direction is
one circle (turning back undoes progress). A circle is credited once
``count_at_deg`` (300) of it is done and the next needs a further 360, which
absorbs the lag of recognising the start and the stop: N circles and a bit
count N, and N - 1/6 of a circle still counts N. The angle is taken on the path
scaled by its half-widths, so a flat ellipse turns at an even rate.

Across a gap in the path (the point not visible) the sweep is predicted from
the angular speed so far and the measured angle corrects it, so a half-hidden
circle still counts once. Points closer to the centre than ``min_radius`` are
skipped, and a sweep more than 90 degrees away from the predicted one is a pass
through the centre (the knee lifted or put down), not rotation.
The path is smoothed exponentially (``smooth_s``) so landmark jitter never
spins round the centre. When the counter is told the path is inactive for more
than ``bridge_s`` the partial turn is dropped. Coordinates in torso lengths,
times in seconds, angles in degrees.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

#: A sweep further than this (deg) from the one the angular speed predicts is a
#: pass through the centre (the knee lifted or put down), not rotation: ignored.
MAX_STEP_DEG = 90.0


@dataclass(frozen=True)
class CircleConfig:
    """Parameters of one circle counter (see module docstring).

    Attributes
    ----------
    min_radius : float
        Points closer to the centre than this are skipped, torso lengths.
    window_s : float
        Seconds of path whose bounding box gives the centre.
    bridge_s : float
        Inactive for longer than this (s) drops the partial turn.
    smooth_s : float
        Time constant of the exponential smoothing of the path, seconds.
    count_at_deg : float
        Sweep that completes the first circle (then +360 each), degrees.
    """

    min_radius: float = 0.03
    window_s: float = 3.0
    bridge_s: float = 0.3
    smooth_s: float = 0.05  # time constant of the exponential smoothing of the path
    count_at_deg: float = 300.0  # sweep that completes the first circle (then +360 each)


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0


class CircleCounter:
    """Feed ``update(t_s, x, y, active)``; returns the circles completed on this frame.

    NaN ``x``/``y`` with ``active`` True is a gap in a path still being followed.

    Parameters
    ----------
    cfg : CircleConfig
        The thresholds.

    Attributes
    ----------
    count : int
        Circles completed so far.
    progress_deg : float
        Signed sweep of the current partial circle, degrees.

    Examples
    --------
    >>> cc = CircleCounter(CircleConfig(min_radius=0.05))
    >>> ts = [i / 30 for i in range(200)]
    >>> sum(cc.update(t, 0.2 * math.cos(t * 2), 0.2 * math.sin(t * 2), True) for t in ts)
    2
    """

    def __init__(self, cfg: CircleConfig) -> None:
        self.cfg = cfg
        self.count = 0
        self.progress_deg = 0.0  # signed sweep of the current partial circle
        self.reset()

    @property
    def fraction(self) -> float:
        """How far round the current circle is, 0..1."""
        return min(abs(self.progress_deg) / 360.0, 1.0)

    def seed(self, pts: list[tuple[float, float, float]]) -> None:
        """Start a path with points ``(t, x, y)`` seen just before it was recognised.

        Parameters
        ----------
        pts : list of (float, float, float)
            ``(t, x, y)``: seconds and torso lengths; points with NaN are skipped.
        """
        for t, x, y in pts:
            if not (math.isnan(x) or math.isnan(y)):
                self.update(t, x, y, True)

    def update(self, t: float, x: float, y: float, active: bool) -> int:
        """Advance one frame (see the class docstring).

        Parameters
        ----------
        t : float
            Frame time, seconds.
        x, y : float
            The point, torso lengths; NaN = not visible.
        active : bool
            The path is being followed this frame.

        Returns
        -------
        int
            Circles completed on this frame.
        """
        cfg = self.cfg
        if not active:
            if self._last_active_t is not None and t - self._last_active_t > cfg.bridge_s:
                self.reset()
            return 0
        self._last_active_t = t
        if math.isnan(x) or math.isnan(y):
            return 0
        if self._smooth is None or self._last_seen_t is None:
            self._smooth = (x, y)
        else:
            a = min(1.0, max(t - self._last_seen_t, 0.0) / (cfg.smooth_s + 1e-9))
            a = a / (1.0 + a)
            sx, sy = self._smooth
            self._smooth = (sx + a * (x - sx), sy + a * (y - sy))
        self._last_seen_t = t
        x, y = self._smooth
        self._pts.append((t, x, y))
        while self._pts and t - self._pts[0][0] > cfg.window_s:
            self._pts.popleft()
        xs = [p[1] for p in self._pts]
        ys = [p[2] for p in self._pts]
        cx, cy = 0.5 * (min(xs) + max(xs)), 0.5 * (min(ys) + max(ys))
        # half-widths: the angle is taken on the path scaled to a circle, so a flat
        # ellipse (a knee circle seen obliquely) turns at an even rate
        hx = max(0.5 * (max(xs) - min(xs)), cfg.min_radius)
        hy = max(0.5 * (max(ys) - min(ys)), cfg.min_radius)
        if not self._settled:
            # Wait for a full window so the centre is trustworthy, then replay it.
            if t - self._pts[0][0] < 0.9 * cfg.window_s:
                return 0
            self._settled = True
            return sum(self._step(pt, px - cx, py - cy, hx, hy) for pt, px, py in self._pts)
        return self._step(t, x - cx, y - cy, hx, hy)

    def _step(self, t: float, dx: float, dy: float, hx: float, hy: float) -> int:
        if math.hypot(dx, dy) < self.cfg.min_radius:
            return 0
        angle = math.degrees(math.atan2(dy / hy, dx / hx))
        if self._prev_angle is None or self._prev_t is None:
            self._prev_angle, self._prev_t = angle, t
            return 0
        dt = t - self._prev_t
        raw = angle - self._prev_angle
        predicted = self._omega * dt
        step = predicted + _wrap(raw - predicted)
        if abs(step - predicted) > MAX_STEP_DEG:
            step = 0.0  # a jump through the centre, not rotation
        elif dt > 1e-6:
            self._omega = 0.8 * self._omega + 0.2 * (step / dt)
        self._prev_angle, self._prev_t = angle, t
        self.progress_deg += step
        if abs(self.progress_deg) >= self.cfg.count_at_deg:
            self.progress_deg -= math.copysign(360.0, self.progress_deg)
            self.count += 1
            return 1
        return 0

    def reset(self) -> None:
        """Forget the path and the partial turn (the total ``count`` stays)."""
        self.progress_deg = 0.0
        self._pts: deque[tuple[float, float, float]] = deque()
        self._prev_angle: float | None = None
        self._prev_t: float | None = None
        self._omega = 0.0  # angular speed, deg/s (signed)
        self._last_active_t: float | None = None
        self._last_seen_t: float | None = None
        self._settled = False
        self._smooth: tuple[float, float] | None = None


class MovingSide:
    """Which leg's knee path is moving: spread over ``window_s`` times the visible fraction.

    ``update`` takes per side ``(x, y)`` (NaN when hidden) and returns per side the
    score in torso lengths; a leg hidden most of the time scores low even when
    the model hallucinates it moving (side views, far leg).

    Parameters
    ----------
    window_s : float
        Seconds of path scored.
    """

    def __init__(self, window_s: float = 2.0) -> None:
        self.window_s = window_s
        self._pts: dict[str, deque[tuple[float, float, float]]] = {}

    def recent(self, side: str, since_s: float) -> list[tuple[float, float, float]]:
        """The points ``(t, x, y)`` of ``side`` in the last ``since_s`` seconds.

        Parameters
        ----------
        side : str
            The side key used in :meth:`update`.
        since_s : float
            Seconds back from the side's last point.

        Returns
        -------
        list of (float, float, float)
            ``(t, x, y)``: seconds and torso lengths (NaN when hidden).
        """
        q = self._pts.get(side, deque())
        if not q:
            return []
        return [p for p in q if q[-1][0] - p[0] <= since_s]

    def update(self, t: float, paths: dict[str, tuple[float, float]]) -> dict[str, float]:
        """Add one frame's points and return the scores.

        Parameters
        ----------
        t : float
            Frame time, seconds.
        paths : dict of str to (float, float)
            Per side the knee's ``(x, y)``, torso lengths; NaN when hidden.

        Returns
        -------
        dict of str to float
            Per side the RMS spread of the seen points (torso lengths) times the share of
            frames seen; 0 with fewer than 3 seen points.
        """
        out = {}
        for side, (x, y) in paths.items():
            q = self._pts.setdefault(side, deque())
            q.append((t, x, y))
            while q and t - q[0][0] > self.window_s:
                q.popleft()
            seen = [(px, py) for _, px, py in q if not (math.isnan(px) or math.isnan(py))]
            if len(seen) < 3:
                out[side] = 0.0
                continue
            mx = sum(p[0] for p in seen) / len(seen)
            my = sum(p[1] for p in seen) / len(seen)
            var = sum((p[0] - mx) ** 2 + (p[1] - my) ** 2 for p in seen) / len(seen)
            out[side] = math.sqrt(var) * len(seen) / len(q)
        return out
