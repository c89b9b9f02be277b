"""``formcheck batch``: jobs from inputs and plans, the local pool, resume, broken files,
a killed worker, a killed batch, Ctrl-C, and Ray on a local 2-CPU cluster.

The end-to-end tests analyse two short bundled sample clips (a hold and a rep exercise)
whose true counts are in their sidecars, plus a broken file.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from formcheck.batch.jobs import PlanError, exercise_from_name, make_jobs, read_plan
from formcheck.batch.table import COLUMNS
from formcheck.cli import main
from tests.conftest import SAMPLES

CLIPS = ("band_stretch__good.mp4", "squat_valgus__valgus.mp4")


def _rows(out: Path) -> list[dict]:
    with open(out / "batch.csv", newline="") as f:
        return list(csv.DictReader(f))


def _counts(out: Path) -> dict[str, str]:
    return {r["name"]: r["count"] for r in _rows(out)}


def _truth_count(clip: str) -> int:
    side = json.loads((SAMPLES / clip).with_suffix(".json").read_text())
    return len(side["reps"]) if side["reps"] else len(side["holds"])


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> Path:
    """A folder with the two sample clips, a broken 'video' and a text file."""
    d = tmp_path_factory.mktemp("videos")
    for c in CLIPS:
        shutil.copy(SAMPLES / c, d / c)
    (d / "squat_valgus__broken.mp4").write_bytes(b"this is not a video" * 100)
    (d / "notes.txt").write_text("not a video, not picked up")
    return d


@pytest.fixture(scope="module")
def pooled(videos, tmp_path_factory) -> tuple[Path, int]:
    """The batch run once with the default local pool (2 workers): (folder, exit code)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    code = main(["batch", str(videos), "--out", str(out), "--no-video", "-q"])
    return out, code


# -- jobs and plans -------------------------------------------------------------------
def test_exercise_from_name_takes_the_longest_id_in_the_name():
    assert exercise_from_name("squat_valgus__good.mp4") == "squat_valgus"
    assert exercise_from_name("p07_2026-11-02_knee_to_knee.mov") == "knee_to_knee"
    assert exercise_from_name("seated_internal_rotation.mp4") == "seated_internal_rotation"
    assert exercise_from_name("holiday.mp4") is None
    assert exercise_from_name("xsquat_valgusx.mp4") is None


def test_jobs_from_folders_globs_and_a_plan(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for p in (a / "monday.mp4", b / "monday.mp4", a / "squat_valgus_1.mov", b / "x.txt"):
        p.write_bytes(b"x")
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "video,exercise,side,patient,recorded,settings\n"
        "a/monday.mp4,knee_to_knee,left,P01,2026-11-02,hold_target_s=20; enter=30\n"
    )
    jobs = make_jobs([str(a), str(tmp_path / "b" / "*.mp4")], plan=plan)
    by = {j.name: j for j in jobs}
    assert sorted(by) == ["monday", "monday-2", "squat_valgus_1"]
    mon = by["monday"]
    assert (mon.exercise, mon.side, mon.patient, mon.recorded) == (
        "knee_to_knee", "left", "P01", "2026-11-02")  # fmt: skip
    assert mon.settings == {"hold_target_s": 20.0, "enter": 30.0}
    assert by["squat_valgus_1"].exercise == "squat_valgus"  # from its name
    assert by["monday-2"].exercise is None and "plan or pass --exercise" in by["monday-2"].problem
    # --exercise fills the gap, the plan still wins where it names one
    jobs = make_jobs([str(a), str(b)], exercise="hip_hinge_rotation", plan=plan)
    assert {j.name: j.exercise for j in jobs} == {
        "monday": "knee_to_knee", "monday-2": "hip_hinge_rotation",
        "squat_valgus_1": "hip_hinge_rotation"}  # fmt: skip
    # a plan alone names its videos, relative to the plan's folder
    assert [j.name for j in make_jobs([], plan=plan)] == ["monday"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name\nx.mp4\n", "'video' column"),
        ("video,exercise\nx.mp4,jumping\n", "line 2: unknown exercise 'jumping'"),
        ("video,side\nx.mp4,up\n", "side must be auto, left or right"),
        ("video,recorded\nx.mp4,last tuesday\n", "recorded must be a date"),
        ("video,settings\nx.mp4,enter\n", "name=value pairs"),
        ("video,mirrored\nx.mp4,perhaps\n", "mirrored must be yes or no"),
    ],
)
def test_a_bad_plan_says_which_line_and_what_to_write(tmp_path, text, words):
    plan = tmp_path / "plan.csv"
    plan.write_text(text)
    with pytest.raises(PlanError, match=words):
        read_plan(plan)


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nothing_here"), "--out", str(tmp_path / "o")]) == 2
    assert main(["batch", str(tmp_path), "--out", str(tmp_path / "o")]) == 2  # empty folder
    assert main(["batch", str(tmp_path), "-e", "jumping", "--out", str(tmp_path / "o")]) == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(lines) == 3 and all(ln.startswith("error: ") for ln in lines), lines
    assert "no such file" in lines[0] and "no video files" in lines[1]


# -- the local pool ---------------------------------------------------------------------
def test_batch_analyses_every_video_and_a_broken_one_is_one_failed_row(pooled):
    out, code = pooled
    assert code == 1  # a failed video makes the exit status non-zero; the rest is done
    rows = {r["name"]: r for r in _rows(out)}
    assert list(_rows(out)[0]) == list(COLUMNS)
    assert sorted(rows) == ["band_stretch__good", "squat_valgus__broken", "squat_valgus__valgus"]
    for clip in CLIPS:
        r = rows[Path(clip).stem]
        assert r["status"] == "ok" and r["error"] == ""
        assert float(r["count"]) == _truth_count(clip)
        for f in ("report.json", "frames.csv", "batch_row.json"):
            assert (out / r["name"] / f).is_file()
        assert float(r["detection_rate"]) > 0.9 and float(r["seconds"]) > 0
    assert float(rows["band_stretch__good"]["hold_s"]) > 3
    assert rows["squat_valgus__valgus"]["top_cues"].startswith("Push your knees out")
    bad = rows["squat_valgus__broken"]
    assert bad["status"] == "failed" and "\n" not in bad["error"]
    assert "not a readable video" in bad["error"] or "cannot be decoded" in bad["error"]
    assert not (out / "squat_valgus__broken").exists()
    doc = json.loads((out / "batch.json").read_text())
    assert doc["schema"] == "formcheck.batch/1" and len(doc["videos"]) == 3
    assert (out / "index.html").is_file()
    assert not (out / ".partial").exists()


def test_a_second_run_reuses_finished_videos_and_force_redoes_them(pooled, videos, tmp_path):
    out, _ = pooled
    again = tmp_path / "again"
    shutil.copytree(out, again)
    before = {r["name"]: r for r in _rows(again)}
    main(["batch", str(videos), "--out", str(again), "--no-video", "-q"])
    after = {r["name"]: r for r in _rows(again)}
    assert len(after) == 3  # nothing duplicated
    for clip in CLIPS:
        name = Path(clip).stem
        assert after[name]["reused"] == "True"
        assert after[name]["count"] == before[name]["count"]
        assert after[name]["seconds"] == before[name]["seconds"]  # the earlier run's row
    assert after["squat_valgus__broken"]["status"] == "failed"  # failed ones are tried again
    # other settings are another analysis: not reused
    main(["batch", str(videos), "--out", str(again), "--no-video", "-q",
          "--set", "hold_target_s=3"])  # fmt: skip
    assert _rows(again)[0]["reused"] == "False"
    main(["batch", str(videos), "--out", str(again), "--no-video", "-q", "--force",
          "--workers", "1"])  # fmt: skip
    redone = {r["name"]: r for r in _rows(again)}
    assert all(r["reused"] == "False" for r in redone.values())
    assert _counts(again) == _counts(out)  # one worker counts what two did


def test_a_changed_video_is_analysed_again(pooled, videos, tmp_path):
    out, _ = pooled
    again = tmp_path / "again"
    shutil.copytree(out, again)
    src = tmp_path / "src"
    shutil.copytree(videos, src)
    shutil.copy(SAMPLES / "squat_valgus__good.mp4", src / "squat_valgus__valgus.mp4")
    (src / "squat_valgus__broken.mp4").unlink()
    main(["batch", str(src), "--out", str(again), "--no-video", "-q"])
    rows = {r["name"]: r for r in _rows(again)}
    assert rows["band_stretch__good"]["reused"] == "True"
    assert rows["squat_valgus__valgus"]["reused"] == "False"
    assert "Push your knees" not in rows["squat_valgus__valgus"]["top_cues"]  # the clean clip


# -- killed and interrupted ------------------------------------------------------------
def _start(videos: Path, out: Path, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "formcheck.cli", "batch", str(videos), "--out", str(out),
           "--workers", "1", *extra]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip


def _wait_for(cond, proc: subprocess.Popen, timeout_s: float = 120.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        got = cond()
        if got:
            return got
        if proc.poll() is not None:
            pytest.fail(f"batch ended early: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("timed out")


def _two_clips(tmp_path: Path) -> Path:
    d = tmp_path / "two"
    d.mkdir()
    for c in CLIPS:
        shutil.copy(SAMPLES / c, d / c)
    return d


def test_a_killed_worker_costs_only_a_retry_of_its_video(tmp_path):
    videos, out = _two_clips(tmp_path), tmp_path / "out"
    proc = _start(videos, out)

    def working():  # a worker part-way through a video: its work folder names its pid
        for d in (out / ".partial").glob("*.*.*"):
            if sum(f.stat().st_size for f in d.iterdir() if f.is_file()) > 20_000:
                return d
        return None

    work = _wait_for(working, proc)
    os.kill(int(work.name.split(".")[-2]), signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    rows = _rows(out)
    assert sorted(r["name"] for r in rows) == sorted(Path(c).stem for c in CLIPS)
    for r in rows:
        assert r["status"] == "ok"
        assert float(r["count"]) == _truth_count(r["name"] + ".mp4")
    assert not work.exists() and (out / "index.html").is_file()


def test_a_killed_batch_loses_nothing_and_duplicates_nothing(tmp_path):
    videos, out = _two_clips(tmp_path), tmp_path / "out"
    proc = _start(videos, out)
    first = _wait_for(lambda: (out / "batch.csv").is_file() and len(_rows(out)) == 1, proc)
    assert first
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, no clean-up at all
    proc.wait(timeout=30)
    done = _rows(out)[0]
    assert main(["batch", str(videos), "--out", str(out), "--workers", "1", "-q"]) == 0
    rows = {r["name"]: r for r in _rows(out)}
    assert len(rows) == 2
    assert rows[done["name"]]["reused"] == "True"
    other = next(n for n in rows if n != done["name"])
    assert rows[other]["reused"] == "False" and rows[other]["status"] == "ok"
    assert all((out / n / "annotated.mp4").is_file() for n in rows)
    assert not (out / ".partial").exists()


def test_ctrl_c_stops_cleanly_and_keeps_what_finished(tmp_path):
    videos, out = _two_clips(tmp_path), tmp_path / "out"
    proc = _start(videos, out, "--no-video")
    _wait_for(lambda: (out / "batch.csv").is_file() and len(_rows(out)) == 1, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends to the group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert len(_rows(out)) == 1 and (out / "index.html").is_file()
    assert main(["batch", str(videos), "--out", str(out), "--no-video", "-q"]) == 0
    assert [r["reused"] for r in _rows(out)].count("True") == 1


# -- Ray ----------------------------------------------------------------------------------
def test_ray_on_a_local_two_cpu_cluster_counts_what_the_pool_counts(pooled, videos, tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "ray"
    code = main(["batch", str(videos), "--out", str(out), "--no-video", "-q", "--ray",
                 "--workers", "2"])  # fmt: skip
    assert code == 1  # the broken file
    assert _counts(out) == _counts(pooled[0])
    assert json.loads((out / "batch.json").read_text())["options"]["engine"] == "ray"


# -- the History page imports a batch folder -------------------------------------------
def test_history_imports_a_batch_folder_once(pooled, tmp_path):
    from formcheck.app.batch_import import import_batch
    from formcheck.app.store import Store, StoreError
    from formcheck.outputs.set_summary import summarize

    out, _ = pooled
    store = Store(tmp_path / "h.sqlite3")
    got = import_batch(store, out)
    assert (got.imported, got.already, got.unreadable) == (2, 0, 0)  # the failed row is not a set
    rows = {r["name"]: r for r in _rows(out) if r["status"] == "ok"}
    for s in (store.get(r.id) for r in store.sessions()):
        assert s.source == "batch"
        row = next(r for r in rows.values() if r["exercise"] == s.exercise)
        assert s.created == row["recorded"]
        assert summarize(s.report).total_count == float(row["count"])
        assert store.series(s.id)  # the per-frame chart data came along
    again = import_batch(store, out)
    assert (again.imported, again.already) == (0, 2) and store.count() == 2
    with pytest.raises(StoreError, match="not a batch folder"):
        import_batch(store, tmp_path)


def test_history_page_import_button(pooled, tmp_path, monkeypatch):
    from unittest import mock

    from streamlit.testing.v1 import AppTest

    from formcheck.app.store import Store

    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "history.sqlite3"))
    root = Path(__file__).resolve().parent.parent
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.sidebar.radio(key="nav").set_value("History").run()
        at.text_input(key="hist_import_dir").input(str(pooled[0])).run()
        at.button(key="hist_import").click().run()
        assert not at.exception, at.exception
        assert any("Imported 2 sets" in str(s.value) for s in at.success)
        table = at.dataframe[0].value
        assert len(table) == 2 and set(table["source"]) == {"batch"}
    assert Store(tmp_path / "history.sqlite3").count() == 2


def test_bench_batch_prints_videos_per_minute(capsys):
    clip = str(SAMPLES / CLIPS[0])
    assert main(["bench", clip, "--batch", "--workers-list", "1", "--no-video"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["videos"] == 1 and got["same_counts"] is True
    (run,) = got["runs"]
    assert run["workers"] == 1 and run["failed"] == 0 and run["scaling"] == 1.0
    assert run["videos_per_min"] > 0 and run["realtime_factor"] > 0
    assert run["realtime_factor"] == pytest.approx(run["videos_per_min"] * 11.2 / 60, rel=0.05)


def test_ray_missing_is_one_line_saying_what_to_install(videos, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    code = main(["batch", str(videos / CLIPS[0]), "--out", str(tmp_path / "o"), "--ray", "-q"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: Ray is not installed: pip install 'formcheck[cluster]' "
                   "(or run without --ray)")  # fmt: skip
