"""One video of a batch: analysed into a folder of its own, atomically.

:func:`run_job` is the one function that the local pool and Ray both run. The outputs
are written into ``<batch>/.partial/<name>.<token>/`` and moved to ``<batch>/<name>/``
only once all of them, and last the marker ``batch_row.json``, are complete: a worker
killed mid-video leaves only a ``.partial`` folder, which the next run removes.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from formcheck.batch.jobs import Job, Options, file_sha256, job_key
from formcheck.batch.table import failed_row, row_from_report, write_marker
from formcheck.errors import user_message
from formcheck.session import analyze_video
from formcheck.video import THREADS_ENV

#: Work folders of unfinished videos, inside the batch folder.
PARTIAL = ".partial"

def limit_threads(threads: int) -> None:
    """Cap this process's compute threads: FFmpeg's decoder and encoder, and OpenCV.

    MediaPipe's CPU inference already runs on one thread. (BLAS is not capped: numpy is
    loaded before this runs, and the pipeline's numpy work is small.) Call once per worker
    process, before the first video.

    Parameters
    ----------
    threads : int
        Threads allowed (at least 1).
    """
    os.environ[THREADS_ENV] = str(max(1, int(threads)))
    try:
        import cv2  # opencv comes with mediapipe

        cv2.setNumThreads(max(1, int(threads)))
    except ImportError:  # pragma: no cover - mediapipe always brings cv2
        pass


def _message(exc: BaseException) -> str:
    msg = user_message(exc)
    return msg if msg is not None else f"unexpected error ({type(exc).__name__}: {exc})"


def _place(work: Path, final: Path) -> None:
    """Move the finished ``work`` folder to ``final``, replacing an older one."""
    old = None
    if final.exists():
        old = work.parent / f"{final.name}.old.{secrets.token_hex(4)}"
        os.replace(final, old)
    os.replace(work, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_job(
    job: Job, out_dir: str | Path, options: Options,
    progress: Callable[[int, int | None], None] | None = None,
) -> dict:  # fmt: skip
    """Analyse one video into ``out_dir/<job.name>/``; returns its batch row.

    Never raises for a bad video: a file that cannot be analysed gives a row with
    ``status`` "failed" and a one-line ``error``. The three outputs are those of
    ``formcheck analyze``, plus ``batch_row.json``.

    Parameters
    ----------
    job : Job
        The video and its settings.
    out_dir : str or Path
        The batch folder.
    options : Options
        What to write.
    progress : callable (int, int or None) -> None, optional
        ``(frames_done, frames_total)`` as the analysis goes.

    Returns
    -------
    dict
        The batch row (:func:`~formcheck.batch.table.row_from_report` or
        :func:`~formcheck.batch.table.failed_row`).
    """
    t0 = time.perf_counter()
    if job.problem:
        return failed_row(job, job.problem)
    out = Path(out_dir)
    work = out / PARTIAL / f"{job.name}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        sha = file_sha256(job.video)
        work.mkdir(parents=True)
        res = analyze_video(
            job.video, job.exercise, work, side=job.side, settings=dict(job.settings),
            progress=progress, write_video=options.write_video, max_seconds="auto",
            mirrored=job.mirrored, analysis_fps=options.analysis_fps,
        )  # fmt: skip
        row = row_from_report(job, res.report, sha, time.perf_counter() - t0)
        write_marker(work, job_key(job, options, sha), row)
        _place(work, out / job.name)
        return row
    except Exception as e:  # noqa: BLE001 - one video's failure is its row, the batch goes on
        return failed_row(job, _message(e), time.perf_counter() - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
