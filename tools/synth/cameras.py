"""The camera each exercise is filmed from (position, view) and the room behind the body.

World axes (see :mod:`tools.synth`); the body is placed with its anchor at world (0, 0).
"""

from __future__ import annotations

from .motions import Motion, Spec
from .scene import Camera, Room

#: Frame size of every rendered clip, pixels.
WIDTH, HEIGHT = 640, 480

#: (position, view) -> (camera position, look-at (m), vertical fov (deg), description,
#: the room's settings).
CAMERAS: dict[tuple[str, str], tuple[tuple, tuple, float, str, dict]] = {
    ("standing", "front"): ((0.0, -3.4, 1.05), (0.0, 0.0, 0.88), 46.0,
                            "front, 3.4 m from the feet, 1.05 m high, level",
                            {"wall_dist": 1.3}),
    ("standing", "side"): ((3.5, -0.25, 1.05), (0.0, -0.25, 0.86), 46.0,
                           "side, on the person's left, 3.5 m away, 1.05 m high",
                           {"wall_dist": 1.3, "wall_rgb": (0.76, 0.78, 0.76)}),
    ("seated", "front"): ((0.0, -2.7, 0.95), (0.0, -0.2, 0.40), 40.0,
                          "front, 2.7 m in front of the hips, 0.95 m high, tilted down",
                          {"wall_dist": 1.0, "wall_rgb": (0.79, 0.76, 0.72)}),
    ("supine", "front"): ((0.0, -1.75, 1.25), (0.0, 0.25, 0.12), 48.0,
                          "at the feet, raised 1.25 m (as on a chair), looking along the body",
                          {"wall_dist": 1.6}),
    ("supine", "side"): ((2.7, 0.3, 0.9), (0.0, 0.3, 0.28), 48.0,
                         "side, on the person's left, 2.7 m away, 0.9 m high",
                         {"wall_dist": 1.0, "wall_rgb": (0.78, 0.76, 0.80)}),
    ("quadruped", "side"): ((2.9, 0.0, 0.95), (0.0, -0.05, 0.42), 46.0,
                            "side, on the person's left, 2.9 m away, 0.95 m high",
                            {"wall_dist": 1.0}),
}  # fmt: skip


def camera_for(motion: Motion, spec: Spec | None = None) -> tuple[Camera, Room]:
    """The camera the exercise needs, for a body placed with its anchor at world (0, 0);
    ``spec.camera`` overrides position, look-at and fov (the room follows the camera)."""
    w, h = WIDTH, HEIGHT
    if spec is not None and spec.camera is not None:
        pos, look, fov = spec.camera
        desc = f"custom: at {list(pos)} looking at {list(look)}"
        return Camera(tuple(pos), tuple(look), float(fov), w, h, desc), Room(wall_dist=1.2)
    key = (motion.position, motion.view)
    if key not in CAMERAS:
        raise ValueError(f"no camera for {key}")
    pos, look, fov, desc, room = CAMERAS[key]
    return Camera(pos, look, fov, w, h, desc), Room(**room)
