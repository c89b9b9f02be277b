#!/usr/bin/env python3
"""Sanity-check rendered sample clips against MediaPipe Pose (run in the app's venv).

For each ``formcheck/data/samples/*.mp4`` (or the paths given) this runs the MediaPipe Pose
Landmarker (Tasks API, VIDEO mode) on every frame and compares MediaPipe's metrics,
computed with :func:`formcheck.measure.registry.compute_metrics`, with the sidecar's truth:
detection rate, and the mean absolute error of the metrics that matter for the view
(knee flexion from the side, knee drop / FPPA from the front, ...).

    python -m tools.synth.check_mediapipe [--model PATH] [clip.mp4 ...]

A large error here usually means a wrong mapping or sign in the renderer, not a
MediaPipe limitation: compare against the biases listed in docs/synthetic_videos.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

DEFAULT_MODEL = ROOT.parent / "shared" / "models" / "pose_landmarker_full.task"

#: Metrics compared per (position, view).
CHECKS: dict[tuple[str, str], tuple[str, ...]] = {
    ("standing", "front"): ("knee_valgus_L", "knee_valgus_R", "knee_ankle_ratio",
                            "trunk_twist", "pelvis_yaw"),
    ("standing", "side"): ("knee_flexion_L", "knee_flexion_R", "trunk_inclination",
                           "hip_flexion_L"),
    ("seated", "front"): ("knee_drop_L", "knee_drop_R", "trunk_twist", "pelvis_yaw"),
    ("supine", "front"): ("knee_drop_L", "knee_drop_R", "knee_ankle_ratio"),
    ("supine", "side"): ("hip_flexion_L", "hip_flexion_R", "knee_flexion_L",
                         "knee_flexion_R"),
    ("quadruped", "side"): ("knee_flexion_L", "hip_flexion_L", "trunk_inclination"),
}  # fmt: skip


def run_mediapipe(video: Path, model: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """MediaPipe landmarks per frame: xy pixels (N,33,2), visibility (N,33), world
    (N,33,3); NaN / 0 where no person was detected."""
    import av
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
    )
    xs, vs, ws = [], [], []
    with vision.PoseLandmarker.create_from_options(opts) as lm, av.open(str(video)) as c:
        stream = c.streams.video[0]
        fps = float(stream.average_rate)
        for i, frame in enumerate(c.decode(stream)):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            res = lm.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)),
                int(round(i * 1000 / fps)),
            )
            if res.pose_landmarks:
                p = res.pose_landmarks[0]
                xs.append([[q.x * w, q.y * h] for q in p])
                vs.append([q.visibility for q in p])
                ws.append([[q.x, q.y, q.z] for q in res.pose_world_landmarks[0]])
            else:
                xs.append(np.full((33, 2), np.nan))
                vs.append(np.zeros(33))
                ws.append(np.full((33, 3), np.nan))
    return np.array(xs, float), np.array(vs, float), np.array(ws, float)


def check(video: Path, model: Path) -> dict:
    """Detection rate and per-metric MAE (MediaPipe vs truth) for one clip."""
    from formcheck.measure.registry import compute_metrics

    side = json.loads(video.with_suffix(".json").read_text())
    xy, vis, world = run_mediapipe(video, model)
    det = np.isfinite(xy[:, 0, 0])
    est = compute_metrics(xy, vis, world)
    truth = side["frames"]["metrics"]
    report = {"clip": video.stem, "frames": len(det), "detected": float(det.mean())}
    # Left/right swaps: MediaPipe's left hip, knee and ankle together nearer the true
    # right ones than the left ones.
    kp = side["keypoints_px"]
    n = min(len(kp["23"]), len(xy))
    same = np.zeros(n)
    swapped = np.zeros(n)
    for li, ri in ((23, 24), (25, 26), (27, 28)):
        tl, tr = np.array(kp[str(li)])[:n], np.array(kp[str(ri)])[:n]
        same += np.linalg.norm(xy[:n, li] - tl, axis=1) + np.linalg.norm(xy[:n, ri] - tr, axis=1)
        swapped += np.linalg.norm(xy[:n, li] - tr, axis=1) + np.linalg.norm(xy[:n, ri] - tl, axis=1)
    swap = swapped < same
    report["lr_swapped"] = float(np.mean(swap[det[:n]])) if det.any() else None
    knee_err = []
    for i, s in ((25, "25"), (26, "26")):
        t = np.array(kp[s])[:n]
        knee_err.append(np.nanmean(np.linalg.norm(xy[:n, i] - t, axis=1)))
    report["knee_px_err"] = round(float(np.nanmean(knee_err)), 1)
    for name in CHECKS.get((side["position"], side["view"]), ()):
        t = np.array([np.nan if v is None else v for v in truth.get(name, [])], float)[:n]
        e = np.asarray(est[name], float)[:n]
        ok = np.isfinite(t) & np.isfinite(e)
        if ok.any():
            report[f"mae_{name}"] = round(float(np.mean(np.abs(e[ok] - t[ok]))), 2)
            report[f"bias_{name}"] = round(float(np.mean(e[ok] - t[ok])), 2)
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    a = ap.parse_args()
    videos = a.videos or sorted((ROOT / "formcheck/data/samples").glob("*.mp4"))
    for v in videos:
        print(json.dumps(check(v, a.model)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
