"""One-Euro filter (Casiez et al., CHI 2012) over arrays of any shape, NaN-aware.

The filter adapts its cut-off to the signal's speed: slow movements are
smoothed hard (no jitter while holding a position), fast ones lightly (little
lag during a rep). Each array element is filtered independently. A NaN input
element gives a NaN output and resets that element, so a gap (person out of
frame, low visibility) never drags stale values into new ones.

Time is in seconds; ``min_cutoff`` and ``d_cutoff`` in Hz; ``beta`` in
1/(units of the signal). Defaults suit landmark coordinates scaled to about
0..1 (divide pixels by the image diagonal) at 15-60 fps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import PoseFrame


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray:
    tau = 1.0 / (2.0 * np.pi * np.asarray(cutoff, dtype=float))
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Stateful One-Euro filter: call it with ``(t_s, x)`` frame after frame.

    Parameters
    ----------
    min_cutoff : float
        Minimum cut-off frequency, Hz (> 0).
    beta : float
        Speed coefficient, 1/(units of the signal) (>= 0).
    d_cutoff : float
        Cut-off for the derivative, Hz (> 0).

    Examples
    --------
    >>> f = OneEuroFilter(min_cutoff=1.0, beta=0.0)
    >>> [round(float(f(t / 30, np.array(1.0))), 3) for t in range(3)]
    [1.0, 1.0, 1.0]
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 10.0, d_cutoff: float = 1.0):
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError("min_cutoff and d_cutoff must be > 0 and beta >= 0")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self._t: float | None = None
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None

    def reset(self) -> None:
        """Forget all state."""
        self._t = self._x = self._dx = None

    def __call__(self, t_s: float, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        if self._x is None or self._x.shape != x.shape or self._t is None:
            self._t, self._x, self._dx = t_s, x.copy(), np.zeros_like(x)
            return x.copy()
        dt = t_s - self._t
        if dt <= 0:
            dt = 1e-3
        self._t = t_s
        prev = self._x
        fresh = np.isnan(prev) & ~np.isnan(x)  # element coming back after a gap
        dx = (x - prev) / dt
        a_d = _alpha(self.d_cutoff, dt)
        dx_hat = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
        a = _alpha(cutoff, dt)
        out = a * x + (1.0 - a) * prev
        out = np.where(fresh, x, out)
        dx_hat = np.where(fresh | np.isnan(dx_hat), 0.0, dx_hat)
        out = np.where(np.isnan(x), np.nan, out)
        self._x, self._dx = out, dx_hat
        return out.copy()


@dataclass
class PoseSmoother:
    """Smooths a stream of :class:`PoseFrame` landmarks (image and world) with One-Euro.

    Image coordinates are filtered in units of the image diagonal so the same
    parameters work at any resolution. A frame with nobody in it resets the filter.
    Landmarks below visibility 0.5 are filtered too (their visibility is kept).

    Attributes
    ----------
    min_cutoff : float
        Minimum cut-off frequency, Hz.
    beta : float
        Speed coefficient, 1/(units of the signal): image diagonals, or metres (world).
    d_cutoff : float
        Cut-off for the derivative, Hz.
    """

    min_cutoff: float = 1.0
    beta: float = 10.0
    d_cutoff: float = 1.0

    def __post_init__(self) -> None:
        self._xy = OneEuroFilter(self.min_cutoff, self.beta, self.d_cutoff)
        self._world = OneEuroFilter(self.min_cutoff, self.beta, self.d_cutoff)

    def reset(self) -> None:
        """Forget all state (e.g. a new set starts)."""
        self._xy.reset()
        self._world.reset()

    def __call__(self, frame: PoseFrame) -> PoseFrame:
        if not frame.detected:
            self.reset()
            return frame
        scale = float(np.hypot(frame.width, frame.height)) or 1.0
        xy = self._xy(frame.t_s, np.asarray(frame.xy) / scale) * scale
        world = None if frame.world is None else self._world(frame.t_s, np.asarray(frame.world))
        return PoseFrame(
            index=frame.index,
            t_s=frame.t_s,
            width=frame.width,
            height=frame.height,
            xy=xy,
            vis=frame.vis,
            world=world,
            n_people=frame.n_people,
        )
