"""A short plain-text summary of an exercise result (the CLI's stdout), from its
:class:`~formcheck.outputs.set_summary.SetSummary`."""

from __future__ import annotations

from formcheck.outputs.set_summary import SetSummary, SideSummary, summarize
from formcheck.pose.landmarks import Side


def _fmt(v, unit: str) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}°" if unit == "deg" else f"{v:.2f} {unit}"


def _pm(uncertainty, unit: str) -> str:
    """`` ± 11°`` for a measured depth uncertainty, else ""."""
    if uncertainty is None:
        return ""
    return f" ± {uncertainty:.0f}°" if unit == "deg" else f" ± {uncertainty:.2f} {unit}"


def _n(v: float) -> str:
    """A count as the engine wrote it: ``3``, not ``3.0``."""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _what(s: SideSummary, mode: str) -> str:
    """``3 reps`` / ``2 holds, 20.5 s held, ...`` / ``4 circles`` / ``12.3 s``."""
    if mode == "reps":
        return f"{_n(s.count)} reps"
    if mode == "hold":
        return (
            f"{_n(s.count)} holds, {s.hold_total_s or 0:.1f} s held, "
            f"longest {s.hold_longest_s or 0:.1f} s, "
            f"{s.holds_reached or 0} reached the target"
        )
    if mode == "circles":
        return f"{_n(s.count)} circles"
    return f"{s.count:.1f} s"


def _depth(s: SideSummary, unit: str) -> str:
    """``, best 62°, average 58°`` (with its ± and % of the way), or why there is none."""
    if not s.depth_measurable:
        return ", depth not measurable from this camera angle"
    depth = ""
    if s.best is not None:
        pm = _pm(s.uncertainty, unit)
        depth = f", best {_fmt(s.best, unit)}{pm}, average {_fmt(s.average, unit)}{pm}"
        if s.best_pct is not None:
            depth += f" ({s.best_pct:.0f}% of the way to the floor at best)"
    if s.untrusted:
        of = "every rep" if s.untrusted >= s.count else f"{s.untrusted} of {_n(s.count)} reps"
        depth += (f"; depth not trusted on {of} (the knee was seen too close to the "
                  "ankle at the bottom)")  # fmt: skip
    return depth


def set_lines(s: SetSummary) -> list[str]:
    """The summary lines of a :class:`SetSummary` (see :func:`summary_lines`)."""
    unit = s.unit_id
    lines = [f"{s.exercise}: {s.mode}"]
    for side in s.sides.values():
        who = Side.name(side.side) if side.side in Side.CODES else "both sides"
        lines.append(f"  {who}: {_what(side, s.mode)}{_depth(side, unit)}")
    if s.asymmetry is not None and s.asymmetry_pct is not None:
        lines.append(
            f"  left/right difference: {_fmt(abs(s.asymmetry), unit)} ({s.asymmetry_pct:.0f}%)"
        )
    if s.top_cues:
        lines.append("  most frequent cues: " + "; ".join(f"{c} (x{n})" for c, n in s.top_cues[:3]))
    if s.setup_problems:
        top = sorted(s.setup_problems.items(), key=lambda kv: -kv[1])[:2]
        lines.append("  setup: " + "; ".join(f"{p} ({t:.0f} s)" for p, t in top))
    return lines


def summary_lines(result: dict) -> list[str]:
    """Lines like ``left: 3 reps, best 62°, average 58°`` from ``ExerciseResult.to_dict()``."""
    return set_lines(summarize({"result": result}))
