"""Synthetic exercise-video rendering for formcheck (needs the ``synth`` extra).

Modules:
    rot       -- small rotation helpers (numpy, radians or degrees as named).
    body      -- the anny body model: posing from anatomical angles, keypoints, clothing.
    scene     -- camera model and the moderngl (EGL, software) renderer of room + body.
    script    -- what a motion script returns (Spec, Motion) and the helpers scripts share.
    standing  -- motion scripts of the standing movements.
    floor     -- motion scripts of the seated, supine and all-fours movements.
    motions   -- EXERCISES: exercise id -> motion script (also re-exports Spec, Motion).
    cameras   -- the camera and room each (position, view) is filmed with.
    catalogue -- the sample clips' bodies, clothing, clip table and peak metrics.
    truth     -- placement on the floor, MediaPipe layout and true 3D metrics.
    check_mediapipe -- sanity check of rendered clips against MediaPipe (app's venv).

World axes everywhere (anny's): metres, Z up, the body at rest faces -Y, +X is the
person's left. The floor is the plane z = 0.
"""
