"""formcheck.batch.html: the batch's self-contained index.html (inline CSS + SVG, no network).

The page is built from real report.json files (two short bundled sample clips analysed once
per module); the browser test opens it from disk in headless Chromium with every non-file
request blocked. Screenshot: ``test-artifacts/batch_index.png``.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest

from formcheck.batch.html import render_index, svg_bar_chart, svg_line_chart, write_index
from formcheck.data import SAMPLES_DIR
from formcheck.session import analyze_video
from tests.browser_utils import CHROMIUM, ROOT, browser_available

ERROR = "could not decode <script>alert(1)</script> & more"


def _row(name: str, res: dict, **kw) -> dict:
    """A batch.json row for an analysed video (values from its report's ``result``)."""
    per = res["per_side"]
    row = {
        "video": f"/clips/{name}.mp4", "name": name, "status": "ok", "error": "",
        "reused": False, "exercise": res["exercise"], "title": "", "mode": res["mode"],
        "side": "auto", "patient": "", "recorded": "",
        "count": sum(d["count"] for d in per.values()),
        "count_left": per["left"]["count"] if "left" in per else None,
        "count_right": per["right"]["count"] if "right" in per else None,
        "best_depth": max((d["best_depth"] for d in per.values() if d["best_depth"]), default=None),
        "average_depth": next((d["average_depth"] for d in per.values() if d["average_depth"]),
                              None),
        "hold_s": None, "longest_hold_s": None, "asymmetry": None,
        "top_cues": "; ".join(res["top_cues"]), "detection_rate": 0.97, "duration_s": 12.0,
        "seconds": 4.2, "input_sha256": "0" * 64,
        "outputs": {"report": f"{name}/report.json", "frames": f"{name}/frames.csv", "video": None},
    }  # fmt: skip
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> tuple[Path, dict]:
    """A batch folder: a hold (P-001), two sets of squats (P-002, one with a video), a failure."""
    out = tmp_path_factory.mktemp("batch")
    band = analyze_video(SAMPLES_DIR / "band_stretch__good.mp4", "band_stretch", out / "band",
                         write_video=False).report["result"]  # fmt: skip
    squat = analyze_video(SAMPLES_DIR / "squat_valgus__valgus.mp4", "squat_valgus", out / "squat",
                          write_video=False).report["result"]  # fmt: skip
    shutil.copytree(out / "squat", out / "squat-2")  # an earlier session of the same patient
    earlier = json.loads((out / "squat-2" / "report.json").read_text())
    earlier["result"]["reps"][0]["counted"] = False  # an uncounted rep draws no bar
    (out / "squat-2" / "report.json").write_text(json.dumps(earlier))
    shutil.copyfile(SAMPLES_DIR / "squat_valgus__valgus.mp4", out / "squat" / "annotated.mp4")
    held = sum(d["total_hold_s"] for d in band["per_side"].values())
    rows = [
        _row("band", band, patient="P-001", recorded="2026-12-01T09:30", hold_s=held,
             title="Band stretch <hamstring>"),
        _row("squat", squat, patient="P-002", recorded="2026-12-03T10:00", asymmetry=0.65,
             title="Squat (knee valgus check)",
             outputs={"report": "squat/report.json", "frames": "squat/frames.csv",
                      "video": "squat/annotated.mp4"}),
        _row("squat-2", squat, patient="P-002", recorded="2026-11-28", reused=True,
             title="Squat (knee valgus check)", count=float("nan")),
        {**_row("broken", squat, patient=""), "status": "failed", "error": ERROR,
         "outputs": None, "count": None, "count_left": None, "best_depth": None, "top_cues": "",
         "average_depth": None,
         "detection_rate": None, "duration_s": None},
    ]  # fmt: skip
    batch = {"schema": "formcheck.batch/1", "formcheck_version": "0.1.0",
             "created": "2026-12-04T04:00:00+00:00", "videos": rows}  # fmt: skip
    (out / "batch.json").write_text(json.dumps(batch))
    return out, batch


def _section(page: str, anchor: str) -> str:
    m = re.search(rf'<section class="video" id="{anchor}">(.*?)</section>', page, re.S)
    assert m, f"no section {anchor}"
    return m.group(1)


def test_index_page_from_real_reports(batch_dir):
    out, batch = batch_dir
    index = write_index(out, batch)
    assert index == out / "index.html"
    page = index.read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == ["batch.json", "index.html"]
    assert "formcheck batch report" in page and "4 videos, 3 ok, 1 failed" in page
    # the table: one row per video, the failed one styled and its error escaped
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert len(re.findall(r"<tr class=", body)) == 4
    assert body.count('<tr class="failed">') == 1
    assert '<span class="err">failed: could not decode &lt;script&gt;alert(1)&lt;/script&gt; ' \
           "&amp; more</span>" in body  # fmt: skip
    assert "<script" not in page and "Band stretch &lt;hamstring&gt;" in page
    for name in ("band.mp4", "squat.mp4", "squat-2.mp4", "broken.mp4"):
        assert name in body
    assert '<a href="#v-squat">squat.mp4</a>' in body and '<a href="#v-band">' in body
    assert "1 hold (L 1 / R 0)" in body and "4 reps" in body and "ok (reused)" in body
    assert body.count('href="squat/annotated.mp4"') == 1 and 'href="band/report.json"' in body
    # charts: P-001 hold (depth, held, count), P-002 squats (depth, count); a bar chart per video
    patients, videos = page.split("<h2>Sets over time, per patient</h2>")[1].split("<h2>Per video")
    assert patients.count("<svg") == 5 and videos.count("<svg") == 3
    assert "<h3>P-001</h3>" in patients and "<h3>P-002</h3>" in patients
    assert "No patient id" not in patients  # the only patient-less row failed
    squats = patients.split("<h3>P-002</h3>")[1]
    assert squats.count('class="point"') == 2 + 1  # depth 2 sets; count: the NaN set is skipped
    assert squats.index("2026-11-28") < squats.index("2026-12-03")  # sorted by recorded
    assert 'fill="#1f6fb4"' in patients.split("<h3>P-002</h3>")[0]  # band: a left series
    # per video: the annotated video, and one bar per counted rep (per hold for hold mode)
    squat_res = json.loads((out / "squat/report.json").read_text())["result"]
    counted = [r for r in squat_res["reps"] if r["counted"]]
    assert counted and _section(page, "v-squat").count('class="bar"') == len(counted)
    assert '<video controls preload="metadata" src="squat/annotated.mp4">' in page
    assert "<video" not in _section(page, "v-squat-2")
    assert _section(page, "v-squat-2").count('class="bar"') == len(counted) - 1
    band_res = json.loads((out / "band/report.json").read_text())["result"]
    assert _section(page, "v-band").count('class="bar"') == len(band_res["holds"]) >= 1
    assert 'id="v-broken"' not in page
    # nothing from the network
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and not [u for u in links if re.match(r"(?i)\s*(https?:)?//", u)]
    assert "http://" not in page and "https://" not in page


def test_missing_or_broken_report_is_skipped_quietly(batch_dir, tmp_path):
    out, batch = batch_dir
    rows = [dict(r, name=n) for r, n in zip(batch["videos"][:2], ("gone", "bad"), strict=True)]
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "report.json").write_text("{not json")
    page = write_index(tmp_path, {**batch, "videos": rows}).read_text()
    assert page.count("report.json not readable") == 2 and 'class="bar"' not in page
    assert write_index(tmp_path, {"videos": []}).read_text().count("<svg") == 0


def test_line_chart_skips_missing_values_and_draws_one_point():
    one = svg_line_chart({"all": [("2026-12-01", 40.0)]}, ["2026-12-01"], "best depth (°)")
    assert one.startswith("<svg") and one.count("<circle") == 1 and "<polyline" not in one
    assert ">best depth (°)</text>" in one and 'class="val" x="186.0" y="85.0"' in one
    assert 'end">36</text>' in one and 'end">44</text>' in one and ">40</text>" in one  # ±10 %
    x = ["a", "b", "c"]
    two = svg_line_chart({"left": [("a", 1), ("b", None), ("c", 3)],
                          "right": [("a", math.nan), ("b", 2.5), ("c", math.inf)]}, x, "reps",
                         zero=True)  # fmt: skip
    assert two.count("<circle") == 3 and two.count("<polyline") == 1
    assert ">left</text>" in two and ">right</text>" in two  # legend
    assert 'end">0</text>' in two and 'end">3</text>' in two  # min/max ticks, zero included
    assert two.count('class="val"') == 3
    assert svg_line_chart({"all": [("a", None)], "left": []}, ["a"], "reps") == ""


def test_bar_chart_one_bar_per_value_coloured_by_side():
    bars = [("1", 40.0, "left"), ("2", None, "left"), ("3", -5.0, "right"), ("4", 35.5, "left")]
    svg = svg_bar_chart(bars, "peak (°)", "rep")
    assert svg.count('class="bar"') == 3
    assert svg.count('fill="#1f6fb4"><title>') == 2 and svg.count('fill="#e0701b"><title>') == 1
    assert 'end">-5</text>' in svg and 'end">40</text>' in svg  # axis spans the negative bar
    assert svg.count('class="val"') == 3 and ">35.5</text>" in svg
    assert all(f">{n}</tspan>" in svg for n in "1234")  # rep numbers, the empty slot kept
    assert svg_bar_chart([("1", math.nan, "both")], "peak (°)", "rep") == ""


def test_render_is_escaped_and_write_replaces_atomically(tmp_path):
    row = {"video": "<b>x</b>.mp4", "name": "x", "status": "failed", "error": "bad <i>",
           "patient": "<script>", "outputs": None}  # fmt: skip
    page = render_index(tmp_path, {"videos": [row]})
    assert "<b>" not in page and "<i>" not in page and "<script>" not in page
    (tmp_path / "index.html").write_text("old")
    path = write_index(tmp_path, {"videos": [row]})
    assert path.read_text() == page and [p.name for p in tmp_path.iterdir()] == ["index.html"]


@pytest.mark.browser
def test_index_in_headless_chromium(batch_dir):
    reason = browser_available()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    out, batch = batch_dir
    index = write_index(out, batch)
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    shot = ROOT / "test-artifacts" / "batch_index.png"
    shot.parent.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route("**/*", route)
            page.goto(index.as_uri())
            assert page.locator("table.videos tbody tr").count() == 4
            assert page.locator("tr.failed .err").inner_text().startswith("failed: could not")
            assert page.locator("script").count() == 0
            charts = page.locator("svg.chart")
            assert charts.count() == 8
            for i in range(charts.count()):
                chart = charts.nth(i)
                chart.scroll_into_view_if_needed()
                box = chart.bounding_box()
                assert chart.is_visible() and box and box["width"] > 200 and box["height"] > 100
            assert page.locator("#v-squat rect.bar").count() >= 1
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert blocked == []
