"""The correction fitter's input: each training clip replayed through the app's landmark stages.

Reads ``OUT/npz/<clip>.npz`` (``tools/make_training_set.py extract``), replays MediaPipe's
raw detections through ``SideStabilizer`` -> ``PoseSmoother`` as ``FrameProcessor`` does,
and computes the raw metrics, the view / position / correction context, the correction
features (of the pose and its mirror), the truth and the left/right swap counts; cached
per clip.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from formcheck.measure.correction import FEATURE_VERSION, context, features, mirror
from formcheck.measure.posture import estimate_position, estimate_view
from formcheck.measure.registry import compute_metrics
from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.sides import SideStabilizer
from formcheck.pose.smoothing import PoseSmoother

LEG_PAIRS = ((25, 26), (27, 28), (29, 30), (31, 32))

#: Version of what :func:`load_clip` computes from a clip, part of the cache key with the
#: feature set's own :data:`~formcheck.measure.correction.FEATURE_VERSION`. Bump it when
#: the replay's output changes: ``formcheck.pose.sides.SideStabilizer``,
#: ``formcheck.pose.smoothing.PoseSmoother``, ``formcheck.measure.geometry``
#: (``compute_metrics``, ``estimate_view``, ``estimate_position``),
#: ``formcheck.measure.correction.context`` / ``mirror``, or this module. (It replaces a
#: hash of those source files, which also changed on edits that change no number.)
REPLAY_VERSION = 1


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


def load(data: Path) -> list[dict]:
    """Every clip with its replayed pose, metrics, features and truth (cached per clip in
    ``data/cache``, keyed by :data:`FEATURE_VERSION`, :data:`REPLAY_VERSION` and the source
    file's mtime)."""
    import pickle

    cache = data / "cache"
    cache.mkdir(exist_ok=True)
    clips = []
    for p in sorted((data / "npz").glob("*.npz")):
        key = cache / f"{p.stem}.v{FEATURE_VERSION}.r{REPLAY_VERSION}.{int(p.stat().st_mtime)}.pkl"
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
