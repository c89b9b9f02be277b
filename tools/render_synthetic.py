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

    python tools/render_synthetic.py --all                     # every committed clip
    python tools/render_synthetic.py --clip squat_valgus__good # one clip of the table
    python tools/render_synthetic.py --exercise squat_valgus --variant valgus \\
        --fault knee_valgus --phenotype male_heavy --reps 3 --out /tmp/x

Axes: world metres, Z up, floor z = 0, the body faces -Y at rest, +X is the person's
left. Camera/MediaPipe axes: x right, y down, z away from the camera; pixels x right,
y down. "left"/"right" are always the person's anatomical sides.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from synth.body import COCO_LABELS, MP_FROM_COCO, MP_MAPPED, Body, Clothing, Phenotype  # noqa: E402
from synth.motions import EXERCISES, Motion, Spec  # noqa: E402
from synth.scene import Camera, Renderer, Room  # noqa: E402

OUT_DIR = ROOT / "formcheck/data/samples"
WIDTH, HEIGHT = 640, 480

# ------------------------------------------------------------------------------ bodies

PHENOTYPES: dict[str, Phenotype] = {
    p.label: p
    for p in (
        Phenotype("female_avg", gender=0.92, age=0.68, muscle=0.5, weight=0.45, height=0.45,
                  proportions=0.5),
        Phenotype("male_heavy", gender=0.05, age=0.84, muscle=0.45, weight=0.88, height=0.35,
                  proportions=0.4),
        Phenotype("male_tall_slim", gender=0.1, age=0.7, muscle=0.65, weight=0.3,
                  height=0.58, proportions=0.65),
        Phenotype("female_older", gender=0.95, age=0.93, muscle=0.35, weight=0.62, height=0.3,
                  proportions=0.45),
    )
}  # fmt: skip

CLOTHING: dict[str, Clothing] = {
    c.label: c
    for c in (
        Clothing("blue_grey", shirt=(0.20, 0.45, 0.75), trousers=(0.42, 0.42, 0.46),
                 shoes=(0.92, 0.92, 0.90), skin=(0.87, 0.68, 0.55), hair=(0.30, 0.18, 0.09)),
        Clothing("red_navy", shirt=(0.78, 0.22, 0.20), trousers=(0.22, 0.28, 0.48),
                 shoes=(0.85, 0.85, 0.85), skin=(0.72, 0.52, 0.38), hair=(0.12, 0.09, 0.07),
                 long_sleeves=True),
        Clothing("green_black", shirt=(0.25, 0.60, 0.40), trousers=(0.30, 0.30, 0.32),
                 shoes=(0.90, 0.55, 0.25), skin=(0.55, 0.38, 0.27), hair=(0.08, 0.06, 0.05),
                 shorts=True),
        Clothing("yellow_teal", shirt=(0.90, 0.76, 0.30), trousers=(0.18, 0.50, 0.52),
                 shoes=(0.95, 0.95, 0.95), skin=(0.93, 0.76, 0.65), hair=(0.62, 0.52, 0.40)),
        Clothing("white_maroon", shirt=(0.88, 0.88, 0.86), trousers=(0.50, 0.20, 0.25),
                 shoes=(0.25, 0.25, 0.30), skin=(0.80, 0.60, 0.45), hair=(0.45, 0.28, 0.14)),
    )
}  # fmt: skip

# ------------------------------------------------------------------------ clip table

#: Every committed sample clip: name -> spec. ``--all`` renders these.
CLIPS: dict[str, Spec] = {
    "squat_valgus__good": Spec("squat_valgus", "good", "both", reps=4, seed=1,
                               phenotype="female_avg", clothing="blue_grey"),
    "squat_valgus__valgus": Spec("squat_valgus", "valgus", "both", reps=4, seed=2,
                                 faults=("knee_valgus",), phenotype="male_heavy",
                                 clothing="red_navy"),
    "seated_internal_rotation__good": Spec("seated_internal_rotation", "good", "R", reps=3,
                                           seed=3, phenotype="male_tall_slim",
                                           clothing="yellow_teal"),
    "seated_internal_rotation__trunk_rotation": Spec(
        "seated_internal_rotation", "trunk_rotation", "L", reps=3, seed=4,
        faults=("trunk_rotation",), phenotype="female_avg", clothing="white_maroon"),
    "standing_spine_twist__good": Spec("standing_spine_twist", "good", "R", reps=2, seed=5,
                                       phenotype="male_heavy", clothing="green_black"),
    "standing_spine_twist__pelvis_rotation": Spec(
        "standing_spine_twist", "pelvis_rotation", "L", reps=2, seed=6,
        faults=("pelvis_rotation",), phenotype="female_avg", clothing="red_navy"),
    "hip_hinge_rotation__good": Spec("hip_hinge_rotation", "good", "L", reps=3, seed=7,
                                     phenotype="male_tall_slim", clothing="blue_grey"),
    "hip_hinge_rotation__squat": Spec("hip_hinge_rotation", "squat", "L", reps=3, seed=8,
                                      faults=("squat_not_hinge",), phenotype="female_older",
                                      clothing="yellow_teal"),
    "knee_to_knee__good": Spec("knee_to_knee", "good", "both", reps=2, seed=9,
                               phenotype="female_avg", clothing="green_black"),
    "band_stretch__good": Spec("band_stretch", "good", "L", reps=1, seed=10,
                               phenotype="male_heavy", clothing="white_maroon"),
    "ball_massage__good": Spec("ball_massage", "good", "both", reps=1, seed=11,
                               phenotype="female_older", clothing="blue_grey"),
    "quadruped_band_circles__good": Spec("quadruped_band_circles", "good", "both", reps=3,
                                         seed=12, phenotype="male_tall_slim",
                                         clothing="red_navy"),
}  # fmt: skip

#: Metrics reported at each rep's peak ({s} working side, {o} the other side).
PEAK_METRICS: dict[str, tuple[str, ...]] = {
    "squat_valgus": ("knee_valgus_L", "knee_valgus_R", "knee_ankle_ratio",
                     "knee_flexion_3d_L", "knee_flexion_3d_R"),
    "seated_internal_rotation": ("knee_drop_{s}", "shank_tilt_true_deg_{s}", "knee_drop_{o}",
                                 "trunk_twist_true_deg", "pelvis_rotation_true_deg"),
    "standing_spine_twist": ("trunk_twist_true_deg", "pelvis_rotation_true_deg",
                             "trunk_twist", "foot_turnout_{s}"),
    "hip_hinge_rotation": ("trunk_inclination", "knee_flexion_{s}", "knee_flexion_3d_{s}",
                           "trunk_twist_true_deg", "hip_flexion_{s}"),
    "knee_to_knee": ("knee_drop_L", "knee_drop_R", "shank_tilt_true_deg_L",
                     "shank_tilt_true_deg_R", "knee_ankle_ratio"),
    "band_stretch": ("hip_flexion_{s}", "knee_flexion_{o}", "hip_flexion_3d_{s}"),
}  # fmt: skip


def camera_for(motion: Motion, spec: Spec | None = None) -> tuple[Camera, Room]:
    """The camera the exercise needs, for a body placed with its anchor at world (0, 0);
    ``spec.camera`` overrides position, look-at and fov (the room follows the camera)."""
    w, h = WIDTH, HEIGHT
    if spec is not None and spec.camera is not None:
        pos, look, fov = spec.camera
        desc = f"custom: at {list(pos)} looking at {list(look)}"
        return Camera(tuple(pos), tuple(look), float(fov), w, h, desc), Room(wall_dist=1.2)
    key = (motion.position, motion.view)
    if key == ("standing", "front"):
        cam = Camera((0.0, -3.4, 1.05), (0.0, 0.0, 0.88), 46.0, w, h,
                     "front, 3.4 m from the feet, 1.05 m high, level")
        return cam, Room(wall_dist=1.3)
    if key == ("standing", "side"):
        cam = Camera((3.5, -0.25, 1.05), (0.0, -0.25, 0.86), 46.0, w, h,
                     "side, on the person's left, 3.5 m away, 1.05 m high")
        return cam, Room(wall_dist=1.3, wall_rgb=(0.76, 0.78, 0.76))
    if key == ("seated", "front"):
        cam = Camera((0.0, -2.7, 0.95), (0.0, -0.2, 0.40), 40.0, w, h,
                     "front, 2.7 m in front of the hips, 0.95 m high, tilted down")
        return cam, Room(wall_dist=1.0, wall_rgb=(0.79, 0.76, 0.72))
    if key == ("supine", "front"):
        cam = Camera((0.0, -1.75, 1.25), (0.0, 0.25, 0.12), 48.0, w, h,
                     "at the feet, raised 1.25 m (as on a chair), looking along the body")
        return cam, Room(wall_dist=1.6)
    if key == ("supine", "side"):
        cam = Camera((2.7, 0.3, 0.9), (0.0, 0.3, 0.28), 48.0, w, h,
                     "side, on the person's left, 2.7 m away, 0.9 m high")
        return cam, Room(wall_dist=1.0, wall_rgb=(0.78, 0.76, 0.80))
    if key == ("quadruped", "side"):
        cam = Camera((2.9, 0.0, 0.95), (0.0, -0.05, 0.42), 46.0, w, h,
                     "side, on the person's left, 2.9 m away, 0.95 m high")
        return cam, Room(wall_dist=1.0)
    raise ValueError(f"no camera for {key}")


# --------------------------------------------------------------------------- truth


def place(motion: Motion, body: Body, verts: np.ndarray, kps: np.ndarray) -> np.ndarray:
    """Per-frame translation (N, 3): lowest vertex on the floor (ignoring the bones in
    ``motion.ground_excludes``), the anchor keypoints' horizontal midpoint at world
    (0, 0). Applied in place to ``verts`` and ``kps``."""
    li = {name: i for i, name in enumerate(COCO_LABELS)}
    pair = ("left_ankle", "right_ankle") if motion.anchor == "ankles" else ("left_hip", "right_hip")
    mid = 0.5 * (kps[:, li[pair[0]]] + kps[:, li[pair[1]]])
    shift = np.zeros((len(verts), 3))
    if motion.anchor == "ankles":
        shift[:, :2] = -mid[0, :2]  # feet planted: fixed at their first-frame position
    else:
        shift[:, :2] = -mid[:, :2]
    names = [body.labels[i] for i in body.dominant_bone]
    keep = np.array([not n.startswith(motion.ground_excludes) for n in names])
    shift[:, 2] = -verts[:, keep, 2].min(axis=1)
    verts += shift[:, None, :]
    kps += shift[:, None, :]
    return shift


def mediapipe_layout(kps: np.ndarray) -> np.ndarray:
    """anny COCO keypoints (N, 23, 3) -> MediaPipe's 33-landmark layout (N, 33, 3); the
    unmapped landmarks (face details, hands) are NaN."""
    li = {name: i for i, name in enumerate(COCO_LABELS)}
    out = np.full((kps.shape[0], 33, 3), np.nan)
    for mp_i, label in MP_FROM_COCO.items():
        out[:, mp_i] = kps[:, li[label]]
    for mp_i, side in ((31, "left"), (32, "right")):
        out[:, mp_i] = 0.65 * kps[:, li[f"{side}_big_toe"]] + 0.35 * kps[:, li[f"{side}_small_toe"]]
    return out


def angle3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees for 3D points (N, 3)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def true_3d_metrics(w33: np.ndarray, motion: Motion) -> dict[str, np.ndarray]:
    """Metrics straight from the true 3D joints (world axes), degrees.

    ``knee_flexion_3d_s``: 180 - 3D angle hip-knee-ankle. ``hip_flexion_3d_s``: 180 - 3D
    angle shoulder-hip-knee. ``shank_tilt_true_deg_s``: angle of ankle->knee from world
    vertical, + toward the midline (lateral axis = the pelvis' right->left hip line).
    """
    out: dict[str, np.ndarray] = {}
    lat = w33[:, 23] - w33[:, 24]
    lat[:, 2] = 0.0
    lat /= np.linalg.norm(lat, axis=1, keepdims=True)
    for s, (sh, hp, kn, an) in {"L": (11, 23, 25, 27), "R": (12, 24, 26, 28)}.items():
        out[f"knee_flexion_3d_{s}"] = 180.0 - angle3(w33[:, hp], w33[:, kn], w33[:, an])
        out[f"hip_flexion_3d_{s}"] = 180.0 - angle3(w33[:, sh], w33[:, hp], w33[:, kn])
        if motion.position in ("seated", "supine"):
            d = w33[:, kn] - w33[:, an]
            medial = -np.sum(d * lat, axis=1) if s == "L" else np.sum(d * lat, axis=1)
            out[f"shank_tilt_true_deg_{s}"] = np.degrees(np.arctan2(medial, d[:, 2]))
    return out


def clean(v: np.ndarray, nd: int = 2) -> list:
    """Array -> JSON list with NaN as null, rounded."""
    return [None if not np.isfinite(x) else round(float(x), nd) for x in np.asarray(v, float)]


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


def render_clip(name: str, spec: Spec, out_dir: Path, stills: Path | None = None) -> dict:
    """Render one clip + sidecar into ``out_dir``; returns the sidecar dict."""
    from formcheck.measure.geometry import compute_metrics

    t0 = time.time()
    body = Body(PHENOTYPES[spec.phenotype])
    motion = EXERCISES[spec.exercise](spec, body)
    deltas = body.deltas(motion.ang, motion.root, motion.legs_root)
    verts, kps, _ = body.forward(deltas)
    place(motion, body, verts, kps)
    cam, room = camera_for(motion, spec)
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

    s = spec.side if spec.side in ("L", "R") else "L"
    o = "R" if s == "L" else "L"
    for rep, fi in zip(motion.reps, motion.peaks, strict=False):
        for m in PEAK_METRICS.get(spec.exercise, ()):
            key = m.format(s=s, o=o)
            if key in metrics and np.isfinite(metrics[key][fi]):
                rep["peak"][key] = round(float(metrics[key][fi]), 2)

    renderer = Renderer(cam, room, body.faces, body.vertex_colors(CLOTHING[spec.clothing]))
    frames = [renderer.render(verts[i]) for i in range(n)]
    renderer.release()
    out_dir.mkdir(parents=True, exist_ok=True)
    encode(frames, out_dir / f"{name}.mp4", spec.fps)
    if stills is not None:
        from PIL import Image

        stills.mkdir(parents=True, exist_ok=True)
        picks = {"start": 0, "end": n - 1}
        picks |= {f"peak{i}": fi for i, fi in enumerate(motion.peaks[:2])}
        for win in motion.windows + motion.holds[:2]:
            picks[f"mid_{win['side']}_{win['start_s']}"] = int(
                0.5 * (win["start_s"] + win["end_s"]) * spec.fps)
        for label, fi in picks.items():
            Image.fromarray(frames[fi]).save(stills / f"{name}__{label}.png")

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
        "spec": {k: v for k, v in dataclasses.asdict(spec).items()
                 if not (k == "camera" and v is None)},
        "generator": "tools/render_synthetic.py (anny 0.6.2 body, moderngl render)",
        "frames": {
            "t_s": [round(float(x), 4) for x in motion.t],
            "metrics": {k: clean(v) for k, v in sorted(metrics.items())},
        },
        "keypoints_px": {str(i): np.round(xy[:, i], 1).tolist() for i in MP_MAPPED},
    }
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
    ap.add_argument("--camera", default=None, metavar="X,Y,Z:LX,LY,LZ:FOV",
                    help="camera override: position, look-at (metres, world axes, the body "
                    "anchored at 0,0 on the floor) and vertical fov in degrees")
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
        spec = Spec(a.exercise, a.variant, a.side, a.reps, a.tempo, tuple(a.fault), a.seed,
                    a.phenotype, a.clothing, camera=camera)
        jobs.append((f"{a.exercise}__{a.variant}", spec))
    if not jobs:
        ap.error("nothing to render: --all, --clip NAME or --exercise ...")
    for name, spec in jobs:
        render_clip(name, spec, a.out, a.stills)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
