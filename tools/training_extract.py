"""The training set's second stage: the app's pose stage over every rendered clip.

``extract`` (the app's venv: mediapipe) runs ``formcheck.pose.estimator.PoseEstimator``
in VIDEO mode, exactly as ``FrameProcessor``, on each clip and stores the raw per-frame
landmarks, the sidecar's truth and the clip's groups in ``OUT/npz/<clip>.npz``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np


def extract_clip(mp4: Path, sidecar: dict, dest: Path) -> int:
    """Run the pose stage over one clip and save raw landmarks + truth to ``dest``."""
    from formcheck.pose.estimator import PoseEstimator
    from formcheck.video import iter_frames

    xs, vs, ws, ts, det, npeople = [], [], [], [], [], []
    with PoseEstimator(mode="video") as pose:
        for fr in iter_frames(mp4):
            pf = pose.detect(fr.rgb, fr.t_s, fr.index)
            ts.append(fr.t_s)
            det.append(pf.detected)
            npeople.append(pf.n_people)
            xs.append(pf.xy if pf.detected else np.full((33, 2), np.nan))
            vs.append(pf.vis if pf.detected else np.zeros(33))
            ok = pf.detected and pf.world is not None
            ws.append(pf.world if ok else np.full((33, 3), np.nan))
            width, height = fr.rgb.shape[1], fr.rgb.shape[0]
    n = len(ts)
    truth = {}
    for k, v in sidecar["frames"]["metrics"].items():
        a = np.array([np.nan if x is None else x for x in v], float)[:n]
        truth[f"true__{k}"] = np.pad(a, (0, n - len(a)), constant_values=np.nan)
    kp = np.full((n, 33, 2), np.nan)
    for i, pts in sidecar["keypoints_px"].items():
        arr = np.asarray(pts, float)[:n]
        kp[: len(arr), int(i)] = arr
    # Frames at the target position: inside each hold, else within 0.2 s of a rep's peak.
    peaks = np.zeros(n, bool)
    fps = sidecar["fps"]
    wins = [(h["start_s"], h["end_s"]) for h in sidecar.get("holds") or []]
    if not wins:
        wins = [(r["peak_s"] - 0.2, r["peak_s"] + 0.2) for r in sidecar.get("reps") or []]
    for a, b in wins:
        peaks[max(0, int(np.ceil(a * fps))) : int(np.floor(b * fps)) + 1] = True
    meta = {k: sidecar[k] for k in ("exercise", "variant", "side", "view", "position", "fps",
                                    "faults", "camera", "phenotype", "clothing", "reps",
                                    "holds", "train")
            if k in sidecar}  # fmt: skip
    np.savez_compressed(
        dest, t_s=np.asarray(ts), detected=np.asarray(det), n_people=np.asarray(npeople),
        xy=np.asarray(xs), vis=np.asarray(vs), world=np.asarray(ws), true_kp=kp,
        hold_mask=peaks, width=width, height=height, meta=json.dumps(meta), **truth,
    )  # fmt: skip
    return n


def extract(out: Path, follow: bool, total: int) -> None:
    """Extract every rendered clip not yet in ``out/npz`` (``follow``: wait for more)."""
    clips_dir, npz_dir = out / "clips", out / "npz"
    npz_dir.mkdir(parents=True, exist_ok=True)
    idle = 0.0
    while True:
        todo = [p for p in sorted(clips_dir.glob("*.json"))
                if not (npz_dir / f"{p.stem}.npz").exists()]  # fmt: skip
        for js in todo:
            t0 = time.time()
            with open(js) as f:
                sc = json.load(f)
            if "train" not in sc:  # render still writing the final sidecar
                continue
            n = extract_clip(js.with_suffix(".mp4"), sc, npz_dir / f"{js.stem}.npz")
            print(f"extract {js.stem}: {n} frames {time.time() - t0:.1f} s", flush=True)
        done = len(list(npz_dir.glob("*.npz")))
        if not follow or done >= total:
            return
        if not todo:
            time.sleep(10)
            idle += 10
            if idle > 900:
                return
        else:
            idle = 0.0
