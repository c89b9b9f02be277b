"""Per-frame metrics: the stage between (smoothed) landmarks and the exercise engine."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from formcheck.geometry import METRIC_NAMES, compute_metrics, estimate_position, estimate_view
from formcheck.landmarks import PoseFrame


@dataclass(frozen=True)
class FrameMetrics:
    """Everything the exercise engine sees of one frame.

    ``values`` maps every name in :data:`formcheck.geometry.METRIC_NAMES` to a
    float (degrees, ratios or torso lengths; NaN = not measurable this frame).
    ``view`` is front/side/other, ``position`` standing/seated/lying/quadruped/unknown.
    ``pose`` is the landmark frame the values came from (for setup checks).
    """

    index: int
    t_s: float
    detected: bool
    n_people: int
    values: dict[str, float] = field(default_factory=dict)
    view: str = "other"
    position: str = "unknown"
    pose: PoseFrame | None = None

    def get(self, name: str) -> float:
        """The metric's value, NaN when unknown or not measurable."""
        v = self.values.get(name, math.nan)
        return math.nan if v is None else float(v)


def frame_metrics(pose: PoseFrame) -> FrameMetrics:
    """Compute :class:`FrameMetrics` for one :class:`PoseFrame`."""
    if not pose.detected:
        return FrameMetrics(
            index=pose.index,
            t_s=pose.t_s,
            detected=False,
            n_people=pose.n_people,
            values=dict.fromkeys(METRIC_NAMES, math.nan),
            pose=pose,
        )
    xy = np.asarray(pose.xy)[None]
    vis = np.asarray(pose.vis)[None]
    world = None if pose.world is None else np.asarray(pose.world)[None]
    vals = compute_metrics(xy, vis, world)
    return FrameMetrics(
        index=pose.index,
        t_s=pose.t_s,
        detected=True,
        n_people=pose.n_people,
        values={k: float(v[0]) for k, v in vals.items()},
        view=str(estimate_view(xy, vis, world)[0]),
        position=str(estimate_position(xy, vis)[0]),
        pose=pose,
    )
