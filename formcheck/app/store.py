"""Session history in SQLite: one row per set, its report, per-frame primary metric series.

A set is written in one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``), so a
crash or a killed process never leaves half a session. The database runs in
WAL mode with a busy timeout, so several writers (threads or processes) queue
instead of failing. Every failure a user can meet (missing folder, read-only
file, locked or corrupt database) raises :class:`StoreError` with one line
saying what to do.

Example:
    >>> store = Store(":memory:")
    >>> sid = store.save({"exercise": "squat_valgus", "result": {"reps": []}})
    >>> store.get(sid).exercise
    'squat_valgus'
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from formcheck.outputs.report import _clean
from formcheck.outputs.set_summary import finite_float as _f
from formcheck.outputs.set_summary import summarize

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    source TEXT NOT NULL,
    exercise TEXT,
    title TEXT,
    side TEXT,
    mode TEXT,
    total_count REAL,
    best REAL,
    hold_total_s REAL,
    summary_json TEXT NOT NULL,
    report_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_exercise ON sessions(exercise, created);
CREATE TABLE IF NOT EXISTS side_stats (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    count REAL,
    best REAL,
    average REAL,
    hold_total_s REAL,
    hold_longest_s REAL,
    PRIMARY KEY (session_id, side)
);
CREATE TABLE IF NOT EXISTS series (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    points_json TEXT NOT NULL,
    PRIMARY KEY (session_id, metric)
);
CREATE TABLE IF NOT EXISTS videos (
    session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    mp4 BLOB NOT NULL
);
"""


class StoreError(Exception):
    """The history database cannot be used; the message says why and what to do."""


def default_db_path() -> Path:
    """``$FORMCHECK_DB``, else ``$XDG_DATA_HOME/formcheck/history.sqlite3``.

    Without ``XDG_DATA_HOME``: ``~/.local/share/formcheck/history.sqlite3``.
    """
    env = os.environ.get("FORMCHECK_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formcheck" / "history.sqlite3"


@dataclass(frozen=True)
class SessionRow:
    """One stored set (without its series and video)."""

    id: int
    created: str
    source: str
    exercise: str | None
    title: str | None
    side: str | None
    mode: str | None
    total_count: float | None
    best: float | None
    hold_total_s: float | None
    summary: dict = field(default_factory=dict)
    report: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SideStat:
    """One side of one stored set, for trend charts."""

    session_id: int
    created: str
    exercise: str | None
    side: str
    count: float | None
    best: float | None
    average: float | None
    hold_total_s: float | None
    hold_longest_s: float | None


def _explain(exc: sqlite3.Error, path: str) -> StoreError:
    msg = str(exc).lower()
    if "not a database" in msg or "malformed" in msg or "corrupt" in msg:
        text = (f"the history database {path} is damaged (not a valid SQLite file); "
                "move it away or set FORMCHECK_DB to a new file")  # fmt: skip
    elif "locked" in msg or "busy" in msg:
        text = (f"the history database {path} is busy (another formcheck is writing); "
                "try again in a moment")  # fmt: skip
    elif "readonly" in msg or "read-only" in msg:
        text = (f"the history database {path} is read-only; make it writable "
                "or set FORMCHECK_DB to a file you can write")  # fmt: skip
    elif "unable to open" in msg:
        text = (f"cannot open the history database {path}; check the folder exists "
                "and is writable, or set FORMCHECK_DB")  # fmt: skip
    else:
        text = f"history database {path}: {exc}"
    return StoreError(text)


class Store:
    """The session history. Thread-safe: one connection per thread, opened lazily.

    ``path`` defaults to :func:`default_db_path`; ``":memory:"`` works for tests
    (single connection). ``timeout_s`` is how long a writer waits for a lock.
    """

    def __init__(self, path: str | os.PathLike | None = None, timeout_s: float = 10.0):
        self.path = str(path if path is not None else default_db_path())
        self.timeout_s = timeout_s
        self._local = threading.local()
        self._memory: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if self.path != ":memory:":
            parent = Path(self.path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(
                    f"cannot create the folder {parent} for the history database "
                    f"({e.strerror}); set FORMCHECK_DB to a writable file"
                ) from None
        #: Set when the file exists but cannot be written: reading still works.
        self.read_only_reason: str | None = None
        try:
            with self._tx() as con:
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        con.execute(stmt)
                con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except StoreError as e:
            if "read-only" not in str(e) or not Path(self.path).exists():
                raise
            self.read_only_reason = str(e)

    # -- connections ---------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.path == ":memory:":
            if self._memory is None:
                self._memory = sqlite3.connect(":memory:", check_same_thread=False,
                                               isolation_level=None)  # fmt: skip
                self._memory.execute("PRAGMA foreign_keys = ON")
            return self._memory
        con = getattr(self._local, "con", None)
        if con is None:
            try:
                con = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
                con.execute("PRAGMA foreign_keys = ON")
                con.execute(f"PRAGMA busy_timeout = {int(self.timeout_s * 1000)}")
                mode = con.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode and str(mode[0]).lower() != "wal":
                    con.execute("PRAGMA journal_mode").fetchone()
                con.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.Error as e:
                con = self._read_only_connection()
                if con is None:
                    raise _explain(e, self.path) from None
            self._local.con = con
        return con

    def _read_only_connection(self) -> sqlite3.Connection | None:
        """The file on a read-only file system (WAL cannot start there): open it read-only."""
        if not Path(self.path).is_file():
            return None
        for opts in ("mode=ro", "mode=ro&immutable=1"):
            try:
                con = sqlite3.connect(f"file:{quote(self.path)}?{opts}", uri=True,
                                      isolation_level=None)  # fmt: skip
                con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                return con
            except sqlite3.Error:
                continue
        return None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        con = self._connect()
        lock = self._lock if self.path == ":memory:" else None
        if lock:
            lock.acquire()
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        except sqlite3.Error as e:
            raise _explain(e, self.path) from None
        finally:
            if lock:
                lock.release()

    def _query(self, sql: str, args: Sequence = ()) -> list[sqlite3.Row]:
        con = self._connect()
        try:
            cur = con.execute(sql, tuple(args))
            cur.row_factory = sqlite3.Row
            return cur.fetchall()
        except sqlite3.Error as e:
            raise _explain(e, self.path) from None

    def close(self) -> None:
        """Close this thread's connection."""
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        if self._memory is not None:
            self._memory.close()
            self._memory = None

    # -- writing -------------------------------------------------------------
    def save(
        self,
        report: dict,
        series: dict[str, Sequence[tuple[float, float]]] | None = None,
        source: str = "upload",
        video: bytes | None = None,
        created: str | None = None,
    ) -> int:
        """Store one set in a single transaction and return its id.

        ``series`` maps a metric name to ``(t_s, value)`` points (NaN allowed,
        stored as null). ``video`` (mp4 bytes) is stored only when given.
        """
        summary = summarize(report)
        clean = _clean(report)
        created = (
            created or report.get("created") or datetime.now(UTC).isoformat(timespec="seconds")
        )
        try:
            report_json = json.dumps(clean)
            summary_json = json.dumps(_clean(summary.to_dict()))
        except (TypeError, ValueError) as e:
            raise StoreError(f"the report cannot be stored: {e}") from None
        with self._tx() as con:
            cur = con.execute(
                "INSERT INTO sessions (created, source, exercise, title, side, mode, "
                "total_count, best, hold_total_s, summary_json, report_json) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (created, source, summary.exercise, summary.title, report.get("side"),
                 summary.mode, _f(summary.total_count), _f(summary.best),
                 _f(summary.hold_total_s), summary_json, report_json),
            )  # fmt: skip
            sid = int(cur.lastrowid)
            con.executemany(
                "INSERT INTO side_stats VALUES (?,?,?,?,?,?,?)",
                [(sid, s.side, _f(s.count), _f(s.best), _f(s.average), _f(s.hold_total_s),
                  _f(s.hold_longest_s)) for s in summary.sides.values()],
            )  # fmt: skip
            for metric, pts in (series or {}).items():
                data = [[round(float(t), 3), _f(v)] for t, v in pts]
                con.execute("INSERT INTO series VALUES (?,?,?)", (sid, metric, json.dumps(data)))
            if video is not None:
                con.execute("INSERT INTO videos VALUES (?,?)", (sid, sqlite3.Binary(video)))
        return sid

    def delete(self, session_id: int) -> bool:
        """Delete a set (and its series and video); False if it did not exist."""
        with self._tx() as con:
            cur = con.execute("DELETE FROM sessions WHERE id = ?", (int(session_id),))
            return cur.rowcount > 0

    # -- reading -------------------------------------------------------------
    @staticmethod
    def _row(r: sqlite3.Row, full: bool) -> SessionRow:
        return SessionRow(
            id=r["id"], created=r["created"], source=r["source"], exercise=r["exercise"],
            title=r["title"], side=r["side"], mode=r["mode"], total_count=r["total_count"],
            best=r["best"], hold_total_s=r["hold_total_s"],
            summary=json.loads(r["summary_json"]),
            report=json.loads(r["report_json"]) if full else {},
        )  # fmt: skip

    def sessions(self, exercise: str | None = None, limit: int = 500) -> list[SessionRow]:
        """Stored sets, newest first (reports not loaded)."""
        sql = ("SELECT id, created, source, exercise, title, side, mode, total_count, best, "
               "hold_total_s, summary_json, '{}' AS report_json FROM sessions")  # fmt: skip
        args: list = []
        if exercise:
            sql += " WHERE exercise = ?"
            args.append(exercise)
        sql += " ORDER BY created DESC, id DESC LIMIT ?"
        args.append(int(limit))
        return [self._row(r, False) for r in self._query(sql, args)]

    def report_values(self, key: str, source: str) -> set[str]:
        """The values of the top-level report field ``key`` over the sets from ``source``
        (e.g. the batch keys of imported batch sets)."""
        rows = self._query("SELECT json_extract(report_json, ?) AS v FROM sessions "
                           "WHERE source = ?", (f"$.{key}", source))  # fmt: skip
        return {str(r["v"]) for r in rows if r["v"] is not None}

    def get(self, session_id: int) -> SessionRow | None:
        """One set with its full report, or None."""
        rows = self._query("SELECT * FROM sessions WHERE id = ?", (int(session_id),))
        return self._row(rows[0], True) if rows else None

    def series(self, session_id: int) -> dict[str, list[tuple[float, float]]]:
        """The stored per-frame series of a set: metric -> [(t_s, value or NaN)]."""
        out: dict[str, list[tuple[float, float]]] = {}
        for r in self._query(
            "SELECT metric, points_json FROM series WHERE session_id = ?", (int(session_id),)
        ):
            out[r["metric"]] = [
                (float(t), math.nan if v is None else float(v)) for t, v in json.loads(r[1])
            ]
        return out

    def video(self, session_id: int) -> bytes | None:
        """The stored annotated video, if one was saved."""
        rows = self._query("SELECT mp4 FROM videos WHERE session_id = ?", (int(session_id),))
        return bytes(rows[0][0]) if rows else None

    def side_stats(self, exercise: str | None = None) -> list[SideStat]:
        """Per-side numbers of every set (oldest first), for trends across sessions."""
        sql = ("SELECT s.id, s.created, s.exercise, t.side, t.count, t.best, t.average, "
               "t.hold_total_s, t.hold_longest_s FROM side_stats t "
               "JOIN sessions s ON s.id = t.session_id")  # fmt: skip
        args: list = []
        if exercise:
            sql += " WHERE s.exercise = ?"
            args.append(exercise)
        sql += " ORDER BY s.created, s.id"
        return [SideStat(*tuple(r)) for r in self._query(sql, args)]

    def count(self) -> int:
        """Number of stored sets."""
        return int(self._query("SELECT COUNT(*) FROM sessions")[0][0])
