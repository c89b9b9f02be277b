"""Uploads: private temp dir, the user's file name never a path, nothing left behind."""

from __future__ import annotations

import json
import stat
import tempfile
from pathlib import Path

import pytest

import formcheck.app.analysis as aa
from formcheck.video import VideoError


def test_safe_suffix() -> None:
    assert aa.safe_suffix("My clip.MOV") == ".mov"
    assert aa.safe_suffix("../../etc/passwd") == ".mp4"
    assert aa.safe_suffix("x.exe") == ".mp4"
    assert aa.safe_suffix(None) == ".mp4"


def test_bad_upload_raises_and_cleans_up(monkeypatch, tmp_path: Path) -> None:
    made: list[Path] = []
    real = tempfile.mkdtemp

    def spy(*a, **k):
        d = real(*a, dir=tmp_path, **k)
        made.append(Path(d))
        return d

    monkeypatch.setattr(aa.tempfile, "mkdtemp", spy)
    seen_modes = []
    import formcheck.session as session

    def fake_analyze(src, *a, **k):
        seen_modes.append((stat.S_IMODE(Path(src).parent.stat().st_mode), Path(src).name))
        raise VideoError("upload.mp4: not a video file")

    monkeypatch.setattr(session, "analyze_video", fake_analyze)
    with pytest.raises(VideoError):
        aa.analyze_upload(b"junk", "../../evil name.mp4", "knee_to_knee")
    assert seen_modes == [(0o700, "upload.mp4")]
    assert made and not any(d.exists() for d in made)


def test_list_samples_reads_sidecar(tmp_path: Path) -> None:
    (tmp_path / "knee_to_knee__good.mp4").write_bytes(b"")
    (tmp_path / "knee_to_knee__good.json").write_text(
        json.dumps({"settings": {"hold_target_s": 5}, "side": "L", "description": "demo"})
    )
    (tmp_path / "squat_valgus__valgus.mp4").write_bytes(b"")
    (tmp_path / "squat_valgus__valgus.json").write_text("{not json")
    samples = aa.list_samples(tmp_path)
    assert [s.exercise for s in samples] == ["knee_to_knee", "squat_valgus"]
    assert samples[0].settings == {"hold_target_s": 5} and samples[0].side == "left"
    assert samples[1].settings == {} and samples[1].variant == "valgus"
    assert aa.sample_for("knee_to_knee", samples).variant == "good"
    assert aa.camera_still(tmp_path / "knee_to_knee__good.mp4") is None  # empty file: no still
