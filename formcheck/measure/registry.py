"""The metric registry: one :class:`Measure` record per thing formcheck measures.

A record says everything the rest of the product needs to know about a measure: the
function that computes it, its unit, the camera view it is read best in, the catalogue
measures it is measured from (its reliability), the words written on the video, the
landmark its value is drawn at, and how its baseline follows the person between reps.

Two kinds of record:

* **catalogue measures** (:data:`CATALOGUE`) are computed from one frame's landmarks,
  vectorised over frames: ``fn(xy, vis, world, side) -> array``. Each has a best view;
  :func:`formcheck.measure.metrics.reliability` flags it per frame.
* **derived measures** (:data:`DERIVED`) are computed from one frame's catalogue values,
  the set's baseline and the landmarks: ``fn(values, baseline, pose[, side]) -> float``
  (:mod:`formcheck.measure.derived`). A derived value is as reliable as the catalogue
  measures in ``measured_from``; with none it carries no flag (2D landmark positions
  with no view-dependent bias).

A *sided* measure exists per leg: its concrete names end in ``_L``/``_R``
(:class:`~formcheck.pose.landmarks.Side`). Degrees unless the unit says otherwise.
Adding a measure means adding one record here (see ``docs/architecture.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from formcheck.measure import derived as d
from formcheck.measure import geometry as g
from formcheck.measure import trunk as t
from formcheck.measure import values as val
from formcheck.pose.landmarks import ANKLE, FOOT, HIP, KNEE, SHOULDER, SIDES, PoseFrame, Side

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


def _cat(name: str, fn: Callable, unit: str, view: str, desc: str, **kw) -> Measure:
    return Measure(name, fn, unit, desc, best_view=view, **kw)


_KNEE_DROP_ANCHOR = Reanchor(("ankle_x_{s}", "ankle_y_{s}", "knee_tilt0_{s}"), 20.0,
                             absolute=True, seen=ANKLE, min_vis=0.8)  # fmt: skip
_BIASED_3D = ("front/seated", "front/lying_feet", "front/standing")

#: Catalogue measures, in the order their per-leg and whole-body names are listed.
CATALOGUE: tuple[Measure, ...] = (
    _cat("knee_flexion", lambda xy, vis, w, s: g.knee_flexion(xy, vis, s), "deg", "side",
         "180 - angle hip-knee-ankle", sided=True, short="knee", drawn_at=KNEE),
    _cat("hip_flexion", lambda xy, vis, w, s: g.hip_flexion(xy, vis, s), "deg", "side",
         "180 - angle shoulder-hip-knee", sided=True, short="hip", word="hip flexion",
         drawn_at=HIP),
    _cat("knee_valgus", lambda xy, vis, w, s: g.knee_valgus(xy, vis, s), "deg", "front",
         "FPPA, + = knee toward midline", sided=True, short="valgus", drawn_at=KNEE,
         unusable_in=("front/seated", "front/lying", "front/lying_feet")),
    _cat("knee_drop", lambda xy, vis, w, s: g.knee_drop(xy, vis, s), "deg", "front",
         "shank tilt from vertical, + = toward midline", sided=True, short="drop",
         word="knee drop", drawn_at=KNEE, shown_with="knee_drop",
         biased_raw_in=("front/seated", "front/lying_feet"), reanchor=_KNEE_DROP_ANCHOR),
    _cat("foot_turnout", lambda xy, vis, w, s: g.foot_turnout(w, vis, s), "deg", "front",
         "heel->toe from forward, + = turned out (3D)", sided=True, short="foot",
         drawn_at=FOOT),
    _cat("knee_rel_x", lambda xy, vis, w, s: g.knee_relative(xy, vis, s)[0], "torso", "side",
         "knee x relative to hip, torso lengths", sided=True, drawn_at=KNEE),
    _cat("knee_rel_y", lambda xy, vis, w, s: g.knee_relative(xy, vis, s)[1], "torso", "side",
         "knee y relative to hip, torso lengths (down +)", sided=True, drawn_at=KNEE),
    _cat("knee_ankle_ratio", lambda xy, vis, w, s: g.knee_ankle_ratio(xy, vis), "ratio",
         "front", "knee distance / ankle distance", short="K/A", drawn_at=HIP["R"],
         unusable_in=("front/seated", "front/lying")),
    _cat("trunk_inclination", lambda xy, vis, w, s: g.trunk_inclination(xy, vis), "deg",
         "side", "trunk from vertical", short="hinge", drawn_at=SHOULDER["L"]),
    _cat("trunk_twist", lambda xy, vis, w, s: g.trunk_twist(w, vis), "deg", "front",
         "shoulder line vs hip line yaw, + = to the left (3D)", short="twist",
         drawn_at=SHOULDER["L"], biased_raw_in=_BIASED_3D),
    _cat("pelvis_yaw", lambda xy, vis, w, s: g.pelvis_yaw(w, vis), "deg", "front",
         "hip line yaw vs camera, + = to the left (3D)", short="pelvis", drawn_at=HIP["R"],
         biased_raw_in=_BIASED_3D),
    _cat("pelvis_x", lambda xy, vis, w, s: g.pelvis_position(xy, vis)[0], "torso", "front",
         "hip midpoint x, torso lengths", view_free=True),
    _cat("pelvis_y", lambda xy, vis, w, s: g.pelvis_position(xy, vis)[1], "torso", "front",
         "hip midpoint y, torso lengths", view_free=True),
)  # fmt: skip


def _der(name: str, fn: Callable, desc: str = "", **kw) -> Measure:
    return Measure(name, fn, description=desc, **kw)


_DROP = {"word": "knee drop", "shown_with": "knee_drop"}
_BOTH_DROPS = ("knee_drop_L", "knee_drop_R")
_BOTH_FLEX = ("knee_flexion_L", "knee_flexion_R")
_BOTH_VALGUS = ("knee_valgus_L", "knee_valgus_R")
_TWIST = {"measured_from": ("trunk_twist",), "word": "twist", "shown_with": "trunk_twist"}
_PATH = {"unit": "torso", "sided": True}

#: Derived measures, in the order they are computed and listed.
DERIVED: tuple[Measure, ...] = (
    _der("pelvis_rotation", lambda v, b, p: val.since_start(v, b, "pelvis_yaw"),
         "pelvis yaw since the start", measured_from=("pelvis_yaw",)),
    _der("trunk_twist_rel", lambda v, b, p: val.since_start(v, b, "trunk_twist"),
         "trunk twist since the start", measured_from=("trunk_twist",)),
    _der("knee_drop_mean", d.knee_drop_mean, "mean planted-ankle knee drop of both legs",
         measured_from=_BOTH_DROPS, **_DROP),
    _der("knee_drop_diff", d.knee_drop_diff, "uneven knees: the two knees' movement since "
         "the start, compared", measured_from=_BOTH_DROPS, **_DROP),
    _der("knee_flexion_mean", lambda v, b, p: val.pair(v, "knee_flexion", val.mean2),
         measured_from=_BOTH_FLEX),
    _der("knee_flexion_min", lambda v, b, p: val.pair(v, "knee_flexion", val.anymin),
         "the straighter knee of those seen", measured_from=_BOTH_FLEX),
    _der("knee_flexion_max", lambda v, b, p: val.pair(v, "knee_flexion", val.nanmax),
         measured_from=_BOTH_FLEX),
    _der("knee_valgus_max", lambda v, b, p: val.pair(v, "knee_valgus", val.nanmax),
         measured_from=_BOTH_VALGUS),
    _der("knee_valgus_diff", lambda v, b, p: val.pair(v, "knee_valgus", val.absdiff),
         measured_from=_BOTH_VALGUS),
    _der("twist_for", t.twist_for, "spine twist since the start, + = the direction a "
         "turned-out foot on this side asks for", sided=True, sides=("R", "L"), **_TWIST),
    _der("shoulder_turn", t.shoulder_turn, "spine twist from the shoulder line's width",
         reanchor=Reanchor(("shoulder_w",), 8.0, True)),
    _der("turn_for", t.turn_for, "shoulder_turn, + = toward this side's exercise",
         sided=True, sides=("R", "L"), word="twist"),
    _der("twist_toward", t.twist_toward, "twist toward the person's own left / right",
         sided=True, **_TWIST),
    _der("knee_drop_planted", d.knee_drop_planted, "shank tilt to the planted ankle",
         sided=True, measured_from=("knee_drop_{s}",), **_DROP),
    _der("knee_drop_seated", d.knee_drop_seated, "planted-ankle drop scaled to the true "
         "seated drop", sided=True, measured_from=("knee_drop_{s}",), **_DROP),
    _der("shank_ratio", d.shank_ratio, "shank length now / at rest", unit="ratio",
         sided=True),
    _der("knee_drop_out", d.knee_drop_out, "planted-ankle drop, + = away from the midline",
         sided=True, measured_from=("knee_drop_{s}",), **_DROP),
    _der("thigh_drop", d.thigh_drop, "thigh from vertical, from its shrinking height",
         sided=True, reanchor=Reanchor(("thigh_dy_{s}",), 15.0)),
    _der("leg_bend_diff", d.leg_bend_diff, "difference of the thighs' drops"),
    _der("side_lunge_shift", lambda v, b, p: t.side_lunge_shift(v, p), "hip shift in a "
         "side lunge, 0..1", unit="ratio"),
    _der("leg_bend_diff_upright", lambda v, b, p: t.upright(v, d.leg_bend_diff(v, b, p)),
         "leg_bend_diff while the trunk is upright (a lunge)"),
    _der("side_lunge_shift_upright",
         lambda v, b, p: t.upright(v, t.side_lunge_shift(v, p)), unit="ratio"),
    _der("squat_depth", d.squat_depth, "mean thigh drop of the legs seen", word="depth",
         shown_with="knee_flexion"),
    _der("trunk_lean", lambda v, b, p: val.value(v, "trunk_inclination"), "the trunk's lean "
         "from vertical in the image, whatever the view (no view flag)"),
    _der("pelvis_tilt", lambda v, b, p: t.pelvis_tilt(p), "hip line from horizontal"),
    _der("trunk_drop", t.trunk_drop, "trunk from vertical, from its shrinking height",
         reanchor=Reanchor(("torso_dy",), 15.0)),
    _der("hinge_or_squat", t.hinge_or_squat, "how far the body goes down in a hinge rep",
         word="hinge", shown_with="trunk_inclination"),
    _der("knee_path_x", d.knee_path_x, "knee x from the hip midpoint", **_PATH),
    _der("knee_path_y", d.knee_path_y, "knee y from the hip midpoint, down +", **_PATH),
    _der("knee_lift", d.knee_lift, "knee height above its rest height", word="knee lift",
         shown_with="knee_flexion", reanchor=Reanchor(("knee_path_y_{s}",), 0.02, True),
         **_PATH),
    _der("foot_front", d.foot_front, "ankle ahead of the other ankle", **_PATH),
)  # fmt: skip

#: Every record by base name.
MEASURES: dict[str, Measure] = {m.name: m for m in (*CATALOGUE, *DERIVED)}

#: Catalogue measure name -> (unit, best view, short description), per leg first.
METRICS: dict[str, tuple[str, str, str]] = {
    **{
        f"{m.name}_{s}": (m.unit, m.best_view, m.description)
        for s in SIDES
        for m in CATALOGUE
        if m.sided
    },
    **{m.name: (m.unit, m.best_view, m.description) for m in CATALOGUE if not m.sided},
}
METRIC_NAMES: tuple[str, ...] = tuple(METRICS)


def find(name: str) -> tuple[Measure | None, str | None]:
    """The record of a concrete or templated name and its leg.

    ``knee_drop_planted_L`` -> (knee_drop_planted, "L"), ``twist_for_{side}`` ->
    (twist_for, None).

    Parameters
    ----------
    name : str
        A concrete name or one ending ``_{side}``/``_{other}``.

    Returns
    -------
    measure : Measure or None
        The record; None for names nothing measures.
    side : {"L", "R"} or None
        The leg of a concrete sided name; None otherwise.
    """
    for suffix in ("_{side}", "_{other}"):
        if name.endswith(suffix):
            m = MEASURES.get(name[: -len(suffix)])
            return (m, None) if m is not None and m.sided else (None, None)
    base, side = Side.split(name)
    m = MEASURES.get(base)
    if m is not None and m.sided == (side is not None):
        return m, side
    m = MEASURES.get(name)
    return (m, None) if m is not None and not m.sided else (None, None)


def _concrete(m: Measure, side: str) -> Callable:
    return lambda v, b, p: m.fn(v, b, p, side)


#: Derived name -> ``fn(values, baseline, pose) -> float``, in computing order.
DERIVED_METRICS: dict[str, Callable] = {
    n: (_concrete(m, n[-1]) if m.sided else m.fn) for m in DERIVED for n in m.names
}


def register(m: Measure) -> Measure:
    """Add a derived measure at run time (a plugin, a test).

    :func:`find`, :func:`with_derived`, the reliability flags and the on-video words all
    see it. The product's own measures are records in :data:`DERIVED` instead.

    Parameters
    ----------
    m : Measure
        A derived measure (no ``best_view``) with a new name; ValueError otherwise.

    Returns
    -------
    Measure
        ``m``.
    """
    if m.best_view:
        raise ValueError(f"{m.name}: catalogue measures are listed in CATALOGUE, not added")
    if m.name in MEASURES:
        raise ValueError(f"{m.name}: a measure of that name exists")
    MEASURES[m.name] = m
    DERIVED_METRICS.update({n: _concrete(m, n[-1]) if m.sided else m.fn for n in m.names})
    return m


def unregister(name: str) -> None:
    """Remove a measure :func:`register` added (nothing happens for any other name).

    Parameters
    ----------
    name : str
        The measure's base name.
    """
    m = MEASURES.get(name)
    if m is None or m in CATALOGUE or m in DERIVED:
        return
    del MEASURES[name]
    for n in m.names:
        DERIVED_METRICS.pop(n, None)


def compute_metrics(
    xy: np.ndarray, vis: np.ndarray, world: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Every catalogue measure for frames ``xy (..., 33, 2)``, ``vis (..., 33)``, ``world``.

    Parameters
    ----------
    xy : ndarray, shape (..., 33, 2)
        Image landmarks, pixels (x right, y down).
    vis : ndarray, shape (..., 33)
        Landmark visibility, 0..1.
    world : ndarray, shape (..., 33, 3), optional
        World landmarks, metres.

    Returns
    -------
    dict of str to ndarray
        ``name -> array (...)`` with the keys of :data:`METRIC_NAMES`, in each measure's
        unit. 3D measures are NaN when ``world`` is None.
    """
    xy = np.asarray(xy, dtype=float)
    vis = np.asarray(vis, dtype=float)
    if world is None:
        world = np.full((*xy.shape[:-2], 33, 3), np.nan)
    world = np.asarray(world, dtype=float)
    out: dict[str, np.ndarray] = {}
    for name in METRIC_NAMES:
        m, side = find(name)
        out[name] = np.asarray(m.fn(xy, vis, world, side), dtype=float)
    return out


def with_derived(
    values: Mapping[str, float], baseline: Mapping[str, float], pose: PoseFrame | None
) -> dict[str, float]:
    """``values`` plus every derived measure (NaN where not measurable).

    Parameters
    ----------
    values : mapping of str to float
        One frame's catalogue values (None counts as NaN).
    baseline : mapping of str to float
        The set's baseline.
    pose : PoseFrame or None
        The frame's landmarks.

    Returns
    -------
    dict of str to float
        A new dict; a derived measure that raises ValueError/TypeError or is not finite
        is NaN.
    """
    out = {k: (math.nan if x is None else float(x)) for k, x in values.items()}
    with np.errstate(invalid="ignore"):
        for name, fn in DERIVED_METRICS.items():
            try:
                val = float(fn(out, baseline, pose))
            except (ValueError, TypeError):
                val = math.nan
            out[name] = val if math.isfinite(val) else math.nan
    return out
