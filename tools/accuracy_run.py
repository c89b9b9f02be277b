"""Running the pipeline on the sample clips for the accuracy benchmark.

:func:`evaluate_clip` analyses one clip as the app would (``analyze_video``,
``side="auto"``, the sidecar's settings, no annotated video) and scores it;
:func:`rescore_clip` scores the outputs an earlier ``--keep`` run left behind.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tools.accuracy_results import ClipResult
from tools.accuracy_scoring import score_clip
from tools.accuracy_truth import load_sidecar


def run_pipeline(video: Path, sc: dict, out_dir: Path) -> tuple[dict, list[dict]]:
    """Analyse one clip as the app would; returns (report dict, frames.csv rows)."""
    from formcheck.outputs.report import read_frames_csv
    from formcheck.session import analyze_video

    res = analyze_video(
        video, sc["exercise"], out_dir, side="auto", settings=sc.get("settings") or {},
        write_video=False,
    )  # fmt: skip
    return res.report, read_frames_csv(res.csv_path)


def evaluate_clip(sidecar: Path, keep: Path | None = None) -> ClipResult:
    """Run the pipeline on the clip next to ``sidecar`` and compare with the truth.

    ``keep``: write the pipeline's report.json and frames.csv into ``keep/<clip>/``
    (default: a temporary folder, deleted afterwards).
    """
    import time

    sc = load_sidecar(sidecar)
    video = sidecar.with_suffix(".mp4")
    t0 = time.perf_counter()
    if keep is not None:
        report, rows = run_pipeline(video, sc, keep / sidecar.stem)
    else:
        with tempfile.TemporaryDirectory(prefix="fc-acc-") as tmp:
            report, rows = run_pipeline(video, sc, Path(tmp))
    return score_clip(sidecar.stem, sc, report, rows, time.perf_counter() - t0)


def rescore_clip(sidecar: Path, kept: Path) -> ClipResult:
    """Compare the outputs kept by an earlier run (``kept/<clip>/``) with the truth."""
    from formcheck.outputs.report import read_frames_csv

    sc = load_sidecar(sidecar)
    folder = kept / sidecar.stem
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    rows = read_frames_csv(folder / "frames.csv")
    return score_clip(sidecar.stem, sc, report, rows, report["processing"]["seconds"])


def run_all(
    sidecars: list[Path], keep: Path | None = None, verbose: bool = True
) -> list[ClipResult]:
    """Evaluate every clip in turn (progress lines on stderr)."""
    out = []
    for i, p in enumerate(sidecars, 1):
        if verbose:
            print(f"[{i}/{len(sidecars)}] {p.stem} ...", file=sys.stderr, flush=True)
        out.append(evaluate_clip(p, keep))
    return out
