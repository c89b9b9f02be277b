"""Speed benchmark: bare PoseLandmarker inference vs the full analyze pipeline.

Both runs see the same decoded frames. Prints one JSON line: ``inference_fps``,
``pipeline_fps``, ``ratio`` (pipeline / inference: 1.0 means decoding,
metrics, overlay and encoding are completely hidden behind inference),
``realtime_factor`` (seconds of video analysed per wall-clock second, end to end, the
annotated video included: above 1 is faster than the video plays), ``stages_ms`` (each
stage's milliseconds per frame, timed one after the other in a separate pass) and
``peak_rss_mb``. Report ratios measured in one run; absolute numbers depend on the
machine's load. :func:`make_phone_clip` writes a 1080p portrait phone clip (stored
landscape with rotation metadata, as phones do) to bench on.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck.pose.estimator import PoseEstimator
from formcheck.processor import FrameProcessor
from formcheck.session import PROCESS_MAX_SIDE, analyze_video
from formcheck.video import VideoWriter, iter_frames, probe

#: Stages timed by :func:`stage_ms`, in the order a frame goes through them.
STAGES = ("decode", "pose", "sides_smooth", "metrics", "tracker", "draw", "encode")


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def bare_inference_fps(video: Path, max_frames: int) -> tuple[float, int]:
    """Frames per second of pose inference alone on the first ``max_frames`` decoded frames.

    Frames are decoded into memory first so that only inference is timed.

    Parameters
    ----------
    video : Path
        The clip.
    max_frames : int
        How many frames to time.

    Returns
    -------
    fps : float
        Frames per second.
    frames : int
        Frames timed.
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


def stage_ms(video: Path, exercise_id: str | None, max_frames: int) -> dict[str, float]:
    """Milliseconds per frame of each of :data:`STAGES`, run one after the other.

    On the first ``max_frames`` frames (no threads, so each stage has both cores to
    itself); the processor's own stages are timed by ``FrameProcessor(timings=...)``.

    Parameters
    ----------
    video : Path
        The clip.
    exercise_id : str or None
        The exercise to track (None: none).
    max_frames : int
        How many frames to time.

    Returns
    -------
    dict of str to float
        Stage -> milliseconds per frame, 2 decimals.
    """
    tot: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    proc = FrameProcessor(exercise_id=exercise_id, lookback=True, timings=tot)
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        writer = None
        frames = iter(iter_frames(video, max_side=PROCESS_MAX_SIDE))
        try:
            while n < max_frames:
                t0 = time.perf_counter()
                f = next(frames, None)
                if f is None:
                    break
                tot["decode"] += time.perf_counter() - t0
                pf = proc.process(f.rgb, f.t_s, f.index)
                t1 = time.perf_counter()
                img = proc.draw(f.rgb, pf)
                t2 = time.perf_counter()
                if writer is None:
                    h, w = img.shape[:2]
                    writer = VideoWriter(Path(tmp) / "a.mp4", w, h, fps=30.0)
                writer.write(img, f.t_s)
                tot["draw"] += t2 - t1
                tot["encode"] += time.perf_counter() - t2
                n += 1
            if writer is not None:
                writer.close()
        finally:
            proc.close()
    return {k: round(1000 * tot[k] / max(n, 1), 2) for k in STAGES}


def make_phone_clip(src: Path, out: Path, seconds: float = 10.0) -> Path:
    """A 1080x1920 portrait phone clip, 30 fps, from ``src``'s frames.

    Stored as a 1920x1080 landscape stream with a 90-degree display rotation, as phones
    record.

    Parameters
    ----------
    src : Path
        The clip whose frames are used (scaled to the width, centred on grey).
    out : Path
        The clip to write.
    seconds : float
        Length, seconds (at most as long as ``src``).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    ValueError
        ``src`` has no frames.
    """
    frames = []
    for f in iter_frames(src):
        frames.append(f.rgb)
        if len(frames) >= int(seconds * 30):
            break
    if not frames:
        raise ValueError(f"{src}: no frames to make a phone clip from")
    with av.open(str(out), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 1920, 1080, "yuv420p"
        s.options = {"preset": "veryfast", "crf": "23"}
        s.set_display_rotation(90)
        for i, rgb in enumerate(frames):
            portrait = _fit(rgb, 1080, 1920)  # what the phone's user sees
            stored = np.ascontiguousarray(np.rot90(portrait, k=-1))  # the sensor's landscape
            vf = av.VideoFrame.from_ndarray(stored, format="rgb24")
            vf.pts = i
            for pkt in s.encode(vf):
                c.mux(pkt)
        for pkt in s.encode(None):
            c.mux(pkt)
    return out


def _fit(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    """``rgb`` scaled to fill a ``w`` x ``h`` frame's width, centred on grey."""
    sh, sw = rgb.shape[:2]
    scale = w / sw
    img = cv2.resize(rgb, (w, int(round(sh * scale))), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((h, w, 3), 90, np.uint8)
    y0 = max(0, (h - img.shape[0]) // 2)
    canvas[y0 : y0 + min(h, img.shape[0])] = img[: h - y0]
    return canvas


def run_bench(video: Path, exercise_id: str | None = None, max_frames: int | None = None) -> dict:
    """Time the full pipeline, then bare inference, on the same first frames of ``video``.

    The pipeline runs first so ``peak_rss_mb`` is its peak (the inference run
    holds its decoded frames in memory).

    Parameters
    ----------
    video : Path
        The clip.
    exercise_id : str, optional
        The exercise to track.
    max_frames : int, optional
        Frames to analyse; defaults to 300.

    Returns
    -------
    dict
        The JSON line's fields (see the module docstring): ``video``, ``frames``,
        ``inference_fps``, ``pipeline_fps``, ``ratio``, ``realtime_factor``,
        ``stages_ms``, ``peak_rss_mb`` (MiB), ``inference_frames``.
    """
    n_max = max_frames or 300
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = analyze_video(video, exercise_id, Path(tmp), write_video=True, max_frames=n_max)
        dt = time.perf_counter() - t0
    rss = peak_rss_mb()
    frames = res.report["video"]["frames_decoded"]
    pipe_fps = frames / dt
    fps = probe(video).fps or 30.0
    inf_fps, n = bare_inference_fps(video, n_max)
    return {
        "video": video.name,
        "frames": frames,
        "inference_fps": round(inf_fps, 2),
        "pipeline_fps": round(pipe_fps, 2),
        "ratio": round(pipe_fps / inf_fps, 3),
        "realtime_factor": round(frames / fps / dt, 3),
        "stages_ms": stage_ms(video, exercise_id, n_max),
        "peak_rss_mb": round(rss, 1),
        "inference_frames": n,
    }
