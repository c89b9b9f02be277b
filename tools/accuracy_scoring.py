"""One pipeline run scored against its clip's truth (accuracy benchmark).

:func:`score_clip` turns a report dict and its ``frames.csv`` rows into a
:class:`~tools.accuracy_results.ClipResult`: per-family metric error
(:func:`family_error`), counts, holds, depths, timed seconds and faults.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from tools.accuracy_events import (
    found_counts,
    hold_errors,
    peak_errors,
    true_counts,
    true_timed,
)
from tools.accuracy_faults import cue_counts, failed_rules, fault_detection
from tools.accuracy_results import ClipResult, FamilyError, correction_state
from tools.accuracy_truth import (
    FAMILIES,
    UNITLESS,
    _arr,
    align,
    relevant_families,
    target_mask,
)


def angle_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a - b`` in degrees, wrapped to [-180, 180): signed angles such as the FPPA of a
    knee bent toward the camera sit near +-180, where -179 and 179 are 2 degrees apart."""
    return (a - b + 180.0) % 360.0 - 180.0


def family_error(
    names: tuple[str, ...], sc: dict, rows: list[dict], idx: np.ndarray, at_target: np.ndarray
) -> FamilyError:
    """MAE of one family over its metrics, pooled over frames and sides (see FamilyError)."""
    errs, errs_t, per_metric = [], [], {}
    n_truth = 0
    for name in names:
        truth = _arr(sc["frames"]["metrics"].get(name, []))
        if len(truth) != len(idx):
            per_metric[name] = None
            continue
        found = np.array(
            [rows[j].get(name, math.nan) if j >= 0 else math.nan for j in idx], dtype=float
        )
        n_truth += int(np.isfinite(truth).sum())
        ok = np.isfinite(truth) & np.isfinite(found)
        diff = found - truth if name in UNITLESS else angle_diff(found, truth)
        e = diff[ok]
        errs.append(e)
        errs_t.append(diff[ok & at_target])
        per_metric[name] = float(np.mean(np.abs(e))) if e.size else None
    e = np.concatenate(errs) if errs else np.zeros(0)
    et = np.concatenate(errs_t) if errs_t else np.zeros(0)
    return FamilyError(
        mae=float(np.mean(np.abs(e))) if e.size else None,
        mae_target=float(np.mean(np.abs(et))) if et.size else None,
        bias=float(np.mean(e)) if e.size else None,
        n=int(e.size),
        n_target=int(et.size),
        coverage=(e.size / n_truth) if n_truth else None,
        per_metric=per_metric,
    )


def score_clip(clip: str, sc: dict, report: dict, rows: list[dict], seconds: float) -> ClipResult:
    """Compare one pipeline run (report dict, frames.csv rows) with the sidecar ``sc``."""
    result = report["result"]
    t = _arr(sc["frames"]["t_s"])
    if len(rows) != len(t):
        print(
            f"warning: {clip}: {len(rows)} frames decoded, the sidecar has {len(t)}: "
            "video and sidecar are out of step (re-rendered?)",
            file=sys.stderr,
        )
    idx = align(t, rows)
    at_target = target_mask(sc, t)
    metrics = {
        fam: family_error(FAMILIES[fam][0], sc, rows, idx, at_target)
        for fam in relevant_families(sc["view"])
    }
    settings = sc.get("settings") or {}
    faults = sc.get("faults") or []
    detected, false_alarms = fault_detection(faults, sc["exercise"], settings, result)
    return ClipResult(
        clip=clip,
        exercise=sc["exercise"],
        variant=sc["variant"],
        view=sc["view"],
        mode=result["mode"],
        frames=len(rows),
        frames_true=int(sc.get("n_frames") or len(sc["frames"]["t_s"])),
        detection_rate=float(report["detection_rate"]),
        metrics=metrics,
        counts_true=true_counts(sc, result["mode"]),
        counts_found=found_counts(result),
        hold_errors_s=hold_errors(sc, result),
        peak_errors=peak_errors(sc, result),
        timed_true_s=true_timed(sc) if result["mode"] == "timed" else {},
        timed_found_s={k: float(v) for k, v in (result.get("timed") or {}).items()},
        faults_injected=list(faults),
        faults_detected=detected,
        rules_failed=failed_rules(result),
        cues=cue_counts(result),
        false_alarms=false_alarms,
        seconds=round(seconds, 1),
        correction=correction_state(),
        reliable_share={fam: reliable_share(report, FAMILIES[fam][0]) for fam in metrics},
    )


def reliable_share(report: dict, names: tuple[str, ...]) -> float:
    """Share of (frame, metric) pairs with a person where the pipeline trusted the value."""
    detected = report.get("frames", 0) * report.get("detection_rate", 0.0)
    if detected <= 0:
        return 0.0
    m = report.get("metrics") or {}
    ok = sum((m.get(n) or {}).get("reliable_frames", 0) for n in names)
    return round(ok / (detected * len(names)), 3)
