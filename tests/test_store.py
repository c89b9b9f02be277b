"""History store: round trip, concurrent writers, crash safety, clear errors."""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from formcheck.app.store import Store, StoreError, default_db_path

REPORT = {
    "exercise": "seated_internal_rotation",
    "side": "auto",
    "created": "2026-01-02T10:00:00+00:00",
    "result": {
        "exercise": "seated_internal_rotation",
        "mode": "reps",
        "reps": [
            {"side": "L", "start_s": 1.0, "end_s": 3.0, "peak_s": 2.0, "peak_value": 30.0},
            {"side": "L", "start_s": 4.0, "end_s": 6.0, "peak_s": 5.0, "peak_value": 34.0},
            {"side": "R", "start_s": 7.0, "end_s": 9.0, "peak_s": 8.0, "peak_value": 25.0},
        ],
        "holds": [],
        "top_cues": [["Keep your pelvis facing forward", 3]],
    },
}


def test_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    series = {"knee_drop_L": [(0.0, 1.5), (0.033, math.nan), (0.066, 2.5)]}
    sid = store.save(REPORT, series, source="upload", video=b"\x00mp4")
    row = store.get(sid)
    assert row is not None
    assert row.exercise == "seated_internal_rotation"
    assert row.report["result"]["reps"][1]["peak_value"] == 34.0
    assert row.total_count == 3 and row.best == 34.0
    assert row.summary["sides"]["L"]["count"] == 2
    assert row.summary["sides"]["L"]["average"] == pytest.approx(32.0)
    got = store.series(sid)["knee_drop_L"]
    assert got[0] == (0.0, 1.5) and math.isnan(got[1][1]) and got[2] == (0.066, 2.5)
    assert store.video(sid) == b"\x00mp4"
    stats = {s.side: s for s in store.side_stats("seated_internal_rotation")}
    assert stats["L"].best == 34.0 and stats["R"].count == 1
    assert [r.id for r in store.sessions()] == [sid]
    assert store.delete(sid) and store.get(sid) is None
    assert store.series(sid) == {} and store.video(sid) is None and store.side_stats() == []
    assert not store.delete(sid)
    # WAL mode is on for file databases.
    assert store._connect().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_path_env(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("FORMCHECK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "formcheck" / "history.sqlite3"


def test_concurrent_threads(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.sqlite3")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                store.save(REPORT, {"m": [(i / 30, float(i)) for i in range(300)]})
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.count() == 60


def _proc_writer(path: str, n: int) -> None:
    store = Store(path)
    for _ in range(n):
        store.save(REPORT, {"m": [(i / 30, float(i)) for i in range(300)]})


def test_concurrent_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "h.sqlite3")
    Store(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_proc_writer, args=(path, 10)) for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = Store(path)
    assert store.count() == 30
    assert len(store.side_stats()) == 60


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from formcheck.app.store import Store

    class Stall:
        # A series that stalls while being written: the process is killed here.
        def __iter__(self):
            yield (0.0, 1.0)
            print("inside", flush=True)
            time.sleep(60)
            yield (0.1, 2.0)

    store = Store(sys.argv[1])
    store.save({"exercise": "squat_valgus", "result": {"reps": [{"side": "L"}]}},
               {"knee_flexion_mean": Stall()})
    """
)


def test_killed_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).save(REPORT)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "inside"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(10)
    store = Store(path)
    assert store.count() == 1  # only the earlier set, no half session
    assert len(store.side_stats()) == 2
    assert store._connect().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The database is writable again after the crash (no stale lock).
    store.save(REPORT)
    assert store.count() == 2


def test_corrupt_file_message(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database " * 200)
    with pytest.raises(StoreError, match="damaged") as exc:
        Store(path)
    assert "\n" not in str(exc.value) and str(path) in str(exc.value)


def test_locked_database_message(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    store = Store(path, timeout_s=0.2)
    other = Store(path, timeout_s=0.2)
    with other._tx(), pytest.raises(StoreError, match="busy"):
        store.save(REPORT)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).save(REPORT)
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        store = Store(path)
        assert store.read_only_reason
        assert store.count() == 1
        with pytest.raises(StoreError, match="read-only"):
            store.save(REPORT)
    finally:
        tmp_path.chmod(0o755)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_folder(tmp_path: Path) -> None:
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="FORMCHECK_DB"):
            Store(tmp_path / "sub" / "h.sqlite3")
    finally:
        tmp_path.chmod(0o755)
