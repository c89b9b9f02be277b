"""Batch throughput: videos per minute with 1, 2... workers, measured in one run.

Each run analyses the same videos from scratch (``force``) into a temporary folder, with
the annotated videos unless told otherwise. ``realtime_factor`` is video seconds
analysed per wall-clock second; ``scaling`` is each run's throughput over the first's.
"""

from __future__ import annotations

import tempfile
import time

from formcheck.batch.jobs import Options, make_jobs
from formcheck.batch.runner import run_batch


def bench_batch(
    inputs: list[str], workers: tuple[int, ...] = (1, 2), write_video: bool = True,
    exercise: str | None = None,
) -> dict:  # fmt: skip
    """Time the batch of ``inputs`` once per entry of ``workers`` (1 compute thread each).

    Parameters
    ----------
    inputs : list of str
        Videos or folders (as for :func:`~formcheck.batch.jobs.make_jobs`).
    workers : tuple of int
        The worker counts to run with, one run each.
    write_video : bool
        Write the annotated videos too.
    exercise : str, optional
        The exercise id for every video.

    Returns
    -------
    dict
        ``videos``, ``annotated_video``, ``same_counts`` (every run counted the same)
        and ``runs``: per run ``workers``, ``threads_per_worker``, ``seconds`` (wall
        clock), ``videos_per_min``, ``realtime_factor`` (video seconds per wall-clock
        second), ``failed`` and ``scaling`` (throughput over the first run's).
    """
    jobs = make_jobs(inputs, exercise=exercise)
    runs = []
    for n in workers:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            outcome = run_batch(jobs, tmp, Options(write_video=write_video), workers=n,
                                force=True, quiet=True)  # fmt: skip
            wall = time.perf_counter() - t0
        video_s = sum(r.get("duration_s") or 0.0 for r in outcome.rows)
        runs.append({
            "workers": n, "threads_per_worker": 1, "seconds": round(wall, 2),
            "videos_per_min": round(60 * len(jobs) / wall, 2),
            "realtime_factor": round(video_s / wall, 2), "failed": outcome.failed,
            "counts": {r["name"]: r.get("count") for r in outcome.rows},
        })  # fmt: skip
    base = runs[0]["seconds"]
    for r in runs:
        r["scaling"] = round(base / r["seconds"], 2)
    same = all(r["counts"] == runs[0]["counts"] for r in runs)
    return {"videos": len(jobs), "annotated_video": write_video, "same_counts": same,
            "runs": [{k: v for k, v in r.items() if k != "counts"} for r in runs]}
