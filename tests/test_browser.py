"""The app in real headless Chromium: upload -> results, live webcam (fake camera) -> history.

Run with ``pytest -m browser``. Needs /usr/bin/chromium and the playwright package
(never ``playwright install``). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_utils import (
    ROOT,
    WEBRTC_IFRAME,
    app_server,
    browser_available,
    launch,
    make_y4m,
    wait_text,
)

pytestmark = pytest.mark.browser
_skip = browser_available()
if _skip:
    pytest.skip(_skip, allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

from formcheck.data import SAMPLES_DIR  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts"
SHORT = Path("/work/shared/footage/physioplus_bridging.mp4")


def _upload_clip() -> tuple[Path, str]:
    """(clip, exercise id): the shortest sample video, else a short shared clip."""
    clips = sorted(SAMPLES_DIR.glob("*__*.mp4"), key=lambda p: p.stat().st_size)
    if clips:
        return clips[0], clips[0].stem.split("__")[0]
    if SHORT.exists():
        return SHORT, "knee_to_knee"
    pytest.skip("no clip to upload")


def _camera_clip() -> tuple[Path, str | None]:
    """(clip, exercise shown in it or None) for Chromium's fake camera."""
    # Reps of a front-view squat count even when the machine is busy (a few fps).
    preferred = ["squat_valgus__good.mp4", "hip_hinge_rotation__good.mp4"]
    clips = [SAMPLES_DIR / n for n in preferred]
    clips = [c for c in clips if c.exists()] or sorted(SAMPLES_DIR.glob("*__good.mp4"))
    if clips:
        return clips[0], clips[0].stem.split("__")[0]
    for c in (Path("/work/shared/footage/squatanalysis_squat_side.mp4"), SHORT):
        if c.exists():
            return c, None
    pytest.skip("no clip for the fake camera")


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    ARTIFACTS.mkdir(exist_ok=True)
    cam_clip, cam_ex = _camera_clip()
    y4m = make_y4m(cam_clip, tmp / "camera.y4m", seconds=20)
    db = tmp / "history.sqlite3"
    with app_server(db, ARTIFACTS / "server.log") as url, sync_playwright() as p:
        browser = launch(p, y4m)
        try:
            yield {"url": url, "browser": browser, "db": db, "tmp": tmp, "cam_ex": cam_ex}
        finally:
            browser.close()


def _select(page, label: str, option: str) -> None:
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_upload_shows_results_matching_analyze(env) -> None:
    from formcheck.exercises import get_exercise
    from formcheck.outputs.set_summary import summarize
    from formcheck.session import analyze_video

    clip, ex_id = _upload_clip()
    expected = summarize(analyze_video(clip, ex_id, env["tmp"] / "cli", write_video=False).report)
    # Tall viewport: Streamlit scrolls inside the page, so a screenshot shows the viewport only.
    page = env["browser"].new_page(viewport={"width": 1400, "height": 2400})
    page.goto(env["url"])
    wait_text(page, "Analyse a video")
    wait_text(page, "Your own video")
    page.screenshot(path=str(ARTIFACTS / "upload_start.png"), full_page=True)
    _select(page, "Exercise", get_exercise(ex_id).title)
    page.locator("input[type=file]").set_input_files(str(clip))
    page.get_by_role("button", name="Analyse video").click()
    wait_text(page, "Download report.json", timeout_ms=180000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "upload_result.png"), full_page=True)

    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    shown = dict(zip(labels, values, strict=False))
    for side in expected.sides.values():
        key = next(k for k in shown if k.startswith(side.label + ":"))
        assert float(shown[key]) == pytest.approx(side.count), (shown, expected)
    body = page.locator("section.main, [data-testid='stMain']").first.inner_text()
    if expected.best is not None:
        assert f"best {expected.best:.0f}" in body

    video = page.locator("[data-testid='stVideo'], video").first
    video.wait_for(timeout=20000)
    page.wait_for_function("() => document.querySelector('video').readyState >= 1", timeout=20000)
    duration = page.evaluate("() => document.querySelector('video').duration")
    assert duration > 0.5
    t1 = page.evaluate(
        """async () => { const v = document.querySelector('video'); v.muted = true;
        await v.play(); await new Promise(r => setTimeout(r, 1200));
        return v.currentTime; }"""
    )
    assert t1 > 0.2
    charts = page.locator("[data-testid='stVegaLiteChart'] canvas, "
                          "[data-testid='stVegaLiteChart'] svg")  # fmt: skip
    charts.first.wait_for(timeout=20000)
    assert charts.count() >= 1
    page.close()


def test_live_counts_and_saves_to_history(env) -> None:
    from formcheck.app.store import Store

    before = {r.id for r in Store(env["db"]).sessions()}
    page = env["browser"].new_page(viewport={"width": 1400, "height": 1000})
    page.goto(env["url"] + "/?page=live")
    wait_text(page, "Press START")
    if env["cam_ex"]:
        from formcheck.exercises import get_exercise

        _select(page, "Exercise", get_exercise(env["cam_ex"]).title)
        wait_text(page, get_exercise(env["cam_ex"]).instructions[0])
    frame = page.frame_locator(WEBRTC_IFRAME)
    frame.get_by_role("button", name="START").click()
    frame.get_by_role("button", name="STOP").wait_for(timeout=30000)

    def processed() -> int:
        txt = page.locator("#fc-frames").all_inner_texts()
        return int(txt[0]) if txt and re.fullmatch(r"\d+", txt[0]) else 0

    for _ in range(40):
        page.wait_for_timeout(250)
        if processed() > 0:
            break
    first = processed()
    page.wait_for_timeout(3000)
    second = processed()
    assert second > first > 0, (first, second)
    fps = page.get_by_text(re.compile(r"processing [\d.]+ fps")).first.inner_text()
    assert float(re.search(r"processing ([\d.]+) fps", fps).group(1)) > 1
    if env["cam_ex"]:  # a good-form sample on the camera: the rep counter moves too
        for _ in range(60):
            vals = page.locator("[data-testid='stMetricValue']").all_inner_texts()
            if any(v.strip() not in ("0", "") and v.strip().isdigit() for v in vals[:-1]):
                break
            page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "live_streaming.png"), full_page=True)
        labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
        shown = dict(zip(labels, vals, strict=False))
        assert any(k.endswith(("reps", "holds", "circles", "seconds")) and v.strip().isdigit()
                   and int(v) > 0 for k, v in shown.items()), shown  # fmt: skip
    page.screenshot(path=str(ARTIFACTS / "live_streaming.png"), full_page=True)
    assert frame.get_by_role("button", name="STOP").is_visible()  # the stream held
    # Spoken cues: the page's own script receives the current cue (voice: local only).
    page.get_by_text("Speak the cues aloud").first.click()
    # Whatever cue the page shows, its script has been handed (shown and spoken are one).
    seen, matched = set(), False
    for _ in range(40):
        page.wait_for_timeout(250)
        shown_cue = page.locator("[data-testid='fc-cue']").first.inner_text().strip()
        if shown_cue:
            seen.add(shown_cue)
            if page.evaluate("() => window.__fcLastCue") == shown_cue:
                matched = True
                break
    assert matched or not seen, (seen, page.evaluate("() => window.__fcLastCue"))
    assert frame.get_by_role("button", name="STOP").is_visible()  # a rerun did not drop it
    frame.get_by_role("button", name="STOP").click()
    wait_text(page, "Last set (saved as set #", timeout_ms=30000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / "live_stopped.png"), full_page=True)

    new = [r for r in Store(env["db"]).sessions() if r.id not in before]
    assert len(new) == 1 and new[0].source == "live"
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(env["url"] + "/?page=history")
    wait_text(page, "Open a set")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "history.png"), full_page=True)
    page.close()
