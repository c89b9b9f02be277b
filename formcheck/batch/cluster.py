"""The batch on Ray: each video is one Ray task running the same function as the pool.

``address`` None starts a Ray on this machine for the batch (and stops it after);
``"auto"`` or ``"HOST:PORT"`` joins a running cluster (``ray start --head`` on one node,
``ray start --address HOST:PORT`` on the others). Every node must have formcheck
installed and see the videos and the batch folder at the same paths (a shared folder).
Results come back with ``ray.wait`` as tasks finish; a task whose worker dies is retried
once by Ray, then reported as a failed row.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from formcheck.batch.jobs import Job, Options, PlanError
from formcheck.batch.table import failed_row


def _ray():
    try:
        import ray
    except ImportError:
        raise PlanError(
            "Ray is not installed: pip install 'formcheck[cluster]' (or run without --ray)"
        ) from None
    return ray


def _task(job: Job, out_dir: str, options: Options, threads: int) -> dict:
    """What one Ray task runs: the worker's thread caps, then the pool's own function."""
    from formcheck.batch.worker import limit_threads, run_job

    limit_threads(threads)
    return run_job(job, out_dir, options)


def run_on_ray(
    jobs: list[Job], indices: list[int], out_dir: Path, options: Options,
    on_done: Callable[[int, dict], None], address: str | None = None, threads: int = 1,
    local_cpus: int | None = None, retries: int = 1,
) -> None:  # fmt: skip
    """Run ``jobs[i]`` for ``i`` in ``indices`` as Ray tasks of ``threads`` CPUs each.

    Parameters
    ----------
    jobs : list of Job
        The batch's jobs.
    indices : list of int
        Which of them to run.
    out_dir : Path
        The batch folder (the same path on every node).
    options : Options
        What each job writes.
    on_done : callable (int, dict) -> None
        Called with ``(i, row)`` in completion order; a task that failed gives a failed
        row.
    address : str, optional
        None starts a Ray on this machine for the batch (and stops it after); ``"auto"``
        or ``"HOST:PORT"`` joins a running cluster.
    threads : int
        CPUs (and compute threads) per task.
    local_cpus : int, optional
        CPUs of a Ray started here (default: all cores).
    retries : int
        Ray retries of a task whose worker died.

    Raises
    ------
    PlanError
        Ray is not installed, or cannot be started or joined.
    """
    ray = _ray()
    started = not ray.is_initialized()
    if started:
        kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if address is None:
            kwargs["num_cpus"] = local_cpus or os.cpu_count() or 1
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError) as e:
            where = address or "this machine"
            raise PlanError(f"cannot start or join Ray at {where}: {e}".splitlines()[0]) from None
    remote = ray.remote(num_cpus=threads, max_retries=retries)(_task)
    refs = {remote.remote(jobs[i], str(out_dir), options, threads): i for i in indices}
    try:
        while refs:
            done, _ = ray.wait(list(refs), num_returns=1, timeout=1.0)
            for ref in done:
                i = refs.pop(ref)
                try:
                    row = ray.get(ref)
                except ray.exceptions.RayError as e:
                    row = failed_row(jobs[i], "the Ray task analysing this video failed "
                                     f"({type(e).__name__}); run it alone with formcheck analyze")
                on_done(i, row)
    finally:
        for ref in refs:
            ray.cancel(ref, force=True)
        if started:
            ray.shutdown()
