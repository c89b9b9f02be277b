#!/usr/bin/env python3
"""Fit and validate formcheck's metric corrections on the rendered training set.

Reads ``OUT/npz/*.npz`` from ``tools/make_training_set.py``, replays the app's landmark
stages on MediaPipe's raw detections (``SideStabilizer`` -> ``PoseSmoother``), computes
the raw metrics, the pipeline's view/position estimate and the correction features
(:func:`formcheck.measure.correction.features`) per frame, and fits one ridge regression per
metric and camera context (view, position) predicting ``true - raw``.

Validation is grouped: the held-out fold never shares a body (4 folds of 2 bodies) or,
separately, a camera set-up preset (4 folds) with the training folds. A model is kept
only when it beats raw MediaPipe in both schemes. The report (Markdown, ``--report``)
gives raw vs corrected MAE over all frames and at the target position (hold / rep
peak), per metric, exercise, view and body, plus the left/right swap counts in side
views with and without :class:`formcheck.pose.sides.SideStabilizer`.

Usage::

    /tmp/venvtest/.venv/bin/python -m tools.fit_corrections --data /tmp/fc_train \\
        --out formcheck/data/models/corrections/corrections.json --report /tmp/fc_train/report.md
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from formcheck.data import CORRECTIONS_DIR
from formcheck.measure.correction import FEATURE_VERSION

# Run as a file (python -m tools.fit_corrections), not with -m: import tools.* from the repo.
from tools.corrections_models import (
    OUTLIER,
    OUTLIER_DEG,
    cv_predict,
    fit_kind,
    mae,
    ridge_predict,
)
from tools.corrections_replay import load
from tools.corrections_report import evaluate, swaps_table

#: Metrics to correct: base name -> (kind, true-value key in the sidecar metrics).
#: Kinds: "sided" (one model for both legs, the right on the mirrored pose), "odd" (signed
#: whole-body angles, fit on the pose and its mirror with the sign flipped), "even"
#: (whole-body values unchanged by mirroring, fit on both).
TARGETS = {
    "knee_drop": "sided",
    "trunk_twist": "odd",
    "pelvis_yaw": "odd",
    "knee_ankle_ratio": "even",
}
CANDIDATES = (("ridge", 1.0), ("ridge", 10.0), ("ridge", 100.0), ("ridge", 1000.0),
              ("mlp", 30.0))  # fmt: skip
MIN_CLIPS = 4


def rows(clips: list[dict], base: str, kind: str, ctx: str):
    """Training rows for one model: X, y (= true - raw), raw, true, and row metadata."""
    X, y, raw_v, true_v, meta = [], [], [], [], []
    for ci, c in enumerate(clips):
        ok_ctx = (c["ctx"] == ctx) & c["detected"]
        if kind == "sided":
            variants = [("L", c["f"], 1.0), ("R", c["fm"], 1.0)]
        else:
            variants = [("", c["f"], 1.0), ("m", c["fm"], -1.0 if kind == "odd" else 1.0)]
        for tag, F, sign in variants:
            name = f"{base}_{tag}" if kind == "sided" else base
            r = c["raw"][name] * (sign if kind == "odd" else 1.0)
            t = c["truth"].get(name)
            if t is None:
                continue
            t = t * (sign if kind == "odd" else 1.0)
            ok = ok_ctx & np.isfinite(r) & np.isfinite(t) & np.all(np.isfinite(F), axis=1)
            for i in np.flatnonzero(ok):
                X.append(F[i])
                y.append(t[i] - r[i])
                raw_v.append(r[i])
                true_v.append(t[i])
                meta.append((ci, tag, i, bool(c["target"][i])))
    if not X:
        return None
    return np.asarray(X), np.asarray(y), np.asarray(raw_v), np.asarray(true_v), meta


def fit_all(clips: list[dict], report: list[str],
            candidates: tuple = CANDIDATES) -> list[dict]:  # fmt: skip
    """Fit every (metric, view, position-set) model with enough data; validate; keep winners."""
    contexts = defaultdict(set)
    for c in clips:
        for ctx in c["ctx"]:
            contexts[ctx].add(c["name"])
    models = []
    report.append(
        "| metric | context | n clips | frames | model | raw MAE | "
        "corr MAE (body CV) | corr MAE (camera CV) | raw @target | "
        "corr @target (body CV) | kept |"
    )
    report.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for base, kind in TARGETS.items():
        for ctx, names in sorted(contexts.items()):
            if not ctx.startswith("front/") or len(names) < MIN_CLIPS:
                continue
            R = rows(clips, base, kind, ctx)
            if R is None or len(R[1]) < 200:
                continue
            X, y, raw_v, true_v, meta = R
            tgt = np.array([m[3] for m in meta])
            out_lim = OUTLIER.get(base, OUTLIER_DEG)
            best = None
            for cand in candidates:
                pb = cv_predict(clips, R, cand, "body", out_lim)
                pc = cv_predict(clips, R, cand, "cam", out_lim)
                score = mae(y - pb) + mae(y - pc)
                if best is None or score < best[0]:
                    best = (score, cand, pb, pc)
            _, (mkind, alpha), pb, pc = best
            raw_mae = mae(y)
            cb, cc = mae(y - pb), mae(y - pc)
            keep = cb < raw_mae and cc < raw_mae
            ok = np.isfinite(pb)
            report.append(
                f"| {base} | {ctx} | {len(names)} | {len(y)} | {mkind} {alpha:g} | "
                f"{raw_mae:.1f} | {cb:.1f} | {cc:.1f} | {mae(y[tgt]):.1f} | "
                f"{mae((y - pb)[tgt & ok]):.1f} | {'yes' if keep else 'no'} |")  # fmt: skip
            if not keep:
                continue
            m = fit_kind(mkind, X, y, alpha, out_lim)
            resid = y - ridge_predict(m, X)
            models.append(dict(
                metric=base, context=ctx, kind=kind,
                mean=m["mean"].round(6).tolist(), scale=m["scale"].round(6).tolist(),
                coef=m["coef"].round(6).tolist(), intercept=round(float(m["intercept"]), 6),
                max_delta=float(np.percentile(np.abs(y), 99.5) + (0.2 if base in OUTLIER else 5)),
                **({k: np.round(m[k], 5).tolist() for k in ("w1", "b1", "w2") if k in m}),
                info=dict(model=mkind, alpha=alpha, n_frames=len(y), n_clips=len(names),
                          raw_mae=round(raw_mae, 2), cv_body_mae=round(cb, 2),
                          cv_cam_mae=round(cc, 2), fit_mae=round(mae(resid), 2)),
            ))  # fmt: skip
            _store_cv(clips, base, kind, meta, pb, raw_v)
    return models


def _store_cv(clips, base, kind, meta, pred, raw_v) -> None:  # noqa: ANN001
    """Keep each row's out-of-fold corrected value on its clip (for the per-exercise table)."""
    for (ci, tag, i, _), p, r in zip(meta, pred, raw_v, strict=True):
        if kind == "sided":
            name = f"{base}_{tag}"
            val = r + p
        else:
            if tag == "m":
                continue
            name = base
            val = r + p
        clips[ci].setdefault("cv", {}).setdefault(name, np.full(len(clips[ci]["view"]), np.nan))
        clips[ci]["cv"][name][i] = val


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/fc_train"))
    ap.add_argument("--out", type=Path, default=CORRECTIONS_DIR / "corrections.json")
    ap.add_argument("--report", type=Path, default=None)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--ridge-only", action="store_true", help="no MLP candidates")
    a = ap.parse_args(argv)
    clips = load(a.data)
    report = [f"Training set: {len(clips)} clips, "
              f"{sum(len(c['view']) for c in clips)} frames", ""]  # fmt: skip
    cands = tuple(c for c in CANDIDATES if c[0] == "ridge") if a.ridge_only else CANDIDATES
    models = fit_all(clips, report, cands)
    evaluate(clips, report)
    swaps_table(clips, report)
    text = "\n".join(report)
    print(text)
    if a.report:
        a.report.write_text(text + "\n")
    if not a.no_write:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        with open(a.out, "w") as f:
            json.dump({"feature_version": FEATURE_VERSION, "models": models,
                       "source": "tools/fit_corrections.py on tools/make_training_set.py"},
                      f, separators=(",", ":"))  # fmt: skip
        print(f"wrote {len(models)} models to {a.out} ({a.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
