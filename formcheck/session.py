"""Runs the whole flow over frames: pose -> smooth -> metrics -> tracker -> overlay/report.

``FrameProcessor`` handles one frame at a time (shared by the live webcam and
files). ``analyze_video`` runs it over a file with decoding and encoding in
their own threads, so they overlap with inference, and writes
``report.json``, ``frames.csv`` and ``annotated.mp4``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from formcheck import __version__
from formcheck.exercises import ExerciseTracker, get_exercise
from formcheck.measure.camera import CameraCheck
from formcheck.measure.confidence import (
    is_reliable,
    mark_depths,
    not_measurable,
    used_metrics,
    worked_sides,
)
from formcheck.measure.metrics import FrameMetrics, frame_metrics
from formcheck.outputs.hud import display_metrics, hud_for, label_text, landmark_for
from formcheck.outputs.overlay import AngleLabel, annotate
from formcheck.outputs.report import SCHEMA, CsvSink, RunningSummary, write_json
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.record import ReplayPose
from formcheck.pose.sides import SideStabilizer
from formcheck.pose.smoothing import PoseSmoother
from formcheck.video import Frame, FrameReader, VideoError, VideoInfo, VideoWriter, probe

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


class AnalysisCancelled(Exception):
    """The caller asked to stop (cancel event set, or the time bound was reached)."""


@dataclass
class ProcessedFrame:
    """What one frame produced: smoothed pose, metrics, the tracker's state (or None)."""

    pose: PoseFrame
    metrics: FrameMetrics
    state: object | None = None


@dataclass
class FrameProcessor:
    """Pose -> smoothing -> metrics -> exercise tracker for one frame at a time.

    ``exercise_id`` None means metrics only. ``settings`` overrides the
    exercise's thresholds (validated by the exercise definition). ``pose`` is any
    object with ``detect(rgb, t_s, index)`` (default: a new :class:`PoseEstimator`;
    :class:`~formcheck.pose.record.ReplayPose` replays recorded landmarks).
    ``mirrored``: the frames are a mirror image (a selfie video); they are flipped
    back before anything else, so left and right are the person's own and the
    annotated frames read the right way round. ``lookback``: a file, not a live
    stream; the tracker may replay the frames it saw while the setup was settling
    (:class:`~formcheck.exercises.ExerciseTracker`).
    """

    exercise_id: str | None = None
    side: str = "auto"
    settings: dict = field(default_factory=dict)
    pose: PoseEstimator | None = None
    mirrored: bool = False
    lookback: bool = False
    timings: dict[str, float] | None = None

    def __post_init__(self) -> None:
        self.smoother = PoseSmoother()
        self.sides = SideStabilizer()  # L/R identity, on raw landmarks before smoothing
        self.exercise = None
        self.tracker = None
        if self.exercise_id is not None:
            ex = get_exercise(self.exercise_id)
            if self.settings:
                ex = ex.with_settings(self.settings)
            self.exercise = ex
            self.tracker = ExerciseTracker(ex, side=self.side, lookback=self.lookback)
        self.labels = display_metrics(self.exercise)
        # Created last, so a bad exercise or setting never leaks a native landmarker.
        self._own_pose = self.pose is None
        if self.pose is None:
            self.pose = PoseEstimator(mode="video")

    def process(self, rgb: np.ndarray, t_s: float, index: int) -> ProcessedFrame:
        """Run one RGB frame shown at ``t_s`` seconds through the flow.

        With ``timings`` (a dict) each stage's seconds are added to it under its name
        (``pose``, ``sides_smooth``, ``metrics``, ``tracker``): the benchmark's profile.
        """
        t0 = time.perf_counter()
        raw = self.pose.detect(self._oriented(rgb), t_s, index)
        t1 = time.perf_counter()
        smooth = self.smoother(self.sides(raw))
        t2 = time.perf_counter()
        fm = frame_metrics(smooth)
        t3 = time.perf_counter()
        state = self.tracker.update(fm) if self.tracker is not None else None
        if self.timings is not None:
            t4 = time.perf_counter()
            for k, dt in (("pose", t1 - t0), ("sides_smooth", t2 - t1), ("metrics", t3 - t2),
                          ("tracker", t4 - t3)):  # fmt: skip
                self.timings[k] = self.timings.get(k, 0.0) + dt
        return ProcessedFrame(smooth, fm, state)

    def draw(self, rgb: np.ndarray, pf: ProcessedFrame) -> np.ndarray:
        """Annotated copy of ``rgb`` for a processed frame."""
        labels = []
        flags = getattr(pf.metrics, "reliable", None) or {}
        for m in self.labels:
            v = pf.metrics.get(m)
            lm = landmark_for(m)
            if lm is not None and math.isfinite(v) and flags.get(m, True):
                labels.append(AngleLabel(lm, label_text(m, v)))  # (no number nobody should read)
        return annotate(self._oriented(rgb), pf.pose, labels, hud_for(pf, self.exercise))

    def _oriented(self, rgb: np.ndarray | None) -> np.ndarray | None:
        """The frame the right way round (flipped left-right when ``mirrored``)."""
        if not self.mirrored or rgb is None:
            return rgb
        return np.ascontiguousarray(rgb[:, ::-1])

    def finish(self) -> dict | None:
        """The exercise result as a dict (None without an exercise)."""
        return self.tracker.finish().to_dict() if self.tracker is not None else None

    def close(self) -> None:
        """Release the pose model if this processor created it."""
        if self._own_pose and self.pose is not None:
            self.pose.close()


def reliability_part(exercise, result: dict | None, summary: RunningSummary) -> dict:
    """The frame-level part of a set's report (``detection_rate``, views, positions, metric
    summaries, ...) plus ``not_measurable``; marks the result's depths that could not be
    trusted (``depth_reliable``), in place. Files and live sets alike."""
    part = summary.to_dict()
    unmeasurable = not_measurable(
        used_metrics(exercise, worked_sides(result)),
        part["metrics"],
        summary.detected,
        part["views"],
    )
    mark_depths(result, exercise, unmeasurable)
    return {**part, "not_measurable": unmeasurable}


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


def csv_row(pf: ProcessedFrame) -> dict:
    """One frames.csv row for a processed frame."""
    fm = pf.metrics
    row = {
        "frame": fm.index,
        "t_s": fm.t_s,
        "detected": int(fm.detected),
        "n_people": fm.n_people,
        "view": fm.view if fm.detected else "",
        "position": fm.position if fm.detected else "",
        **fm.values,
    }
    st = pf.state
    if st is not None:
        # The tracker's own primary value (it may be derived from several metrics).
        row["primary_metric"] = getattr(st, "primary_metric", "") or ""
        row["primary"] = getattr(st, "primary_value", math.nan)
        flags = getattr(fm, "reliable", None)
        ok = is_reliable(flags, row["primary_metric"]) if fm.detected and flags else None
        row["primary_reliable"] = "" if ok is None else int(ok)
        row["phase"] = getattr(st, "phase", "")
        counts = getattr(st, "counts", {}) or {}
        row["count"] = sum(counts.values()) if counts else ""
        row["cue"] = getattr(st, "cue", "") or ""
    return row


@dataclass(frozen=True)
class AnalysisResult:
    """Where the outputs went, plus the report dict."""

    report: dict
    report_path: Path
    csv_path: Path
    video_path: Path | None


ProgressFn = Callable[[int, int | None], None]

_END = object()


def _producer(frames: Iterable[Frame], q: queue.Queue, stop: threading.Event) -> None:
    try:
        for f in frames:
            while not stop.is_set():
                try:
                    q.put(f, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        q.put(_END)
    except BaseException as e:  # noqa: BLE001 - handed to the consumer thread
        q.put(e)


def _put(q: queue.Queue, item: object, errors: list[BaseException]) -> None:
    """Put ``item`` on ``q`` unless the consumer thread has failed (then raise its error)."""
    while True:
        if errors:
            raise errors[0]
        try:
            q.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


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


class _Annotator:
    """The annotated video, drawn and H.264-encoded in a thread of its own behind a bounded
    queue; the writer opens on the first frame (its size). An error stops the decoder
    (``stop``) and is kept in ``errors`` for the main thread to raise."""

    def __init__(self, path: Path, fps: float, proc: FrameProcessor, stop: threading.Event):
        self.path, self.fps, self.proc, self.stop = path, fps, proc, stop
        self.q: queue.Queue = queue.Queue(maxsize=8)
        self.errors: list[BaseException] = []
        self.writer: VideoWriter | None = None
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def put(self, item: tuple[Frame, ProcessedFrame]) -> None:
        _put(self.q, item, self.errors)

    def _loop(self) -> None:
        try:
            while True:
                item = self.q.get()
                if item is _END:
                    break
                f, pf = item
                if self.writer is None:
                    h, w = f.rgb.shape[:2]
                    self.writer = VideoWriter(self.path, w, h, fps=self.fps)
                self.writer.write(self.proc.draw(f.rgb, pf), f.t_s)
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            self.errors.append(e)
            self.stop.set()

    def close(self) -> None:
        """All frames are in: finish the file (raises what went wrong in the thread)."""
        _put(self.q, _END, self.errors)
        self.thread.join()
        if self.errors:
            raise self.errors[0]
        if self.writer is not None:
            self.writer.close()

    def abort(self) -> None:
        """The analysis failed: stop the thread and leave no finished-looking file."""
        if self.thread.is_alive():
            with contextlib.suppress(queue.Full):
                self.q.put(_END, timeout=5)
            self.thread.join(timeout=10)
        if self.writer is not None:
            self.writer.abort()


def _file_report(
    info: VideoInfo, reader: FrameReader, n: int, stopped_by_limit: bool,
    proc: FrameProcessor, result: dict | None, summary: RunningSummary, camera: CameraCheck,
    elapsed: float, request: dict, write_video: bool,
) -> dict:  # fmt: skip
    """report.json for a file: ``request`` holds the exercise, side, mirrored, settings."""
    expected = info.n_frames
    short_count = bool(expected and n < 0.9 * expected)
    truncated = not stopped_by_limit and (reader.stopped_early or info.truncated or short_count)
    frame_part = reliability_part(proc.exercise, result, summary)
    report = {
        "schema": SCHEMA,
        "formcheck_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **request,
        "video": {**info.to_dict(), "frames_decoded": n, "truncated": truncated},
        "detection_rate": round(summary.detection_rate, 4),
        **{k: v for k, v in frame_part.items() if k != "detection_rate"},
        "processing": {"seconds": round(elapsed, 2), "fps": round(n / max(elapsed, 1e-9), 2)},
        "result": result,
        "outputs": {
            "report": "report.json",
            "frames": "frames.csv",
            "video": "annotated.mp4" if write_video else None,
        },
    }
    warnings = []
    if truncated:
        of = f" of about {expected}" if expected and expected > n else ""
        why = "was cut short" if (info.truncated or reader.problem == "cut short") else (
            "is damaged or incomplete"
        )
        warnings.append(
            f"the file {why}: analysed the first {reader.last_t_s:.1f} s ({n}{of} frames) "
            "that could be decoded; the rest is missing"
        )
    if n == 1:
        warnings.append("the video has a single frame: nothing can be counted or timed")
    warnings += camera.notes(frame_part["views"])
    if warnings:
        report["warnings"] = warnings
    return report


def _run_frames(
    in_q: queue.Queue, proc: FrameProcessor, sink: CsvSink, summary: RunningSummary,
    camera: CameraCheck, encoder: _Annotator | None, cancel: threading.Event | None,
    max_seconds: float | None, t_start: float, progress: ProgressFn | None,
    total: int | None, analysis_fps: float | None = None,
) -> int:  # fmt: skip
    """The main loop: each decoded frame through the processor, into the CSV, the
    summaries and the annotator; returns the frames decoded. Raises what the decoder or
    the annotator hit, and :class:`AnalysisCancelled` on ``cancel`` or the time bound (s).

    ``analysis_fps``: analyse only the first frame at or after each tick of this rate
    (frames per second of video time; None = every frame). The frames in between go to
    the annotated video with the last analysed result drawn on them, and nowhere else.
    """
    write_error = encoder.errors if encoder else []
    n = 0
    step = 1.0 / analysis_fps if analysis_fps else 0.0
    next_t = -math.inf
    last: ProcessedFrame | None = None
    while True:
        if write_error:
            raise write_error[0]
        if cancel is not None and cancel.is_set():
            raise AnalysisCancelled("analysis cancelled")
        if max_seconds is not None and time.perf_counter() - t_start > max_seconds:
            raise AnalysisCancelled(
                f"analysis stopped after {max_seconds:g} s (its time limit) at frame {n}; "
                "try a shorter video"
            )
        try:
            # A timeout, so a decoder stuck on a bad file still meets cancel and the bound.
            item = in_q.get(timeout=0.25)
        except queue.Empty:
            continue
        if item is _END:
            return n
        if isinstance(item, BaseException):
            raise item
        if last is None or item.t_s + 1e-6 >= next_t:
            last = pf = proc.process(item.rgb, item.t_s, item.index)
            fm = pf.metrics
            summary.add(fm.detected, fm.n_people, fm.view, fm.position, fm.values, fm.reliable)
            if fm.detected:
                camera.add(pf.pose, fm.position, fm.values)
            sink.write(csv_row(pf))
            if step:
                next_t = max(next_t, item.t_s - step) + step
                while next_t <= item.t_s + 1e-6:
                    next_t += step
        if encoder:
            encoder.put((item, last))
        n += 1
        if progress:
            progress(n, total)


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
    ``cancel`` (set from another thread) or ``max_seconds`` (wall-clock bound)
    stop the analysis with :class:`AnalysisCancelled`; nothing partial is left
    under the final file names. ``max_seconds="auto"`` uses :func:`time_bound`
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
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        proc.close()
        raise VideoError(f"cannot create output folder {out}: {e.strerror}") from None
    t_start = time.perf_counter()
    summary = RunningSummary()
    camera = CameraCheck()
    try:
        sink = CsvSink(out / "frames.csv")
    except BaseException:
        proc.close()
        raise
    stop = threading.Event()
    in_q: queue.Queue = queue.Queue(maxsize=8)
    reader = FrameReader(path, max_side=PROCESS_MAX_SIDE)
    frames: Iterable[Frame] = reader
    if max_frames is not None:
        frames = itertools.islice(reader, max_frames)
    decoder = threading.Thread(target=_producer, args=(frames, in_q, stop), daemon=True)
    encoder = _Annotator(out / "annotated.mp4", info.fps or 30.0, proc, stop) if (
        write_video
    ) else None  # fmt: skip
    decoder.start()
    if encoder:
        encoder.start()
    n = 0
    ok = False
    total = min(info.n_frames or 0, max_frames or 1 << 40) or None
    try:
        n = _run_frames(in_q, proc, sink, summary, camera, encoder, cancel, max_seconds,
                        t_start, progress, total, analysis_fps)  # fmt: skip
        if encoder:
            encoder.close()
        ok = True
    finally:
        stop.set()
        decoder.join(timeout=5)
        if not decoder.is_alive():  # (one stuck inside FFmpeg ends on its own, daemon thread)
            reader.close()
        if not ok:
            if encoder:
                encoder.abort()
            sink.abort()
        proc.close()
    if n == 0:
        raise VideoError(f"{path.name}: no frames could be decoded; export the video again")
    sink.close()
    elapsed = time.perf_counter() - t_start
    result = proc.finish()
    stopped_by_limit = max_frames is not None and n >= max_frames
    report = _file_report(
        info, reader, n, stopped_by_limit, proc, result, summary, camera, elapsed,
        {"exercise": exercise_id, "side": side, "mirrored": mirrored,
         "settings": dict(settings or {})}, write_video,
    )  # fmt: skip
    write_json(out / "report.json", report)
    return AnalysisResult(
        report=report,
        report_path=out / "report.json",
        csv_path=out / "frames.csv",
        video_path=(out / "annotated.mp4") if write_video else None,
    )
