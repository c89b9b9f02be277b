"""The local pool: N worker processes, each analysing one video at a time.

Each worker is a spawned process that loads the engine once and caps its threads
(:func:`~formcheck.batch.worker.limit_threads`), so N workers share the cores instead of
fighting over them. The parent hands out one job at a time, so it always knows which
video a worker was on: a worker that dies (killed, out of memory, a native crash) costs
that video only. It is retried once on a fresh worker, then reported as failed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from formcheck.batch.jobs import Job, Options
from formcheck.batch.table import failed_row

#: Seconds between two progress messages from a worker.
PROGRESS_EVERY_S = 0.5

DoneFn = Callable[[int, dict], None]
ProgressFn = Callable[[int, int, int | None], None]


def _quiet_stderr() -> None:
    """Send fd 2 (MediaPipe's native logs) to /dev/null unless FORMCHECK_NATIVE_LOGS=1."""
    if os.environ.get("FORMCHECK_NATIVE_LOGS") == "1":
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _serve(conn: Connection, out_dir: str, options: Options, threads: int) -> None:
    """A worker process: receive ``(index, job)``, send ``("done", index, row)`` and
    ``("progress", index, frames_done, frames_total)``; ``None`` ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _quiet_stderr()
    from formcheck.batch.worker import limit_threads, run_job

    limit_threads(threads)
    while True:
        msg = conn.recv()
        if msg is None:
            return
        index, job = msg
        last = [0.0]

        def progress(done: int, total: int | None, index=index, last=last) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S:
                last[0] = now
                conn.send(("progress", index, done, total))

        conn.send(("done", index, run_job(job, out_dir, options, progress)))


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    job: int | None = None


class LocalPool:
    """Runs jobs on ``workers`` processes with ``threads`` compute threads each.

    Parameters
    ----------
    out_dir : Path
        The batch folder.
    options : Options
        What each job writes.
    workers : int
        Worker processes (at least 1).
    threads : int
        Compute threads per worker (at least 1).
    """

    def __init__(self, out_dir: Path, options: Options, workers: int = 2, threads: int = 1):
        self.out_dir, self.options = str(out_dir), options
        self.n, self.threads = max(1, workers), max(1, threads)
        self._ctx = mp.get_context("spawn")  # never fork a process holding MediaPipe threads
        self._workers: list[_Worker] = []

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_serve, args=(child, self.out_dir, self.options,
                                                      self.threads), daemon=True)  # fmt: skip
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def run(self, jobs: list[Job], indices: list[int], on_done: DoneFn,
            on_progress: ProgressFn | None = None, retries: int = 1) -> None:  # fmt: skip
        """Analyse ``jobs[i]`` for each ``i`` in ``indices``; ``on_done(i, row)`` as each finishes.

        ``on_done`` is called in the parent process, in completion order. The workers are
        stopped at the end.

        Parameters
        ----------
        jobs : list of Job
            The batch's jobs.
        indices : list of int
            Which of them to run.
        on_done : callable (int, dict) -> None
            Receives each job's index and row.
        on_progress : callable (int, int, int or None) -> None, optional
            ``(index, frames_done, frames_total)`` at most every :data:`PROGRESS_EVERY_S`
            seconds per worker.
        retries : int
            How often a video whose worker died is retried on a fresh one before its row
            says it failed.
        """
        pending = deque(indices)
        crashes: dict[int, int] = {}
        try:
            self._workers = [self._start() for _ in range(min(self.n, len(pending)))]
            while pending or any(w.job is not None for w in self._workers):
                for w in self._workers:
                    if w.job is None and pending:
                        w.job = pending.popleft()
                        w.conn.send((w.job, jobs[w.job]))
                busy = [w for w in self._workers if w.job is not None]
                wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=1.0)
                for w in busy:
                    self._drain(w, on_done, on_progress)
                    if w.job is not None and not w.proc.is_alive():
                        self._drain(w, on_done, on_progress)  # a last message may be in
                    if w.job is not None and not w.proc.is_alive():
                        i, code = w.job, w.proc.exitcode
                        crashes[i] = crashes.get(i, 0) + 1
                        if crashes[i] <= retries:
                            pending.appendleft(i)
                        else:
                            on_done(i, failed_row(jobs[i], (
                                f"the worker analysing this video stopped (exit code {code}) "
                                f"{crashes[i]} times; check the file, or run it alone with "
                                "formcheck analyze")))  # fmt: skip
                        self._workers[self._workers.index(w)] = self._start()
        finally:
            self.close()

    @staticmethod
    def _drain(w: _Worker, on_done: DoneFn, on_progress: ProgressFn | None) -> None:
        try:
            while w.job is not None and w.conn.poll():
                kind, index, *rest = w.conn.recv()
                if kind == "done":
                    w.job = None
                    on_done(index, rest[0])
                elif on_progress is not None:
                    on_progress(index, *rest)
        except (EOFError, OSError):
            pass  # the worker died; the caller sees it is not alive

    def close(self) -> None:
        """Stop every worker (a running video is abandoned; its .partial folder stays)."""
        for w in self._workers:
            try:
                if w.job is None and w.proc.is_alive():
                    w.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 5
        for w in self._workers:
            if w.job is not None:
                w.proc.terminate()
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
        self._workers = []


def default_workers() -> int:
    """The default number of workers: one per core (measured in docs/batch.md)."""
    return max(1, os.cpu_count() or 1)
