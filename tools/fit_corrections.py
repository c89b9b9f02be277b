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

    /tmp/venvtest/.venv/bin/python tools/fit_corrections.py --data /tmp/fc_train \\
        --out formcheck/data/models/corrections/corrections.json --report /tmp/fc_train/report.md
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from formcheck.data import CORRECTIONS_DIR  # noqa: E402
from formcheck.measure.correction import FEATURE_VERSION, context, features, mirror  # noqa: E402
from formcheck.measure.geometry import compute_metrics, estimate_position, estimate_view  # noqa: E402
from formcheck.pose.landmarks import PoseFrame  # noqa: E402
from formcheck.pose.sides import SideStabilizer  # noqa: E402
from formcheck.pose.smoothing import PoseSmoother  # noqa: E402

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
LEG_PAIRS = ((25, 26), (27, 28), (29, 30), (31, 32))


def replay(d: dict, stabilize: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw detections -> (SideStabilizer) -> PoseSmoother, as FrameProcessor does."""
    n = len(d["t_s"])
    st = SideStabilizer(active=stabilize)
    sm = PoseSmoother()
    xy = np.full((n, 33, 2), np.nan)
    vis = np.zeros((n, 33))
    world = np.full((n, 33, 3), np.nan)
    w, h = int(d["width"]), int(d["height"])
    for i in range(n):
        if d["detected"][i]:
            pf = PoseFrame(i, float(d["t_s"][i]), w, h, d["xy"][i], d["vis"][i], d["world"][i],
                           int(d["n_people"][i]))  # fmt: skip
        else:
            pf = PoseFrame(i, float(d["t_s"][i]), w, h)
        out = sm(st(pf))
        if out.detected:
            xy[i], vis[i], world[i] = out.xy, out.vis, out.world
    return xy, vis, world


def count_swaps(xy: np.ndarray, true_kp: np.ndarray) -> np.ndarray:
    """Per frame: True when MediaPipe's legs are closer to the truth's swapped labels."""
    ident = np.zeros(len(xy))
    swap = np.zeros(len(xy))
    for li, ri in LEG_PAIRS:
        ident += np.linalg.norm(xy[:, li] - true_kp[:, li], axis=-1)
        ident += np.linalg.norm(xy[:, ri] - true_kp[:, ri], axis=-1)
        swap += np.linalg.norm(xy[:, li] - true_kp[:, ri], axis=-1)
        swap += np.linalg.norm(xy[:, ri] - true_kp[:, li], axis=-1)
    return np.isfinite(ident) & (swap < 0.7 * ident)


def _code_version() -> str:
    """Short hash of the pipeline code a cached clip depends on (stabiliser, smoother,
    metrics, features): changing any of it invalidates the cache."""
    import hashlib

    import formcheck.measure.correction
    import formcheck.measure.geometry
    import formcheck.pose.sides
    import formcheck.pose.smoothing

    mods = (formcheck.pose.sides, formcheck.pose.smoothing, formcheck.measure.geometry,
            formcheck.measure.correction)  # fmt: skip
    return hashlib.sha1(b"".join(Path(m.__file__).read_bytes() for m in mods)).hexdigest()[:8]


def load(data: Path) -> list[dict]:
    """Every clip with its replayed pose, metrics, features and truth (cached per clip in
    ``data/cache``, keyed by the feature version, the pipeline code and the source file's
    mtime)."""
    import pickle

    cache = data / "cache"
    cache.mkdir(exist_ok=True)
    code = _code_version()
    clips = []
    for p in sorted((data / "npz").glob("*.npz")):
        key = cache / f"{p.stem}.v{FEATURE_VERSION}.{code}.{int(p.stat().st_mtime)}.pkl"
        if key.exists():
            with open(key, "rb") as f:
                clips.append(pickle.load(f))
            continue
        clips.append(load_clip(p))
        with open(key, "wb") as f:
            pickle.dump(clips[-1], f)
    return clips


def load_clip(p: Path) -> dict:
    """One clip: replay, raw metrics, view/position/context, features, truth, swaps."""
    z = np.load(p, allow_pickle=False)
    d = {k: z[k] for k in z.files}
    meta = json.loads(str(d["meta"]))
    xy, vis, world = replay(d)
    raw = compute_metrics(xy, vis, world)
    mxy, mvis, mworld = mirror(xy, vis, world)
    clip = dict(
        name=p.stem, meta=meta, exercise=meta["exercise"], body=meta["train"]["body"],
        cam=int(meta["train"]["cam_preset"]), xy=xy, vis=vis, world=world, raw=raw,
        f=features(xy, vis, world), fm=features(mxy, mvis, mworld),
        view=estimate_view(xy, vis, world), position=estimate_position(xy, vis),
        ctx=np.array([context(xy[i], vis[i], world[i], v, p) for i, (v, p) in
                      enumerate(zip(estimate_view(xy, vis, world),
                                    estimate_position(xy, vis), strict=True))]),
        target=d["hold_mask"].astype(bool), detected=d["detected"].astype(bool),
        truth={k[6:]: d[k] for k in d if k.startswith("true__")}, true_kp=d["true_kp"],
    )  # fmt: skip
    clip["swaps_raw"] = int(count_swaps(replay(d, stabilize=False)[0], d["true_kp"]).sum())
    clip["swaps"] = int(count_swaps(xy, d["true_kp"]).sum())
    return clip


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


#: Training rows whose raw error exceeds this (deg) are MediaPipe failures (e.g. the
#: world skeleton turned back to front); they are left out of the fit, not the scores.
OUTLIER_DEG = 75.0


#: Per metric, the raw error above which a row counts as a MediaPipe failure (default
#: :data:`OUTLIER_DEG`); the knee/ankle ratio is unitless.
OUTLIER = {"knee_ankle_ratio": 1.0}


def ridge_fit(X: np.ndarray, y: np.ndarray, alpha: float, outlier: float = OUTLIER_DEG) -> dict:
    """Closed-form ridge on standardised features (intercept unpenalised)."""
    keep = np.abs(y) < outlier
    if keep.sum() > 50:
        X, y = X[keep], y[keep]
    mean = X.mean(0)
    scale = X.std(0)
    scale[scale < 1e-6] = 1.0
    Z = (X - mean) / scale
    ym = y.mean()
    A = Z.T @ Z + alpha * len(Z) / 100.0 * np.eye(Z.shape[1])
    coef = np.linalg.solve(A, Z.T @ (y - ym))
    return dict(mean=mean, scale=scale, coef=coef, intercept=ym)


def ridge_predict(m: dict, X: np.ndarray) -> np.ndarray:
    Z = (X - m["mean"]) / m["scale"]
    y = Z @ m["coef"] + m["intercept"]
    if "w1" in m:
        y = y + np.tanh(Z @ m["w1"] + m["b1"]) @ m["w2"]
    return y


def mlp_fit(X: np.ndarray, y: np.ndarray, alpha: float, outlier: float = OUTLIER_DEG,
            hidden: int = 12, steps: int = 300, decay: float = 3e-3,
            seed: int = 0) -> dict:  # fmt: skip
    """Ridge, then a tiny tanh MLP on its residual (full-batch Adam, weight decay)."""
    m = ridge_fit(X, y, alpha, outlier)
    keep = np.abs(y) < outlier
    X, y = X[keep], y[keep]
    Z = (X - m["mean"]) / m["scale"]
    r = y - (Z @ m["coef"] + m["intercept"])
    rs = r.std() or 1.0
    rng = np.random.default_rng(seed)
    params = [rng.normal(0, 1 / np.sqrt(Z.shape[1]), (Z.shape[1], hidden)), np.zeros(hidden),
              rng.normal(0, 0.1, hidden)]  # fmt: skip
    mom = [np.zeros_like(p) for p in params]
    vel = [np.zeros_like(p) for p in params]
    lr, b1, b2 = 0.01, 0.9, 0.999
    for t in range(1, steps + 1):
        W1, c1, w2 = params
        H = np.tanh(Z @ W1 + c1)
        e = (H @ w2 - r / rs) / len(Z)
        gw2 = H.T @ e + decay * w2
        gH = np.outer(e, w2) * (1 - H**2)
        grads = [Z.T @ gH + decay * W1, gH.sum(0), gw2]
        for i, g in enumerate(grads):
            mom[i] = b1 * mom[i] + (1 - b1) * g
            vel[i] = b2 * vel[i] + (1 - b2) * g * g
            params[i] = params[i] - lr * (mom[i] / (1 - b1**t)) / (np.sqrt(vel[i] / (1 - b2**t))
                                                                   + 1e-8)  # fmt: skip
    m["w1"], m["b1"], m["w2"] = params[0], params[1], params[2] * rs
    return m


def fit_kind(kind: str, X: np.ndarray, y: np.ndarray, alpha: float,
             outlier: float = OUTLIER_DEG) -> dict:  # fmt: skip
    fit = mlp_fit if kind == "mlp" else ridge_fit
    return fit(X, y, alpha, outlier)


def cv_predict(clips, R, cand: tuple[str, float], key: str,
               outlier: float = OUTLIER_DEG) -> np.ndarray:  # fmt: skip
    """Out-of-fold predictions, folds = groups of ``key`` ("body" or "cam")."""
    X, y, _, _, meta = R
    groups = np.array([clips[ci][key] for ci, *_ in meta])
    uniq = sorted(set(groups.tolist()))
    folds = [uniq[i::4] for i in range(4)] if key == "body" else [[u] for u in uniq]
    pred = np.full(len(y), np.nan)
    for fold in folds:
        te = np.isin(groups, fold)
        tr = ~te
        if te.sum() == 0 or tr.sum() < 50:
            continue
        m = fit_kind(cand[0], X[tr], y[tr], cand[1], outlier)
        pred[te] = ridge_predict(m, X[te])
    return pred


def mae(a: np.ndarray) -> float:
    a = np.abs(a[np.isfinite(a)])
    return float(a.mean()) if len(a) else float("nan")


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


EVAL = {
    "seated_internal_rotation": ("knee_drop_{s}", "trunk_twist", "pelvis_yaw"),
    "knee_to_knee": ("knee_drop_L", "knee_drop_R", "knee_ankle_ratio"),
    "standing_spine_twist": ("trunk_twist", "pelvis_yaw"),
    "squat_valgus": ("knee_valgus_L", "knee_valgus_R", "trunk_twist"),
    "hip_hinge_rotation": ("trunk_inclination",),
}


def evaluate(clips: list[dict], report: list[str]) -> None:
    """Raw vs out-of-fold corrected MAE per exercise/metric, per body, at the target."""
    report.append("")
    report.append(
        "| exercise | metric | frames | raw MAE | corrected MAE | raw @target | "
        "corrected @target | no-twist frames raw / corrected |"
    )
    report.append("|---|---|---|---|---|---|---|---|")
    per_body = defaultdict(lambda: [[], []])
    for ex, mets in EVAL.items():
        cl = [c for c in clips if c["exercise"] == ex]
        if not cl:
            continue
        for mt in mets:
            er, ec, tr, tc, nr, nc = [], [], [], [], [], []
            for c in cl:
                s = {"left": "L", "right": "R"}.get(c["meta"]["side"], "L")
                name = mt.format(s=s)
                t = c["truth"].get(name)
                if t is None:
                    continue
                r = c["raw"][name]
                cv = c.get("cv", {}).get(name)
                corr = np.where(np.isfinite(cv), cv, r) if cv is not None else r
                ok = np.isfinite(t) & np.isfinite(r)
                er += list((r - t)[ok])
                ec += list((corr - t)[ok])
                m = ok & c["target"]
                tr += list((r - t)[m])
                tc += list((corr - t)[m])
                if mt.startswith("trunk_twist"):
                    tw = c["truth"].get("trunk_twist_true_deg", t)
                    z = ok & (np.abs(tw) < 1.0)
                    nr += list((r - t)[z])
                    nc += list((corr - t)[z])
                pb = per_body[(ex, mt, c["body"])]
                pb[0] += list((r - t)[m])
                pb[1] += list((corr - t)[m])
            if not er:
                continue
            nt = f"{mae(np.array(nr)):.1f} / {mae(np.array(nc)):.1f}" if nr else ""
            report.append(f"| {ex} | {mt} | {len(er)} | {mae(np.array(er)):.1f} | "
                          f"{mae(np.array(ec)):.1f} | {mae(np.array(tr)):.1f} | "
                          f"{mae(np.array(tc)):.1f} | {nt} |")  # fmt: skip
    report.append("")
    report.append("Per body, at the target position (raw -> corrected MAE, deg):")
    report.append("")
    report.append("| exercise | metric | body | raw | corrected |")
    report.append("|---|---|---|---|---|")
    for (ex, mt, b), (r, c) in sorted(per_body.items()):
        if r:
            report.append(
                f"| {ex} | {mt} | {b} | {mae(np.array(r)):.1f} | {mae(np.array(c)):.1f} |"
            )


def swaps_table(clips: list[dict], report: list[str]) -> None:
    report.append("")
    report.append("| clip | view | frames | swap frames raw | with SideStabilizer |")
    report.append("|---|---|---|---|---|")
    for c in clips:
        if c["meta"]["view"] == "side":
            report.append(
                f"| {c['name']} | side | {len(c['view'])} | {c['swaps_raw']} | {c['swaps']} |"
            )


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
