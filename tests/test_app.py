"""Page logic of the Streamlit app with ``streamlit.testing.v1.AppTest`` (no browser)."""

from __future__ import annotations

import shutil
from pathlib import Path
from unittest import mock

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import formcheck.app.analysis as app_analysis  # noqa: E402
from formcheck.app.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
SHORT_CLIP = Path("/work/shared/footage/physioplus_bridging.mp4")


def _short_clip() -> Path | None:
    clips = sorted((ROOT / "formcheck/data/samples").glob("*.mp4"))
    if SHORT_CLIP.exists():
        return SHORT_CLIP
    return min(clips, key=lambda p: p.stat().st_size) if clips else None


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch):
    """A fresh history DB and a samples folder with one short clip."""
    monkeypatch.setenv("FORMCHECK_DB", str(tmp_path / "history.sqlite3"))
    samples = tmp_path / "samples"
    samples.mkdir()
    clip = _short_clip()
    if clip is not None:
        shutil.copyfile(clip, samples / "knee_to_knee__test_clip.mp4")
        (samples / "knee_to_knee__test_clip.json").write_text('{"settings": {"hold_target_s": 2}}')
    monkeypatch.setattr(app_analysis, "SAMPLE_DIR", samples)
    with mock.patch("streamlit_webrtc.component.get_this_session_info", return_value=None):
        yield tmp_path


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*at.markdown, *at.caption, *at.title, *at.subheader])


def test_pages_render(app_env) -> None:
    at = _app()
    assert "Analyse a video" in _texts(at)
    assert "500 MB" in _texts(at)
    assert at.button(key="sample_go") is not None
    for page, text in (("Live", "Live (webcam)"), ("History", "No sets saved yet")):
        at.sidebar.radio(key="nav").set_value(page).run()
        assert not at.exception, at.exception
        body = _texts(at) + "\n".join(str(i.value) for i in at.info)
        assert text in body


def test_exercise_switching_changes_instructions(app_env) -> None:
    from formcheck.exercises import get_exercise

    at = _app()
    at.sidebar.radio(key="nav").set_value("Live").run()
    for ex_id in ("seated_internal_rotation", "squat_valgus"):
        at.selectbox(key="live_ex").set_value(ex_id).run()
        assert not at.exception
        ex = get_exercise(ex_id)
        assert ex.instructions[0] in _texts(at)
        assert ex.camera in _texts(at)
    at.sidebar.radio(key="nav").set_value("Upload").run()
    at.selectbox(key="up_ex").set_value("standing_spine_twist").run()
    assert get_exercise("standing_spine_twist").instructions[0] in _texts(at)


class _FakeUpload:
    def __init__(self, name: str, data: bytes):
        self.name, self._data, self.size = name, data, len(data)

    def getvalue(self) -> bytes:
        return self._data


def test_bad_upload_shows_error(app_env, monkeypatch) -> None:
    # AppTest cannot drive st.file_uploader: hand the page an uploaded file directly.
    import streamlit as st

    fake = _FakeUpload("../../etc/passwd.mp4", b"this is not a video" * 100)
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: fake)
    at = _app()
    at.button(key="upload_go").click().run()
    assert not at.exception, at.exception
    assert at.error, "no error shown"
    msg = at.error[0].value
    assert "Traceback" not in msg and msg
    assert Store(app_env / "history.sqlite3").count() == 0


@pytest.mark.skipif(_short_clip() is None, reason="no short clip available")
def test_sample_analysis_shows_results(app_env) -> None:
    at = _app()
    at.button(key="sample_go").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "Result" in _texts(at)
    labels = [m.label for m in at.metric]
    assert any("holds" in lab or "reps" in lab for lab in labels), labels
    assert any(b.label == "Download report.json" for b in at.get("download_button"))


def test_unusable_history_db_still_starts(app_env, monkeypatch) -> None:
    bad = app_env / "bad.sqlite3"
    bad.write_bytes(b"garbage " * 500)
    monkeypatch.setenv("FORMCHECK_DB", str(bad))
    at = _app()
    at.sidebar.radio(key="nav").set_value("History").run()
    assert not at.exception
    assert any("damaged" in e.value for e in at.error)


def test_history_open_and_delete(app_env) -> None:
    store = Store(app_env / "history.sqlite3")
    report = {
        "exercise": "seated_internal_rotation",
        "side": "auto",
        "created": "2026-01-02T10:00:00+00:00",
        "result": {
            "mode": "reps",
            "reps": [{"side": "left", "start_s": 1.0, "end_s": 3.0, "peak_s": 2.0,
                      "peak_value": 33.0, "metric": "knee_drop_L", "counted": True}],
        },
    }  # fmt: skip
    series = {"knee_drop_L": [(t / 10, 10.0 + t) for t in range(40)]}
    sid = store.save(report, series, video=b"\x00\x00\x00\x18ftypmp42")
    store.save({**report, "created": "2026-01-05T10:00:00+00:00"})
    at = _app()
    at.sidebar.radio(key="nav").set_value("History").run()
    assert not at.exception, at.exception
    assert len(at.dataframe) == 1
    at.selectbox(key="hist_ex").set_value("seated_internal_rotation").run()
    assert not at.exception, at.exception
    at.selectbox(key="hist_open").set_value(sid).run()
    assert not at.exception, at.exception
    assert len(at.get("video")) == 1  # the video was kept with this set
    at.checkbox(key=f"hist-confirm-{sid}").check().run()
    at.button(key=f"hist-del-{sid}").click().run()
    assert not at.exception, at.exception
    assert store.get(sid) is None and store.count() == 1


def test_page_bug_shows_message_not_traceback(app_env, monkeypatch) -> None:
    import formcheck.app.pages as pages

    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pages, "history_page", broken)
    at = _app()
    at.sidebar.radio(key="nav").set_value("History").run()
    assert not at.exception
    assert any("Something went wrong" in e.value for e in at.error)
