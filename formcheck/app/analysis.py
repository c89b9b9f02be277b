"""File-side work of the app, without Streamlit: samples, safe uploads, analysis bundles.

* :func:`list_samples` finds ``formcheck/data/samples/<exercise>__<variant>.mp4`` and its sidecar.
* :func:`analyze_upload` writes an upload into a private temp dir (mode 700) under a
  fixed name (the user's file name never becomes a path), analyses it and deletes
  the temp files, returning an in-memory :class:`Analysis`.
* :func:`camera_still` grabs one frame of a sample clip (for "where to put the camera").
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck import session
from formcheck.app.charts import primary_metrics, series_for
from formcheck.data import SAMPLES_DIR
from formcheck.exercises import get_exercise
from formcheck.outputs.report import read_frames_csv
from formcheck.pose.landmarks import Side
from formcheck.video import VideoError

SAMPLE_DIR = Path(os.environ.get("FORMCHECK_SAMPLES", SAMPLES_DIR))
UPLOAD_TYPES = ("mp4", "mov", "webm", "avi", "mkv", "m4v")
MAX_UPLOAD_MB = 500  # .streamlit/config.toml server.maxUploadSize


@dataclass(frozen=True)
class Sample:
    """A demo clip: its path, the exercise it shows, the settings to analyse it with."""

    path: Path
    exercise: str | None
    variant: str
    settings: dict = field(default_factory=dict)
    side: str = "auto"
    description: str = ""
    expected: str = ""

    @property
    def label(self) -> str:
        ex = (self.exercise or "").replace("_", " ")
        return f"{ex} — {self.variant.replace('_', ' ')}" if self.variant else ex


def _sidecar(path: Path) -> dict:
    side = path.with_suffix(".json")
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe(meta: dict) -> str:
    """A line about a sample: its description, else its faults and camera."""
    if meta.get("description") or meta.get("title"):
        return str(meta.get("description") or meta.get("title"))
    parts = []
    faults = meta.get("faults")
    if isinstance(faults, list):
        parts.append("faults: " + ", ".join(map(str, faults)) if faults else "good form")
    cam = meta.get("camera")
    if isinstance(cam, dict) and cam.get("description"):
        parts.append(f"camera {cam['description']}")
    return "; ".join(parts)


def _expected(meta: dict) -> str:
    """What the clip really contains (from its ground truth), e.g. ``"4 reps"``."""
    for key, word in (("reps", "reps"), ("holds", "holds")):
        items = meta.get(key)
        if isinstance(items, list) and items:
            return f"{len(items)} {word}"
    return ""


def list_samples(folder: Path | None = None) -> list[Sample]:
    """Sample clips in ``folder`` (default ``formcheck/data/samples/``), sorted by name."""
    folder = Path(folder or SAMPLE_DIR)
    out: list[Sample] = []
    if not folder.is_dir():
        return out
    for p in sorted(folder.glob("*.mp4")):
        meta = _sidecar(p)
        ex, _, variant = p.stem.partition("__")
        ex = meta.get("exercise") if isinstance(meta.get("exercise"), str) else ex
        settings = meta.get("settings") if isinstance(meta.get("settings"), dict) else {}
        code = Side.code(str(meta.get("side", "")))
        side = Side.name(code) if code else "auto"
        out.append(
            Sample(p, ex or None, meta.get("variant") or variant, dict(settings), side,
                   _describe(meta), _expected(meta))
        )  # fmt: skip
    return out


def sample_for(exercise_id: str, samples: list[Sample] | None = None) -> Sample | None:
    """The first sample clip of an exercise (prefer a 'good' variant)."""
    cands = [s for s in (samples if samples is not None else list_samples())
             if s.exercise == exercise_id]  # fmt: skip
    good = [s for s in cands if "good" in s.variant or "correct" in s.variant]
    return (good or cands or [None])[0]


def camera_still(path: Path, at_fraction: float = 0.3, max_side: int = 480) -> np.ndarray | None:
    """One RGB frame about ``at_fraction`` into a clip (PyAV), downscaled; None on failure."""
    try:
        with av.open(str(path)) as c:
            stream = c.streams.video[0]
            n = stream.frames or 0
            want = int(n * at_fraction) if n else 30
            for i, frame in enumerate(c.decode(stream)):
                if i >= want:
                    img = frame.to_ndarray(format="rgb24")
                    break
            else:
                return None
    except Exception:  # noqa: BLE001 - a still is a nicety
        return None
    h, w = img.shape[:2]
    s = max(h, w) / max_side
    if s > 1:
        img = cv2.resize(img, (int(w / s), int(h / s)), interpolation=cv2.INTER_AREA)
    return img


@dataclass
class Analysis:
    """Everything the results view needs, in memory (temp files are gone)."""

    report: dict
    rows: list[dict]
    series: dict[str, list[tuple[float, float]]]
    report_json: bytes
    frames_csv: bytes
    video: bytes | None
    source: str = "upload"
    name: str = ""


def _private_dir() -> Path:
    d = Path(tempfile.mkdtemp(prefix="formcheck-"))
    d.chmod(0o700)
    return d


def safe_suffix(filename: str | None) -> str:
    """The file's extension if it is an accepted video type, else ``.mp4`` (never a path)."""
    ext = Path(str(filename or "")).suffix.lower().lstrip(".")
    return f".{ext}" if ext in UPLOAD_TYPES else ".mp4"


def exercise_for(exercise_id: str | None, settings: dict | None = None):
    """The exercise definition with ``settings`` applied, or None if unknown / not loaded."""
    if not exercise_id:
        return None
    try:
        ex = get_exercise(exercise_id)
        return ex.with_settings(settings) if settings else ex
    except Exception:  # noqa: BLE001 - charts then go without a band
        return None


def bundle(result_dir: Path, result, source: str, name: str) -> Analysis:
    """An ``analyze_video`` result (its rows in memory, or else read from its folder) as
    an :class:`Analysis`."""
    report = result.report
    rows = result.rows if result.rows is not None else read_frames_csv(result.csv_path)
    ex = exercise_for(report.get("exercise"), report.get("settings"))
    metrics = primary_metrics(report.get("result"), ex, report.get("side", "auto"))
    video = None
    if result.video_path is not None and Path(result.video_path).is_file():
        video = Path(result.video_path).read_bytes()
    return Analysis(
        report=report,
        rows=rows,
        series=series_for(rows, metrics, report.get("result")),
        report_json=Path(result.report_path).read_bytes(),
        frames_csv=Path(result.csv_path).read_bytes(),
        video=video,
        source=source,
        name=name,
    )


def analyze_file(
    path: Path,
    exercise_id: str | None,
    side: str = "auto",
    settings: dict | None = None,
    progress=None,
    source: str = "sample",
    name: str = "",
    cancel: threading.Event | None = None,
) -> Analysis:
    """Analyse a file already on disk (a sample); outputs go to a temp dir, then deleted."""
    out = _private_dir()
    try:
        res = session.analyze_video(
            path, exercise_id, out, side=side, settings=settings or {},
            progress=progress, cancel=cancel, max_seconds="auto",
        )  # fmt: skip
        return bundle(out, res, source, name or Path(path).name)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def analyze_upload(
    data: bytes,
    filename: str | None,
    exercise_id: str | None,
    side: str = "auto",
    settings: dict | None = None,
    progress=None,
    cancel: threading.Event | None = None,
    mirrored: bool = False,
) -> Analysis:
    """Analyse uploaded bytes: private temp dir, fixed file name, everything deleted after.

    ``mirrored``: a selfie (mirror-image) video, flipped back before analysis."""
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise VideoError(f"the file is larger than {MAX_UPLOAD_MB} MB; trim or compress it "
                         "(a phone's 'share as smaller video' works)")  # fmt: skip
    tmp = _private_dir()
    try:
        src = tmp / f"upload{safe_suffix(filename)}"
        fd = os.open(src, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        res = session.analyze_video(
            src, exercise_id, tmp / "out", side=side, settings=settings or {},
            progress=progress, cancel=cancel, max_seconds="auto", mirrored=mirrored,
        )  # fmt: skip
        return bundle(tmp / "out", res, "upload", Path(str(filename or "upload")).name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
