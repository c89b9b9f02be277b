"""Record a clip's raw pose detections once, replay them through the rest of the flow.

MediaPipe is the slow stage. :class:`RecordingPose` wraps a pose estimator and keeps
every raw :class:`~formcheck.pose.landmarks.PoseFrame` it returns; :func:`save_frames`
writes them to one ``.npz`` file (schema ``formcheck.landmarks/1``). :class:`ReplayPose`
stands in for the estimator and returns the recorded frame for each frame index, so
``FrameProcessor(pose=ReplayPose(frames))`` or ``analyze_video(..., pose=...)`` runs
side stabilisation, smoothing, metrics and the tracker exactly as a live run would.

Used by ``tools/real_eval.py`` (re-scoring real clips after an engine change) and by the
regression tests that replay recorded real landmarks (no video, no MediaPipe).

Example:
    >>> from formcheck.pose.landmarks import PoseFrame
    >>> rp = ReplayPose([PoseFrame(index=0, t_s=0.0, width=64, height=48)])
    >>> rp.detect(None, 0.0, 0).detected
    False
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from formcheck.pose.landmarks import N_LANDMARKS, PoseFrame

SCHEMA = "formcheck.landmarks/1"


class RecordingPose:
    """Wraps an estimator (anything with ``detect(rgb, t_s, index)``) and keeps its frames.

    Parameters
    ----------
    inner : estimator
        The wrapped estimator (e.g. :class:`~formcheck.pose.estimator.PoseEstimator`).

    Attributes
    ----------
    frames : list of PoseFrame
        The raw frames returned so far, in call order.
    """

    def __init__(self, inner) -> None:
        self.inner = inner
        self.frames: list[PoseFrame] = []

    def detect(self, rgb: np.ndarray, t_s: float, index: int = 0) -> PoseFrame:
        """Detect with the wrapped estimator and record the raw frame.

        Parameters
        ----------
        rgb : ndarray, shape (H, W, 3), uint8
            The frame, RGB.
        t_s : float
            Presentation time, seconds.
        index : int
            Frame index.

        Returns
        -------
        PoseFrame
            The wrapped estimator's frame (also appended to :attr:`frames`).
        """
        pf = self.inner.detect(rgb, t_s, index)
        self.frames.append(pf)
        return pf

    def close(self) -> None:
        """Close the wrapped estimator."""
        self.inner.close()


class ReplayPose:
    """Returns recorded raw frames by frame index (``rgb`` is ignored; may be None).

    A frame index that was not recorded raises ``KeyError``: a replay must see the
    same frames as the recording.

    Parameters
    ----------
    frames : sequence of PoseFrame
        The recorded frames (e.g. from :func:`load_frames`).
    """

    def __init__(self, frames: Sequence[PoseFrame]) -> None:
        self._by_index = {f.index: f for f in frames}

    def detect(self, rgb: np.ndarray | None, t_s: float, index: int = 0) -> PoseFrame:
        """The recorded frame ``index``, with the time of this call (seconds).

        Parameters
        ----------
        rgb : ndarray or None
            Ignored.
        t_s : float
            Presentation time, seconds; must match the recorded time within 1 microsecond
            (ValueError otherwise).
        index : int
            Frame index; KeyError when it was not recorded.

        Returns
        -------
        PoseFrame
            The recorded frame.
        """
        f = self._by_index[index]
        if not math.isclose(f.t_s, t_s, abs_tol=1e-6):
            raise ValueError(f"frame {index}: recorded at {f.t_s:.6f} s, replayed at {t_s:.6f} s")
        return f

    def close(self) -> None:
        """Nothing to release."""


def save_frames(path: str | Path, frames: Iterable[PoseFrame], **meta: str) -> Path:
    """Write raw frames to ``path`` (.npz). Undetected frames store NaN landmarks.

    Image landmarks are stored normalised (x / width, y / height) as float32, as
    MediaPipe returns them, so a replay gives back the same pixels bit for bit.

    Parameters
    ----------
    path : str or Path
        Output file; its parent directories are created.
    frames : iterable of PoseFrame
        The raw frames.
    **meta : str
        Stored alongside, e.g. the clip's source and licence.

    Returns
    -------
    Path
        ``path``.
    """
    frames = list(frames)
    n = len(frames)
    xy = np.full((n, N_LANDMARKS, 2), np.nan, np.float32)
    vis = np.zeros((n, N_LANDMARKS), np.float32)
    world = np.full((n, N_LANDMARKS, 3), np.nan, np.float32)
    has_world = np.zeros(n, bool)
    for i, f in enumerate(frames):
        if f.detected:
            xy[i], vis[i] = np.asarray(f.xy) / (f.width, f.height), f.vis
            if f.world is not None:
                world[i], has_world[i] = f.world, True
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        schema=np.array(SCHEMA),
        index=np.array([f.index for f in frames], np.int64),
        t_s=np.array([f.t_s for f in frames], np.float64),
        size=np.array([[f.width, f.height] for f in frames], np.int32).reshape(n, 2),
        n_people=np.array([f.n_people for f in frames], np.int16),
        detected=np.array([f.detected for f in frames], bool),
        xy=xy,
        vis=vis,
        world=world,
        has_world=has_world,
        **{f"meta_{k}": np.array(str(v)) for k, v in meta.items()},
    )
    return path


def load_frames(path: str | Path) -> list[PoseFrame]:
    """Read frames written by :func:`save_frames` (pixels and metres as float64).

    Parameters
    ----------
    path : str or Path
        A ``formcheck.landmarks/1`` ``.npz`` file (ValueError otherwise).

    Returns
    -------
    list of PoseFrame
        The frames; undetected ones have ``xy`` None.
    """
    with np.load(path, allow_pickle=False) as z:
        if str(z["schema"]) != SCHEMA:
            raise ValueError(f"{path}: not a {SCHEMA} file")
        out = []
        for i in range(len(z["index"])):
            w, h = (int(x) for x in z["size"][i])
            common = dict(
                index=int(z["index"][i]), t_s=float(z["t_s"][i]), width=w, height=h,
                n_people=int(z["n_people"][i]),
            )  # fmt: skip
            if not z["detected"][i]:
                out.append(PoseFrame(**common))
                continue
            world = z["world"][i].astype(float) if z["has_world"][i] else None
            out.append(
                PoseFrame(
                    **common, xy=z["xy"][i].astype(float) * np.array([w, h], dtype=float),
                    vis=z["vis"][i].astype(float),
                    world=world,
                )  # fmt: skip
            )
        return out


def load_meta(path: str | Path) -> dict[str, str]:
    """The ``meta`` strings stored by :func:`save_frames`.

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save_frames`.

    Returns
    -------
    dict of str to str
        Meta key -> value.
    """
    with np.load(path, allow_pickle=False) as z:
        return {k[5:]: str(z[k]) for k in z.files if k.startswith("meta_")}
