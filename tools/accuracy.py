"""Accuracy benchmark: run the full pipeline on the rendered sample clips and compare.

Every clip in ``formcheck/data/samples/`` (``<exercise>__<variant>.mp4``) has a JSON sidecar
(schema ``formcheck.sample/1``) with the exact per-frame metric values (computed by
:mod:`formcheck.measure.geometry` on the true keypoints), the true reps / holds / circles /
timed seconds per side, and the injected form faults. This tool runs
:func:`formcheck.session.analyze_video` on each clip (``side="auto"``, the sidecar's
``settings``) and reports:

* detection rate (share of frames with a person, 0..1);
* mean absolute error (MAE) per metric family against the truth, over the frames where
  both values are finite, for the families measured in the clip's camera view (the
  "best view" of ``formcheck.measure.geometry.METRICS``); also the MAE at the target position
  (frames inside the true holds, +-``PEAK_HALF_WINDOW_S`` around each true rep's peak,
  and the circling windows). Degrees, except ``knee_ankle_ratio`` (a ratio);
* count error per side (reps, holds or circles, by the exercise's mode), hold time error
  (s), timed-per-side error (s);
* faults: injected faults detected (the matching form rule failed or its cue fired), and
  on clean clips any form rule that failed or cued (a false alarm).

Usage::

    python tools/accuracy.py [--clips GLOB] [--json OUT] [--markdown] [--compare-correction]

``--compare-correction`` runs the benchmark twice in subprocesses, with
``FORMCHECK_CORRECTION=0`` (raw MediaPipe metrics) and ``=1`` (bias-corrected), and
prints the two MAE columns side by side.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "formcheck/data/samples"
SCHEMA = "formcheck.accuracy/1"
SIDECAR_SCHEMA = "formcheck.sample/1"

#: Metric families, each with its concrete metric names and its best camera view.
FAMILIES: dict[str, tuple[tuple[str, ...], str]] = {
    "knee_flexion": (("knee_flexion_L", "knee_flexion_R"), "side"),
    "knee_valgus": (("knee_valgus_L", "knee_valgus_R"), "front"),
    "knee_drop": (("knee_drop_L", "knee_drop_R"), "front"),
    "trunk_inclination": (("trunk_inclination",), "side"),
    "trunk_twist": (("trunk_twist",), "front"),
    "pelvis_yaw": (("pelvis_yaw",), "front"),
    "hip_flexion": (("hip_flexion_L", "hip_flexion_R"), "side"),
    "knee_ankle_ratio": (("knee_ankle_ratio",), "front"),
}
#: Families measured from MediaPipe's 3D world landmarks (the rest are image-plane 2D).
FAMILIES_3D = frozenset({"trunk_twist", "pelvis_yaw"})
#: Metrics that are not angles (no wrap-around when subtracting).
UNITLESS = frozenset({"knee_ankle_ratio"})
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

#: Half-width (s) of the window around a true rep's peak that counts as "at the target".
PEAK_HALF_WINDOW_S = 0.25
#: Largest time difference (s) for a result frame to be matched with a sidecar frame.
ALIGN_TOL_S = 0.02

#: Injected fault (sidecar ``faults``) -> ids of the form rules that should catch it.
FAULT_RULES: dict[str, tuple[str, ...]] = {
    "knee_valgus": ("valgus_left", "valgus_right", "knee_ankle_ratio"),
    "trunk_rotation": ("pelvis_forward", "trunk_forward"),
    "pelvis_rotation": ("pelvis_neutral",),
    "squat_not_hinge": ("hinge_not_squat", "hinge_at_hips"),
}

SIDE_CODES = {"left": "L", "right": "R"}


def _m(tr: dict[str, np.ndarray], name: str) -> np.ndarray:
    return tr[name]


#: Exercise -> the true value of its primary metric per frame, from the sidecar's metrics
#: ``tr`` and the working side ``s`` ("L"/"R"; "L" for both-sided exercises), mirroring
#: the engine's definition (``formcheck.measure.derived``) on the true landmarks.
PEAK_TRUTH = {
    "seated_internal_rotation": lambda tr, s: _m(tr, f"knee_drop_{s}"),
    "knee_to_knee": lambda tr, s: 0.5 * (_m(tr, "knee_drop_L") + _m(tr, "knee_drop_R")),
    "band_stretch": lambda tr, s: _m(tr, f"hip_flexion_{s}"),
    "hip_hinge_rotation": lambda tr, s: np.fmax(
        _m(tr, "trunk_inclination"), np.fmin(_m(tr, "knee_flexion_L"), _m(tr, "knee_flexion_R"))
    ),
    "standing_spine_twist": lambda tr, s: (
        (1.0 if s == "R" else -1.0) * (_m(tr, "trunk_twist") - _m(tr, "trunk_twist")[0])
    ),
}


# ------------------------------------------------------------------------ data types


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


# --------------------------------------------------------------------------- helpers


def _clean(obj: Any) -> Any:
    """Round floats to 4 decimals, NaN/inf -> None, recursively."""
    if isinstance(obj, float):
        return round(obj, 4) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def find_sidecars(pattern: str | None = None, folder: Path = SAMPLES) -> list[Path]:
    """Sidecars (``*.json`` with a matching ``.mp4``) in ``folder``, sorted by name.

    ``pattern`` is a glob on the clip name or path (``squat*``, ``*__good.mp4``, or a
    path glob such as ``/tmp/out/*.mp4``).
    """
    if pattern and ("/" in pattern):
        cands = sorted(Path(p).with_suffix(".json") for p in glob.glob(pattern))
    else:
        cands = sorted(folder.glob("*__*.json"))
        if pattern:
            cands = [p for p in cands if _matches(p, pattern)]
    return [p for p in cands if p.is_file() and p.with_suffix(".mp4").is_file()]


def _matches(sidecar: Path, pattern: str) -> bool:
    """True when the clip's stem or video file name matches the glob ``pattern``."""
    names = (sidecar.stem, sidecar.with_suffix(".mp4").name)
    return any(fnmatch.fnmatch(n, pattern) for n in names)


def load_sidecar(path: Path) -> dict:
    """Read and sanity-check a sidecar (raises ValueError on a wrong schema)."""
    with open(path, encoding="utf-8") as fh:
        sc = json.load(fh)
    if sc.get("schema") != SIDECAR_SCHEMA:
        raise ValueError(f"{path.name}: schema {sc.get('schema')!r}, expected {SIDECAR_SCHEMA}")
    return sc


def relevant_families(view: str) -> list[str]:
    """Metric families whose best view is ``view`` (front / side)."""
    return [f for f, (_, v) in FAMILIES.items() if v == view]


def _arr(values: list) -> np.ndarray:
    """JSON list (None = not measurable) -> float array with NaN."""
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def align(truth_t: np.ndarray, rows: list[dict]) -> np.ndarray:
    """For each sidecar frame time, the index of the result row shown at that time, or -1.

    Rows are matched by their timestamp ``t_s`` (nearest, within ``ALIGN_TOL_S``).
    """
    if not rows:
        return np.full(len(truth_t), -1)
    rt = np.array([r["t_s"] for r in rows], dtype=float)
    order = np.argsort(rt)
    rts = rt[order]
    pos = np.clip(np.searchsorted(rts, truth_t), 1, len(rts) - 1) if len(rts) > 1 else None
    out = np.full(len(truth_t), -1)
    for i, t in enumerate(truth_t):
        if pos is None:
            j = 0
        else:
            a, b = pos[i] - 1, pos[i]
            j = a if abs(rts[a] - t) <= abs(rts[b] - t) else b
        if abs(rts[j] - t) <= ALIGN_TOL_S:
            out[i] = order[j]
    return out


def target_mask(sc: dict, t: np.ndarray) -> np.ndarray:
    """Frames at the target position: inside a true hold, near a rep's peak, or circling."""
    m = np.zeros(len(t), dtype=bool)
    for h in sc.get("holds") or []:
        m |= (t >= h["start_s"]) & (t <= h["end_s"])
    for r in sc.get("reps") or []:
        m |= np.abs(t - r["peak_s"]) <= PEAK_HALF_WINDOW_S + 1e-9
    for w in sc.get("circle_windows") or []:
        m |= (t >= w["start_s"]) & (t <= w["end_s"])
    return m


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


# ------------------------------------------------------------- counts, holds, faults


def _side_counts(items: list[dict]) -> dict[str, int]:
    """How many items per side key (left / right / both)."""
    return dict(Counter(i["side"] for i in items))


def gated_faults(sc: dict) -> list[str]:
    """Injected faults whose form rule pauses the hold timer (``FormRule.gates``).

    The engine times a hold only while the form is right, so a hold done with such a
    fault is not a hold: none is expected (its cue is, see :func:`fault_detection`).
    """
    if not sc.get("faults"):
        return []
    from formcheck.exercises import get_exercise

    d = get_exercise(sc["exercise"]).with_settings(sc.get("settings") or {})
    gating = {r.id for r in d.rules if r.gates}
    return [f for f in sc["faults"] if gating & set(FAULT_RULES.get(f, ()))]


def true_counts(sc: dict, mode: str) -> dict[str, int]:
    """The sidecar's count per side for the exercise mode (reps, holds or circles).

    Holds done with a fault that pauses the hold timer count as none (:func:`gated_faults`).
    """
    if mode == "reps":
        return _side_counts(sc.get("reps") or [])
    if mode == "hold":
        return {} if gated_faults(sc) else _side_counts(sc.get("holds") or [])
    if mode == "circles":
        return {k: int(v) for k, v in (sc.get("circles") or {}).items() if v}
    return {}


def found_counts(result: dict) -> dict[str, int]:
    """The engine's count per side: counted reps, holds, or circles, by its mode."""
    mode = result["mode"]
    if mode == "reps":
        return _side_counts([r for r in result["reps"] if r["counted"]])
    if mode == "hold":
        return _side_counts(result["holds"])
    if mode == "circles":
        return {k: int(v) for k, v in (result.get("circles") or {}).items() if v}
    return {}


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def hold_errors(sc: dict, result: dict) -> list[dict[str, Any]]:
    """Each true hold paired with the engine's hold (or rep end-hold) overlapping it most.

    Hold mode: the engine's holds (``duration_s``). Reps with an end hold: each counted
    or attempted rep's ``hold_s``. Returns ``{side, start_s, true_s, found_s, error_s}``
    per true hold (``found_s``/``error_s`` None when nothing overlaps); seconds.
    """
    mode = result["mode"]
    if mode == "hold":
        found = [(h["side"], h["start_s"], h["end_s"], h["duration_s"]) for h in result["holds"]]
    elif mode == "reps" and (result.get("settings") or {}).get("end_hold_s"):
        found = [(r["side"], r["start_s"], r["end_s"], r["hold_s"]) for r in result["reps"]]
    else:
        return []
    out, used = [], set()
    for h in sc.get("holds") or []:
        best, best_ov = None, 0.0
        for k, (side, s0, s1, _) in enumerate(found):
            ov = _overlap(h["start_s"], h["end_s"], s0, s1)
            if k not in used and side == h["side"] and ov > best_ov:
                best, best_ov = k, ov
        f = None if best is None else found[best][3]
        if best is not None:
            used.add(best)
        out.append(
            {
                "side": h["side"],
                "start_s": h["start_s"],
                "true_s": h["duration_s"],
                "found_s": f,
                "error_s": None if f is None else round(f - h["duration_s"], 3),
            }
        )
    return out


def peak_errors(sc: dict, result: dict) -> list[dict[str, Any]]:
    """The depth the engine reports against the truth, per true rep (or hold).

    For each true rep (hold mode: each true hold), the engine's rep/hold of the same side
    overlapping it most; ``found`` = its ``peak_value``, ``true`` = the largest true
    primary value (:data:`PEAK_TRUTH`) inside the true rep. Degrees; ``error`` = found -
    true, None when nothing matched. Empty for exercises without a true primary.
    """
    fn = PEAK_TRUTH.get(sc["exercise"])
    if fn is None:
        return []
    tr = {k: _arr(v) for k, v in sc["frames"]["metrics"].items()}
    t = _arr(sc["frames"]["t_s"])
    mode = result["mode"]
    items = result["holds"] if mode == "hold" else [r for r in result["reps"] if r["counted"]]
    truth_items = (sc.get("holds") if mode == "hold" else sc.get("reps")) or []
    out, used = [], set()
    for it in truth_items:
        series = fn(tr, SIDE_CODES.get(it["side"], "L"))
        inside = (t >= it["start_s"]) & (t <= it["end_s"]) & np.isfinite(series)
        true_peak = float(np.max(series[inside])) if inside.any() else math.nan
        best, best_ov = None, 0.0
        for k, f in enumerate(items):
            ov = _overlap(it["start_s"], it["end_s"], f["start_s"], f["end_s"])
            if k not in used and f["side"] == it["side"] and ov > best_ov:
                best, best_ov = k, ov
        found = None if best is None else items[best]["peak_value"]
        if best is not None:
            used.add(best)
        ok = found is not None and math.isfinite(true_peak)
        out.append(
            {
                "side": it["side"],
                "start_s": it["start_s"],
                "true": round(true_peak, 2) if math.isfinite(true_peak) else None,
                "found": found,
                "error": round(found - true_peak, 2) if ok else None,
            }
        )
    return out


def true_timed(sc: dict) -> dict[str, float]:
    """Sidecar timed seconds per side (``{"left": s, "right": s}``), empty if none."""
    timed = sc.get("timed") or {}
    return {k.removesuffix("_s"): float(v) for k, v in timed.items()}


def failed_rules(result: dict) -> list[str]:
    """Ids of the form rules that failed in any rep or hold of the result."""
    out: set[str] = set()
    for item in [*result.get("reps", []), *result.get("holds", [])]:
        for rid, res in (item.get("form") or {}).items():
            if res.get("pass") is False:
                out.add(rid)
    return sorted(out)


def cue_counts(result: dict) -> dict[str, int]:
    """How often each cue message fired (progress messages excluded)."""
    c = Counter(
        e["message"]
        for e in result.get("events", [])
        if e["kind"] == "cue" and not (e.get("data") or {}).get("progress")
    )
    return dict(c)


def rule_cues(exercise_id: str, settings: dict) -> dict[str, str]:
    """Rule id -> cue text of the exercise's form rules (with the settings applied)."""
    from formcheck.exercises import get_exercise

    ex = get_exercise(exercise_id).with_settings(settings or {})
    return {r.id: r.cue for r in ex.rules}


def fired_rules(exercise_id: str, settings: dict, result: dict) -> set[str]:
    """Rules that failed in a rep/hold or whose cue fired during the set."""
    cues = cue_counts(result)
    by_rule = rule_cues(exercise_id, settings)
    fired = {rid for rid, cue in by_rule.items() if cues.get(cue)}
    return fired | set(failed_rules(result))


def fault_detection(
    faults: list[str], exercise_id: str, settings: dict, result: dict
) -> tuple[dict[str, bool | None], list[str]]:
    """(per injected fault: detected? (None = no rule maps to it), false alarms).

    False alarms: rules that fired (failed or cued) without a matching injected fault.
    """
    fired = fired_rules(exercise_id, settings, result)
    detected: dict[str, bool | None] = {}
    expected: set[str] = set()
    for f in faults:
        rules = FAULT_RULES.get(f)
        if rules is None:
            detected[f] = None
            continue
        expected |= set(rules)
        detected[f] = bool(fired & set(rules))
    return detected, sorted(fired - expected)


# ------------------------------------------------------------------------- one clip


def run_pipeline(video: Path, sc: dict, out_dir: Path) -> tuple[dict, list[dict]]:
    """Analyse one clip as the app would; returns (report dict, frames.csv rows)."""
    from formcheck.outputs.report import read_frames_csv
    from formcheck.session import analyze_video

    res = analyze_video(
        video, sc["exercise"], out_dir, side="auto", settings=sc.get("settings") or {},
        write_video=False,
    )  # fmt: skip
    return res.report, read_frames_csv(res.csv_path)


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


def evaluate_clip(sidecar: Path, keep: Path | None = None) -> ClipResult:
    """Run the pipeline on the clip next to ``sidecar`` and compare with the truth.

    ``keep``: write the pipeline's report.json and frames.csv into ``keep/<clip>/``
    (default: a temporary folder, deleted afterwards).
    """
    import time

    sc = load_sidecar(sidecar)
    video = sidecar.with_suffix(".mp4")
    t0 = time.perf_counter()
    if keep is not None:
        report, rows = run_pipeline(video, sc, keep / sidecar.stem)
    else:
        with tempfile.TemporaryDirectory(prefix="fc-acc-") as tmp:
            report, rows = run_pipeline(video, sc, Path(tmp))
    return score_clip(sidecar.stem, sc, report, rows, time.perf_counter() - t0)


def rescore_clip(sidecar: Path, kept: Path) -> ClipResult:
    """Compare the outputs kept by an earlier run (``kept/<clip>/``) with the truth."""
    from formcheck.outputs.report import read_frames_csv

    sc = load_sidecar(sidecar)
    folder = kept / sidecar.stem
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    rows = read_frames_csv(folder / "frames.csv")
    return score_clip(sidecar.stem, sc, report, rows, report["processing"]["seconds"])


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


# --------------------------------------------------------------------------- tables


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


# ------------------------------------------------------------------------------ CLI


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


def run_all(
    sidecars: list[Path], keep: Path | None = None, verbose: bool = True
) -> list[ClipResult]:
    """Evaluate every clip in turn (progress lines on stderr)."""
    out = []
    for i, p in enumerate(sidecars, 1):
        if verbose:
            print(f"[{i}/{len(sidecars)}] {p.stem} ...", file=sys.stderr, flush=True)
        out.append(evaluate_clip(p, keep))
    return out


def _subprocess_run(args: argparse.Namespace, env_value: str, out: Path) -> list[ClipResult]:
    """Run this tool in a child process with ``FORMCHECK_CORRECTION=env_value``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--json", str(out)]
    if args.clips:
        cmd += ["--clips", args.clips]
    if args.keep:
        cmd += ["--keep", str(args.keep / ("raw" if env_value == "0" else "corrected"))]
    env = {**os.environ, "FORMCHECK_CORRECTION": env_value}
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return results_from_json(out)


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


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", default=None, help="glob on clip names (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument(
        "--compare-correction",
        action="store_true",
        help="run with FORMCHECK_CORRECTION=0 and =1 and compare the MAE",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep report.json/frames.csv in KEEP/<clip>/ (compare: KEEP/raw|corrected/<clip>/)",
    )
    ap.add_argument(
        "--rescore",
        type=Path,
        default=None,
        help="compare the outputs of an earlier --keep run instead of running the pipeline",
    )
    ap.add_argument(
        "--from-json", type=Path, default=None, help="print the tables of an earlier --json run"
    )
    args = ap.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        print_report(results_from_json(args.from_json), args.markdown, data.get("correction"))
        return 0
    sidecars = find_sidecars(args.clips)
    if not sidecars:
        print(f"error: no sample clips match {args.clips or '*'} in {SAMPLES}", file=sys.stderr)
        return 2
    if args.compare_correction:
        with tempfile.TemporaryDirectory(prefix="fc-acc-cmp-") as tmp:
            raw = _subprocess_run(args, "0", Path(tmp) / "raw.json")
            corr = _subprocess_run(args, "1", Path(tmp) / "corr.json")
        print("MAE raw → corrected, all frames (at the target position)\n")
        print(compare_summary_table(raw, corr, args.markdown))
        print()
        print(compare_table(raw, corr, args.markdown))
        print()
        print_report(corr, args.markdown, corr[0].correction if corr else None)
        if args.json:
            write_json(
                args.json, corr, {"raw": {"clips": [c.to_dict() for c in raw],
                                          "summary": _clean(summary_rows(raw))}}
            )  # fmt: skip
        return 0
    if argv is None:
        from formcheck.cli import silence_native_logs

        silence_native_logs()
    if args.rescore:
        missing = [p.stem for p in sidecars if not (args.rescore / p.stem).is_dir()]
        if missing:
            print(f"skipped (not in {args.rescore}): {', '.join(missing)}", file=sys.stderr)
        clips = [rescore_clip(p, args.rescore) for p in sidecars if p.stem not in missing]
    else:
        clips = run_all(sidecars, args.keep)
    print_report(clips, args.markdown)
    if args.json:
        write_json(args.json, clips)
    return 0


if __name__ == "__main__":
    sys.exit(main())
