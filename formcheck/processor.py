"""One frame at a time through the stages: pose -> sides -> smoothing -> metrics -> tracker.

:class:`FrameProcessor` is shared by a file's analysis (:mod:`formcheck.session`), the
live webcam (:mod:`formcheck.live`), the replay of recorded landmarks
(:func:`formcheck.session.replay`) and the benchmark; it also draws a processed frame
(angle labels and heads-up display, :mod:`formcheck.outputs.overlay`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from formcheck.exercises import ExerciseTracker, get_exercise
from formcheck.measure.metrics import FrameMetrics, frame_metrics
from formcheck.outputs.hud import display_metrics, hud_for, label_text, landmark_for
from formcheck.outputs.overlay import AngleLabel, annotate
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.landmarks import PoseFrame
from formcheck.pose.sides import SideStabilizer
from formcheck.pose.smoothing import PoseSmoother


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
