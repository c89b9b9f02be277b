"""The loop of a file's analysis, with decoding and encoding in threads of their own.

A decoder thread fills a bounded queue with decoded frames; the main thread runs each
through the :class:`~formcheck.processor.FrameProcessor` into frames.csv, the running
summaries and the camera check; the annotated video is drawn and encoded by a third
thread (:class:`Annotator`), so decoding and encoding overlap with inference.
:class:`FileLoop` is what :func:`formcheck.session.analyze_video` runs.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from formcheck.measure.camera import CameraCheck
from formcheck.outputs.report import CsvSink, RunningSummary, csv_row
from formcheck.processor import FrameProcessor, ProcessedFrame
from formcheck.video import Frame, FrameReader, VideoWriter

ProgressFn = Callable[[int, int | None], None]

_END = object()


class AnalysisCancelled(Exception):
    """The caller asked to stop (cancel event set, or the time bound was reached)."""


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


class Annotator:
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


@dataclass
class FileLoop:
    """Each decoded frame of a file through ``proc`` into ``sink`` (frames.csv), ``summary``
    and ``camera``, and to the annotated video.

    ``cancel`` (set from another thread) or ``max_seconds`` (wall clock since ``t_start``,
    a :func:`time.perf_counter` reading) stop it with :class:`AnalysisCancelled`.
    ``progress(done, total)`` is called after each frame. ``analysis_fps``: analyse only
    the first frame at or after each tick of this rate (frames per second of video time;
    None = every frame); the frames in between go to the annotated video with the last
    analysed result drawn on them, and nowhere else.
    """

    proc: FrameProcessor
    sink: CsvSink
    summary: RunningSummary
    camera: CameraCheck
    t_start: float
    cancel: threading.Event | None = None
    max_seconds: float | None = None
    progress: ProgressFn | None = None
    total: int | None = None
    analysis_fps: float | None = None

    def run(
        self, reader: FrameReader, frames: Iterable[Frame], video: Path | None, fps: float
    ) -> int:
        """Decode ``frames`` (from ``reader``) in a thread, analyse them here, encode the
        annotated video to ``video`` (None: no video) at ``fps`` in another thread; returns
        the frames decoded. On failure the partial video and CSV are dropped."""
        stop = threading.Event()
        in_q: queue.Queue = queue.Queue(maxsize=8)
        decoder = threading.Thread(target=_producer, args=(frames, in_q, stop), daemon=True)
        encoder = Annotator(video, fps, self.proc, stop) if video is not None else None
        decoder.start()
        if encoder:
            encoder.start()
        ok = False
        try:
            n = self._consume(in_q, encoder)
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
                self.sink.abort()
        return n

    def _consume(self, in_q: queue.Queue, encoder: Annotator | None) -> int:
        """The main loop; returns the frames decoded. Raises what the decoder or the
        annotator hit, and :class:`AnalysisCancelled` on ``cancel`` or the time bound."""
        write_error = encoder.errors if encoder else []
        n = 0
        step = 1.0 / self.analysis_fps if self.analysis_fps else 0.0
        next_t = -math.inf
        last: ProcessedFrame | None = None
        while True:
            if write_error:
                raise write_error[0]
            self._check_stop(n)
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
                last = self._analyse(item)
                if step:
                    next_t = max(next_t, item.t_s - step) + step
                    while next_t <= item.t_s + 1e-6:
                        next_t += step
            if encoder:
                encoder.put((item, last))
            n += 1
            if self.progress:
                self.progress(n, self.total)

    def _check_stop(self, n: int) -> None:
        """Raise :class:`AnalysisCancelled` on ``cancel`` or past the time bound."""
        if self.cancel is not None and self.cancel.is_set():
            raise AnalysisCancelled("analysis cancelled")
        if self.max_seconds is not None and time.perf_counter() - self.t_start > self.max_seconds:
            raise AnalysisCancelled(
                f"analysis stopped after {self.max_seconds:g} s (its time limit) at frame {n}; "
                "try a shorter video"
            )

    def _analyse(self, item: Frame) -> ProcessedFrame:
        """One decoded frame through the processor, into the summaries and frames.csv."""
        pf = self.proc.process(item.rgb, item.t_s, item.index)
        fm = pf.metrics
        self.summary.add(fm.detected, fm.n_people, fm.view, fm.position, fm.values, fm.reliable)
        if fm.detected:
            self.camera.add(pf.pose, fm.position, fm.values)
        self.sink.write(csv_row(pf))
        return pf
