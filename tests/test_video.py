"""Video reading and writing on generated clips."""

from __future__ import annotations

import av
import numpy as np
import pytest
from conftest import make_audio_only, make_clip

from formcheck.video import VideoError, VideoWriter, iter_frames, probe


def test_reads_frames_with_times_and_facts(tmp_path):
    p = make_clip(tmp_path / "a.mp4", n=12, size=(160, 96), fps=30)
    info = probe(p)
    assert (info.width, info.height) == (160, 96)
    assert info.fps == pytest.approx(30.0)
    frames = list(iter_frames(p))
    assert len(frames) == 12
    assert frames[0].rgb.shape == (96, 160, 3)
    assert [round(f.t_s, 3) for f in frames[:3]] == [0.0, 0.033, 0.067]


def test_rotation_metadata_is_applied(tmp_path):
    # Display matrix rotation 90 deg counter-clockwise: the top-left block ends up bottom-left.
    p = make_clip(tmp_path / "rot.mp4", n=3, size=(160, 96), rotation=90)
    info = probe(p)
    assert (info.width, info.height, info.rotation) == (96, 160, 90)
    rgb = next(iter(iter_frames(p))).rgb
    assert rgb.shape == (160, 96, 3)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 100)
    ys, xs = np.nonzero(red)
    assert ys.min() > 100 and xs.max() < 40


def test_variable_frame_rate_keeps_real_times(tmp_path):
    times = [0.0, 0.033, 0.1, 0.3, 0.31, 0.7, 1.0]
    p = make_clip(tmp_path / "vfr.mp4", n=len(times), times_s=times)
    got = [f.t_s for f in iter_frames(p)]
    assert got == pytest.approx(times, abs=0.002)


def test_truncated_file_yields_the_good_frames(tmp_path):
    p = make_clip(tmp_path / "full.mp4", n=60, size=(320, 240))
    data = p.read_bytes()
    cut = tmp_path / "cut.mkv"
    # Matroska keeps the index at the start, so a cut file stays partly decodable.
    q = make_clip(tmp_path / "full.mkv", n=60, size=(320, 240), fmt="matroska")
    cut.write_bytes(q.read_bytes()[: len(q.read_bytes()) * 2 // 3])
    n = sum(1 for _ in iter_frames(cut))
    assert 0 < n < 60
    # An mp4 cut in the middle (index at the end, missing) is refused with a clear error.
    bad = tmp_path / "cut.mp4"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoError):
        probe(bad)


@pytest.mark.parametrize(
    "content, name",
    [(b"", "empty.mp4"), (b"hello, this is not a video\n" * 50, "notes.mp4")],
)
def test_not_a_video_gives_clear_error(tmp_path, content, name):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(VideoError) as e:
        probe(p)
    assert name in str(e.value) and "\n" not in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(VideoError, match="not found"):
        probe(tmp_path / "nope.mp4")


def test_audio_only_file(tmp_path):
    p = make_audio_only(tmp_path / "audio.m4a")
    with pytest.raises(VideoError, match="no video stream"):
        probe(p)


def test_writer_makes_h264_atomically(tmp_path):
    out = tmp_path / "o.mp4"
    with VideoWriter(out, 160, 96, fps=30) as w:
        for i in range(15):
            w.write(np.full((96, 160, 3), i * 10, np.uint8), i / 30)
        assert not out.exists()  # only the temp file exists until close
    with av.open(str(out)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        assert sum(1 for _ in c.decode(s)) == 15
    assert [p.name for p in tmp_path.iterdir()] == ["o.mp4"]


def test_writer_failure_leaves_no_file(tmp_path):
    out = tmp_path / "o.mp4"
    with pytest.raises(RuntimeError), VideoWriter(out, 160, 96) as w:
        w.write(np.zeros((96, 160, 3), np.uint8), 0.0)
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
