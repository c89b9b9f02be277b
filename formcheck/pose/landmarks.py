"""MediaPipe Pose landmark indices, skeleton edges and per-frame pose data.

Conventions used across formcheck:

- ``xy``: image landmarks in **pixels** of the displayed frame (x right, y down),
  shape ``(..., 33, 2)``.
- ``vis``: per-landmark visibility in [0, 1], shape ``(..., 33)``.
- ``world``: metric landmarks in **metres**, origin at the hip midpoint, camera
  axes (x toward image right, y toward image down, z away from the camera),
  shape ``(..., 33, 3)``.
- ``L``/``R`` always mean the person's anatomical left/right (MediaPipe's
  "left" landmarks). In a front view the person's left appears on the image right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_LANDMARKS = 33

NOSE = 0
SHOULDER = {"L": 11, "R": 12}
ELBOW = {"L": 13, "R": 14}
WRIST = {"L": 15, "R": 16}
HIP = {"L": 23, "R": 24}
KNEE = {"L": 25, "R": 26}
ANKLE = {"L": 27, "R": 28}
HEEL = {"L": 29, "R": 30}
FOOT = {"L": 31, "R": 32}  # foot index (toe tip)

SIDES = ("L", "R")
SIDE_NAMES = {"L": "left", "R": "right"}
#: The other way: side name -> code.
SIDE_CODES = {"left": "L", "right": "R"}


class Side:
    """The person's two legs, in every spelling formcheck uses.

    A leg has a code (``"L"``/``"R"``: landmark tables, the ``_L``/``_R`` suffix of a
    per-leg measure name) and a name (``"left"``/``"right"``: result and report keys,
    the CLI's ``--side``). Templates (exercise definitions) write ``{side}`` for the leg
    being worked and ``{other}`` for the other one.
    """

    CODES = SIDES

    @staticmethod
    def other(code: str) -> str:
        """``"L"`` -> ``"R"`` and back.

        Parameters
        ----------
        code : {"L", "R"}
            A leg code.

        Returns
        -------
        str
            The other leg's code (anything but ``"L"`` gives ``"L"``).
        """
        return "R" if code == "L" else "L"

    @staticmethod
    def name(code: str) -> str:
        """``"L"`` -> ``"left"``, ``"R"`` -> ``"right"``.

        Parameters
        ----------
        code : {"L", "R"}
            A leg code.

        Returns
        -------
        str
            ``"left"`` or ``"right"``; KeyError for any other code.
        """
        return SIDE_NAMES[code]

    @staticmethod
    def code(name: str | None) -> str | None:
        """``"left"``/``"L"``/``"l"`` -> ``"L"`` (and right); anything else None.

        Parameters
        ----------
        name : str or None
            A side name or code, any case, surrounding spaces ignored.

        Returns
        -------
        str or None
            ``"L"`` or ``"R"``; None when ``name`` is no side.
        """
        key = (name or "").strip().lower()
        return {"l": "L", "left": "L", "r": "R", "right": "R"}.get(key)

    @staticmethod
    def split(metric: str) -> tuple[str, str | None]:
        """``knee_drop_L`` -> (``knee_drop``, ``"L"``); an unsided name -> (name, None).

        Parameters
        ----------
        metric : str
            A measure name, maybe with an ``_L``/``_R`` suffix.

        Returns
        -------
        base : str
            The name without the suffix.
        code : {"L", "R"} or None
            The suffix's leg code; None when the name has no suffix.
        """
        if metric[-2:] in ("_L", "_R"):
            return metric[:-2], metric[-1]
        return metric, None

    @staticmethod
    def fill(template: str, code: str) -> str:
        """Resolve ``{side}``/``{other}`` in a measure name for leg ``code``.

        Parameters
        ----------
        template : str
            A measure name that may contain ``{side}`` and ``{other}``.
        code : {"L", "R"}
            The leg being worked.

        Returns
        -------
        str
            ``template`` with ``{side}`` -> ``code`` and ``{other}`` -> the other leg's code.
        """
        return template.replace("{side}", code).replace("{other}", Side.other(code))


def split_side(name: str) -> tuple[str, str | None]:
    """``knee_drop_L`` -> (``knee_drop``, "left"); a name without a side suffix -> (name, None).

    Parameters
    ----------
    name : str
        A measure name, maybe with an ``_L``/``_R`` suffix.

    Returns
    -------
    base : str
        The name without the suffix.
    side : {"left", "right"} or None
        The suffix's side name; None when the name has no suffix.
    """
    base, code = Side.split(name)
    return base, (SIDE_NAMES[code] if code else None)


#: Body edges drawn by the overlay (index pairs).
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
)  # fmt: skip

#: Visibility at or above which a landmark counts as seen.
VISIBILITY_THRESHOLD = 0.5


@dataclass(frozen=True)
class PoseFrame:
    """One frame's pose: the chosen person's landmarks, or ``None`` when nobody was found.

    Attributes
    ----------
    index : int
        Frame index.
    t_s : float
        The frame's presentation time in seconds from the start of the video.
    width, height : int
        Frame size, pixels.
    xy : ndarray, shape (33, 2), or None
        Image landmarks, pixels (x right, y down); None when nobody was found.
    vis : ndarray, shape (33,), or None
        Landmark visibility, 0..1; None when nobody was found.
    world : ndarray, shape (33, 3), or None
        Metric landmarks, metres (origin at the hip midpoint, camera axes).
    n_people : int
        How many people the model found (the tracked one is the most central and
        largest).
    """

    index: int
    t_s: float
    width: int
    height: int
    xy: np.ndarray | None = None  # (33, 2) pixels
    vis: np.ndarray | None = None  # (33,)
    world: np.ndarray | None = None  # (33, 3) metres
    n_people: int = 0

    @property
    def detected(self) -> bool:
        """True when a person was found in this frame."""
        return self.xy is not None
