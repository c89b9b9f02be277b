"""What formcheck knows about one measure: the :class:`Measure` record and its
:class:`Reanchor` rule (the records themselves are in :mod:`formcheck.measure.registry`).

A *sided* measure exists per leg: its concrete names end in ``_L``/``_R``
(:class:`~formcheck.pose.landmarks.Side`). Degrees unless the unit says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from formcheck.pose.landmarks import SIDES

#: A per-leg landmark table (``{"L": index, "R": index}``) or one landmark for both.
Where = Mapping[str, int] | int | None


@dataclass(frozen=True)
class Reanchor:
    """How a measure's baseline follows the person at rest (between reps and holds).

    While the measure's value (``abs`` of it when ``absolute``) is at most ``limit``, the
    pose-baseline keys in ``keys`` move a little toward where they are now; with ``seen``,
    only while that landmark's visibility is at least ``min_vis``.

    Attributes
    ----------
    keys : tuple of str
        Pose-baseline keys (``{s}`` = the leg).
    limit : float
        The largest value at rest, in the measure's unit.
    absolute : bool
        Compare ``abs(value)`` with ``limit``.
    seen : mapping of {"L", "R"} to int, optional
        Per-leg landmark that must be seen.
    min_vis : float
        The visibility ``seen`` needs, 0..1.
    """

    keys: tuple[str, ...]
    limit: float
    absolute: bool = False
    seen: Mapping[str, int] | None = None
    min_vis: float = 0.0

    def holds(self, value: float, vis: np.ndarray | None, side: str | None) -> bool:
        """True when the baseline may follow (NaN never does).

        Parameters
        ----------
        value : float
            The measure's value this frame, in its unit.
        vis : ndarray, shape (33,), or None
            Landmark visibility, 0..1 (None: not seen).
        side : {"L", "R"} or None
            The leg of a sided measure; None skips the ``seen`` check.

        Returns
        -------
        bool
        """
        x = abs(value) if self.absolute else value
        if not x <= self.limit:
            return False
        if self.seen is None or side is None:
            return True
        return vis is not None and vis[self.seen[side]] >= self.min_vis


@dataclass(frozen=True)
class Measure:
    """One measure (see the module docstring). ``name`` is the base name, without a leg.

    Attributes
    ----------
    name : str
        The base name, without a leg.
    fn : callable
        Computes it: ``fn(xy, vis, world, side) -> array`` (catalogue) or
        ``fn(values, baseline, pose[, side]) -> float`` (derived).
    unit : str
        ``"deg"``, ``"ratio"`` or ``"torso"`` (torso lengths).
    description : str
        Short description.
    sided : bool
        Exists per leg (names ending ``_L``/``_R``).
    best_view : str
        The camera view a catalogue measure is read in (``"front"`` or ``"side"``; ``""``
        for derived ones).
    view_free : bool
        The value does not depend on the view.
    biased_raw_in : tuple of str
        Camera contexts (``view/position``) where the raw value is biased without a
        correction.
    unusable_in : tuple of str
        Camera contexts where it is degenerate whatever is done.
    measured_from : tuple of str
        Catalogue names (``{s}`` = this leg, ``_L``/``_R`` a fixed leg) a derived value is
        as reliable as.
    short : str
        The label at the joint (``"knee 92°"``).
    word : str
        The heads-up display's name when it is an exercise's primary measure.
    drawn_at : mapping of {"L", "R"} to int, int or None
        The landmark its label is drawn at.
    shown_with : str
        The catalogue measure drawn at the joints when a derived measure is the primary
        one.
    reanchor : Reanchor or None
        How its baseline follows the person at rest.
    sides : tuple of str
        The order its per-leg names are listed in.
    """

    name: str
    fn: Callable
    unit: str = "deg"
    description: str = ""
    sided: bool = False
    best_view: str = ""
    view_free: bool = False
    biased_raw_in: tuple[str, ...] = ()
    unusable_in: tuple[str, ...] = ()
    measured_from: tuple[str, ...] = ()
    short: str = ""
    word: str = "value"
    drawn_at: Where = None
    shown_with: str = ""
    reanchor: Reanchor | None = None
    sides: tuple[str, ...] = SIDES

    @property
    def names(self) -> tuple[str, ...]:
        """Concrete names: ``name_L``, ``name_R`` for a sided measure, else ``name``.

        Returns
        -------
        tuple of str
            In the order of :attr:`sides`.
        """
        return tuple(f"{self.name}_{s}" for s in self.sides) if self.sided else (self.name,)

    def sources(self, side: str | None) -> list[str]:
        """Catalogue names this measure's value (of leg ``side``) is measured from.

        Parameters
        ----------
        side : {"L", "R"} or None
            The leg; None for an unsided measure or a template (``{side}``).

        Returns
        -------
        list of str
            Itself (with its leg) for a catalogue measure, ``measured_from`` resolved for a
            derived one; [] for a sided measure without a leg.
        """
        if self.sided and side is None:
            return []  # a template (``{side}``): no leg to name
        if self.best_view:
            return [f"{self.name}_{side}" if self.sided else self.name]
        return [m.replace("{s}", side or "") for m in self.measured_from]

    def landmark(self, side: str | None) -> int | None:
        """Landmark its label is drawn at (None: not drawn).

        Parameters
        ----------
        side : {"L", "R"} or None
            The leg (needed for a per-leg landmark table).

        Returns
        -------
        int or None
            A landmark index; None when not drawn or the leg is needed and missing.
        """
        if isinstance(self.drawn_at, int):
            return self.drawn_at
        return self.drawn_at[side] if self.drawn_at is not None and side else None

    def label(self, value: float) -> str:
        """Short on-video text for a value, e.g. ``"knee 92°"`` (ratios with 2 decimals).

        Parameters
        ----------
        value : float
            The value, in the measure's unit.

        Returns
        -------
        str
            ``short`` (or ``name``) and the value: whole degrees with ``°``, ratios with 2
            decimals.
        """
        name = self.short or self.name
        return f"{name} {value:.2f}" if self.unit == "ratio" else f"{name} {value:.0f}°"
