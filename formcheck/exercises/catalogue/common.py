"""Cue wording shared by exercises of different families."""

from __future__ import annotations

FACING_FORWARD = "Keep your pelvis and upper body facing forward"
SIDE_ON = "Turn side-on to the camera"
FACE = "Face the camera"
