"""The ``formcheck`` command line: analyze, batch, exercises, bench.

Every user error ends with exit status 2 and one line ``error: ...`` on
stderr (never a traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from formcheck.batch.bench import bench_batch
from formcheck.batch.jobs import Options, PlanError, make_jobs
from formcheck.batch.pool import default_workers
from formcheck.batch.runner import run_batch
from formcheck.bench import make_phone_clip, run_bench
from formcheck.data import SAMPLES_DIR
from formcheck.errors import user_message
from formcheck.exercises import CATALOGUE
from formcheck.outputs.summary import summary_lines
from formcheck.session import analyze_video

#: The exercise ids, in catalogue order (the catalogue is the single source).
EXERCISE_IDS: tuple[str, ...] = tuple(CATALOGUE)


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one ``error:`` line (plus a hint), exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


class Progress:
    """A one-line progress bar on stderr (only redrawn when the percentage changes)."""

    def __init__(self, label: str, stream=None):
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._last = -1
        self._t0 = time.perf_counter()
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._step = 1 if self._tty else 10

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            pct = min(100, int(100 * done / total))
            pct -= pct % self._step
            if pct == self._last:
                return
            self._last = pct
            bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
            msg = f"{self.label} [{bar}] {pct:3d}% {done}/{total} frames"
        else:
            if done % 15:
                return
            msg = f"{self.label} {done} frames"
        fps = done / max(1e-9, time.perf_counter() - self._t0)
        end = "" if self._tty else "\n"
        self.stream.write(f"{chr(13) if self._tty else ''}{msg} ({fps:.1f} fps){end}")
        self.stream.flush()

    def done(self) -> None:
        """End the progress line."""
        if not self._tty:
            return
        self.stream.write("\n")
        self.stream.flush()


def _parse_settings(items: list[str]) -> dict:
    out: dict = {}
    for it in items:
        if "=" not in it:
            raise UserError(f"--set takes NAME=VALUE, got {it!r} (e.g. --set hold_target_s=20)")
        k, v = it.split("=", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            out[k.strip()] = v.strip()
    return out


def _summary_lines(report: dict) -> list[str]:
    """A short human summary of a report (stdout of `formcheck analyze`)."""
    v = report["video"]
    lines = [
        f"{v['path']}: {v['duration_s']:.1f} s, {v['width']}x{v['height']}, "
        f"{v['fps']:.1f} fps; person found in {100 * report['detection_rate']:.0f}% of frames",
    ]
    res = report.get("result")
    if res:
        lines += summary_lines(res)
    for nm in report.get("not_measurable", []):
        lines.append(f"  {nm['message']}")
    for w in report.get("warnings", []):
        lines.append(f"warning: {w}")
    return lines


def cmd_analyze(args: argparse.Namespace) -> int:

    video = Path(args.video)
    if not video.exists():
        raise UserError(f"{video}: file not found")
    if args.exercise is not None and args.exercise not in EXERCISE_IDS:
        raise UserError(
            f"unknown exercise {args.exercise!r}; choose one of: {', '.join(EXERCISE_IDS)}"
        )
    settings = _parse_settings(args.set or [])
    if args.settings_from:
        try:
            side = json.loads(Path(args.settings_from).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise UserError(f"cannot read settings from {args.settings_from}: {e}") from None
        settings = {**side.get("settings", side), **settings}
    out = Path(args.out) if args.out else Path("out") / video.stem
    bar = Progress(f"analysing {video.name}") if not args.quiet else None
    res = analyze_video(
        video,
        args.exercise,
        out,
        side=args.side,
        settings=settings,
        progress=bar,
        write_video=not args.no_video,
        max_seconds=args.max_seconds,
        analysis_fps=args.analysis_fps,
        mirrored=args.mirrored,
    )
    if bar:
        bar.done()
    for line in _summary_lines(res.report):
        print(line)
    outputs = [res.report_path, res.csv_path] + ([res.video_path] if res.video_path else [])
    print("wrote " + ", ".join(str(o) for o in outputs))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:

    if not args.inputs and not args.plan:
        raise UserError("name the videos (files, folders or globs), or give --plan plan.csv")
    inputs = _batch_inputs(args.inputs)
    try:
        jobs = make_jobs(inputs, exercise=args.exercise, plan=args.plan, side=args.side,
                         settings=_parse_settings(args.set or []), mirrored=args.mirrored)
        outcome = run_batch(
            jobs, args.out, Options(write_video=not args.no_video, analysis_fps=args.analysis_fps),
            workers=args.workers, ray=args.ray is not None, ray_address=args.ray or None,
            force=args.force, quiet=args.quiet,
        )  # fmt: skip
    except PlanError as e:
        raise UserError(str(e)) from None
    out = Path(args.out)
    print(f"{len(outcome.rows)} videos: {outcome.analysed} analysed, {outcome.reused} reused "
          f"from an earlier run, {outcome.failed} failed ({outcome.seconds:.1f} s)")
    print(f"wrote {out / 'batch.csv'}, {out / 'batch.json'}, {out / 'index.html'}")
    return 1 if outcome.failed else 0


def _batch_inputs(items: list[str]) -> list[str]:
    """Batch inputs with ``samples`` (or ``sample_videos``) standing for the bundled sample
    clips, unless a file or folder of that name exists here."""

    return [str(SAMPLES_DIR) if i in ("samples", "sample_videos") and not Path(i).exists()
            else i for i in items]  # fmt: skip


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def cmd_exercises(args: argparse.Namespace) -> int:
    for ex_id, ex in CATALOGUE.items():
        print(f"{ex_id:26s} {ex.title} ({ex.mode}; camera: {'/'.join(sorted(ex.views))})")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:

    if args.batch:
        return _bench_batch(args)
    video = Path(args.video)
    if not video.exists():
        raise UserError(f"{video}: file not found")
    if args.phone_clip:

        with tempfile.TemporaryDirectory() as tmp:
            phone = make_phone_clip(video, Path(tmp) / "phone_1080p_portrait.mp4")
            result = run_bench(phone, exercise_id=args.exercise, max_frames=args.max_frames)
    else:
        result = run_bench(video, exercise_id=args.exercise, max_frames=args.max_frames)
    print(json.dumps(result))
    return 0


def _bench_batch(args: argparse.Namespace) -> int:

    inputs = _batch_inputs([args.video, *args.more])
    try:
        workers = tuple(int(w) for w in args.workers_list.split(","))
    except ValueError:
        raise UserError(
            f"--workers-list takes numbers like 1,2; got {args.workers_list!r}"
        ) from None
    try:
        result = bench_batch(inputs, workers, write_video=not args.no_video,
                             exercise=args.exercise)  # fmt: skip
    except PlanError as e:
        raise UserError(str(e)) from None
    print(json.dumps(result))
    return 0


def _positive_of(unit: str):
    """An argparse type: a positive, finite number of ``unit``."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not (v > 0 and v != float("inf")):
            raise argparse.ArgumentTypeError(f"must be a positive number of {unit}, got {text!r}")
        return v

    return parse


_positive = _positive_of("seconds")
_positive_rate = _positive_of("frames per second")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="formcheck", description="Camera-based form checker for hip internal-rotation rehab."
    )
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse a video: report.json, frames.csv, annotated.mp4")
    a.add_argument("video", help="video file (mp4, mov, webm, avi...)")
    a.add_argument("--exercise", "-e", help="exercise id (see `formcheck exercises`)")
    a.add_argument("--side", choices=("auto", "left", "right"), default="auto")
    a.add_argument("--out", "-o", help="output folder (default: out/<video name>)")
    a.add_argument(
        "--set", action="append", metavar="NAME=VALUE",
        help="override an exercise setting, e.g. --set hold_target_s=20 (repeatable)",
    )  # fmt: skip
    a.add_argument(
        "--settings-from", metavar="JSON",
        help="read setting overrides from a JSON file (e.g. a sample video's sidecar)",
    )  # fmt: skip
    a.add_argument("--no-video", action="store_true", help="skip the annotated video")
    a.add_argument(
        "--mirrored",
        action="store_true",
        help="the video is a mirror image (a selfie recording): flip it back so that left "
        "and right are your own",
    )
    a.add_argument("--max-seconds", type=_positive, help="stop the analysis after N seconds")
    a.add_argument(
        "--analysis-fps", type=_positive_rate, metavar="FPS",
        help="analyse at most FPS frames per second of video (default: every frame); the "
        "annotated video keeps every frame",
    )  # fmt: skip
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    a.set_defaults(func=cmd_analyze)

    _add_batch(sub)

    e = sub.add_parser("exercises", help="list the exercise ids")
    e.set_defaults(func=cmd_exercises)

    b = sub.add_parser("bench", help="time bare inference vs the full pipeline on a video")
    b.add_argument("video")
    b.add_argument("more", nargs="*", help="with --batch: more videos, folders or globs")
    b.add_argument("--exercise", "-e", default=None)
    b.add_argument("--max-frames", type=int, default=None)
    b.add_argument(
        "--phone-clip", action="store_true",
        help="bench a 1080p portrait phone clip (30 fps, rotation metadata) made from VIDEO",
    )  # fmt: skip
    b.add_argument(
        "--batch", action="store_true",
        help="time `formcheck batch` on VIDEO... ('samples': the bundled clips) with each "
        "worker count of --workers-list: videos per minute and the scaling",
    )  # fmt: skip
    b.add_argument("--workers-list", default="1,2", metavar="N,N", help="with --batch")
    b.add_argument("--no-video", action="store_true", help="with --batch: no annotated videos")
    b.set_defaults(func=cmd_bench)
    return p


def _add_batch(sub) -> None:

    c = sub.add_parser(
        "batch", help="analyse many videos: one folder each, batch.csv/json, index.html",
        description="Analyse every video named (files, folders, globs; 'samples' = the "
        "bundled sample clips) into OUT/<video>/, with OUT/batch.csv, batch.json and a "
        "report to open, index.html. A second run reuses finished videos.",
    )  # fmt: skip
    c.add_argument("inputs", nargs="*", metavar="INPUT", help="video files, folders or globs")
    c.add_argument("--exercise", "-e", help="exercise id for videos the plan does not name "
                   "(default: the id in the file name)")  # fmt: skip
    c.add_argument("--plan", metavar="CSV", help="plan.csv: video, exercise, side, patient, "
                   "recorded, mirrored, settings (see docs/batch.md)")  # fmt: skip
    c.add_argument("--out", "-o", required=True, help="batch folder")
    c.add_argument("--workers", "-j", type=_workers, default=default_workers(),
                   help=f"videos analysed at once (default: {default_workers()}, one per core)")
    c.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="run on Ray: alone, a Ray started here; with an address (auto, "
                   "HOST:PORT), an existing cluster (pip install 'formcheck[cluster]')")
    c.add_argument("--force", action="store_true", help="redo videos finished before")
    c.add_argument("--side", choices=("auto", "left", "right"), default="auto")
    c.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override an exercise setting for every video (repeatable)")
    c.add_argument("--mirrored", action="store_true", help="the videos are mirror images")
    c.add_argument("--no-video", action="store_true", help="skip the annotated videos")
    c.add_argument("--analysis-fps", type=_positive_rate, metavar="FPS",
                   help="analyse at most FPS frames per second (default: every frame)")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    c.set_defaults(func=cmd_batch)


def silence_native_logs() -> None:
    """Send fd 2 (where MediaPipe's C++ code logs) to /dev/null; keep Python's stderr.

    Python-level messages (progress, errors, tracebacks) still reach the
    terminal through a duplicate of the original fd 2. Set FORMCHECK_NATIVE_LOGS=1
    to keep the native logs.
    """
    if os.environ.get("FORMCHECK_NATIVE_LOGS") == "1":
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        sys.stderr = os.fdopen(saved, "w", buffering=1, encoding="utf-8", errors="replace")
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``formcheck`` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if e.code in (0, None) else 2

    if argv is None:
        silence_native_logs()
    try:
        return args.func(args)
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nerror: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - translated to a one-line message
        msg = user_message(e)
        if msg is None:
            raise
        print(f"error: {msg}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
