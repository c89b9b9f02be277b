"""The accuracy benchmark's ground truth: sample sidecars, metric families, frame alignment.

A sidecar (schema ``formcheck.sample/1``, written by ``tools/render_synthetic.py``) holds
the exact per-frame metric values of its clip and the true reps / holds / circles; this
module finds and reads them, names the metric families scored per camera view, and
matches the pipeline's result rows to the sidecar's frames.
"""

from __future__ import annotations

import fnmatch
import glob
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

SAMPLES = ROOT / "formcheck/data/samples"

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

#: Half-width (s) of the window around a true rep's peak that counts as "at the target".
PEAK_HALF_WINDOW_S = 0.25

#: Largest time difference (s) for a result frame to be matched with a sidecar frame.
ALIGN_TOL_S = 0.02

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
