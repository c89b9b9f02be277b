#!/usr/bin/env python
"""A live set measured in headless Chromium with a fake 30 fps camera: prints numbers.

Starts the app, opens the Live page with Chromium's fake camera playing a sample clip
(looped, 640x480, 30 fps), presses START and samples once a second for ``--seconds``:

- ``displayed_fps``: frames the page's ``<video>`` presented per second
  (``requestVideoFrameCallback``), and ``dropped_share``: the share of decoded frames
  the browser dropped (``getVideoPlaybackQuality``);
- ``analysed_fps``: frames the engine analysed per second (the page's own counter), and
  ``skipped_share``: camera frames skipped to stay live (the server's counters);
- ``latency_ms``: the median time from a frame's arrival at the server to its analysed
  result (the page's "ms behind"), which the next returned frame shows. The network
  between browser and server is not in it (on localhost it is well under a frame).

Not part of the test suite (a benchmark, not a timed test):

    python scripts/live_bench.py [--seconds 60] [--clip VIDEO] [--exercise squat_valgus]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from browser_helpers import (
    ROOT,
    WEBRTC_IFRAME,
    app_server,
    browser_available,
    launch,
    make_y4m,
    wait_text,
)

_COUNT_FRAMES = """() => { const v = document.querySelector('video'); if (!v) return false;
  window.__fcShown = 0; const cb = () => { window.__fcShown++; v.requestVideoFrameCallback(cb); };
  v.requestVideoFrameCallback(cb); return true; }"""
_QUALITY = """() => { const v = document.querySelector('video'); if (!v) return null;
  const q = v.getVideoPlaybackQuality();
  return {shown: window.__fcShown || 0, total: q.totalVideoFrames, dropped: q.droppedVideoFrames,
          t: performance.now()}; }"""


def _number(page, selector: str) -> float | None:
    txt = page.locator(selector).all_inner_texts()
    return float(txt[0]) if txt and re.fullmatch(r"\d+(\.\d+)?", txt[0].strip()) else None


def _skipped(page) -> tuple[int, int] | None:
    """(frames analysed, frames skipped) from the page's status line."""
    txt = " ".join(page.get_by_test_id("fc-fps").all_inner_texts())
    m = re.search(r"(\d+) frames analysed · (\d+) skipped", txt)
    return (int(m.group(1)), int(m.group(2))) if m else None


def measure(browser, url: str, seconds: float, exercise: str) -> dict:
    """One live set of ``seconds``: the numbers of the module docstring."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/?page=live")
    wait_text(page, "Press START", 60000)
    frame = page.frame_locator(WEBRTC_IFRAME)
    frame.get_by_role("button", name="START").click()
    frame.get_by_role("button", name="STOP").wait_for(timeout=30000)
    inner = next(f for f in page.frames if "streamlit_webrtc" in (f.url or ""))
    for _ in range(100):  # the returned video appears once the connection is up
        if inner.evaluate(_COUNT_FRAMES):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(3000)  # let the stream and the model settle
    samples = []
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        q = inner.evaluate(_QUALITY)
        samples.append({"q": q, "latency": _number(page, "#fc-latency"),
                        "counts": _skipped(page), "t": time.monotonic()})  # fmt: skip
        page.wait_for_timeout(1000)
    frame.get_by_role("button", name="STOP").click()
    page.wait_for_timeout(1500)
    page.close()
    first, last = samples[0], samples[-1]
    span = (last["q"]["t"] - first["q"]["t"]) / 1000.0
    decoded = last["q"]["total"] - first["q"]["total"]
    out = {
        "exercise": exercise,
        "seconds": round(span, 1),
        "displayed_fps": round((last["q"]["shown"] - first["q"]["shown"]) / span, 1),
        "decoded_fps": round(decoded / span, 1),
        "dropped_share": round((last["q"]["dropped"] - first["q"]["dropped"]) / max(1, decoded), 4),
    }
    if first["counts"] and last["counts"]:
        analysed = last["counts"][0] - first["counts"][0]
        skipped = last["counts"][1] - first["counts"][1]
        out["analysed_fps"] = round(analysed / (last["t"] - first["t"]), 1)
        out["skipped_share"] = round(skipped / max(1, analysed + skipped), 3)
    lats = [s["latency"] for s in samples if s["latency"]]
    if lats:
        out["latency_ms_median"] = round(statistics.median(lats), 1)
        out["latency_ms_max"] = round(max(lats), 1)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--clip", type=Path, default=None, help="video for the fake camera")
    ap.add_argument("--exercise", default="squat_valgus", help="(the Live page's default)")
    args = ap.parse_args()
    reason = browser_available()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    clip = args.clip or ROOT / "formcheck/data/samples/squat_valgus__good.mp4"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        y4m = make_y4m(clip, tmp / "camera.y4m", seconds=12, fps=30)
        log = ROOT / "test-artifacts" / "live_bench_server.log"
        log.parent.mkdir(exist_ok=True)
        with app_server(tmp / "history.sqlite3", log) as url, sync_playwright() as p:
            browser = launch(p, y4m)
            result = measure(browser, url, args.seconds, args.exercise)
            browser.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
