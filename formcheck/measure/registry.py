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
Adding a measure means adding one record here (see ``docs/architecture.md``); the
record's fields are described in :mod:`formcheck.measure.records`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from formcheck.measure import derived as d
from formcheck.measure import geometry as g
from formcheck.measure import trunk as t
from formcheck.measure import values as val
from formcheck.measure import world as w3
from formcheck.measure.records import Measure, Reanchor
from formcheck.pose.landmarks import ANKLE, FOOT, HIP, KNEE, SHOULDER, SIDES, PoseFrame, Side


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
    _cat("foot_turnout", lambda xy, vis, w, s: w3.foot_turnout(w, vis, s), "deg", "front",
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
    _cat("trunk_twist", lambda xy, vis, w, s: w3.trunk_twist(w, vis), "deg", "front",
         "shoulder line vs hip line yaw, + = to the left (3D)", short="twist",
         drawn_at=SHOULDER["L"], biased_raw_in=_BIASED_3D),
    _cat("pelvis_yaw", lambda xy, vis, w, s: w3.pelvis_yaw(w, vis), "deg", "front",
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
