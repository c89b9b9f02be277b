"""Tests of the committed pose model: its hash, and that the Tasks API loads and runs it.

The model is never rebuilt here (that needs the package registry); run
``python tools/build_pose_model.py --check`` by hand for that.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
MODELS_DIR = REPO_ROOT / "formcheck" / "data" / "models"
MODEL_PATH = MODELS_DIR / "pose_landmarker_full.task"
SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_SUMS = SHARED_DIR / "models" / "SHA256SUMS"
FOOTAGE = SHARED_DIR / "footage" / "squatanalysis_squat_side.mp4"
NUM_POSE_LANDMARKS = 33


def read_sums(path: Path) -> dict[str, str]:
    """Parse a ``sha256sum`` file into {file name: hex digest}."""
    sums: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest.lower()
    return sums


def model_sha256() -> str:
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()


def test_model_hash_matches_committed_sums() -> None:
    sums = read_sums(MODELS_DIR / "SHA256SUMS")
    assert MODEL_PATH.name in sums
    assert model_sha256() == sums[MODEL_PATH.name]


def test_model_hash_matches_shared_reference() -> None:
    if not SHARED_SUMS.is_file():
        pytest.skip(f"no shared reference at {SHARED_SUMS}")
    sums = read_sums(SHARED_SUMS)
    assert model_sha256() == sums[MODEL_PATH.name]


def test_build_script_expects_committed_hash() -> None:
    """The hash the rebuild script checks against is the committed one."""
    tree = ast.parse((REPO_ROOT / "tools" / "build_pose_model.py").read_text())
    expected = [
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "EXPECTED_SHA256" for t in node.targets)
        and isinstance(node.value, ast.Constant)
    ]
    sums = read_sums(MODELS_DIR / "SHA256SUMS")
    assert expected == [sums[MODEL_PATH.name]]


def first_frame_rgb(path: Path):  # -> numpy.ndarray (H, W, 3) uint8
    av = pytest.importorskip("av")
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no video frame decoded from {path}")


def test_model_detects_a_pose_on_real_footage() -> None:
    if not FOOTAGE.is_file():
        pytest.skip(f"no footage at {FOOTAGE}")
    pytest.importorskip("mediapipe")
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import (
        PoseLandmarker,
        PoseLandmarkerOptions,
        RunningMode,
    )

    rgb = np.ascontiguousarray(first_frame_rgb(FOOTAGE))
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
    options = PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(MODEL_PATH)),
        running_mode=RunningMode.IMAGE,
    )
    with PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(image)

    assert len(result.pose_landmarks) >= 1, "no pose detected on the first frame"
    landmarks = result.pose_landmarks[0]
    assert len(landmarks) == NUM_POSE_LANDMARKS
    # Normalised image coordinates: a real detection lies (mostly) inside the frame.
    inside = [lm for lm in landmarks if 0.0 <= lm.x <= 1.0 and 0.0 <= lm.y <= 1.0]
    assert len(inside) >= NUM_POSE_LANDMARKS // 2
