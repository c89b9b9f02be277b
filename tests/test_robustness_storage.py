"""Robustness, storage: the history DB and the output files under real failures.

Read-only and disk-full cases use real small tmpfs mounts when the tests run
as root (root ignores file permissions, but not a read-only or full file
system); otherwise they skip.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest
from test_robustness_helpers import assert_one_line_error, noise_frames, run_cli, write_clip

from formcheck.app.store import Store, StoreError
from formcheck.errors import user_message
from formcheck.session import analyze_video

REPORT = {
    "exercise": "squat_valgus",
    "side": "auto",
    "created": "2026-01-02T10:00:00+00:00",
    "result": {"exercise": "squat_valgus", "mode": "reps",
               "reps": [{"side": "both", "start_s": 1.0, "end_s": 3.0, "peak_s": 2.0,
                         "peak_value": 30.0}], "holds": []},
}  # fmt: skip


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "256k"):
    """A real tiny file system at ``path`` (root only); skips the test otherwise."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                       capture_output=True)  # fmt: skip
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _remount_ro(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)


def test_missing_database_file_is_created(tmp_path):
    path = tmp_path / "deep" / "folder" / "history.sqlite3"
    store = Store(path)
    assert store.count() == 0 and path.is_file()
    store.save(REPORT)
    assert Store(path).count() == 1


def test_read_only_database_still_reads_and_refuses_writes_clearly(tmp_path):
    with tmpfs(tmp_path / "ro") as d:
        path = d / "history.sqlite3"
        store = Store(path)
        store.save(REPORT)
        store.close()
        before = path.read_bytes()
        _remount_ro(d)
        ro = Store(path)
        assert ro.read_only_reason and "read-only" in ro.read_only_reason
        assert ro.count() == 1 and ro.get(1).exercise == "squat_valgus"
        with pytest.raises(StoreError, match="read-only") as e:
            ro.save(REPORT)
        assert "\n" not in str(e.value)
        ro.close()
        assert path.read_bytes() == before  # nothing lost


def test_locked_by_another_writer_waits_then_says_busy(tmp_path):
    path = tmp_path / "h.sqlite3"
    Store(path).save(REPORT)
    other = Store(path, timeout_s=0.2)
    mine = Store(path, timeout_s=0.2)
    with other._tx(), pytest.raises(StoreError, match="busy"):
        mine.save(REPORT)
    assert mine.count() == 1  # reading works while another process writes
    mine.save(REPORT)  # and writing works once the lock is gone
    assert mine.count() == 2


def test_corrupt_database_clear_message_and_file_left_alone(tmp_path):
    path = tmp_path / "h.sqlite3"
    junk = b"definitely not sqlite " * 300
    path.write_bytes(junk)
    with pytest.raises(StoreError, match="damaged") as e:
        Store(path)
    assert "FORMCHECK_DB" in str(e.value) and "\n" not in str(e.value)
    assert path.read_bytes() == junk  # never overwritten: the user can still rescue it


def test_truncated_database_file(tmp_path):
    path = tmp_path / "h.sqlite3"
    s = Store(path)
    for _ in range(30):
        s.save(REPORT, series={"knee_valgus_L": [(i / 10, 5.0) for i in range(300)]})
    s.close()
    with contextlib.suppress(FileNotFoundError):
        for extra in ("-wal", "-shm"):
            os.remove(str(path) + extra)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError):
        st = Store(path)
        st.sessions()
        st.side_stats()


def test_disk_full_while_writing_the_annotated_video(tmp_path, capsys):
    clip = write_clip(tmp_path / "noise.mp4", noise_frames(40, (320, 240)))
    with tmpfs(tmp_path / "full", size="64k") as d:
        out = d / "out"
        with pytest.raises(Exception) as e:  # noqa: B017 - the kind is checked below
            analyze_video(clip, None, out)
        msg = user_message(e.value)
        assert msg and "disk is full" in msg
        assert list(out.iterdir()) == []  # no partial file that looks complete
        rc, _, err = run_cli(["analyze", str(clip), "--out", str(d / "cli"), "-q"], capsys)
        assert_one_line_error(rc, err, "disk is full")
        assert list((d / "cli").iterdir()) == []


def test_app_starts_with_an_unusable_database(tmp_path, monkeypatch):
    """get_store() turns every StoreError into a message; the pages keep working."""
    pytest.importorskip("streamlit")
    from formcheck.app import pages as app_pages
    from formcheck.app import resources

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage " * 500)
    monkeypatch.setenv("FORMCHECK_DB", str(bad))
    resources._store.clear()
    store, problem = app_pages.get_store()
    assert store is None and "damaged" in problem
    assert app_pages.save_to_history(REPORT, {}, "upload") is None  # not saved, no crash
    assert bad.read_bytes() == b"garbage " * 500
