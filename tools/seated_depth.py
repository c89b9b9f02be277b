#!/usr/bin/env python3
"""The seated knee drop at the bottom of each rep, against the truth, per set of renders.

Three sets, each scored apart: the bundled sample clips, held-out bodies (the training
cameras; ``make_training_set.py render-holdout``) and held-out camera set-ups (training
bodies, cameras no training round used; ``render-newcam``). For every true rep: the
depth the engine reported at the bottom (``peak_value``), the true one (the sidecar's
per-frame knee drop, as ``tools/accuracy.py`` scores it), the error, and whether the
engine trusted that rep's depth (``depth_reliable``, the exercise's ``depth_check``).
Per set: reps counted, depths trusted, MAE and the largest error over the trusted ones,
and how many fell within the ``± depth_uncertainty`` the user is shown.

``--cache DIR`` records each clip's raw pose detections once and replays them after.

Usage::

    python -m tools.seated_depth [--bodies GLOB] [--cameras GLOB] [--cache DIR] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from glob import glob
from pathlib import Path

from formcheck.data import SAMPLES_DIR
from formcheck.exercises import get_exercise
from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.record import load_frames, save_frames
from formcheck.session import replay
from formcheck.video import FrameReader

# Run as a file (python -m tools.seated_depth), not with -m: import tools.* from the repo.
from tools.accuracy_events import peak_errors  # (the benchmark's rep matching)

EXERCISE = "seated_internal_rotation"
SETS = {
    "sample clips": str(SAMPLES_DIR / f"{EXERCISE}__*.mp4"),
    "held-out bodies": f"/tmp/fc_train/holdout/{EXERCISE}__*.mp4",
    "held-out cameras": f"/tmp/fc_train/newcam/{EXERCISE}__*.mp4",
}


def detections(mp4: Path, cache: Path | None):
    """The clip's raw pose detections, from the cache when recorded before."""
    rec = cache / f"{mp4.stem}.npz" if cache else None
    if rec is not None and rec.is_file():
        return load_frames(rec)
    with PoseEstimator(mode="video") as est:
        frames = [est.detect(f.rgb, f.t_s, f.index) for f in FrameReader(mp4, max_side=1280)]
    if rec is not None:
        rec.parent.mkdir(parents=True, exist_ok=True)
        save_frames(rec, frames)
    return frames


def score_clip(mp4: Path, cache: Path | None) -> list[dict]:
    """One row per true rep: clip, true, found, error (deg), reliable (or None if missed)."""
    sc = json.loads(mp4.with_suffix(".json").read_text())
    result = replay(detections(mp4, cache), EXERCISE, settings=sc.get("settings") or {}).result
    rows = []
    for e in peak_errors(sc, result):
        rep = next((r for r in result["reps"] if r["counted"] and r["side"] == e["side"]
                    and r["peak_value"] == e["found"]), None)  # fmt: skip
        rows.append(
            {
                "clip": mp4.stem,
                **e,
                "reliable": None if rep is None else rep.get("depth_reliable", True),
            }
        )
    return rows


def summary(rows: list[dict], band: float) -> dict:
    """Counts, trusted reps, their MAE / largest error and how many fell inside ``band``."""
    found = [r for r in rows if r["error"] is not None]
    trusted = [r for r in found if r["reliable"]]
    errs = [abs(r["error"]) for r in trusted]
    inside = sum(e <= band for e in errs)
    return {
        "reps": len(rows), "counted": len(found), "trusted": len(trusted),
        "mae": round(sum(errs) / len(errs), 1) if errs else None,
        "max": round(max(errs), 1) if errs else None,
        "inside_band": inside, "inside_pct": round(100 * inside / len(errs)) if errs else None,
        "untrusted_mae": round(sum(abs(r["error"]) for r in found if not r["reliable"])
                               / max(1, len(found) - len(trusted)), 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bodies", default=SETS["held-out bodies"], help="held-out bodies (glob)")
    ap.add_argument("--cameras", default=SETS["held-out cameras"], help="held-out cameras")
    ap.add_argument("--cache", type=Path, default=None, help="record / replay detections")
    ap.add_argument("--markdown", action="store_true", help="print the summary as Markdown")
    a = ap.parse_args(argv)
    band = get_exercise(EXERCISE).depth_uncertainty or math.inf
    sets = {"sample clips": SETS["sample clips"], "held-out bodies": a.bodies,
            "held-out cameras": a.cameras}  # fmt: skip
    table = []
    for name, pattern in sets.items():
        clips = sorted(Path(p) for p in glob(pattern))
        if not clips:
            print(f"{name}: no clips match {pattern} (render them: docs/accuracy.md)")
            continue
        rows = [r for c in clips for r in score_clip(c, a.cache)]
        print(f"== {name} ({len(clips)} clips)")
        for r in rows:
            err = "missed" if r["error"] is None else f"{r['error']:+6.1f}"
            note = "" if r["reliable"] in (None, True) else "  (depth not trusted)"
            print(f"  {r['clip']:52s} true {r['true']:5.1f}  error {err}{note}")
        table.append((name, summary(rows, band)))
    head = ["set", "true reps", "counted", "depth trusted", "MAE (trusted)", "largest",
            f"within ±{band:g}°", "MAE (not trusted)"]  # fmt: skip
    lines = []
    for name, s in table:
        within = "-" if s["inside_pct"] is None else f"{s['inside_band']} ({s['inside_pct']}%)"
        lines.append([name, s["reps"], s["counted"], s["trusted"], s["mae"], s["max"], within,
                      s["untrusted_mae"] if s["counted"] > s["trusted"] else "-"])  # fmt: skip
    if a.markdown:
        print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
        for ln in lines:
            print("| " + " | ".join("-" if x is None else str(x) for x in ln) + " |")
    else:
        print("  ".join(head))
        for ln in lines:
            print("  ".join("-" if x is None else str(x) for x in ln))
    return 0


if __name__ == "__main__":
    sys.exit(main())
