"""`formcheck bench`: what it prints (not how fast: timings are the script's to print)."""

from __future__ import annotations

import json
import subprocess
import sys

from formcheck.bench import STAGES, make_phone_clip, run_bench
from formcheck.data import SAMPLES_DIR
from formcheck.video import iter_frames, probe

SAMPLE = SAMPLES_DIR / "squat_valgus__good.mp4"


def test_the_phone_clip_is_a_1080p_portrait_recording_with_rotation_metadata(tmp_path):
    clip = make_phone_clip(SAMPLE, tmp_path / "phone.mp4", seconds=1.0)
    info = probe(clip)
    assert (info.width, info.height, info.rotation, info.fps) == (1080, 1920, 90, 30.0)
    first = next(iter(iter_frames(clip)))
    assert first.rgb.shape[:2] == (1920, 1080)  # decoded the right way up: portrait


def test_bench_reports_the_realtime_factor_and_each_stage(tmp_path):
    res = run_bench(SAMPLE, "squat_valgus", max_frames=20)
    assert res["frames"] == 20 and res["inference_frames"] == 20
    assert res["realtime_factor"] > 0 and res["ratio"] > 0
    assert set(res["stages_ms"]) == set(STAGES)
    assert res["stages_ms"]["pose"] > 0 and all(v >= 0 for v in res["stages_ms"].values())


def test_the_cli_benches_a_generated_phone_clip():
    out = subprocess.run(
        [sys.executable, "-m", "formcheck.cli", "bench", str(SAMPLE), "-e", "squat_valgus",
         "--phone-clip", "--max-frames", "10"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["video"] == "phone_1080p_portrait.mp4" and res["frames"] == 10
