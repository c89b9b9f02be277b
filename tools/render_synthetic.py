#!/usr/bin/env python3
"""Render synthetic exercise clips with exact ground truth (formcheck's sample videos).

A parametric body (the ``anny`` package) is posed frame by frame with scripted joint
angles (``tools/synth/motions.py``), rendered in a plain room with software OpenGL
(moderngl + EGL) from the camera the exercise needs, and written as H.264 MP4 (PyAV)
plus a JSON sidecar (schema ``formcheck.sample/1``) holding the true per-frame metrics,
the true 2D keypoints in MediaPipe's layout, the true reps / holds / circles and the
camera and body used. Deterministic from the spec (incl. its seed).

Needs the ``synth`` extra (not the app's environment)::

    pip install torch==2.13.0 && pip install anny==0.6.2 moderngl av numpy
    apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri libgbm1
    export ANNY_CACHE_DIR=/tmp/anny_cache   # ~790 MB cache, outside the repo

Usage::

    python -m tools.render_synthetic --all                     # every committed clip
    python -m tools.render_synthetic --clip squat_valgus__good # one clip of the table
    python -m tools.render_synthetic --exercise squat_valgus --variant valgus \\
        --fault knee_valgus --phenotype male_heavy --reps 3 --out /tmp/x

Axes: world metres, Z up, floor z = 0, the body faces -Y at rest, +X is the person's
left. Camera/MediaPipe axes: x right, y down, z away from the camera; pixels x right,
y down. "left"/"right" are always the person's anatomical sides.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# Run as a file (python -m tools.render_synthetic), not with -m: import tools.* from the repo.
from tools.synth.body import MP_MAPPED, Body
from tools.synth.cameras import camera_for
from tools.synth.catalogue import CLIPS, CLOTHING, PEAK_METRICS, PHENOTYPES
from tools.synth.motions import EXERCISES, Motion, Spec
from tools.synth.scene import Camera, Renderer, Room
from tools.synth.truth import clean, mediapipe_layout, place, true_3d_metrics

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "formcheck/data/samples"

# ------------------------------------------------------------------------------ main


def encode(frames: list[np.ndarray], path: Path, fps: int) -> None:
    """Write RGB frames as H.264 (libx264, yuv420p, single-threaded for determinism)."""
    import av

    with av.open(str(path), "w", options={"movflags": "+faststart"}) as out:
        st = out.add_stream("libx264", rate=fps)
        st.width, st.height, st.pix_fmt = frames[0].shape[1], frames[0].shape[0], "yuv420p"
        st.codec_context.thread_count = 1
        st.options = {"crf": "27", "preset": "medium", "tune": "animation"}
        for img in frames:
            for pkt in st.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in st.encode():
            out.mux(pkt)


def _pose(spec: Spec, motion_fn: Callable[[Spec, Body], Motion]) -> tuple:
    """The scripted motion of ``spec`` on its body, posed and placed on the floor: (body,
    motion, vertices (N, V, 3), COCO keypoints (N, 23, 3))."""
    body = Body(PHENOTYPES[spec.phenotype])
    motion = motion_fn(spec, body)
    deltas = body.deltas(motion.ang, motion.root, motion.legs_root)
    verts, kps, _ = body.forward(deltas)
    place(motion, body, verts, kps)
    return body, motion, verts, kps


def _truth(motion: Motion, cam: Camera, kps: np.ndarray) -> tuple[np.ndarray, dict]:
    """True 2D keypoints (N, 33, 2 px) and per-frame metrics: the app's metrics on the true
    landmarks, the true 3D ones and the script's own truths."""
    from formcheck.measure.registry import compute_metrics

    n = len(motion.t)
    w33 = mediapipe_layout(kps)
    xy = cam.project(w33)
    vis = np.zeros((n, 33))
    vis[:, list(MP_MAPPED)] = 1.0
    hip_mid = 0.5 * (w33[:, 23] + w33[:, 24])
    world_cam = (w33 - hip_mid[:, None, :]) @ cam.rotation.T
    metrics = compute_metrics(np.nan_to_num(xy), vis, np.nan_to_num(world_cam))
    metrics |= true_3d_metrics(w33, motion)
    metrics |= {k: np.asarray(v, float) for k, v in motion.truth.items()}
    for key in ("trunk_twist_true_deg", "pelvis_rotation_true_deg"):
        metrics.setdefault(key, np.zeros(n))  # the script keeps them at 0
    return xy, metrics


def _peak_values(motion: Motion, spec: Spec, metrics: dict) -> None:
    """Fill each rep's ``peak`` with the :data:`PEAK_METRICS` at its peak frame."""
    s = spec.side if spec.side in ("L", "R") else "L"
    o = "R" if s == "L" else "L"
    for rep, fi in zip(motion.reps, motion.peaks, strict=False):
        for m in PEAK_METRICS.get(spec.exercise, ()):
            key = m.format(s=s, o=o)
            if key in metrics and np.isfinite(metrics[key][fi]):
                rep["peak"][key] = round(float(metrics[key][fi]), 2)


def _save_stills(frames: list[np.ndarray], motion: Motion, spec: Spec, name: str,
                 stills: Path) -> None:  # fmt: skip
    """PNG stills of the start, end, first peaks and the middle of windows and holds."""
    from PIL import Image

    n = len(frames)
    stills.mkdir(parents=True, exist_ok=True)
    picks = {"start": 0, "end": n - 1}
    picks |= {f"peak{i}": fi for i, fi in enumerate(motion.peaks[:2])}
    for win in motion.windows + motion.holds[:2]:
        picks[f"mid_{win['side']}_{win['start_s']}"] = int(
            0.5 * (win["start_s"] + win["end_s"]) * spec.fps
        )
    for label, fi in picks.items():
        Image.fromarray(frames[fi]).save(stills / f"{name}__{label}.png")


def _sidecar(spec: Spec, motion: Motion, cam: Camera, metrics: dict, xy: np.ndarray) -> dict:
    """The clip's ``formcheck.sample/1`` sidecar."""
    n = len(motion.t)
    side_name = {"L": "left", "R": "right"}.get(spec.side, spec.side)
    sidecar = {
        "schema": "formcheck.sample/1",
        "exercise": spec.exercise,
        "variant": spec.variant,
        "side": side_name,
        "view": motion.view,
        "position": motion.position,
        "fps": spec.fps,
        "n_frames": n,
        "duration_s": round(n / spec.fps, 3),
        "width": cam.width,
        "height": cam.height,
        "seed": spec.seed,
        "camera": {
            "position_m": [round(x, 3) for x in cam.position],
            "look_at_m": [round(x, 3) for x in cam.look_at],
            "fov_deg": cam.fov_deg,
            "fov_axis": "vertical",
            "description": cam.description,
        },
        "phenotype": dataclasses.asdict(PHENOTYPES[spec.phenotype]),
        "clothing": dataclasses.asdict(CLOTHING[spec.clothing]),
        "faults": list(spec.faults),
        "settings": motion.settings,
        "reps": motion.reps,
        "holds": motion.holds,
        "circles": motion.circles or {"left": 0, "right": 0},
        "circle_windows": motion.windows,
        "timed": motion.timed,
        "spec": {
            k: v for k, v in dataclasses.asdict(spec).items() if not (k == "camera" and v is None)
        },
        "generator": "tools/render_synthetic.py (anny 0.6.2 body, moderngl render)",
        "frames": {
            "t_s": [round(float(x), 4) for x in motion.t],
            "metrics": {k: clean(v) for k, v in sorted(metrics.items())},
        },
        "keypoints_px": {str(i): np.round(xy[:, i], 1).tolist() for i in MP_MAPPED},
    }
    return sidecar


def render_clip(
    name: str,
    spec: Spec,
    out_dir: Path,
    stills: Path | None = None,
    *,
    motion_fn: Callable[[Spec, Body], Motion] | None = None,
    camera_fn: Callable[..., tuple[Camera, Room]] | None = None,
) -> dict:
    """Render one clip + sidecar into ``out_dir``; returns the sidecar dict.

    ``motion_fn`` (default ``EXERCISES[spec.exercise]``) and ``camera_fn`` (default
    :func:`camera_for`) let a caller swap the motion script or the camera
    (``tools/make_training_set.py``: depth-scaled motions, moved cameras).
    """
    t0 = time.time()
    body, motion, verts, kps = _pose(spec, motion_fn or EXERCISES[spec.exercise])
    cam, room = (camera_fn or camera_for)(motion, spec)
    n = len(motion.t)
    xy, metrics = _truth(motion, cam, kps)
    _peak_values(motion, spec, metrics)

    renderer = Renderer(cam, room, body.faces, body.vertex_colors(CLOTHING[spec.clothing]))
    frames = [renderer.render(verts[i]) for i in range(n)]
    renderer.release()
    out_dir.mkdir(parents=True, exist_ok=True)
    encode(frames, out_dir / f"{name}.mp4", spec.fps)
    if stills is not None:
        _save_stills(frames, motion, spec, name, stills)

    sidecar = _sidecar(spec, motion, cam, metrics, xy)
    with open(out_dir / f"{name}.json", "w") as f:
        json.dump(sidecar, f, separators=(",", ":"))
    print(f"{name}: {n} frames, {time.time() - t0:.1f} s", flush=True)
    return sidecar


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="render every clip of the table")
    ap.add_argument("--clip", action="append", default=[], help="a clip name from the table")
    ap.add_argument("--list", action="store_true", help="list the clip table")
    ap.add_argument("--exercise", choices=sorted(EXERCISES))
    ap.add_argument("--variant", default="good")
    ap.add_argument("--side", default="both", choices=["L", "R", "both"])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--tempo", type=float, default=1.0)
    ap.add_argument("--fault", action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--phenotype", default="female_avg", choices=sorted(PHENOTYPES))
    ap.add_argument("--clothing", default="blue_grey", choices=sorted(CLOTHING))
    ap.add_argument(
        "--camera",
        default=None,
        metavar="X,Y,Z:LX,LY,LZ:FOV",
        help="camera override: position, look-at (metres, world axes, the body "
        "anchored at 0,0 on the floor) and vertical fov in degrees",
    )
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--stills", type=Path, default=None, help="also save PNG stills here")
    a = ap.parse_args(argv)
    if a.list:
        for name, spec in CLIPS.items():
            print(name, spec)
        return 0
    jobs: list[tuple[str, Spec]] = []
    if a.all:
        jobs = list(CLIPS.items())
    jobs += [(c, CLIPS[c]) for c in a.clip]
    if a.exercise:
        camera = None
        if a.camera:
            p, q, f = a.camera.split(":")
            camera = (tuple(map(float, p.split(","))), tuple(map(float, q.split(","))), float(f))
        spec = Spec(
            a.exercise,
            a.variant,
            a.side,
            a.reps,
            a.tempo,
            tuple(a.fault),
            a.seed,
            a.phenotype,
            a.clothing,
            camera=camera,
        )
        jobs.append((f"{a.exercise}__{a.variant}", spec))
    if not jobs:
        ap.error("nothing to render: --all, --clip NAME or --exercise ...")
    for name, spec in jobs:
        render_clip(name, spec, a.out, a.stills)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
