"""Which knee is circling, and where it is: the input stage of the circle counter.

:class:`KneeFollower` locks onto the knee whose path moves (spread over 2 s
times the fraction of frames it is seen, so a hidden, hallucinated far knee
scores low) once it is lifted ``enter`` above its rest height, and lets go when
the knee stays down (lift under ``exit``) for ``circle_gap_s`` or stops moving.
While locked it returns that knee's point, taking the other label's point when
the knee jumps more than ``SWAP_JUMP`` in a frame to where the other label is
(side views swap left and right now and then). Positions in torso lengths.
"""

from __future__ import annotations

import math

from formcheck.exercises.circles import MovingSide
from formcheck.exercises.model import ExerciseDef
from formcheck.pose.landmarks import Side

#: A knee moving this far in one frame (torso lengths) is a left/right label swap.
SWAP_JUMP = 0.08
#: When circling is recognised, the knee path of this many seconds before is included.
LOOKBACK_S = 0.5

Point = tuple[float, float]


class KneeFollower:
    """Feed per frame the knee points and lifts of both legs (see module docstring).

    Parameters
    ----------
    d : ExerciseDef
        The exercise (``enter``, ``exit``, ``min_radius``, ``circle_gap_s``).
    fixed : {"L", "R"}, optional
        Follow only that knee; None: the one that moves.

    Attributes
    ----------
    side : {"L", "R"} or None
        The knee being circled.
    started : bool
        True on the frame the lock was taken.
    """

    def __init__(self, d: ExerciseDef, fixed: str | None = None) -> None:
        self.d = d
        self.fixed = fixed  # "L"/"R" to follow only that knee
        self.moving = MovingSide()
        self.side: str | None = None  # the knee being circled
        self.started = False  # True on the frame the lock was taken
        self._lift_seen_t = 0.0
        self._last: Point | None = None

    def update(self, t: float, paths: dict[str, Point], lift: dict[str, float]) -> Point | None:
        """The circled knee's point this frame (NaN when hidden), or None when none is.

        Parameters
        ----------
        t : float
            Frame time, seconds.
        paths : dict of {"L", "R"} to (float, float)
            Each knee's point, torso lengths; NaN when hidden.
        lift : dict of {"L", "R"} to float
            Each knee's lift above its rest height, torso lengths.

        Returns
        -------
        (float, float) or None
            The followed knee's point, torso lengths (the other label's point after a
            left/right swap); None when no knee is being circled.
        """
        d = self.d
        scores = self.moving.update(t, paths)
        self.started = False
        c = self.side
        if c is None:
            cand = self.fixed or max(scores, key=scores.__getitem__)
            if scores[cand] >= 0.5 * d.min_radius and lift[cand] >= d.enter:
                c = self.side = cand
                self._lift_seen_t = t
                self._last = None
                self.started = True
        elif lift[c] >= d.exit:
            self._lift_seen_t = t
        if c is not None and (
            t - self._lift_seen_t > d.circle_gap_s or scores[c] < 0.25 * d.min_radius
        ):
            c = self.side = None  # the knee was put down or stopped moving
        return None if c is None else self._follow(paths, c)

    def lookback(self) -> list[tuple[float, float, float]]:
        """The locked knee's points ``(t, x, y)`` just before the lock (the way up)."""
        if self.side is None:
            return []
        return self.moving.recent(self.side, LOOKBACK_S)[:-1]

    def _follow(self, paths: dict[str, Point], c: str) -> Point:
        o = Side.other(c)
        own, other = paths[c], paths[o]
        last = self._last
        if (
            last is not None
            and not any(math.isnan(q) for q in (*own, *other))
            and math.dist(own, last) > SWAP_JUMP
            and math.dist(other, last) < 0.5 * math.dist(own, last)
        ):
            own = other
        if not any(math.isnan(q) for q in own):
            self._last = own
        return own
