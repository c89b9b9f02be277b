"""Accuracy benchmark: run the full pipeline on the rendered sample clips and compare.

Every clip in ``formcheck/data/samples/`` (``<exercise>__<variant>.mp4``) has a JSON sidecar
(schema ``formcheck.sample/1``) with the exact per-frame metric values (computed by
:mod:`formcheck.measure.geometry` on the true keypoints), the true reps / holds / circles /
timed seconds per side, and the injected form faults. This tool runs
:func:`formcheck.session.analyze_video` on each clip (``side="auto"``, the sidecar's
``settings``) and reports:

* detection rate (share of frames with a person, 0..1);
* mean absolute error (MAE) per metric family against the truth, over the frames where
  both values are finite, for the families measured in the clip's camera view (the
  "best view" of ``formcheck.measure.registry.METRICS``); also the MAE at the target position
  (frames inside the true holds, +-``PEAK_HALF_WINDOW_S`` around each true rep's peak,
  and the circling windows). Degrees, except ``knee_ankle_ratio`` (a ratio);
* count error per side (reps, holds or circles, by the exercise's mode), hold time error
  (s), timed-per-side error (s);
* faults: injected faults detected (the matching form rule failed or its cue fired), and
  on clean clips any form rule that failed or cued (a false alarm).

Usage::

    python -m tools.accuracy [--clips GLOB] [--json OUT] [--markdown] [--compare-correction]

``--compare-correction`` runs the benchmark twice in subprocesses, with
``FORMCHECK_CORRECTION=0`` (raw MediaPipe metrics) and ``=1`` (bias-corrected), and
prints the two MAE columns side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Run as a file (python -m tools.accuracy), not with -m: import tools.* from the repo.
from tools.accuracy_events import (
    found_counts,
    gated_faults,
    hold_errors,
    peak_errors,
    true_counts,
    true_timed,
)
from tools.accuracy_faults import FAULT_RULES, fault_detection, rule_cues
from tools.accuracy_results import (
    ClipResult,
    FamilyError,
    _clean,
    correction_state,
    results_from_json,
    summary_rows,
    write_json,
)
from tools.accuracy_run import evaluate_clip, rescore_clip, run_all
from tools.accuracy_scoring import angle_diff, family_error, score_clip
from tools.accuracy_tables import (
    compare_summary_table,
    compare_table,
    print_report,
)
from tools.accuracy_truth import (
    FAMILIES,
    SAMPLES,
    align,
    find_sidecars,
    load_sidecar,
    relevant_families,
    target_mask,
)

#: The benchmark's parts, importable from here as before the split (tests, seated_depth).
__all__ = [
    "FAMILIES",
    "FAULT_RULES",
    "ClipResult",
    "FamilyError",
    "align",
    "angle_diff",
    "correction_state",
    "evaluate_clip",
    "family_error",
    "fault_detection",
    "find_sidecars",
    "found_counts",
    "gated_faults",
    "hold_errors",
    "load_sidecar",
    "main",
    "peak_errors",
    "relevant_families",
    "rescore_clip",
    "rule_cues",
    "score_clip",
    "target_mask",
    "true_counts",
    "true_timed",
]


def _subprocess_run(args: argparse.Namespace, env_value: str, out: Path) -> list[ClipResult]:
    """Run this tool in a child process with ``FORMCHECK_CORRECTION=env_value``."""
    cmd = [sys.executable, "-m", "tools.accuracy", "--json", str(out)]
    if args.clips:
        cmd += ["--clips", args.clips]
    if args.keep:
        cmd += ["--keep", str(args.keep / ("raw" if env_value == "0" else "corrected"))]
    env = {**os.environ, "FORMCHECK_CORRECTION": env_value}
    root = Path(__file__).resolve().parents[1]  # where ``tools`` imports from
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, cwd=root)
    return results_from_json(out)


def _parser() -> argparse.ArgumentParser:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clips", default=None, help="glob on clip names (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="write the raw numbers here")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables")
    ap.add_argument(
        "--compare-correction",
        action="store_true",
        help="run with FORMCHECK_CORRECTION=0 and =1 and compare the MAE",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="keep report.json/frames.csv in KEEP/<clip>/ (compare: KEEP/raw|corrected/<clip>/)",
    )
    ap.add_argument(
        "--rescore",
        type=Path,
        default=None,
        help="compare the outputs of an earlier --keep run instead of running the pipeline",
    )
    ap.add_argument(
        "--from-json", type=Path, default=None, help="print the tables of an earlier --json run"
    )
    return ap


def _compare_correction(args: argparse.Namespace) -> int:
    """``--compare-correction``: the benchmark raw and corrected, side by side."""
    with tempfile.TemporaryDirectory(prefix="fc-acc-cmp-") as tmp:
        raw = _subprocess_run(args, "0", Path(tmp) / "raw.json")
        corr = _subprocess_run(args, "1", Path(tmp) / "corr.json")
    print("MAE raw → corrected, all frames (at the target position)\n")
    print(compare_summary_table(raw, corr, args.markdown))
    print()
    print(compare_table(raw, corr, args.markdown))
    print()
    print_report(corr, args.markdown, corr[0].correction if corr else None)
    if args.json:
        write_json(
            args.json, corr, {"raw": {"clips": [c.to_dict() for c in raw],
                                      "summary": _clean(summary_rows(raw))}}
        )  # fmt: skip
    return 0


def _score(args: argparse.Namespace, sidecars: list[Path]) -> list[ClipResult]:
    """Run the pipeline on every clip, or (``--rescore``) score an earlier run's outputs."""
    if not args.rescore:
        return run_all(sidecars, args.keep)
    missing = [p.stem for p in sidecars if not (args.rescore / p.stem).is_dir()]
    if missing:
        print(f"skipped (not in {args.rescore}): {', '.join(missing)}", file=sys.stderr)
    return [rescore_clip(p, args.rescore) for p in sidecars if p.stem not in missing]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    args = _parser().parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        print_report(results_from_json(args.from_json), args.markdown, data.get("correction"))
        return 0
    sidecars = find_sidecars(args.clips)
    if not sidecars:
        print(f"error: no sample clips match {args.clips or '*'} in {SAMPLES}", file=sys.stderr)
        return 2
    if args.compare_correction:
        return _compare_correction(args)
    if argv is None:
        from formcheck.cli import silence_native_logs

        silence_native_logs()
    clips = _score(args, sidecars)
    print_report(clips, args.markdown)
    if args.json:
        write_json(args.json, clips)
    return 0


if __name__ == "__main__":
    sys.exit(main())
