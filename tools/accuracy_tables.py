"""The accuracy benchmark's tables, as plain text or Markdown.

Per clip: the metric errors (:func:`metric_table`) and the engine's counts, holds,
depths, timed seconds and faults (:func:`engine_table`); per family: the summary
(:func:`summary_table`); and the raw vs corrected comparison tables.
"""

from __future__ import annotations

from typing import Any

from tools.accuracy_results import ClipResult, correction_state, summary_rows
from tools.accuracy_truth import FAMILIES, FAMILIES_3D

#: Short column titles for the Markdown tables.
FAMILY_TITLES = {
    "knee_flexion": "knee flex",
    "knee_valgus": "valgus",
    "knee_drop": "knee drop",
    "trunk_inclination": "trunk incl",
    "trunk_twist": "twist (3D)",
    "pelvis_yaw": "pelvis yaw (3D)",
    "hip_flexion": "hip flex",
    "knee_ankle_ratio": "K/A ratio",
}


def _fmt(x: float | None, fam: str = "") -> str:
    if x is None:
        return "n/a"
    return f"{x:.2f}" if fam == "knee_ankle_ratio" else f"{x:.1f}"


def _side_text(d: dict[str, Any], fmt: str = "{:+d}") -> str:
    short = {"left": "L", "right": "R", "both": "both"}
    return ", ".join(f"{short.get(k, k)} {fmt.format(v)}" for k, v in sorted(d.items())) or "–"


def _counts_text(c: ClipResult) -> str:
    keys = sorted(set(c.counts_true) | set(c.counts_found))
    short = {"left": "L", "right": "R", "both": "both"}
    parts = [
        f"{short.get(k, k)} {c.counts_found.get(k, 0)}/{c.counts_true.get(k, 0)}" for k in keys
    ]
    return ", ".join(parts) or "–"


def _faults_text(c: ClipResult) -> str:
    parts = []
    for f, ok in c.faults_detected.items():
        parts.append(f"{f}: {'caught' if ok else ('no rule' if ok is None else 'MISSED')}")
    if not c.faults_injected:
        parts.append("clean: ok" if not c.false_alarms else "clean: FALSE ALARM")
    if c.false_alarms:
        parts.append("extra: " + ", ".join(c.false_alarms))
    return "; ".join(parts)


def metric_table(clips: list[ClipResult], markdown: bool) -> str:
    """Per clip: detection rate and per-family MAE "all (at target)"."""
    head = ["clip", "view", "det"] + [FAMILY_TITLES[f] for f in FAMILIES]
    rows = []
    for c in clips:
        det = f"{c.detection_rate:.2f}"
        if c.frames != c.frames_true:
            det += f" (frames {c.frames}/{c.frames_true}!)"
        cells = [c.clip, c.view, det]
        for fam in FAMILIES:
            e = c.metrics.get(fam)
            cells.append("" if e is None else f"{_fmt(e.mae, fam)} ({_fmt(e.mae_target, fam)})")
        rows.append(cells)
    return _table(head, rows, markdown)


def engine_table(clips: list[ClipResult], markdown: bool) -> str:
    """Per clip: counts found/true per side, hold and timed errors, faults."""
    head = [
        "clip",
        "mode",
        "count found/true",
        "peak err (deg)",
        "hold err (s)",
        "timed err (s)",
        "faults",
    ]
    rows = []
    for c in clips:
        holds = c.max_hold_error_s
        hold_txt = "–" if not c.hold_errors_s else (
            "unmatched" if holds is None else
            " ".join(f"{h['error_s']:+.1f}" if h["error_s"] is not None else "none"
                     for h in c.hold_errors_s)
        )  # fmt: skip
        timed_txt = _side_text(c.timed_errors_s, "{:+.1f}") if c.mode == "timed" else "–"
        peak_txt = (
            " ".join("none" if p["error"] is None else f"{p['error']:+.0f}" for p in c.peak_errors)
            or "–"
        )
        rows.append(
            [c.clip, c.mode, _counts_text(c), peak_txt, hold_txt, timed_txt, _faults_text(c)]
        )
    return _table(head, rows, markdown)


def compare_table(raw: list[ClipResult], corr: list[ClipResult], markdown: bool) -> str:
    """Per clip and family: raw MAE -> corrected MAE (and at the target)."""
    by_clip = {c.clip: c for c in corr}
    head = ["clip"] + [FAMILY_TITLES[f] for f in FAMILIES]
    rows = []
    for r in raw:
        c = by_clip.get(r.clip)
        cells = [r.clip]
        for fam in FAMILIES:
            a = r.metrics.get(fam)
            b = c.metrics.get(fam) if c else None
            if a is None:
                cells.append("")
                continue
            bm = None if b is None else b.mae
            bt = None if b is None else b.mae_target
            target = f"{_fmt(a.mae_target, fam)} → {_fmt(bt, fam)}"
            cells.append(f"{_fmt(a.mae, fam)} → {_fmt(bm, fam)} ({target})")
        rows.append(cells)
    return _table(head, rows, markdown)


def compare_summary_table(raw: list[ClipResult], corr: list[ClipResult], markdown: bool) -> str:
    """Per family: mean MAE over the clips, raw and corrected (all frames and at target)."""
    a, b = summary_rows(raw), summary_rows(corr)
    head = ["metric family", "clips", "raw MAE", "corrected MAE", "raw at target", "corr at target"]
    rows = []
    for fam, r in a.items():
        c = b.get(fam, {})
        rows.append(
            [
                fam,
                str(r["clips"]),
                _fmt(r["mae"], fam),
                _fmt(c.get("mae"), fam),
                _fmt(r["mae_target"], fam),
                _fmt(c.get("mae_target"), fam),
            ]
        )
    return _table(head, rows, markdown)


def _table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r) for r in [head, ["-" * w for w in widths], *rows])


def summary_table(clips: list[ClipResult], markdown: bool) -> str:
    """Per family: clips measured, mean MAE, mean MAE at target, worst clip MAE."""
    head = ["metric family", "kind", "clips", "mean MAE", "at target", "worst clip"]
    rows = []
    for fam, s in summary_rows(clips).items():
        kind = "3D" if fam in FAMILIES_3D else "2D"
        cells = [fam, kind, str(s["clips"]), _fmt(s["mae"], fam), _fmt(s["mae_target"], fam)]
        rows.append([*cells, _fmt(s["worst"], fam)])
    return _table(head, rows, markdown)


def print_report(clips: list[ClipResult], markdown: bool, correction: str | None = None) -> None:
    """Print the summary, metric and engine tables."""
    note = (
        "MAE per family: all frames (at the target position); degrees, K/A ratio unitless; "
        f"correction {correction or correction_state()}."
    )
    print(note + "\n")
    print(summary_table(clips, markdown))
    print()
    print(metric_table(clips, markdown))
    print()
    print(engine_table(clips, markdown))
