#!/usr/bin/env python
"""Start the Live stream N times in a row in headless Chromium and count how many held.

Each run opens a fresh page (a new Streamlit session) on the Live page, presses
START with Chromium's fake camera, and counts it as streamed when, 6 s later,
the STOP button is still there and the analysed-frame counter is still rising
(streamlit-webrtc's reset trap closes the connection within about 2 s). By
default it also flips a setting twice while the connection is being set up and
once while streaming (full script reruns, as a user would cause). Then it
presses STOP. Not part of the default test suite.

    python scripts/live_stream_starts.py            # 20 runs, exit 1 if any failed
    FORMCHECK_WEBRTC_NO_FIX=1 python scripts/live_stream_starts.py   # the library alone
"""

from __future__ import annotations

import argparse
import re
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


def _frames(page) -> int:
    txt = page.locator("#fc-frames").all_inner_texts()
    return int(txt[0]) if txt and re.fullmatch(r"\d+", txt[0]) else 0


def _rerun(page) -> None:
    """A full script rerun, as a user changing a setting does (flip the speech toggle)."""
    page.get_by_text("Speak the cues aloud").first.click()


def one_run(browser, url: str, hold_s: float, reruns: int) -> tuple[str, str]:
    """One start: ``("streamed" | "slow" | "dropped" | "error", detail)``.

    streamed: still connected and the analysed-frame count rose over the last
    1.5 s; slow: still connected but no new analysed frame (an overloaded
    machine); dropped: the connection was closed (the reset trap).
    """
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(url + "/?page=live")
        wait_text(page, "Press START", 60000)
        frame = page.frame_locator(WEBRTC_IFRAME)
        frame.get_by_role("button", name="START").click()
        for _ in range(reruns):  # quick reruns while the connection is being set up
            page.wait_for_timeout(150)
            _rerun(page)
        stop = frame.get_by_role("button", name="STOP")
        stop.wait_for(timeout=30000)
        t0 = time.monotonic()
        if reruns:
            page.wait_for_timeout(1000)
            _rerun(page)  # and one while streaming
        page.wait_for_timeout(int(hold_s * 1000) - 1500)
        a = _frames(page)
        page.wait_for_timeout(1500)
        b = _frames(page)
        connected = stop.is_visible()
        outcome = "dropped" if not connected else ("streamed" if b > a else "slow")
        detail = f"frames {a}->{b} after {time.monotonic() - t0:.1f} s"
        if connected:
            stop.click()
            page.wait_for_timeout(1500)
        return outcome, detail
    except Exception as e:  # noqa: BLE001 - a failed run is a result
        return "error", f"{type(e).__name__}: {str(e).splitlines()[0]}"
    finally:
        page.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--hold", type=float, default=6.0, help="seconds a run must stream")
    ap.add_argument("--reruns", type=int, default=2,
                    help="settings changes (full reruns) right after START")  # fmt: skip
    ap.add_argument("--clip", type=Path, default=None, help="video for the fake camera")
    args = ap.parse_args()
    reason = browser_available()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    clip = args.clip
    if clip is None:
        cands = [*sorted((ROOT / "formcheck/data/samples").glob("*.mp4")),
                 Path("/work/shared/footage/squatanalysis_squat_side.mp4")]  # fmt: skip
        clip = next(c for c in cands if c.exists())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        y4m = make_y4m(clip, tmp / "camera.y4m", seconds=10)
        log = ROOT / "test-artifacts" / "live_stream_starts_server.log"
        log.parent.mkdir(exist_ok=True)
        tally: dict[str, int] = {}
        t_all = time.monotonic()
        with app_server(tmp / "history.sqlite3", log) as url, sync_playwright() as p:
            browser = launch(p, y4m)
            for i in range(1, args.runs + 1):
                outcome, detail = one_run(browser, url, args.hold, args.reruns)
                tally[outcome] = tally.get(outcome, 0) + 1
                print(f"run {i:2d}: {outcome:8s} {detail}", flush=True)
            browser.close()
        ok = tally.get("streamed", 0)
        held = ok + tally.get("slow", 0)
        print(f"{ok}/{args.runs} starts streamed; {held}/{args.runs} stayed connected "
              f"({tally}; {time.monotonic() - t_all:.0f} s)")  # fmt: skip
    return 0 if ok == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
