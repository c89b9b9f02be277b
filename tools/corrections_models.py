"""The correction models: ridge regression (optionally a tiny MLP on its residual), fitted
and cross-validated in groups (bodies or camera set-ups held out).
"""

from __future__ import annotations

import numpy as np

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
