"""The training set's first stage: the recipe rendered through ``tools/render_synthetic.py``.

``render`` (the synth venv: torch, anny, moderngl, av) renders each clip of the recipe with
its body, clothing, camera preset (+ jitter) and movement depth given to the renderer's
``render_clip`` at run time (the renderer itself is not modified). Each clip is published
atomically as an MP4 + ``formcheck.sample/1`` sidecar (with a ``train`` block) in
``OUT/clips/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from tools.training_recipe import CAM_PRESETS, DEPTH_TRACKS, DEPTH_TRUTH, FPS, recipe


def jitter_camera(cam, room, clip: dict):  # noqa: ANN001, ANN201 - synth Camera/Room
    """The exercise's standard camera moved to the clip's preset (+ small jitter)."""
    from tools.synth.scene import Camera

    ds, dh, az, dl = CAM_PRESETS[clip["cam_preset"]]
    j = clip["cam_jitter"]
    ds *= 1.0 + 0.05 * j[0]
    dh += 0.08 * j[1]
    az += 4.0 * j[2]
    dl += 0.04 * j[3]
    pos = np.asarray(cam.position, float)
    look = np.asarray(cam.look_at, float)
    d = pos - look
    if clip["mirror_side_camera"] and abs(d[0]) > abs(d[1]):  # side view: other side
        d[0] = -d[0]
    a = np.radians(az)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    d[:2] = ds * (rot @ d[:2])
    look = look + np.array([0.0, 0.0, dl])
    new = look + d + np.array([0.0, 0.0, dh])
    desc = f"{cam.description} | preset {clip['cam_preset']}"
    return Camera(
        tuple(float(x) for x in new),
        tuple(float(x) for x in look),
        cam.fov_deg,
        cam.width,
        cam.height,
        desc,
    ), room


def _register_look(rs, clip: dict) -> str:  # noqa: ANN001 - the render_synthetic module
    """Add the clip's body and clothing to the renderer's tables; returns the clothing label."""
    from tools.synth.body import Clothing, Phenotype

    rs.PHENOTYPES[clip["body"]["label"]] = Phenotype(**clip["body"])
    cl = dict(clip["clothing"])
    for key in ("shirt", "trousers", "shoes", "skin", "hair"):
        cl[key] = tuple(cl[key])
    rs.CLOTHING[cl["label"]] = Clothing(**cl)
    return cl["label"]


def _spec(clip: dict, clothing: str):  # noqa: ANN202 - a synth Spec
    """The renderer's spec of one recipe clip (at the training set's ``FPS``)."""
    from tools.synth.motions import Spec

    return Spec(
        clip["exercise"],
        clip["variant"],
        clip["side"],
        clip["reps"],
        clip["tempo"],
        tuple(clip["faults"]),
        clip["seed"],
        clip["body"]["label"],
        clothing,
        FPS,
    )


def _depth_scaled(orig, ex: str, depth: float):  # noqa: ANN001, ANN202 - motion scripts
    """The exercise's motion script with its main movement (and its truth) scaled by ``depth``."""

    def scaled(spec, body, _orig=orig, _ex=ex, _depth=depth):  # noqa: ANN001, ANN202
        m = _orig(spec, body)
        s = spec.side if spec.side in ("L", "R") else "L"
        for tr in DEPTH_TRACKS.get(_ex, ()):
            key = tr.format(s=s)
            if key in m.ang:
                m.ang[key] = m.ang[key] * _depth
        for tr in DEPTH_TRUTH.get(_ex, ()):
            if tr in m.truth:
                m.truth[tr] = m.truth[tr] * _depth
        return m

    return scaled


def _publish(side_car: dict, clip: dict, stage: Path, clips_dir: Path) -> None:
    """Add the ``train`` block and move the clip into ``clips_dir`` (atomically: the
    extractor only sees finished clips)."""
    name = clip["name"]
    side_car["train"] = {
        k: clip[k] for k in ("depth", "cam_preset", "cam_jitter", "mirror_side_camera", "tempo")
    }
    side_car["train"]["body"] = clip["body"]["label"]
    shutil.move(stage / f"{name}.mp4", clips_dir / f"{name}.mp4")
    with open(stage / f"{name}.json", "w") as f:
        json.dump(side_car, f, separators=(",", ":"))
    shutil.move(stage / f"{name}.json", clips_dir / f"{name}.json")


def render(out: Path, only: list[str] | None = None, clips: list[dict] | None = None,
           folder: str = "clips") -> None:  # fmt: skip
    """Render the recipe into ``out/clips`` (skips clips already rendered)."""
    from tools import render_synthetic as rs

    clips_dir, stage = out / folder, out / "staging"
    clips_dir.mkdir(parents=True, exist_ok=True)
    stage.mkdir(parents=True, exist_ok=True)
    for clip in recipe() if clips is None else clips:
        name = clip["name"]
        if only and name not in only:
            continue
        if (clips_dir / f"{name}.json").exists():
            continue
        spec = _spec(clip, _register_look(rs, clip))
        motion = _depth_scaled(rs.EXERCISES[clip["exercise"]], clip["exercise"], clip["depth"])
        side_car = rs.render_clip(
            name,
            spec,
            stage,
            motion_fn=motion,
            camera_fn=lambda m, sp=None, _c=clip: jitter_camera(*rs.camera_for(m, sp), _c),
        )
        _publish(side_car, clip, stage, clips_dir)
