"""Synthetic exercise-video rendering for formcheck (needs the ``synth`` extra).

Modules:
    rot     -- small rotation helpers (numpy, radians or degrees as named).
    body    -- the anny body model: posing from anatomical angles, keypoints, clothing.
    scene   -- camera model and the moderngl (EGL, software) renderer of room + body.
    motions -- per-exercise motion scripts: per-frame angles plus the true reps/holds.

World axes everywhere (anny's): metres, Z up, the body at rest faces -Y, +X is the
person's left. The floor is the plane z = 0.
"""
