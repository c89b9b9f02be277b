"""The accuracy benchmark's result types and their JSON form.

:class:`ClipResult` holds everything measured on one clip, :class:`FamilyError` one
metric family's error; :func:`summary_rows` averages the families over clips, and
:func:`results_from_json` / :func:`write_json` read and write ``--json`` files
(schema ``formcheck.accuracy/1``).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tools.accuracy_truth import FAMILIES, PEAK_HALF_WINDOW_S

SCHEMA = "formcheck.accuracy/1"


@dataclass
class FamilyError:
    """MAE of one metric family: over all frames and at the target position.

    ``mae``/``mae_target`` in degrees (ratio for ``knee_ankle_ratio``), None when no
    frame had both values; ``n``/``n_target`` frames (metric samples) compared;
    ``coverage`` = share of frames with a finite truth where the pipeline also had a
    value (0..1); ``bias`` = mean signed error (measured - true).
    """

    mae: float | None
    mae_target: float | None
    bias: float | None
    n: int
    n_target: int
    coverage: float | None
    per_metric: dict[str, float | None] = field(default_factory=dict)


@dataclass
class ClipResult:
    """Everything the benchmark measured on one clip (see the module docstring).

    ``frames``/``frames_true``: frames decoded / in the sidecar (equal unless the video
    and sidecar are out of step). ``detection_rate`` 0..1. ``metrics``: per relevant
    family. ``counts_*``: per side key (left / right / both). ``hold_errors_s``: per true
    hold ``{side, start_s, true_s, found_s, error_s}`` (s). ``peak_errors``: per true
    rep/hold ``{side, start_s, true, found, error}`` (degrees). ``timed_*_s``: seconds per
    side. ``faults_detected``: per injected fault True / False / None (no rule maps to
    it). ``rules_failed``: form rules failed in any rep/hold; ``cues``: cue -> times fired;
    ``false_alarms``: rules that fired without a matching injected fault. ``seconds``:
    wall time of the pipeline run; ``correction``: on / off (see :func:`correction_state`).
    ``reliable_share``: per family, the share of frames with a person where the pipeline
    trusted the value (below one half: reported "not measurable from this camera angle").
    """

    clip: str
    exercise: str
    variant: str
    view: str
    mode: str
    frames: int
    frames_true: int
    detection_rate: float
    metrics: dict[str, FamilyError]
    counts_true: dict[str, int]
    counts_found: dict[str, int]
    hold_errors_s: list[dict[str, Any]]
    peak_errors: list[dict[str, Any]]
    timed_true_s: dict[str, float]
    timed_found_s: dict[str, float]
    faults_injected: list[str]
    faults_detected: dict[str, bool | None]
    rules_failed: list[str]
    cues: dict[str, int]
    false_alarms: list[str]
    seconds: float
    correction: str
    reliable_share: dict[str, float] = field(default_factory=dict)

    @property
    def count_errors(self) -> dict[str, int]:
        """Per side: found - true count (reps, holds or circles by the mode)."""
        keys = sorted(set(self.counts_true) | set(self.counts_found))
        return {k: self.counts_found.get(k, 0) - self.counts_true.get(k, 0) for k in keys}

    @property
    def timed_errors_s(self) -> dict[str, float]:
        """Per side: found - true timed seconds."""
        keys = sorted(set(self.timed_true_s) | set(self.timed_found_s))
        return {
            k: round(self.timed_found_s.get(k, 0.0) - self.timed_true_s.get(k, 0.0), 3)
            for k in keys
        }

    @property
    def peak_mae(self) -> float | None:
        """Mean absolute error of the reported peak (depth) per matched rep/hold, or None."""
        errs = [abs(p["error"]) for p in self.peak_errors if p["error"] is not None]
        return float(np.mean(errs)) if errs else None

    @property
    def max_hold_error_s(self) -> float | None:
        """Largest absolute hold time error (s) over the matched holds, None if none."""
        errs = [abs(h["error_s"]) for h in self.hold_errors_s if h["error_s"] is not None]
        return max(errs) if errs else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (with the derived error fields)."""
        d = asdict(self)
        d["count_errors"] = self.count_errors
        d["timed_errors_s"] = self.timed_errors_s
        d["max_hold_error_s"] = self.max_hold_error_s
        d["peak_mae"] = self.peak_mae
        return _clean(d)


def _clean(obj: Any) -> Any:
    """Round floats to 4 decimals, NaN/inf -> None, recursively."""
    if isinstance(obj, float):
        return round(obj, 4) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def correction_state() -> str:
    """``"on"``/``"off"``: whether the pipeline applies its bias corrections
    (``FORMCHECK_CORRECTION``, read by :func:`formcheck.measure.correction.enabled`), plus
    ``" (no models)"`` when none are installed."""
    try:
        from formcheck.measure import correction
    except ImportError:  # before the corrections existed
        return "n/a"
    state = "on" if correction.enabled() else "off"
    model = getattr(correction, "MODEL_FILE", None)
    if model is not None and not Path(model).is_file():
        state += " (no models)"
    return state


def summary_rows(clips: list[ClipResult]) -> dict[str, dict[str, float | None]]:
    """Per family: mean of the clips' MAE and MAE at target (clips where it applies)."""
    out: dict[str, dict[str, float | None]] = {}
    for fam in FAMILIES:
        maes = [
            c.metrics[fam].mae for c in clips if fam in c.metrics and c.metrics[fam].mae is not None
        ]
        tgts = [
            c.metrics[fam].mae_target for c in clips
            if fam in c.metrics and c.metrics[fam].mae_target is not None
        ]  # fmt: skip
        if maes:
            out[fam] = {
                "clips": len(maes),
                "mae": float(np.mean(maes)),
                "mae_target": float(np.mean(tgts)) if tgts else None,
                "worst": float(np.max(maes)),
            }
    return out


def results_from_json(path: Path) -> list[ClipResult]:
    """Read back the ``clips`` of a ``--json`` file as :class:`ClipResult` objects."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    derived = ("count_errors", "timed_errors_s", "max_hold_error_s", "peak_mae")
    for d in data["clips"]:
        d = {k: v for k, v in d.items() if k not in derived}
        d["metrics"] = {k: FamilyError(**v) for k, v in d["metrics"].items()}
        d.setdefault("frames_true", d["frames"])
        d.setdefault("peak_errors", [])
        out.append(ClipResult(**d))
    return out


def write_json(path: Path, clips: list[ClipResult], extra: dict | None = None) -> None:
    """Write the raw numbers: ``{schema, correction, clips: [...], summary}``."""
    data = {
        "schema": SCHEMA,
        "correction": correction_state(),
        "peak_half_window_s": PEAK_HALF_WINDOW_S,
        "clips": [c.to_dict() for c in clips],
        "summary": _clean(summary_rows(clips)),
        **(extra or {}),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
