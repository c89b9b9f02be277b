#!/usr/bin/env python3
"""Rebuild ``formcheck/data/models/pose_landmarker_full.task`` from the mediapipe 0.10.14 wheel.

Current mediapipe wheels (1.x) ship no model files, so the project commits its own
PoseLandmarker bundle. This script rebuilds it byte for byte, using nothing but the
package registry:

1. ``pip download --no-deps mediapipe==0.10.14`` (cp311 manylinux x86_64 wheel) into a
   temporary directory;
2. read the two Apache-2.0 BlazePose models straight out of the wheel (a zip; it is not
   installed): ``mediapipe/modules/pose_detection/pose_detection.tflite`` and
   ``mediapipe/modules/pose_landmark/pose_landmark_full.tflite``;
3. create a throwaway venv with mediapipe==0.10.14 and use its
   ``metadata_writers.metadata_writer.MetadataWriter`` to add the normalisation metadata
   that the Tasks API requires (the metadata module of mediapipe 1.x is broken);
4. zip the two results uncompressed, with fixed entry attributes, as
   ``pose_detector.tflite`` then ``pose_landmarks_detector.tflite``.

Usage::

    python -m tools.build_pose_model    # writes formcheck/data/models/pose_landmarker_full.task
    python -m tools.build_pose_model --out X    # writes X
    python -m tools.build_pose_model --check    # builds to a temp file, compares the hash

The sha256 of the result is printed last. ``--check`` exits 1 when it differs from
``EXPECTED_SHA256``. Everything downloaded or installed lives in a temporary directory
that is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "formcheck" / "data" / "models" / "pose_landmarker_full.task"

MEDIAPIPE_VERSION = "0.10.14"
# The wheel the models are read from (any platform's wheel holds the same files; this is
# the one the reference build used).
WHEEL_PYTHON_VERSION = "311"
WHEEL_PLATFORM = "manylinux_2_17_x86_64"
# Pinned so that the flatbuffers serialisation of the metadata cannot drift; it is the
# version pip resolved for the reference build.
FLATBUFFERS_VERSION = "25.12.19"

EXPECTED_SHA256 = "804b2c09747745b47435a8f07a23b7ad56eb7d26c196ed722e95e5a67bbb5672"

# Zip entry attributes of the reference build (found by inspecting it): what
# ``ZipFile.writestr(name, data)`` gives on Linux, with the timestamp of that build frozen.
ZIP_DATE_TIME = (2026, 11, 26, 8, 50, 12)
ZIP_CREATE_SYSTEM = 3  # Unix
ZIP_VERSION = 20  # "made by" / "needed to extract": 2.0
ZIP_EXTERNAL_ATTR = 0o600 << 16  # -rw------- with no file-type bits


@dataclass(frozen=True)
class ModelSpec:
    """One model of the bundle and the metadata added to it."""

    wheel_path: str  # path of the source model inside the wheel
    entry: str  # name of the entry in the .task zip
    name: str  # model_name and model_description of the metadata
    norm_mean: float
    norm_std: float
    num_outputs: int


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        wheel_path="mediapipe/modules/pose_detection/pose_detection.tflite",
        entry="pose_detector.tflite",
        name="pose_detector",
        norm_mean=127.5,
        norm_std=127.5,
        num_outputs=2,
    ),
    ModelSpec(
        wheel_path="mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        entry="pose_landmarks_detector.tflite",
        name="pose_landmarks_detector",
        norm_mean=0.0,
        norm_std=255.0,
        num_outputs=5,
    ),
)

# Runs inside the throwaway venv (mediapipe 0.10.14): argv[1] is a JSON list of jobs.
METADATA_SCRIPT = """
import json, sys
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

for job in json.loads(sys.argv[1]):
    with open(job["src"], "rb") as f:
        writer = metadata_writer.MetadataWriter.create(f.read())
    writer.add_general_info(model_name=job["name"], model_description=job["name"])
    writer.add_image_input(norm_mean=[job["norm_mean"]], norm_std=[job["norm_std"]])
    for i in range(job["num_outputs"]):
        writer.add_feature_output(name=f"output_{i}")
    model, _metadata_json = writer.populate()
    with open(job["dst"], "wb") as f:
        f.write(model)
"""


def log(message: str) -> None:
    """Print a progress line on stderr (stdout carries only the final hash)."""
    print(f"[build_pose_model] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str]) -> None:
    """Run a command, failing loudly with its output when it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}")


def download_wheel(dest: Path) -> Path:
    """Download the mediapipe wheel (no dependencies) into ``dest`` and return its path."""
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            WHEEL_PYTHON_VERSION,
            "--platform",
            WHEEL_PLATFORM,
            "--dest",
            str(dest),
            f"mediapipe=={MEDIAPIPE_VERSION}",
        ]
    )
    wheels = sorted(dest.glob(f"mediapipe-{MEDIAPIPE_VERSION}-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one mediapipe wheel in {dest}, found {wheels}")
    return wheels[0]


def extract_models(wheel: Path, dest: Path) -> dict[str, Path]:
    """Copy the source models out of the wheel; return entry name -> extracted path."""
    extracted: dict[str, Path] = {}
    with zipfile.ZipFile(wheel) as whl:
        for spec in MODELS:
            path = dest / Path(spec.wheel_path).name
            path.write_bytes(whl.read(spec.wheel_path))
            extracted[spec.entry] = path
    return extracted


def make_metadata_venv(venv_dir: Path, wheel_dir: Path) -> Path:
    """Create a venv with mediapipe 0.10.14 and return its python executable."""
    venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
    python = venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            # Reuse the wheel just downloaded when it fits this interpreter.
            "--find-links",
            str(wheel_dir),
            f"mediapipe=={MEDIAPIPE_VERSION}",
            f"flatbuffers=={FLATBUFFERS_VERSION}",
        ]
    )
    return python


def add_metadata(python: Path, sources: dict[str, Path], dest: Path) -> dict[str, bytes]:
    """Add the Tasks API metadata to each model; return entry name -> model bytes."""
    jobs = [
        {
            "src": str(sources[spec.entry]),
            "dst": str(dest / spec.entry),
            "name": spec.name,
            "norm_mean": spec.norm_mean,
            "norm_std": spec.norm_std,
            "num_outputs": spec.num_outputs,
        }
        for spec in MODELS
    ]
    run([str(python), "-c", METADATA_SCRIPT, json.dumps(jobs)])
    return {spec.entry: (dest / spec.entry).read_bytes() for spec in MODELS}


def bundle(models: dict[str, bytes]) -> bytes:
    """Zip the models (stored, fixed attributes, fixed order) into a .task file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as task:
        for spec in MODELS:
            info = zipfile.ZipInfo(spec.entry, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = ZIP_CREATE_SYSTEM
            info.create_version = ZIP_VERSION
            info.extract_version = ZIP_VERSION
            info.external_attr = ZIP_EXTERNAL_ATTR
            task.writestr(info, models[spec.entry])
    return buffer.getvalue()


def build() -> bytes:
    """Run the whole recipe in a temporary directory and return the .task bytes."""
    with tempfile.TemporaryDirectory(prefix="build_pose_model-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "wheels").mkdir()
        (tmp / "src").mkdir()
        (tmp / "out").mkdir()
        log(f"downloading mediapipe=={MEDIAPIPE_VERSION} (cp{WHEEL_PYTHON_VERSION}, no deps)")
        wheel = download_wheel(tmp / "wheels")
        log(f"extracting models from {wheel.name}")
        sources = extract_models(wheel, tmp / "src")
        log(f"creating a throwaway venv with mediapipe=={MEDIAPIPE_VERSION}")
        python = make_metadata_venv(tmp / "venv", tmp / "wheels")
        log("adding normalisation metadata")
        models = add_metadata(python, sources, tmp / "out")
        log("zipping the bundle")
        return bundle(models)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"where to write the model (default: {DEFAULT_OUT.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary file (leaving --out alone) and compare its sha256 "
        "with the expected one; exit 1 if it differs",
    )
    args = parser.parse_args(argv)

    start = time.monotonic()
    data = build()
    digest = hashlib.sha256(data).hexdigest()

    if args.check:
        with tempfile.NamedTemporaryFile(suffix=".task") as tmp_file:
            tmp_file.write(data)
            tmp_file.flush()
            file_digest = hashlib.sha256(Path(tmp_file.name).read_bytes()).hexdigest()
        ok = file_digest == EXPECTED_SHA256
        log(f"built {len(data)} bytes in {time.monotonic() - start:.1f} s")
        log(f"expected {EXPECTED_SHA256}: {'OK' if ok else 'MISMATCH'}")
        print(file_digest)
        return 0 if ok else 1

    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    log(f"wrote {out} ({len(data)} bytes) in {time.monotonic() - start:.1f} s")
    if digest != EXPECTED_SHA256:
        log(f"warning: sha256 differs from the expected {EXPECTED_SHA256}")
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
