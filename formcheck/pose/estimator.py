"""MediaPipe PoseLandmarker wrapper: model path, running mode, timestamps, person choice.

Use as a context manager so the native landmarker is always closed::

    with PoseEstimator(mode="video") as pose:
        for frame in iter_frames("clip.mp4"):
            pf = pose.detect(frame.rgb, frame.t_s, frame.index)

Timestamps passed to MediaPipe are integer milliseconds, forced strictly
increasing (bumped by 1 ms when two frames round to the same value).
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from formcheck.data import POSE_MODEL
from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame

#: The committed model (see formcheck/data/models/README.md).
DEFAULT_MODEL = POSE_MODEL

#: Longest image side given to the model; larger frames are downscaled first
#: (the model works at 256x256 internally, so this loses nothing and saves time).
INFERENCE_MAX_SIDE = 960


#: How often (seconds of video) a tracking estimator looks for a second person in view,
#: and how long one it found counts as still there (MediaPipe finds a smaller second
#: person in only some frames: a rendered one at half size in 9 of 60).
PEOPLE_CHECK_S = 0.25
PEOPLE_HOLD_S = 1.0


class PoseModelError(Exception):
    """The pose model file is missing or unusable; the message says what to do."""


def model_path() -> Path:
    """Model file: ``$FORMCHECK_MODEL`` if set, else the packaged copy (``formcheck/data``).

    Returns
    -------
    Path
        An existing file.

    Raises
    ------
    PoseModelError
        No file at that path (the message says how to rebuild it).
    """
    p = Path(os.environ.get("FORMCHECK_MODEL", DEFAULT_MODEL))
    if not p.is_file():
        raise PoseModelError(
            f"pose model not found at {p}; run `python tools/build_pose_model.py` to rebuild it"
        )
    return p


def _quiet_native_logs() -> None:
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def choose_person(poses: list[np.ndarray]) -> int:
    """Index of the person to track: the largest, most central body.

    Score = bounding-box area minus a penalty for distance of the box centre from the
    image centre.

    Parameters
    ----------
    poses : list of ndarray, shape (33, >=2)
        One landmark array per person found, normalised image coordinates (0..1).

    Returns
    -------
    int
        Index into ``poses`` of the best-scoring person (0 when ``poses`` is empty).
    """
    best, best_score = 0, -np.inf
    for i, p in enumerate(poses):
        xy = np.clip(p[:, :2], -0.5, 1.5)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        area = float(np.prod(hi - lo))
        centre = (lo + hi) / 2
        dist = float(np.hypot(*(centre - 0.5)))
        score = area - 0.5 * dist * dist
        if score > best_score:
            best, best_score = i, score
    return best


class PoseEstimator:
    """Finds one person's 33 landmarks per frame with MediaPipe Pose (Tasks API).

    With ``num_poses=1`` in video mode the landmarker tracks that person from frame to
    frame, which spares the person detector on most frames (inference 1.66 times as
    fast); a second landmarker (image mode, two poses) counts the people in view every
    ``people_check_s`` seconds of video and whenever the person is found again, and
    ``n_people`` reports the last count in between (a second person, once found, for
    :data:`PEOPLE_HOLD_S` at least). Not the default yet: its landmarks differ enough
    from the two-pose ones the corrections were fit on that held-out counts drop
    (docs/speed.md).

    Parameters
    ----------
    mode : {"video", "image"}
        ``"video"`` for files and live frames processed in order (uses tracking between
        frames), ``"image"`` for unrelated stills.
    num_poses : int
        How many people the model may find; the tracked one is chosen by
        :func:`choose_person` and ``PoseFrame.n_people`` reports how many were seen.
    min_detection_confidence : float
        Minimum pose detection and presence confidence, 0..1.
    min_tracking_confidence : float
        Minimum tracking confidence, 0..1.
    model : str or path-like, optional
        Model file; None: :func:`model_path`.
    people_check_s : float or None
        Seconds of video between people counts in tracking mode (``num_poses=1``, video);
        None or 0: no counting landmarker.

    Raises
    ------
    ValueError
        ``mode`` is neither ``"video"`` nor ``"image"``.
    PoseModelError
        The model file is missing or cannot be loaded.
    """

    def __init__(
        self,
        mode: str = "video",
        num_poses: int = 2,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        model: str | os.PathLike | None = None,
        people_check_s: float | None = PEOPLE_CHECK_S,
    ):
        if mode not in ("video", "image"):
            raise ValueError(f"mode must be 'video' or 'image', got {mode!r}")
        _quiet_native_logs()
        from mediapipe.tasks.python import BaseOptions, vision

        self.mode = mode
        path = Path(model) if model else model_path()
        running = vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=running,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._counter = None
        try:
            self._lm = vision.PoseLandmarker.create_from_options(options)
            if mode == "video" and num_poses == 1 and people_check_s:
                counting = vision.PoseLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(path)),
                    running_mode=vision.RunningMode.IMAGE,
                    num_poses=2,
                    min_pose_detection_confidence=min_detection_confidence,
                    min_pose_presence_confidence=min_detection_confidence,
                )
                self._counter = vision.PoseLandmarker.create_from_options(counting)
        except (RuntimeError, ValueError) as e:
            self.close()
            raise PoseModelError(f"cannot load pose model {path.name}: {e}") from None
        self._last_ms = -1
        self._check_s = people_check_s or 0.0
        self._people = 1  # the last count of people in view (tracking mode)
        self._next_check = -math.inf
        self._several_until = -math.inf  # a second person was seen: counted until then

    # -- lifecycle
    def close(self) -> None:
        """Release the native landmarker (idempotent)."""
        for name in ("_lm", "_counter"):
            lm = getattr(self, name, None)
            setattr(self, name, None)
            if lm is not None:
                lm.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inference
    def _timestamp(self, t_s: float) -> int:
        ms = int(round(t_s * 1000))
        if ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    def _image(self, rgb: np.ndarray):
        import mediapipe as mp

        if self._lm is None:
            raise RuntimeError("PoseEstimator is closed")
        h, w = rgb.shape[:2]
        if max(h, w) > INFERENCE_MAX_SIDE:
            import cv2

            s = INFERENCE_MAX_SIDE / max(h, w)
            rgb = cv2.resize(rgb, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA)
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))

    def infer(self, rgb: np.ndarray, t_s: float):
        """Raw MediaPipe result for one RGB frame (also used by the benchmark).

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3), uint8
            The frame, RGB; downscaled to :data:`INFERENCE_MAX_SIDE` first if larger.
        t_s : float
            Presentation time, seconds (video mode; sent as strictly increasing milliseconds).

        Returns
        -------
        PoseLandmarkerResult
            MediaPipe's result, landmarks normalised to the image (0..1).
        """
        image = self._image(rgb)
        if self.mode == "video":
            return self._lm.detect_for_video(image, self._timestamp(t_s))
        return self._lm.detect(image)

    def detect(self, rgb: np.ndarray, t_s: float, index: int = 0) -> PoseFrame:
        """Landmarks of the chosen person in ``rgb`` (H, W, 3 uint8) shown at ``t_s`` seconds.

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3), uint8
            The frame, RGB.
        t_s : float
            Presentation time, seconds from the start of the video.
        index : int
            Frame index, copied into the result.

        Returns
        -------
        PoseFrame
            Landmarks in pixels of ``rgb`` (world landmarks in metres); ``xy`` None when
            nobody was found.
        """
        h, w = rgb.shape[:2]
        pf = to_pose_frame(self.infer(rgb, t_s), index, t_s, w, h)
        if self._counter is None:
            return pf
        if not pf.n_people:
            self._next_check = -math.inf  # count again as soon as someone is found
            return pf
        if t_s >= self._next_check:
            found = self._counter.detect(self._image(rgb)).pose_landmarks or []
            self._people = max(1, len(found))
            self._next_check = t_s + self._check_s
            if self._people > 1:
                self._several_until = t_s + PEOPLE_HOLD_S
        several = max(self._people, 2) if t_s < self._several_until else self._people
        return replace(pf, n_people=several)


def to_pose_frame(result, index: int, t_s: float, width: int, height: int) -> PoseFrame:
    """Convert a MediaPipe PoseLandmarkerResult into a :class:`PoseFrame` (pixels, metres).

    Parameters
    ----------
    result : PoseLandmarkerResult
        MediaPipe's result (normalised landmarks).
    index : int
        Frame index.
    t_s : float
        Presentation time, seconds.
    width, height : int
        Frame size, pixels: the normalised landmarks are scaled by it.

    Returns
    -------
    PoseFrame
        The person chosen by :func:`choose_person`; ``xy``/``vis``/``world`` None when
        nobody was found or the pose has not 33 landmarks. Visibility is clipped to 0..1.
    """
    people = result.pose_landmarks or []
    if not people:
        return PoseFrame(index=index, t_s=t_s, width=width, height=height, n_people=0)
    arrs = [
        np.array([(p.x, p.y, p.visibility if p.visibility is not None else 0.0) for p in person])
        for person in people
    ]
    i = choose_person(arrs)
    a = arrs[i]
    if a.shape[0] != N_LANDMARKS:
        return PoseFrame(index=index, t_s=t_s, width=width, height=height, n_people=len(people))
    xy = a[:, :2] * np.array([width, height], dtype=float)
    vis = np.clip(a[:, 2], 0.0, 1.0)
    world = None
    if result.pose_world_landmarks and len(result.pose_world_landmarks) > i:
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[i]], dtype=float)
    return PoseFrame(
        index=index, t_s=t_s, width=width, height=height,
        xy=xy, vis=vis, world=world, n_people=len(people),
    )  # fmt: skip
