"""Per-frame metrics: the stage between (smoothed) landmarks and the exercise engine."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.measure import correction
from formcheck.measure.posture import estimate_position, estimate_view
from formcheck.measure.registry import CATALOGUE, METRIC_NAMES, compute_metrics, find
from formcheck.pose.landmarks import PoseFrame

#: Metrics whose value does not depend on the camera view (positions over time).
VIEW_FREE = tuple(m.name for m in CATALOGUE if m.view_free)


@dataclass(frozen=True)
class FrameMetrics:
    """Everything the exercise engine sees of one frame.

    ``values`` are bias-corrected where a correction model exists for the metric in
    this view and position (:mod:`formcheck.measure.correction`; off with
    ``FORMCHECK_CORRECTION=0``); ``raw`` holds every metric as MediaPipe's landmarks
    give it.

    Attributes
    ----------
    index : int
        Frame index.
    t_s : float
        Presentation time, seconds.
    detected : bool
        A person was found.
    n_people : int
        How many people the model found.
    values : dict of str to float
        Every name in :data:`formcheck.measure.registry.METRIC_NAMES` -> a float
        (degrees, ratios or torso lengths; NaN = not measurable this frame),
        bias-corrected where a model exists.
    view : str
        ``"front"``, ``"side"`` or ``"other"``.
    position : str
        ``"standing"``, ``"seated"``, ``"lying"``, ``"quadruped"`` or ``"unknown"``.
    pose : PoseFrame or None
        The landmark frame the values came from (for setup checks).
    raw : dict of str to float
        Every metric as MediaPipe's landmarks give it (uncorrected).
    reliable : dict of str to bool
        ``reliable[name]`` is False when the metric cannot be trusted in this frame: not
        measurable from this camera angle (the metric's best view in
        :data:`formcheck.measure.registry.CATALOGUE` is not the current view), a landmark
        it needs not visible, or a known-unusable view (see :func:`reliability`).
    """

    index: int
    t_s: float
    detected: bool
    n_people: int
    values: dict[str, float] = field(default_factory=dict)
    view: str = "other"
    position: str = "unknown"
    pose: PoseFrame | None = None
    raw: dict[str, float] = field(default_factory=dict)
    reliable: dict[str, bool] = field(default_factory=dict)

    def get(self, name: str) -> float:
        """The metric's value, NaN when unknown or not measurable.

        Parameters
        ----------
        name : str
            A metric name.

        Returns
        -------
        float
            In the metric's units; NaN when missing, None or not measurable.
        """
        v = self.values.get(name, math.nan)
        return math.nan if v is None else float(v)


def frame_metrics(pose: PoseFrame) -> FrameMetrics:
    """Compute :class:`FrameMetrics` for one :class:`PoseFrame`.

    Parameters
    ----------
    pose : PoseFrame
        One frame's (smoothed) landmarks.

    Returns
    -------
    FrameMetrics
        All values NaN and none reliable when nobody was detected.
    """
    if not pose.detected:
        return FrameMetrics(
            index=pose.index,
            t_s=pose.t_s,
            detected=False,
            n_people=pose.n_people,
            values=dict.fromkeys(METRIC_NAMES, math.nan),
            pose=pose,
            raw=dict.fromkeys(METRIC_NAMES, math.nan),
            reliable=dict.fromkeys(METRIC_NAMES, False),
        )
    xy = np.asarray(pose.xy)[None]
    vis = np.asarray(pose.vis)[None]
    world = None if pose.world is None else np.asarray(pose.world)[None]
    raw = {k: float(v[0]) for k, v in compute_metrics(xy, vis, world).items()}
    view = str(estimate_view(xy, vis, world)[0])
    position = str(estimate_position(xy, vis)[0])
    values = dict(raw)
    w0 = None if world is None else world[0]
    ctx = correction.context(xy[0], vis[0], w0, view, position)
    fixed: dict[str, float] = {}
    if correction.enabled():
        fixed = correction.correct(raw, xy[0], vis[0], w0, ctx)
        values |= fixed
    return FrameMetrics(
        index=pose.index,
        t_s=pose.t_s,
        detected=True,
        n_people=pose.n_people,
        values=values,
        view=view,
        position=position,
        pose=pose,
        raw=raw,
        reliable=reliability(values, view, xy[0], vis[0], ctx, set(fixed)),
    )


#: Camera contexts where a metric's raw MediaPipe value is known to be biased (measured on
#: rendered truth, docs/corrections.md): without a correction it is not reported as
#: reliable. From the registry's ``biased_raw_in``.
BIASED_RAW: dict[str, tuple[str, ...]] = {
    m.name: m.biased_raw_in for m in CATALOGUE if m.biased_raw_in
}

#: Camera contexts where a metric is degenerate whatever is done to it: the frontal-plane
#: projection angle of a thigh pointing at the camera (seated or lying, filmed from the
#: front or the feet) is a few pixels long and reads anything from -140 to +140; the
#: knee/ankle distance ratio seated puts the knees mid-shin and its correction model
#: barely beats raw (0.6 vs 0.7, docs/corrections.md). (From the feet, the ratio is
#: trusted once corrected: 0.3 -> 0.1.) From the registry's ``unusable_in``.
UNUSABLE: dict[str, tuple[str, ...]] = {m.name: m.unusable_in for m in CATALOGUE if m.unusable_in}

#: The two knees' FPPA this far apart (deg) in one frame is no knee position but a camera
#: at an angle to a deep squat: real clips read 85-130 apart there (one knee 40 "in", the
#: other 50 "out"), while real squats square to the camera, clean or not, stay within 30.
FPPA_MAX_SPREAD = 60.0


def reliability(values: dict[str, float], view: str, xy: np.ndarray, vis: np.ndarray,
                ctx: str = "", corrected: set[str] | None = None) -> dict[str, bool]:  # fmt: skip
    """Per metric: can the value be trusted in this frame?

    False when the value is NaN (a landmark it needs is not visible), when the current
    view is not the metric's best view (an oblique view counts as side for the sagittal
    angles; e.g. knee flexion from the front, the knee drop
    from the side: "not measurable from this camera angle"), and for the knee/ankle
    separation ratio when the thighs point at the camera (lying, filmed from the feet:
    MediaPipe puts the knees mid-shin) unless a correction model applied; where the
    metric is degenerate in this camera context (:data:`UNUSABLE`); where the raw
    value is known to be biased in this camera context (:data:`BIASED_RAW`) and no
    correction was applied; and for both knees' FPPA when they read implausibly far apart
    (:data:`FPPA_MAX_SPREAD`).

    Parameters
    ----------
    values : dict of str to float
        The frame's metric values (NaN = not measurable).
    view : str
        The frame's camera view (``"front"``, ``"side"``, ``"other"``).
    xy : ndarray, shape (33, 2)
        Image landmarks, pixels.
    vis : ndarray, shape (33,)
        Landmark visibility, 0..1.
    ctx : str
        The camera context (:func:`formcheck.measure.correction.context`).
    corrected : set of str, optional
        Metrics a correction model was applied to in this frame.

    Returns
    -------
    dict of str to bool
        One flag per name in ``values``.
    """
    corrected = corrected or set()
    out = {}
    feet_view = correction.is_feet_view(xy, vis)
    for name, v in values.items():
        ok = math.isfinite(v)
        m = find(name)[0]
        best = (m.best_view if m is not None else "") or "other"
        if ok and not (m is not None and m.view_free):
            # An oblique ("other") view still shows the sagittal angles (the hinge allows 45°).
            ok = view == best or (view == "other" and best == "side")
        fixed = name in corrected  # a correction model was fit for this context
        if ok and name == "knee_ankle_ratio" and feet_view and not fixed:
            ok = False
        if ok and m is not None and ctx in m.unusable_in:
            ok = False
        if ok and m is not None and ctx in m.biased_raw_in and name not in corrected:
            ok = False
        out[name] = ok
    fppa = [values.get(f"knee_valgus_{s}", math.nan) for s in ("L", "R")]
    if all(math.isfinite(x) for x in fppa) and abs(fppa[0] - fppa[1]) > FPPA_MAX_SPREAD:
        out["knee_valgus_L"] = out["knee_valgus_R"] = False
    return out
