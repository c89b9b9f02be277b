"""Runs a clip through the stages: pose -> smooth -> metrics -> tracker -> overlay/report.

``analyze_video`` runs a file end to end and writes ``report.json``, ``frames.csv`` and
``annotated.mp4``: each frame goes through a :class:`~formcheck.processor.FrameProcessor`
(one frame at a time, shared with the live webcam) in the loop of
:class:`~formcheck.file_loop.FileLoop` (decoding and encoding in their own threads, so
they overlap with inference), and the report is put together by
:func:`formcheck.outputs.set_report.file_report`. ``replay`` runs recorded landmarks
through the same stages, with no video.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.file_loop import FileLoop, ProgressFn
from formcheck.measure.camera import CameraCheck
from formcheck.outputs.report import CsvSink, RunningSummary, write_json
from formcheck.outputs.set_report import file_report
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.record import ReplayPose
from formcheck.processor import FrameProcessor, ProcessedFrame
from formcheck.video import Frame, FrameReader, VideoError, VideoInfo, probe

#: Frames larger than this (longer side, pixels) are downscaled once after decoding;
#: inference, overlay and the annotated video all use the smaller frame.
PROCESS_MAX_SIDE = 1280

#: ``max_seconds="auto"``: the wall-clock bound is this many seconds plus
#: AUTO_BOUND_PER_S times the video's duration (inference runs at about real
#: time on a laptop; the margin covers a busy machine).
AUTO_BOUND_BASE_S = 60.0
AUTO_BOUND_PER_S = 10.0


def time_bound(info: VideoInfo) -> float:
    """Wall-clock bound (seconds) for analysing a video, from its duration or frame count."""
    duration = info.duration_s or 0.0
    if info.n_frames and info.fps:
        duration = max(duration, info.n_frames / info.fps)
    return AUTO_BOUND_BASE_S + AUTO_BOUND_PER_S * max(duration, 1.0)


@dataclass(frozen=True)
class Replayed:
    """What :func:`replay` produced: the exercise result (as in a report's ``result``;
    None without an exercise) and every processed frame, in order."""

    result: dict | None
    frames: list[ProcessedFrame]


def replay(
    frames: Sequence[PoseFrame],
    exercise_id: str | None,
    side: str = "auto",
    settings: dict | None = None,
    lookback: bool = True,
) -> Replayed:
    """Run recorded raw detections through the same stages as a file analysis.

    ``frames``: raw :class:`~formcheck.pose.landmarks.PoseFrame` detections in order, as
    :func:`formcheck.pose.record.load_frames` reads them (pixels of the oriented frame;
    seconds). Sides, smoothing, metrics and the exercise tracker run as in
    :func:`analyze_video`, with no video to decode or write. ``lookback``: as for a file
    (True) or as live (False). The public way for tools and tests to re-score landmarks.
    """
    proc = FrameProcessor(
        exercise_id=exercise_id, side=side, settings=dict(settings or {}),
        pose=ReplayPose(frames), lookback=lookback,
    )  # fmt: skip
    out = [proc.process(None, f.t_s, f.index) for f in frames]
    return Replayed(result=proc.finish(), frames=out)


def _check_limits(
    max_seconds: float | str | None, max_frames: int | None, analysis_fps: float | None = None
) -> None:
    """Raise ``ValueError`` for a bad time bound (s, or "auto"), frame limit or analysis
    rate (frames per second)."""
    if analysis_fps is not None and not (
        isinstance(analysis_fps, int | float) and 0 < analysis_fps < math.inf
    ):
        raise ValueError(f"analysis_fps must be a positive number, got {analysis_fps!r}")
    if max_seconds is not None and not isinstance(max_seconds, str):
        if not (isinstance(max_seconds, int | float) and max_seconds > 0):
            raise ValueError(f"max_seconds must be a positive number, got {max_seconds!r}")
    elif max_seconds is not None and max_seconds != "auto":
        raise ValueError(f"max_seconds must be a number or 'auto', got {max_seconds!r}")
    if max_frames is not None and (not isinstance(max_frames, int) or max_frames < 1):
        raise ValueError(f"max_frames must be a whole number of at least 1, got {max_frames!r}")


@dataclass(frozen=True)
class AnalysisResult:
    """Where the outputs went, plus the report dict and frames.csv's rows as written
    (:class:`~formcheck.outputs.report.CsvSink`; None when read from a folder)."""

    report: dict
    report_path: Path
    csv_path: Path
    video_path: Path | None
    rows: list[dict] | None = None


def analyze_video(
    path: str | Path,
    exercise_id: str | None,
    out_dir: str | Path,
    side: str = "auto",
    settings: dict | None = None,
    progress: ProgressFn | None = None,
    write_video: bool = True,
    cancel: threading.Event | None = None,
    max_seconds: float | str | None = None,
    max_frames: int | None = None,
    mirrored: bool = False,
    pose: PoseEstimator | None = None,
    analysis_fps: float | None = None,
) -> AnalysisResult:
    """Analyse a video file end to end and write the three outputs into ``out_dir``.

    ``progress(done_frames, total_frames_or_None)`` is called as frames finish.
    ``cancel`` (set from another thread) or ``max_seconds`` (wall-clock bound) stop the
    analysis with :class:`~formcheck.file_loop.AnalysisCancelled`; nothing partial is
    left under the final file names. ``max_seconds="auto"`` uses :func:`time_bound`
    (proportional to the video's length). ``max_frames`` analyses only the first frames.
    A file cut short is analysed as far as it decodes; the report then has
    ``video.truncated`` true and a line in ``warnings``. ``analysis_fps`` analyses at most
    that many frames per second of video (None: every frame; frame times stay the real
    presentation times, the annotated video keeps every frame, frames.csv has a row per
    analysed frame).
    """
    path = Path(path)
    out = Path(out_dir)
    _check_limits(max_seconds, max_frames, analysis_fps)
    info: VideoInfo = probe(path)
    if max_seconds == "auto":
        max_seconds = time_bound(info)
    # Settings are checked (and the model loaded) before anything is written.
    proc = FrameProcessor(
        exercise_id=exercise_id, side=side, settings=dict(settings or {}), pose=pose,
        mirrored=mirrored, lookback=True,
    )  # fmt: skip
    sink, t_start = _open_outputs(out, proc)
    loop = FileLoop(
        proc, sink, RunningSummary(), CameraCheck(), t_start, cancel, max_seconds, progress,
        total=min(info.n_frames or 0, max_frames or 1 << 40) or None, analysis_fps=analysis_fps,
    )  # fmt: skip
    reader = FrameReader(path, max_side=PROCESS_MAX_SIDE)
    frames: Iterable[Frame] = reader
    if max_frames is not None:
        frames = itertools.islice(reader, max_frames)
    try:
        n = loop.run(reader, frames, out / "annotated.mp4" if write_video else None,
                     info.fps or 30.0)  # fmt: skip
    finally:
        proc.close()
    if n == 0:
        raise VideoError(f"{path.name}: no frames could be decoded; export the video again")
    request = {"exercise": exercise_id, "side": side, "mirrored": mirrored,
               "settings": dict(settings or {})}  # fmt: skip
    stopped_by_limit = max_frames is not None and n >= max_frames
    return _conclude(out, loop, info, reader, n, stopped_by_limit, request, write_video)


def _conclude(
    out: Path, loop: FileLoop, info: VideoInfo, reader: FrameReader, n: int,
    stopped_by_limit: bool, request: dict, write_video: bool,
) -> AnalysisResult:  # fmt: skip
    """After the loop: frames.csv into place, the exercise's result, report.json."""
    loop.sink.close()
    elapsed = time.perf_counter() - loop.t_start
    result = loop.proc.finish()
    report = file_report(
        info, reader, n, stopped_by_limit, loop.proc.exercise, result, loop.summary,
        loop.camera, elapsed, request, write_video,
    )  # fmt: skip
    write_json(out / "report.json", report)
    return AnalysisResult(
        report=report,
        report_path=out / "report.json",
        csv_path=out / "frames.csv",
        video_path=(out / "annotated.mp4") if write_video else None,
        rows=loop.sink.rows,
    )


def _open_outputs(out: Path, proc: FrameProcessor) -> tuple[CsvSink, float]:
    """Create the output folder and start its frames.csv: the sink and the analysis's start
    time (:func:`time.perf_counter`). Closes ``proc`` if either fails."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        proc.close()
        raise VideoError(f"cannot create output folder {out}: {e.strerror}") from None
    t_start = time.perf_counter()
    try:
        sink = CsvSink(out / "frames.csv")
    except BaseException:
        proc.close()
        raise
    return sink, t_start
