"""Robustness, files: whatever a phone (or a user) hands us, formcheck answers without crashing.

Bad files end the CLI with exit status 2 and one ``error:`` line, and leave a
previous output folder untouched; files that are only partly readable are
analysed as far as they decode, with ``video.truncated`` and a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from conftest import make_audio_only, make_clip
from test_robustness_helpers import (
    assert_one_line_error,
    noise_frames,
    run_cli,
    write_clip,
)

import formcheck.app.analysis as aa
from formcheck.pose import estimator as pose_mod
from formcheck.session import analyze_video, time_bound
from formcheck.video import VideoError, iter_frames, probe


def _analyze(path: Path, out: Path, **kw) -> dict:
    return analyze_video(path, kw.pop("exercise", None), out, **kw).report


# -- files that are not videos -------------------------------------------------------


def _png(tmp: Path) -> Path:
    ok, buf = cv2.imencode(".png", np.zeros((64, 64, 3), np.uint8))
    (tmp / "photo.mp4").write_bytes(buf.tobytes())
    return tmp / "photo.mp4"


def _jpeg(tmp: Path) -> Path:
    ok, buf = cv2.imencode(".jpg", np.full((64, 64, 3), 128, np.uint8))
    (tmp / "photo.mp4").write_bytes(buf.tobytes())
    return tmp / "photo.mp4"


def _empty(tmp: Path) -> Path:
    (tmp / "empty.mp4").write_bytes(b"")
    return tmp / "empty.mp4"


def _text(tmp: Path) -> Path:
    (tmp / "notes.mp4").write_text("shopping list\n" * 100)
    return tmp / "notes.mp4"


def _audio_only(tmp: Path) -> Path:
    return make_audio_only(tmp / "voice.mp4")


def _zero_frames(tmp: Path) -> Path:
    p = tmp / "zero.mp4"
    with av.open(str(p), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        c.start_encoding()  # header and index, but not a single frame
    return p


def _mp4_cut(frac: float):
    def make(tmp: Path) -> Path:
        full = write_clip(tmp / "full.mp4", noise_frames(30))  # index (moov) at the end
        data = full.read_bytes()
        (tmp / "cut.mp4").write_bytes(data[: int(len(data) * frac)])
        full.unlink()
        return tmp / "cut.mp4"

    return make


def _mkv_cut_before_first_frame(tmp: Path) -> Path:
    full = write_clip(tmp / "full.mkv", noise_frames(30), fmt="matroska")
    data = full.read_bytes()
    (tmp / "cut.mkv").write_bytes(data[:600])
    full.unlink()
    return tmp / "cut.mkv"


BAD_FILES = {
    "empty file": (_empty, "empty"),
    "text renamed .mp4": (_text, "not a readable video"),
    "PNG renamed .mp4": (_png, "PNG image"),
    "JPEG renamed .mp4": (_jpeg, "JPEG image"),
    "audio only": (_audio_only, "no video stream"),
    "zero frames": (_zero_frames, "no video frames"),
    "mp4 cut at 10% (no index)": (_mp4_cut(0.1), "cut short before its index"),
    "mp4 cut at 50% (no index)": (_mp4_cut(0.5), "cut short before its index"),
    "mp4 cut at 98% (inside the index)": (_mp4_cut(0.98), "cut short before its index"),
    "mkv cut before the first frame": (_mkv_cut_before_first_frame, "cut short"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_one_line_error_exit_2_and_old_outputs_kept(case, tmp_path, capsys):
    make, words = BAD_FILES[case]
    src = tmp_path / "in"
    src.mkdir()
    path = make(src)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text('{"previous": true}')
    rc, _, err = run_cli(["analyze", str(path), "-e", "squat_valgus", "--out", str(out), "-q"],
                         capsys)  # fmt: skip
    line = assert_one_line_error(rc, err, *words.split(" ... "))
    assert path.name in line
    # Nothing already saved is lost, nothing half-written is left.
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]
    assert json.loads((out / "report.json").read_text()) == {"previous": True}


def test_folder_and_missing_file(tmp_path, capsys):
    rc, _, err = run_cli(["analyze", str(tmp_path), "-q", "--out", str(tmp_path / "o")], capsys)
    assert_one_line_error(rc, err, "folder")
    rc, _, err = run_cli(["analyze", str(tmp_path / "nope.mp4"), "-q"], capsys)
    assert_one_line_error(rc, err, "not found")


# -- files cut short but partly readable ----------------------------------------------------


def _cut_copy(full: Path, dst: Path, frac: float) -> Path:
    data = full.read_bytes()
    dst.write_bytes(data[: int(len(data) * frac)])
    return dst


@pytest.fixture(scope="module")
def cut_sources(tmp_path_factory):
    d = tmp_path_factory.mktemp("cut")
    frames = noise_frames(30, (128, 96), seed=1)
    return {
        "faststart mp4": write_clip(d / "fast.mp4", frames, options={"movflags": "+faststart"}),
        "fragmented mp4": write_clip(
            d / "frag.mp4", frames, options={"movflags": "frag_keyframe+empty_moov"},
            codec_options={"g": "5"},
        ),  # fmt: skip
        "mkv": write_clip(d / "full.mkv", frames, fmt="matroska"),
        "webm (VP9)": write_clip(d / "full.webm", frames, codec="libvpx-vp9", fmt="webm"),
    }


@pytest.mark.parametrize("kind", ["faststart mp4", "fragmented mp4", "mkv", "webm (VP9)"])
@pytest.mark.parametrize("frac", [0.5, 0.9])
def test_cut_short_file_decodes_partly_and_says_so(kind, frac, cut_sources, tmp_path):
    src = cut_sources[kind]
    cut = _cut_copy(src, tmp_path / f"cut{src.suffix}", frac)
    reader = iter_frames(cut)
    n = sum(1 for _ in reader)
    assert 0 < n < 30
    assert reader.stopped_early
    rep = _analyze(cut, tmp_path / "out", write_video=False)
    assert rep["video"]["truncated"] is True
    assert rep["video"]["frames_decoded"] == n
    assert any("cut short" in w and f"{n}" in w for w in rep["warnings"]), rep.get("warnings")


@pytest.mark.parametrize("kind", ["faststart mp4", "fragmented mp4", "mkv", "webm (VP9)"])
def test_complete_files_are_not_called_cut_short(kind, cut_sources, tmp_path):
    reader = iter_frames(cut_sources[kind])
    assert sum(1 for _ in reader) == 30 and not reader.stopped_early
    assert probe(cut_sources[kind]).truncated is False


def test_cut_short_report_in_the_cli(cut_sources, tmp_path, capsys):
    cut = _cut_copy(cut_sources["faststart mp4"], tmp_path / "phone.mp4", 0.6)
    rc, out, err = run_cli(["analyze", str(cut), "--out", str(tmp_path / "o"), "-q",
                            "--no-video"], capsys)  # fmt: skip
    assert rc == 0, err
    assert "warning: the file was cut short" in out
    rep = json.loads((tmp_path / "o" / "report.json").read_text())
    assert rep["video"]["truncated"] and rep["warnings"]


# -- odd but valid videos -------------------------------------------------------------------


def test_one_frame_video(tmp_path):
    p = make_clip(tmp_path / "one.mp4", n=1)
    rep = _analyze(p, tmp_path / "o", exercise="squat_valgus")
    assert rep["video"]["frames_decoded"] == 1 and rep["video"]["truncated"] is False
    assert any("single frame" in w for w in rep["warnings"])
    assert rep["result"] is not None
    assert (tmp_path / "o" / "annotated.mp4").is_file()


@pytest.mark.parametrize("fps, n", [(5, 8), (120, 48)])
def test_very_low_and_high_frame_rates_keep_real_time(fps, n, tmp_path):
    p = make_clip(tmp_path / f"f{fps}.mp4", n=n, fps=fps)
    rep = _analyze(p, tmp_path / "o")
    assert rep["video"]["fps"] == pytest.approx(fps, rel=0.01)
    assert rep["video"]["frames_decoded"] == n
    times = [f.t_s for f in iter_frames(p)]
    assert times[-1] == pytest.approx((n - 1) / fps, abs=0.01)
    with av.open(str(tmp_path / "o" / "annotated.mp4")) as c:
        s = c.streams.video[0]
        got = [float(f.pts * s.time_base) for f in c.decode(s)]
    assert len(got) == n and got[-1] - got[0] == pytest.approx(times[-1], abs=0.01)


def test_variable_frame_rate(tmp_path):
    times = [0.0, 0.03, 0.2, 0.21, 0.5, 0.9, 0.95, 1.6]
    p = make_clip(tmp_path / "vfr.mp4", n=len(times), times_s=times)
    rep = _analyze(p, tmp_path / "o")
    assert rep["video"]["frames_decoded"] == len(times)
    from formcheck.outputs.report import read_frames_csv

    rows = read_frames_csv(tmp_path / "o" / "frames.csv")
    assert [r["t_s"] for r in rows] == pytest.approx(times, abs=0.002)


def test_portrait_phone_video_with_rotation_metadata(tmp_path):
    p = make_clip(tmp_path / "portrait.mp4", n=4, size=(160, 96), rotation=90)
    rep = _analyze(p, tmp_path / "o")
    assert (rep["video"]["width"], rep["video"]["height"], rep["video"]["rotation"]) == (96, 160,
                                                                                        90)
    with av.open(str(tmp_path / "o" / "annotated.mp4")) as c:
        s = c.streams.video[0]
        assert (s.width, s.height) == (96, 160)  # upright, as the phone showed it


def test_4k_video_is_downscaled_for_processing_and_inference(tmp_path, monkeypatch):
    p = make_clip(tmp_path / "uhd.mp4", n=3, size=(3840, 2160))
    sizes: list[tuple[int, int]] = []
    real_infer = pose_mod.PoseEstimator.infer

    def spy_infer(self, rgb, t_s):
        res = real_infer(self, rgb, t_s)
        sizes.append(rgb.shape[:2])
        return res

    import mediapipe as mp

    real_image = mp.Image
    seen_by_model: list[tuple[int, int]] = []

    def spy_image(*args, **kw):
        seen_by_model.append(kw["data"].shape[:2])
        return real_image(*args, **kw)

    monkeypatch.setattr(pose_mod.PoseEstimator, "infer", spy_infer)
    monkeypatch.setattr(mp, "Image", spy_image)
    rep = _analyze(p, tmp_path / "o")
    monkeypatch.undo()
    assert (rep["video"]["width"], rep["video"]["height"]) == (3840, 2160)
    assert sizes == [(720, 1280)] * 3  # session.py: PROCESS_MAX_SIDE
    assert seen_by_model and max(max(s) for s in seen_by_model) <= pose_mod.INFERENCE_MAX_SIDE
    with av.open(str(tmp_path / "o" / "annotated.mp4")) as c:
        assert (c.streams.video[0].width, c.streams.video[0].height) == (1280, 720)


@pytest.mark.parametrize(
    "codec, fmt, suffix, pix",
    [("libvpx-vp9", "webm", ".webm", "yuv420p"), ("mjpeg", "avi", ".avi", "yuvj420p"),
     ("libx265", "mp4", ".mp4", "yuv420p"), ("libx264", "mov", ".mov", "yuv420p")],
)  # fmt: skip
def test_other_codecs_decode(codec, fmt, suffix, pix, tmp_path):
    if codec not in av.codecs_available:
        pytest.skip(f"{codec} encoder not available here")
    p = make_clip(tmp_path / f"clip{suffix}", n=6, codec=codec, fmt=fmt, pix_fmt=pix)
    rep = _analyze(p, tmp_path / "o", write_video=False)
    assert rep["video"]["frames_decoded"] == 6 and not rep["video"]["truncated"]


# -- limits -------------------------------------------------------------------------------


def test_upload_over_the_size_limit_is_refused_before_it_is_written(tmp_path, monkeypatch):
    monkeypatch.setattr(aa, "MAX_UPLOAD_MB", 1)
    made = []
    monkeypatch.setattr(aa, "_private_dir", lambda: made.append(1) or tmp_path)
    with pytest.raises(VideoError, match="larger than 1 MB"):
        aa.analyze_upload(b"\0" * (1024 * 1024 + 1), "big.mp4", "squat_valgus")
    assert made == [] and list(tmp_path.iterdir()) == []


def test_streamlit_upload_limit_matches_the_app():
    cfg = (Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {aa.MAX_UPLOAD_MB}" in cfg


def test_analysis_time_bound_grows_with_the_video(tmp_path):
    short = probe(make_clip(tmp_path / "s.mp4", n=3))
    longer = probe(make_clip(tmp_path / "l.mp4", n=90))
    assert time_bound(short) < time_bound(longer)
    assert time_bound(longer) >= 60 + 10 * 2.9  # well above real time on a slow machine


def test_upload_and_sample_analyses_are_bounded(tmp_path, monkeypatch):
    import formcheck.session as session

    seen = []
    real = session.analyze_video

    def spy(*a, **k):
        seen.append(k.get("max_seconds"))
        return real(*a, **k)

    monkeypatch.setattr(session, "analyze_video", spy)
    clip = make_clip(tmp_path / "c.mp4", n=3)
    aa.analyze_upload(clip.read_bytes(), "c.mp4", None)
    aa.analyze_file(clip, None)
    assert seen == ["auto", "auto"]
