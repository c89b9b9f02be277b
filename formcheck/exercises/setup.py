"""Setup checks: is the person in view, alone, visible enough, in the right view/position?

:func:`frame_problems` lists one frame's problems as instructions to the user.
:class:`SetupMonitor` debounces them over time: a problem must last ``delay``
seconds (view and position: ``view_delay``) before it breaks a passing setup,
and the setup passes after ``settle_s`` seconds without problems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.exercises.model import ExerciseDef
from formcheck.measure.metrics import FrameMetrics
from formcheck.measure.posture import standing_tall
from formcheck.pose.landmarks import VISIBILITY_THRESHOLD

NOT_IN_VIEW = "Move into the camera's view"
ONE_PERSON = "Only one person in view, please"

#: group -> (landmark indices, instruction when they are out of frame or hidden)
GROUPS: dict[str, tuple[tuple[int, ...], str]] = {
    "shoulders": ((11, 12), "Your shoulders are out of frame: step back"),
    "hips": ((23, 24), "Your hips are out of frame: step back"),
    "knees": ((25, 26), "Your knees are out of frame: step back"),
    "ankles": ((27, 28), "Your feet are out of frame: step back"),
    "feet": ((29, 30, 31, 32), "Your feet are out of frame: step back"),
}
_VIEW_PROBLEMS = "view"
_MARGIN = 0.01  # fraction of the frame size a landmark may sit outside the image


def _group_visible(fm: FrameMetrics, idx: tuple[int, ...], need_all: bool) -> bool:
    pose = fm.pose
    if pose is None or pose.xy is None or pose.vis is None:
        return True  # hand-made metrics: nothing to check
    xy, vis = np.asarray(pose.xy)[list(idx)], np.asarray(pose.vis)[list(idx)]
    mx, my = _MARGIN * pose.width, _MARGIN * pose.height
    inside = (
        (xy[:, 0] >= -mx)
        & (xy[:, 0] <= pose.width + mx)
        & (xy[:, 1] >= -my)
        & (xy[:, 1] <= pose.height + my)
    )
    ok = (vis >= VISIBILITY_THRESHOLD) & inside
    return bool(ok.all() if need_all else ok.any())


def frame_problems(d: ExerciseDef, fm: FrameMetrics) -> list[str]:
    """Instructions for everything wrong with this frame's setup (empty = fine).

    Order: detection, people, framing, view, position (an exercise done lying is refused
    while the body clearly stands tall: :func:`~formcheck.measure.posture.standing_tall`).
    One landmark of each pair must be visible, or both in the views of
    ``ExerciseDef.both_sides_in``.

    Parameters
    ----------
    d : ExerciseDef
        The exercise (``needs``, ``views``, ``positions`` and their cues).
    fm : FrameMetrics
        The frame.

    Returns
    -------
    list of str
        Instructions to the user, no duplicates; only :data:`NOT_IN_VIEW` when nobody
        was detected.
    """
    if not fm.detected:
        return [NOT_IN_VIEW]
    out: list[str] = []
    if fm.n_people > 1:
        out.append(ONE_PERSON)
    both = d.both_sides_in
    need_all = ("side" not in d.views) if both is None else fm.view in both
    for g in d.needs:
        idx, msg = GROUPS[g]
        if not _group_visible(fm, idx, need_all) and msg not in out:
            out.append(msg)
    if fm.view not in d.views:
        out.append(d.view_cue)
    if fm.position != "unknown" and fm.position not in d.positions:
        out.append(d.position_cue)
    elif "lying" in d.positions and fm.position == "standing" and _standing_tall(fm):
        out.append(d.position_cue)  # filmed from the feet, lying reads "standing" too
    return out


def _standing_tall(fm: FrameMetrics) -> bool:
    pose = fm.pose
    if pose is None or pose.xy is None or pose.vis is None:
        return False  # hand-made metrics: the position label is all there is
    return bool(standing_tall(np.asarray(pose.xy)[None], np.asarray(pose.vis)[None])[0])


@dataclass(frozen=True)
class SetupStatus:
    """Debounced setup state of one frame: ``ok`` and the problems to show.

    Attributes
    ----------
    ok : bool
        The setup passes.
    problems : list of str
        The problems to show now.
    new_problems : list of str
        Those not shown on the previous frame.
    """

    ok: bool
    problems: list[str]
    new_problems: list[str]


class SetupMonitor:
    """Debounces :func:`frame_problems` over time (see module docstring).

    Parameters
    ----------
    d : ExerciseDef
        The exercise; its ``bridge_s`` is the problem delay, its ``settle_s`` the
        problem-free time before the setup passes (seconds).
    view_delay : float
        Seconds a view or position problem must last before it breaks a passing setup.

    Attributes
    ----------
    ok : bool
        The setup passes now.
    ever_ok : bool
        It has passed at least once.
    seconds : dict of str to float
        Seconds each problem was shown.
    """

    def __init__(self, d: ExerciseDef, view_delay: float = 1.0) -> None:
        self.d = d
        self.delay = d.bridge_s
        self.view_delay = view_delay
        self.ok = False
        self.ever_ok = False
        self._since: dict[str, float] = {}
        self._clear_since: float | None = None
        self._shown: set[str] = set()
        self.seconds: dict[str, float] = {}
        self._prev_t: float | None = None

    def _delay_for(self, p: str) -> float:
        return self.view_delay if p in (self.d.view_cue, self.d.position_cue) else self.delay

    def update(self, fm: FrameMetrics) -> SetupStatus:
        """Check one frame and return the debounced status.

        Parameters
        ----------
        fm : FrameMetrics
            The frame (its ``t_s`` in seconds).

        Returns
        -------
        SetupStatus
        """
        t = fm.t_s
        dt = 0.0 if self._prev_t is None else max(t - self._prev_t, 0.0)
        self._prev_t = t
        raw = frame_problems(self.d, fm)
        self._since = {p: self._since.get(p, t) for p in raw}
        if self.ok:
            active = [p for p in raw if t - self._since[p] >= self._delay_for(p) - 1e-9]
            if active:
                self.ok = False
                self._clear_since = None
        else:
            active = raw
            if raw:
                self._clear_since = None
            else:
                if self._clear_since is None:
                    self._clear_since = t
                if t - self._clear_since >= self.d.settle_s - 1e-9:
                    self.ok = self.ever_ok = True
        if not self.ok and not active and self._clear_since is None:
            self._clear_since = t
        for p in active:
            self.seconds[p] = self.seconds.get(p, 0.0) + dt
        new = [p for p in active if p not in self._shown]
        self._shown = set(active)
        return SetupStatus(ok=self.ok, problems=active, new_problems=new)
