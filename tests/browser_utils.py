"""Helpers for the real-browser tests and scripts: app server, fake camera file, Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
WEBRTC_IFRAME = "iframe[title='streamlit_webrtc.component.webrtc_streamer']"


def browser_available() -> str | None:
    """None when Chromium and Playwright are usable, else the reason to skip."""
    if not CHROMIUM.exists():
        return "/usr/bin/chromium is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_server(
    db_path: Path, log_path: Path, env: dict | None = None, timeout_s: float = 60.0
) -> Iterator[str]:
    """Run ``streamlit run streamlit_app.py`` on a free port; yield its URL; stop it by PID."""
    port = free_port()
    full_env = {**os.environ, "FORMCHECK_DB": str(db_path), **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start; see {log_path}")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()


def make_y4m(src: Path, dst: Path, seconds: float = 12.0, size=(640, 480), fps: int = 30) -> Path:
    """A fake-webcam file for Chromium: ``yuv4mpegpipe``, yuv420p, 640x480, 30 fps (PyAV)."""
    import av
    import cv2
    import numpy as np

    from formcheck.video import iter_frames, probe

    src_fps = probe(src).fps or fps
    repeat = max(1, round(fps / src_fps))  # keep real time: a 15 fps clip doubles frames
    w, h = size
    with av.open(str(dst), "w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        written = 0
        for n, f in enumerate(iter_frames(src), start=1):
            rgb = f.rgb
            ih, iw = rgb.shape[:2]
            scale = min(w / iw, h / ih)
            small = cv2.resize(rgb, (int(iw * scale), int(ih * scale)))
            canvas = np.zeros((h, w, 3), np.uint8)
            y0, x0 = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
            canvas[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
            frame = av.VideoFrame.from_ndarray(canvas, format="rgb24").reformat(format="yuv420p")
            for _ in range(repeat):
                frame.pts = written
                written += 1
                for pkt in stream.encode(frame):
                    out.mux(pkt)
            if n * repeat >= seconds * fps:
                break
        for pkt in stream.encode():
            out.mux(pkt)
    return dst


def chromium_args(y4m: Path | None = None) -> list[str]:
    """Flags for headless Chromium on this machine, with a fake camera when ``y4m`` is given."""
    args = [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage",
    ]  # fmt: skip
    if y4m is not None:
        args += [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}",
        ]
    return args


def launch(p, y4m: Path | None = None):
    """Launch Debian's Chromium with Playwright (never ``playwright install``)."""
    return p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=chromium_args(y4m))


def wait_text(page, text: str, timeout_ms: int = 60000) -> None:
    """Wait until ``text`` is visible somewhere on the page."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible", timeout=timeout_ms)


def sample_clip() -> Path | None:
    """A clip to test with: a sample video if present, else the shared footage."""
    for folder in (ROOT / "formcheck/data/samples", ROOT.parent / "shared" / "footage"):
        clips = sorted(folder.glob("*.mp4")) if folder.is_dir() else []
        if clips:
            return clips[0]
    return None


def copy_clip(src: Path, dst_dir: Path, name: str = "clip.mp4") -> Path:
    dst = dst_dir / name
    shutil.copyfile(src, dst)
    return dst
