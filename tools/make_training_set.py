#!/usr/bin/env python3
"""Training set for formcheck's bias corrections: rendered clips + MediaPipe + truth.

Two stages, each in the environment that has its libraries:

1. ``render`` (the synth venv: torch, anny, moderngl, av) renders the recipe below -
   short clips per movement and view with varied bodies, clothing, camera placement
   (within the setup guide), movement depth and tempo, including form faults - through
   ``tools/render_synthetic.py`` (its ``render_clip``, with the camera, body, clothing
   and depth swapped in at run time; the renderer itself is not modified). Each clip is
   an MP4 + ``formcheck.sample/1`` sidecar in ``OUT/clips/``.
2. ``extract`` (the app's venv: mediapipe) runs the project's pose stage on every clip
   (``formcheck.pose.estimator.PoseEstimator`` in VIDEO mode, exactly as ``FrameProcessor``) and
   stores the raw per-frame landmarks (image, world, visibility), the sidecar's true
   per-frame metrics and true keypoints, and the clip's groups (body, camera set-up) in
   ``OUT/npz/<clip>.npz``. Smoothing, side stabilisation and features are recomputed
   from the raw landmarks by ``tools/fit_corrections.py``, so changing them does not
   need MediaPipe again. ``--follow`` keeps extracting while ``render`` still runs.

Usage::

    ANNY_CACHE_DIR=/tmp/anny_cache /tmp/synthvenv/bin/python -m tools.make_training_set \\
        render --out /tmp/fc_train
    /tmp/venvtest/.venv/bin/python -m tools.make_training_set extract --out /tmp/fc_train \\
        --follow

Everything is deterministic from the recipe (``RECIPE_SEED``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# Run as a file (python -m tools.make_training_set), not with -m: import tools.* from the repo.
from tools.training_extract import extract
from tools.training_recipe import holdout, newcam, recipe
from tools.training_render import render


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "stage", choices=["render", "extract", "list", "render-holdout", "render-newcam"]
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/fc_train"))
    ap.add_argument("--only", action="append", default=None, help="clip name(s) to render")
    ap.add_argument("--follow", action="store_true", help="extract: wait for more clips")
    a = ap.parse_args(argv)
    if a.stage == "list":
        for c in recipe():
            print(json.dumps({k: v for k, v in c.items() if k != "clothing"}))
        return 0
    if a.stage == "render":
        render(a.out, a.only)
    elif a.stage == "render-holdout":
        render(a.out, a.only, holdout(), "holdout")
    elif a.stage == "render-newcam":
        render(a.out, a.only, newcam(), "newcam")
    else:
        extract(a.out, a.follow, len(recipe()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
