"""Camera placement over a whole video: a view between front-on and side-on, a tilted phone.

:class:`CameraCheck` collects, frame by frame, the lean of a body standing straight; at
the end, :meth:`CameraCheck.notes` turns that and the share of each camera view into
short notes for the user (the report's ``warnings``). Neither stops the analysis: reps
are counted from these cameras too, only less surely.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import numpy as np

from formcheck.pose.landmarks import ANKLE, SHOULDER, VISIBILITY_THRESHOLD, PoseFrame

#: Share of the frames with a person seen from an angle between front-on and side-on
#: (view ``"other"``) at or above which the view is called borderline.
BORDERLINE_SHARE = 0.4
#: A standing body's lean (deg from the image's vertical, median) at or above which the
#: camera is called tilted. On 30 real clips people standing straight leaned 0-7 (a phone
#: propped low on a bed, a low camera outdoors: 7).
TILT_MIN_DEG = 10.0
#: Only frames of a body standing straight count for the tilt: both knees (those seen)
#: bent less than this (2D, deg), at least this many frames.
STRAIGHT_KNEE_DEG = 15.0
MIN_TILT_FRAMES = 10


def body_lean(pose: PoseFrame | None) -> float:
    """Signed lean of the ankles-to-shoulders line from the image's vertical.

    The line runs from the ankles' midpoint to the shoulders' midpoint.

    Parameters
    ----------
    pose : PoseFrame or None
        One frame's pose (image landmarks, pixels).

    Returns
    -------
    float
        Degrees; positive leans toward the image's right. NaN unless all four landmarks
        are seen, and when the shoulders are not above the ankles (not standing).
    """
    if pose is None or pose.xy is None or pose.vis is None:
        return math.nan
    xy, vis = np.asarray(pose.xy, float), np.asarray(pose.vis, float)
    idx = [ANKLE["L"], ANKLE["R"], SHOULDER["L"], SHOULDER["R"]]
    if (vis[idx] < VISIBILITY_THRESHOLD).any():
        return math.nan
    ank = 0.5 * (xy[ANKLE["L"]] + xy[ANKLE["R"]])
    sh = 0.5 * (xy[SHOULDER["L"]] + xy[SHOULDER["R"]])
    dx, dy = sh - ank
    if dy >= 0:  # shoulders not above the ankles: not standing
        return math.nan
    return math.degrees(math.atan2(dx, -dy))


@dataclass
class CameraCheck:
    """Collects the lean of a straight standing body; see the module docstring.

    Attributes
    ----------
    leans : list of float
        :func:`body_lean` of each straight standing frame so far, degrees.
    """

    leans: list[float] = field(default_factory=list)

    def add(self, pose: PoseFrame | None, position: str, values: dict[str, float]) -> None:
        """Include one frame (its body position label and metrics).

        Only frames with ``position == "standing"`` and both seen knees bent less than
        :data:`STRAIGHT_KNEE_DEG` count.

        Parameters
        ----------
        pose : PoseFrame or None
            The frame's pose.
        position : str
            The frame's body position label (e.g. ``"standing"``).
        values : dict of str to float
            The frame's metrics (``knee_flexion_L``/``_R`` in degrees; NaN = not seen).
        """
        if position != "standing":
            return
        knees = [values.get(f"knee_flexion_{s}", math.nan) for s in ("L", "R")]
        knees = [k for k in knees if k is not None and math.isfinite(k)]
        if not knees or max(knees) >= STRAIGHT_KNEE_DEG:
            return
        lean = body_lean(pose)
        if math.isfinite(lean):
            self.leans.append(lean)

    @property
    def tilt_deg(self) -> float | None:
        """Median lean of the straight standing frames (deg), None with too few.

        Returns
        -------
        float or None
            Degrees, positive toward the image's right; None with fewer than
            :data:`MIN_TILT_FRAMES` frames.
        """
        if len(self.leans) < MIN_TILT_FRAMES:
            return None
        return float(statistics.median(self.leans))

    def notes(self, views: dict[str, float]) -> list[str]:
        """Notes for the user, from this check and the share of each view (0-1).

        Parameters
        ----------
        views : dict of str to float
            Share of frames per camera view, 0..1 (``"other"``: between front-on and side-on).

        Returns
        -------
        list of str
            A note for a borderline view (share >= :data:`BORDERLINE_SHARE`) and one for a
            tilted camera (``|tilt| >= TILT_MIN_DEG``); empty when neither.
        """
        out = []
        other = views.get("other", 0.0)
        if other >= BORDERLINE_SHARE:
            out.append(
                f"the camera was at an angle between front-on and side-on for {other:.0%} "
                "of the video: reps are counted from there, but angles are less sure; "
                "for the surest angles face the camera, or stand side-on to it"
            )
        tilt = self.tilt_deg
        if tilt is not None and abs(tilt) >= TILT_MIN_DEG:
            out.append(
                f"the camera was tilted by about {abs(tilt):.0f}°: standing straight, you "
                "leaned that way in the picture the whole time; hold or prop the phone "
                "upright"
            )
        return out
