"""A short plain-text summary of an exercise result (the CLI's stdout)."""

from __future__ import annotations

SIDE_WORDS = {"left": "left", "right": "right", "both": "both sides", "L": "left", "R": "right"}


def _fmt(v, unit: str) -> str:
    if v is None:
        return "-"
    return f"{v:.0f}°" if unit == "deg" else f"{v:.2f} {unit}"


def _pm(uncertainty, unit: str) -> str:
    """`` ± 11°`` for a measured depth uncertainty, else ""."""
    if uncertainty is None:
        return ""
    return f" ± {uncertainty:.0f}°" if unit == "deg" else f" ± {uncertainty:.2f} {unit}"


def summary_lines(result: dict) -> list[str]:
    """Lines like ``left: 3 reps, best 62°, average 58°`` from ``ExerciseResult.to_dict()``."""
    mode = result.get("mode", "")
    unit = result.get("unit", "deg")
    lines = [f"{result.get('exercise')}: {mode}"]
    for side, d in (result.get("per_side") or {}).items():
        who = SIDE_WORDS.get(side, side)
        if mode == "reps":
            what = f"{d.get('count', 0)} reps"
        elif mode == "hold":
            what = (
                f"{d.get('count', 0)} holds, {d.get('total_hold_s', 0):.1f} s held, "
                f"longest {d.get('longest_hold_s', 0):.1f} s, "
                f"{d.get('holds_reached_target', 0)} reached the target"
            )
        elif mode == "circles":
            what = f"{d.get('circles', 0)} circles"
        else:
            what = f"{d.get('timed_s', 0):.1f} s"
        depth = ""
        pm = _pm(d.get("depth_uncertainty"), unit)
        if d.get("depth_reliable") is False:
            depth = ", depth not measurable from this camera angle"
        elif d.get("best_depth") is not None:
            depth = (
                f", best {_fmt(d.get('best_depth'), unit)}{pm}, "
                f"average {_fmt(d.get('average_depth'), unit)}{pm}"
            )
            if d.get("best_depth_pct") is not None:
                depth += f" ({d['best_depth_pct']:.0f}% of the way to the floor at best)"
        n_bad = d.get("unreliable_depths") or 0
        if n_bad and d.get("depth_reliable") is not False:
            of = "every rep" if n_bad >= d.get("count", 0) else f"{n_bad} of {d.get('count')} reps"
            depth += (f"; depth not trusted on {of} (the knee was seen too close to the "
                      "ankle at the bottom)")  # fmt: skip
        lines.append(f"  {who}: {what}{depth}")
    asym = result.get("asymmetry")
    if asym and asym.get("diff") is not None:
        lines.append(
            f"  left/right difference: {_fmt(abs(asym['diff']), unit)} ({asym['diff_pct']:.0f}%)"
        )
    cues = result.get("top_cues") or {}
    if cues:
        top = sorted(cues.items(), key=lambda kv: -kv[1])[:3]
        lines.append("  most frequent cues: " + "; ".join(f"{c} (x{n})" for c, n in top))
    setup = result.get("setup_problems") or {}
    if setup:
        top = sorted(setup.items(), key=lambda kv: -kv[1])[:2]
        lines.append("  setup: " + "; ".join(f"{p} ({s:.0f} s)" for p, s in top))
    return lines
