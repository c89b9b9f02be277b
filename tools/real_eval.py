#!/usr/bin/env python3
"""Real-footage benchmark: run the whole pipeline on real clips and score it against the truth.

The truth (``docs/real_footage_truth.csv``, written by eye from frame contact sheets) has
one row per clip: the movement, whether it is one of formcheck's, the exercise(s) to
analyse it as (``run_as``, ``;``-separated), the true count and rep times, the view,
people in view, whether it is mirrored, visible knee valgus, and where it came from.
The clips themselves are not in the repository (most have no licence that allows it):
keep them in a folder of your own, under the relative paths of the ``clip`` column.

For every clip found under FOLDER and every exercise of its ``run_as``, this runs
:func:`formcheck.session.analyze_video` (no annotated video) and prints one row:
count found against the truth (``exact`` / ``off by 1`` / ``wrong``; a movement that
is not formcheck's is exact only at 0), the camera view and body position found
(most frames), the cues that fired, the setup problems, and the time taken.

``--cache DIR`` records each clip's raw pose detections the first time
(:mod:`formcheck.pose.record`) and replays them afterwards, so re-scoring after an
engine change skips MediaPipe (the time column then says ``replay``).

Usage::

    python -m tools.real_eval FOLDER [--truth CSV] [--cache DIR] [--only TEXT]
                              [--markdown] [--json OUT] [--analysis-fps N]

Exit status 0, or 2 when FOLDER holds no clip of the truth table.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from formcheck.pose.estimator import PoseEstimator
from formcheck.pose.record import RecordingPose, ReplayPose, load_frames, save_frames
from formcheck.session import analyze_video

ROOT = Path(__file__).resolve().parents[1]
TRUTH = ROOT / "docs" / "real_footage_truth.csv"
VIDEO_EXT = {".mp4", ".mov", ".webm", ".avi", ".mkv", ".m4v", ".gif"}
#: Wall-clock bound per analysis (s): a hang is a failure, not a stuck benchmark.
MAX_SECONDS = 600.0
#: A counted rep matches a true rep when its peak is this close to the true bottom (s).
BOTTOM_TOL_S = 1.0


@dataclass
class Row:
    """One clip analysed as one exercise."""

    clip: str
    exercise: str
    ours: bool
    truth: int
    found: int | None = None
    verdict: str = ""
    view: str = ""
    position: str = ""
    truth_view: str = ""
    cues: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    matched: str = ""
    valgus_truth: str = ""
    valgus_cue: bool | None = None
    seconds: float = 0.0
    replay: bool = False
    error: str = ""


def read_truth(path: Path) -> list[dict]:
    """Truth rows (dicts of strings) from the CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r.get("clip") and not r["clip"].startswith("#")]


def true_bottoms(events: str) -> list[float]:
    """Bottom times (s) from the ``events`` column (``start/bottom/end`` triples, ``;``)."""
    out = []
    for ev in filter(None, (e.strip() for e in events.split(";"))):
        parts = ev.split("/")
        if len(parts) == 3:
            out.append(float(parts[1]))
    return out


def verdict(found: int, truth: int) -> str:
    """``exact``, ``off by 1`` or ``wrong``."""
    if found == truth:
        return "exact"
    return "off by 1" if abs(found - truth) == 1 else "wrong"


def _count(result: dict) -> int:
    """Reps + holds + circles over both sides; timed work: the sides worked."""
    per = result.get("per_side") or {}
    if result.get("mode") == "timed":
        return sum(1 for d in per.values() if (d.get("timed_s") or 0) > 0)
    return sum(int(d.get("count") or 0) for d in per.values())


def _top(shares: dict) -> str:
    if not shares:
        return "-"
    k, v = max(shares.items(), key=lambda kv: kv[1])
    return f"{k} {round(100 * v)}%"


def analyse(
    clip: Path, rel: str, truth: dict, exercise: str, cache: Path | None,
    analysis_fps: float | None = None,
) -> Row:  # fmt: skip
    """Run one clip as one exercise and score it."""
    ours = truth["ours"].strip().lower() in ("1", "true", "yes")
    want = int(truth["count"]) if ours else 0
    row = Row(clip=rel, exercise=exercise, ours=ours, truth=want, truth_view=truth["view"])
    row.valgus_truth = truth.get("valgus", "")
    mirrored = truth.get("mirrored", "").strip().lower() == "true"
    key = rel.replace("/", "__") + ("__mirrored" if mirrored else "")
    rec_path = cache / (key + ".npz") if cache else None
    pose = None
    if rec_path is not None and rec_path.is_file():
        pose, row.replay = ReplayPose(load_frames(rec_path)), True
    elif rec_path is not None:
        pose = RecordingPose(PoseEstimator(mode="video"))
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            res = analyze_video(
                clip, exercise, tmp, write_video=False, max_seconds=MAX_SECONDS, pose=pose,
                mirrored=mirrored, analysis_fps=analysis_fps,
            )  # fmt: skip
    except Exception as e:  # noqa: BLE001 - a crash is a result here
        row.error = f"{type(e).__name__}: {e}".splitlines()[0][:200]
        row.verdict = "crash"
        traceback.print_exc(file=sys.stderr)
        return row
    finally:
        if isinstance(pose, RecordingPose):
            if pose.frames:
                save_frames(rec_path, pose.frames, source=truth.get("source", ""))
            pose.close()
    row.seconds = time.perf_counter() - t0
    rep = res.report
    result = rep.get("result") or {}
    row.found = _count(result)
    row.verdict = verdict(row.found, want)
    row.view, row.position = _top(rep.get("views") or {}), _top(rep.get("positions") or {})
    row.cues = list((result.get("top_cues") or {}).keys())
    row.setup = sorted((result.get("setup_problems") or {}).items(), key=lambda kv: -kv[1])
    row.setup = [f"{k} ({v:.0f} s)" for k, v in row.setup if v >= 0.5]
    bottoms = true_bottoms(truth.get("events", "")) if ours else []
    peaks = [r["peak_s"] for r in result.get("reps") or [] if r.get("counted")]
    if bottoms and peaks:
        hit = sum(any(abs(p - b) <= BOTTOM_TOL_S for p in peaks) for b in bottoms)
        row.matched = f"{hit}/{len(bottoms)}"
    if row.valgus_truth in ("true", "false"):
        row.valgus_cue = "Push your knees out over your toes" in row.cues
    return row


def find_clips(folder: Path, truth: list[dict]) -> list[tuple[Path, str, dict]]:
    """(path, relative name, truth row) for each truth row whose clip is under ``folder``."""
    out = []
    for t in truth:
        p = folder / t["clip"]
        if p.is_file() and p.suffix.lower() in VIDEO_EXT:
            out.append((p, t["clip"], t))
    return out


def table(rows: list[Row], markdown: bool) -> str:
    """The per-clip table (plain text or Markdown)."""
    head = ["clip", "as", "truth", "found", "verdict", "view (truth)", "position", "cues",
            "setup", "bottoms", "time"]  # fmt: skip
    lines = []
    for r in rows:
        t = "replay" if r.replay else f"{r.seconds:.1f} s"
        cues = "; ".join(r.cues) or "-"
        if r.valgus_cue is not None:
            cues += f" [valgus truth {r.valgus_truth}, cued {str(r.valgus_cue).lower()}]"
        lines.append([
            r.clip, r.exercise, str(r.truth), "-" if r.found is None else str(r.found),
            r.verdict if not r.error else f"crash: {r.error}",
            f"{r.view} ({r.truth_view})", r.position, cues, "; ".join(r.setup) or "-",
            r.matched or "-", t,
        ])  # fmt: skip
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "/") for c in ln) + " |" for ln in lines]
        return "\n".join(out)
    return "\n".join("  ".join(ln) for ln in [head, *lines])


def summary(rows: list[Row]) -> dict:
    """Headline numbers: exact and within-one shares, not-ours zeros, crashes."""
    ours = [r for r in rows if r.ours]
    other = [r for r in rows if not r.ours]
    v = Counter(r.verdict for r in ours)
    n = len(ours)
    return {
        "analyses": len(rows),
        "clips": len({r.clip for r in rows}),
        "ours": n,
        "exact": v["exact"],
        "off_by_one": v["off by 1"],
        "wrong": v["wrong"],
        "exact_share": round(v["exact"] / n, 3) if n else None,
        "within_one_share": round((v["exact"] + v["off by 1"]) / n, 3) if n else None,
        "not_ours": len(other),
        "not_ours_zero": sum(r.found == 0 for r in other),
        "crashes": sum(r.verdict == "crash" for r in rows),
        "valgus": {
            "caught": sum(bool(r.valgus_cue) for r in ours if r.valgus_truth == "true"),
            "of": sum(r.valgus_truth == "true" for r in ours),
            "false_alarms": sum(bool(r.valgus_cue) for r in ours if r.valgus_truth == "false"),
            "clean": sum(r.valgus_truth == "false" for r in ours),
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="folder holding the clips (truth's relative paths)")
    ap.add_argument("--truth", type=Path, default=TRUTH)
    ap.add_argument("--cache", type=Path, default=None, help="record / replay pose detections")
    ap.add_argument("--only", default=None, help="only clips whose name contains this")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--analysis-fps", type=float, default=None,
                    help="analyse at most this many frames per second of video")  # fmt: skip
    a = ap.parse_args(argv)
    clips = find_clips(a.folder, read_truth(a.truth))
    if a.only:
        clips = [c for c in clips if a.only in c[1]]
    if not clips:
        print(f"error: no clip of {a.truth.name} found under {a.folder}", file=sys.stderr)
        return 2
    rows = []
    for path, rel, t in clips:
        for ex in filter(None, (x.strip() for x in t["run_as"].split(";"))):
            r = analyse(path, rel, t, ex, a.cache, a.analysis_fps)
            print(f"{rel} as {ex}: {r.found} (truth {r.truth}) {r.verdict}", file=sys.stderr)
            rows.append(r)
    print(table(rows, a.markdown))
    s = summary(rows)
    print()
    print(
        f"ours: {s['exact']}/{s['ours']} exact ({100 * (s['exact_share'] or 0):.0f}%), "
        f"{s['exact'] + s['off_by_one']}/{s['ours']} within one; "
        f"not ours: {s['not_ours_zero']}/{s['not_ours']} counted 0; crashes: {s['crashes']}; "
        f"valgus caught {s['valgus']['caught']}/{s['valgus']['of']}, "
        f"false alarms {s['valgus']['false_alarms']}/{s['valgus']['clean']}"
    )
    if a.json:
        a.json.write_text(json.dumps({"summary": s, "rows": [asdict(r) for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
