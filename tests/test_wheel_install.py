"""A wheel install, outside the checkout, finds its model and samples and runs the CLI.

The package data (``formcheck/data``: the pose model, the corrections, the sample clips)
must travel in the wheel: paths resolved from the source tree would not exist there.
The wheel is built from a clean copy of the checkout with the dev environment's
setuptools and installed with ``--no-deps`` into a folder of its own, which comes first
on ``sys.path``; the test checks that the copy imported is that one, not the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_a_wheel_install_analyses_a_bundled_sample(tmp_path):
    wheels, site, src = tmp_path / "wheels", tmp_path / "site", tmp_path / "src"
    # Built from a clean copy: a build/ left in the checkout would ship stale modules.
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "test-artifacts", "out", "__pycache__"))
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                  "--no-build-isolation", "-w", str(wheels), str(src)], cwd=tmp_path)  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("formcheck-*.whl")
    inst = _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                 str(site), str(wheel)], cwd=tmp_path)  # fmt: skip
    assert inst.returncode == 0, inst.stderr[-2000:]
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("FORMCHECK_MODEL", None)
    where = _run([sys.executable, "-c", "import formcheck.data as d; print(d.DATA_DIR)"],
                 cwd=tmp_path, env=env)  # fmt: skip
    data = Path(where.stdout.strip())
    assert data.is_relative_to(site), where.stdout + where.stderr  # the wheel's copy
    sample = data / "samples" / "squat_valgus__good.mp4"
    assert sample.is_file() and (data / "models" / "pose_landmarker_full.task").is_file()
    out = tmp_path / "out"
    res = _run([sys.executable, "-m", "formcheck.cli", "analyze", str(sample), "-e",
                "squat_valgus", "--settings-from", str(sample.with_suffix(".json")),
                "--no-video", "-q", "-o", str(out)], cwd=tmp_path, env=env)  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    report = json.loads((out / "report.json").read_text())
    truth = json.loads(sample.with_suffix(".json").read_text())
    assert report["result"]["per_side"]["both"]["count"] == len(truth["reps"])
