"""A whole batch: skip what is already done, run the rest, keep the tables current.

``batch.csv`` and ``batch.json`` are rewritten after every video, so a batch stopped at
any point (Ctrl-C, a killed process, a power cut) keeps every video that finished; the
next run with the same inputs and settings reuses those and does the rest.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from formcheck.batch.html import write_index
from formcheck.batch.jobs import Job, Options, file_sha256, job_key
from formcheck.batch.pool import LocalPool
from formcheck.batch.table import read_marker, write_tables
from formcheck.batch.worker import PARTIAL


@dataclass
class BatchOutcome:
    """What a batch did: every row (in job order), and how many were redone or reused.

    Attributes
    ----------
    rows : list of dict
        Every row, in job order.
    analysed : int
        Videos analysed in this run.
    reused : int
        Videos whose earlier outputs were reused.
    failed : int
        Rows whose status is not ``"ok"``.
    seconds : float
        Wall-clock duration.
    out_dir : Path
        The batch folder.
    """

    rows: list[dict]
    analysed: int = 0
    reused: int = 0
    failed: int = 0
    seconds: float = 0.0
    out_dir: Path = field(default_factory=Path)


def reusable_row(job: Job, out: Path, options: Options) -> dict | None:
    """The row of an earlier run of ``job`` when its outputs can be reused, else None.

    They can when they are complete and were made from the same bytes with the same
    settings.

    Parameters
    ----------
    job : Job
        The job.
    out : Path
        The batch folder.
    options : Options
        The batch's options.

    Returns
    -------
    dict or None
        The earlier row with ``reused`` True and this job's patient, date and path.
    """
    folder = out / job.name
    marker = read_marker(folder)
    if marker is None or job.problem:
        return None
    row = marker["row"]
    try:
        sha = file_sha256(job.video)
    except OSError:
        return None
    if marker["key"] != job_key(job, options, sha):
        return None
    outputs = row.get("outputs") or {}
    if not all((out / rel).is_file() for rel in outputs.values() if rel):
        return None
    return {**row, "reused": True, "patient": job.patient, "recorded": job.recorded,
            "video": job.video}  # fmt: skip


class BatchProgress:
    """Progress on stderr: videos done of all, and each running video's own percentage.

    Parameters
    ----------
    jobs : list of Job
        The batch's jobs.
    total : int
        Videos to run.
    stream : text stream, optional
        Where to write (default ``sys.stderr``); a bar is drawn only on a terminal.
    """

    def __init__(self, jobs: list[Job], total: int, stream: TextIO | None = None):
        self.jobs, self.total = jobs, total
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.done = 0
        self.running: dict[int, str] = {}
        self._last = 0.0

    def frames(self, index: int, done: int, total: int | None) -> None:
        """A worker's progress on video ``index``.

        Parameters
        ----------
        index : int
            The job's index.
        done : int
            Frames analysed.
        total : int or None
            Frames in the video, when known.
        """
        pct = f"{min(100, 100 * done // total)}%" if total else f"{done} frames"
        self.running[index] = pct
        if self.tty and time.monotonic() - self._last > 0.2:
            self._draw()

    def finished(self, index: int, row: dict) -> None:
        """Video ``index`` finished: print its line.

        Parameters
        ----------
        index : int
            The job's index.
        row : dict
            Its batch row.
        """
        self.done += 1
        self.running.pop(index, None)
        what = row.get("error") if row.get("status") != "ok" else (
            f"count {row.get('count')}" + (" (reused)" if row.get("reused") else ""))
        line = f"[{self.done}/{self.total}] {row.get('status')} {row.get('name')}: {what}"
        if self.tty:
            self.stream.write("\r\033[K" + line + "\n")
            self._draw()
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _draw(self) -> None:
        self._last = time.monotonic()
        filled = 25 * self.done // max(1, self.total)
        now = " · ".join(f"{self.jobs[i].name} {p}" for i, p in sorted(self.running.items()))
        self.stream.write(f"\r\033[Kvideos [{'#' * filled}{'-' * (25 - filled)}] "
                          f"{self.done}/{self.total}" + (f" · {now}" if now else ""))
        self.stream.flush()

    def close(self) -> None:
        """Clear the progress bar (on a terminal)."""
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run_batch(
    jobs: list[Job], out_dir: str | Path, options: Options | None = None, workers: int = 2,
    threads: int = 1, ray: bool = False, ray_address: str | None = None,
    force: bool = False, stream: TextIO | None = None, quiet: bool = False,
) -> BatchOutcome:  # fmt: skip
    """Analyse every job into ``out_dir`` (one folder each) and write the tables.

    Writes ``batch.csv``, ``batch.json`` (after every video) and ``index.html``.

    Parameters
    ----------
    jobs : list of Job
        The jobs (:func:`~formcheck.batch.jobs.make_jobs`).
    out_dir : str or Path
        The batch folder (created).
    options : Options, optional
        What each job writes; None: the defaults.
    workers : int
        Worker processes (Ray: CPUs of a Ray started here, times ``threads``).
    threads : int
        Compute threads per worker.
    ray : bool
        Run on Ray (:func:`~formcheck.batch.cluster.run_on_ray`).
    ray_address : str, optional
        None: a Ray started here with ``workers`` CPUs; else the cluster to join.
    force : bool
        Redo videos done before.
    stream : text stream, optional
        Where progress goes (default stderr).
    quiet : bool
        No progress output.

    Returns
    -------
    BatchOutcome
    """
    t0 = time.perf_counter()
    options = options or Options()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / PARTIAL, ignore_errors=True)  # what a killed run left unfinished
    rows: list[dict | None] = [None] * len(jobs)
    todo = []
    for i, job in enumerate(jobs):
        rows[i] = None if force else reusable_row(job, out, options)
        if rows[i] is None:
            todo.append(i)
    meta = {**asdict(options), "workers": workers, "threads": threads,
            "engine": "ray" if ray else "local"}  # fmt: skip
    bar = None if quiet else BatchProgress(jobs, len(todo), stream)

    def done(i: int, row: dict) -> None:
        rows[i] = row
        write_tables(out, [r for r in rows if r is not None], meta)
        if bar:
            bar.finished(i, row)

    try:
        write_tables(out, [r for r in rows if r is not None], meta)
        if todo and ray:
            from formcheck.batch.cluster import run_on_ray

            run_on_ray(jobs, todo, out, options, done, address=ray_address, threads=threads,
                       local_cpus=workers * threads)  # fmt: skip
        elif todo:
            LocalPool(out, options, workers=workers, threads=threads).run(
                jobs, todo, done, bar.frames if bar else None)
    finally:
        if bar:
            bar.close()
        shutil.rmtree(out / PARTIAL, ignore_errors=True)  # every worker has stopped
        final = [r for r in rows if r is not None]
        write_index(out, write_tables(out, final, meta))
    ok = [r for r in final if r.get("status") == "ok"]
    return BatchOutcome(
        rows=final, analysed=sum(1 for r in ok if not r.get("reused")),
        reused=sum(1 for r in ok if r.get("reused")),
        failed=sum(1 for r in final if r.get("status") != "ok"),
        seconds=time.perf_counter() - t0, out_dir=out,
    )  # fmt: skip
