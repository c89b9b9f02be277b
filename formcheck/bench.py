"""Speed benchmark: bare PoseLandmarker inference vs the full analyze pipeline.

Both runs see the same decoded frames. Prints one JSON line: ``inference_fps``,
``pipeline_fps``, ``ratio`` (pipeline / inference: 1.0 means decoding,
metrics, overlay and encoding are completely hidden behind inference) and
``peak_rss_mb``. Report ratios measured in one run; absolute numbers depend
on the machine's load.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

from formcheck.pose.estimator import PoseEstimator
from formcheck.session import PROCESS_MAX_SIDE, analyze_video
from formcheck.video import iter_frames


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bare_inference_fps(video: Path, max_frames: int) -> tuple[float, int]:
    """Frames per second of pose inference alone on the first ``max_frames`` decoded frames.

    Frames are decoded into memory first so that only inference is timed.
    """
    frames = []
    for f in iter_frames(video, max_side=PROCESS_MAX_SIDE):
        frames.append(f)
        if len(frames) >= max_frames:
            break
    with PoseEstimator(mode="video") as pose:
        t0 = time.perf_counter()
        for f in frames:
            pose.infer(f.rgb, f.t_s)
        dt = time.perf_counter() - t0
    return len(frames) / dt, len(frames)


def run_bench(video: Path, exercise_id: str | None = None, max_frames: int | None = None) -> dict:
    """Time the full pipeline, then bare inference, on the same first frames of ``video``.

    The pipeline runs first so ``peak_rss_mb`` is its peak (the inference run
    holds its decoded frames in memory). ``max_frames`` defaults to 300.
    """
    n_max = max_frames or 300
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = analyze_video(video, exercise_id, Path(tmp), write_video=True, max_frames=n_max)
        dt = time.perf_counter() - t0
    rss = peak_rss_mb()
    frames = res.report["video"]["frames_decoded"]
    pipe_fps = frames / dt
    inf_fps, n = bare_inference_fps(video, n_max)
    return {
        "video": video.name,
        "frames": frames,
        "inference_fps": round(inf_fps, 2),
        "pipeline_fps": round(pipe_fps, 2),
        "ratio": round(pipe_fps / inf_fps, 3),
        "peak_rss_mb": round(rss, 1),
        "inference_frames": n,
    }
