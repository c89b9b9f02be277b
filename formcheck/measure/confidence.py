"""Which measured numbers can be trusted: per frame, and over a whole set.

Per frame, :class:`formcheck.measure.metrics.FrameMetrics` carries ``reliable[name]`` for every
catalogue metric (:data:`formcheck.measure.registry.METRICS`). The engine's primary metrics are
often derived (``knee_drop_planted_L``, ``twist_for_R``...): :func:`base_metrics` maps
them back to the catalogue metrics they are measured from, so a derived value is
reliable when those are. Over a set, a metric the exercise uses that was reliable in
under half of the frames with a person is listed as "not measurable from this camera
angle" (:func:`not_measurable`): the report, the CLI, the annotated video and the app
say so instead of printing a number nobody should read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from formcheck.measure.registry import METRICS, find
from formcheck.pose.landmarks import SIDE_CODES, Side, split_side

NOT_MEASURABLE = "not measurable from this camera angle"

#: A metric counts as measurable over a set when reliable in at least this share of the
#: frames with a person in view.
MIN_RELIABLE_SHARE = 0.5


def base_metrics(name: str) -> list[str]:
    """Catalogue metrics a (possibly derived) metric name is measured from; [] if none.

    The registry's ``measured_from`` (:mod:`formcheck.measure.registry`): derived values
    with none (squat depth, the hinge's depth, knee path and lift, foot placement) are 2D
    landmark positions with no view-dependent bias, and carry no flag.

    Parameters
    ----------
    name : str
        A metric name, maybe with a side suffix (``twist_for_R``).

    Returns
    -------
    list of str
        Catalogue metric names (with their side); [] for an unknown name or one with
        no sources.
    """
    m, side = find(name)
    return [] if m is None else m.sources(side)


def is_reliable(reliable: Mapping[str, bool], name: str) -> bool | None:
    """Whether ``name`` can be trusted in a frame with these flags; None when unflagged.

    Parameters
    ----------
    reliable : mapping of str to bool
        The frame's ``reliable`` flags per catalogue metric (a missing one counts False).
    name : str
        A metric name (catalogue or derived).

    Returns
    -------
    bool or None
        True when all of :func:`base_metrics` are reliable; None when it has none.
    """
    bases = base_metrics(name)
    if not bases:
        return None
    return all(reliable.get(b, False) for b in bases)


def metric_label(name: str) -> str:
    """Readable name: ``knee_drop_L`` -> ``knee drop (left)``.

    Parameters
    ----------
    name : str
        A metric name.

    Returns
    -------
    str
        Underscores as spaces, the side in brackets.
    """
    base, side = split_side(name)
    return base.replace("_", " ") + (f" ({side})" if side else "")


def not_measurable(
    used: Iterable[str],
    metrics_summary: Mapping[str, Mapping],
    detected_frames: int,
    views: Mapping[str, float] | None = None,
) -> list[dict]:
    """Entries for each used catalogue metric reliable in too few frames.

    An entry is written for each metric in ``used`` reliable in under
    :data:`MIN_RELIABLE_SHARE` of ``detected_frames``.

    Parameters
    ----------
    used : iterable of str
        Catalogue metrics the exercise uses (names not in the catalogue are skipped).
    metrics_summary : mapping of str to mapping
        The report's ``metrics`` block (``reliable_frames`` per metric).
    detected_frames : int
        Frames with a person in view.
    views : mapping of str to float, optional
        The share of frames per camera view, to name the one needed.

    Returns
    -------
    list of dict
        ``{metric, reliable_share, best_view, message}`` each (``reliable_share`` 0..1,
        rounded to 3 decimals); [] when ``detected_frames`` is 0.
    """
    if detected_frames <= 0:
        return []
    main_view = max(views.items(), key=lambda kv: kv[1])[0] if views else ""
    out = []
    for name in dict.fromkeys(used):
        m = metrics_summary.get(name)
        if name not in METRICS or m is None:
            continue
        share = float(m.get("reliable_frames", 0)) / detected_frames
        if share >= MIN_RELIABLE_SHARE:
            continue
        best = METRICS[name][1]
        why = f" (needs a {best} view)" if main_view and main_view != best else ""
        out.append(
            {
                "metric": name,
                "reliable_share": round(share, 3),
                "best_view": best,
                "message": f"{metric_label(name)}: {NOT_MEASURABLE}{why}",
            }
        )
    return out


def worked_sides(result: dict | None) -> tuple[str, ...]:
    """Leg codes ("L", "R") the person worked in a result; both when unknown or none.

    Parameters
    ----------
    result : dict or None
        An exercise result (its ``per_side`` block: a side counts as worked with a
        positive ``count``, ``circles``, ``timed_s`` or ``total_hold_s``).

    Returns
    -------
    tuple of str
        The worked sides' codes; ``("L", "R")`` when none or unknown.
    """
    per = (result or {}).get("per_side") or {}
    done = tuple(SIDE_CODES[k] for k, d in per.items() if k in SIDE_CODES and _did_work(d))
    return done or ("L", "R")


def _did_work(d: dict) -> bool:
    keys = ("count", "circles", "timed_s", "total_hold_s")
    return any((d.get(k) or 0) > 0 for k in keys)


def used_metrics(exercise, sides: Iterable[str] = ("L", "R")) -> list[str]:
    """Catalogue metrics an exercise definition reads (primary and form rules), per side.

    Parameters
    ----------
    exercise : ExerciseDef or None
        The exercise definition (``{side}``/``{other}`` templates are filled per side).
    sides : iterable of {"L", "R"}
        The legs to resolve the templates for.

    Returns
    -------
    list of str
        Catalogue metric names, first appearance order, no duplicates; [] for None.
    """
    if exercise is None:
        return []
    names = [exercise.primary_metric, *(r.metric for r in exercise.rules)]
    out: list[str] = []
    for n in names:
        for s in sides:
            for b in base_metrics(Side.fill(n, s)):
                if b not in out:
                    out.append(b)
    return out


def mark_depths(result: dict | None, exercise, unmeasurable: list[dict]) -> None:
    """Set ``per_side[side]["depth_reliable"]`` in an exercise result (in place).

    False where the primary metric of that side is in ``unmeasurable`` (then the CLI and
    the app print :data:`NOT_MEASURABLE` instead of its best / average depth). Only the
    sides the person worked (:func:`worked_sides`) are marked: a side with nothing done
    has no depth to doubt.

    Parameters
    ----------
    result : dict or None
        An exercise result, changed in place (nothing happens for None).
    exercise : ExerciseDef or None
        Its definition (nothing happens for None).
    unmeasurable : list of dict
        Entries from :func:`not_measurable`.
    """
    if not result or exercise is None:
        return
    bad = {u["metric"] for u in unmeasurable}
    worked = worked_sides(result)
    for side, d in (result.get("per_side") or {}).items():
        if not isinstance(d, dict) or SIDE_CODES.get(side, worked[0]) not in worked:
            continue
        sides = [SIDE_CODES[side]] if side in SIDE_CODES else ["L", "R"]
        names = [exercise.primary_metric.replace("{side}", s) for s in sides]
        bases = {b for n in names for b in base_metrics(n)}
        d["depth_reliable"] = not (bases & bad)
