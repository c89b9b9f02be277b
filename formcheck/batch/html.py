"""``index.html`` for a batch run: one self-contained page a physiotherapist opens from disk.

No network at all: the CSS is one inline ``<style>`` block and every chart is a static inline
SVG drawn by the small pure functions below. The page has a table of every video, per-patient
charts of the sets over time (per exercise) and, per analysed video, its annotated video and a
bar chart of its reps (or holds). Depths are in degrees, times in seconds.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

COLOURS = {"left": "#1f6fb4", "right": "#e0701b", "both": "#2a9d5c", "all": "#4d4d4d"}
W, H = 340, 200  # chart size (px)
ML, MR, MT, MB = 46, 14, 34, 50  # margins (px): left, right, top (legend), bottom (ticks)
#: what ``count`` counts, per mode: (one, many)
COUNTS = {"reps": ("rep", "reps"), "hold": ("hold", "holds"), "circles": ("circle", "circles"),
          "timed": ("s moving", "s moving")}  # fmt: skip

CSS = """body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1600px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd}
h3{font-size:15px;margin:16px 0 6px}h4{font-size:14px;margin:10px 0 6px;color:#444}
.meta{color:#555;margin:2px 0 10px}.wrap{overflow-x:auto}.none{color:#777;font-style:italic}
table{border-collapse:collapse;font-size:12.5px}th{background:#f3f3f3;white-space:nowrap}
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}
td.v{min-width:150px;max-width:220px;overflow-wrap:anywhere}td.c{min-width:160px;max-width:280px}.err{color:#b00020;font-weight:600}
tr.failed td{background:#fdecea}.charts{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
figure{margin:0;border:1px solid #e3e3e3;border-radius:4px;padding:6px}figcaption{font-weight:600}
svg text{font-size:10px;fill:#444}svg text.val{font-size:9px;fill:#111}
video{width:480px;max-width:100%;background:#000}section.video{border-top:1px solid #eee}
@media print{video{display:none}section,figure{break-inside:avoid}a{color:inherit}body{margin:0}}
"""


def esc(value: object) -> str:
    """HTML-escaped text ("" for None).

    Parameters
    ----------
    value : object
        Anything; converted with ``str``.

    Returns
    -------
    str
    """
    return html.escape("" if value is None else str(value))


def num(value: object) -> float | None:
    """``value`` as a finite float, else None (None, NaN, inf and text all give None).

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    float or None
    """
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt(value: object, digits: int = 1, unit: str = "", sign: bool = False) -> str:
    """A number as text with ``digits`` decimals (whole numbers without), "" when unknown.

    Parameters
    ----------
    value : object
        The number (see :func:`num`).
    digits : int
        Decimals.
    unit : str
        Appended to the text.
    sign : bool
        Always write the sign, with ``digits`` decimals even for whole numbers.

    Returns
    -------
    str
    """
    f = num(value)
    if f is None:
        return ""
    text = f"{f:+.{digits}f}" if sign else f"{f:.0f}" if f == int(f) else f"{f:.{digits}f}"
    return text + unit


def when(value: object) -> str:
    """An ISO date(-time) as "YYYY-MM-DD[ HH:MM[ UTC]]" (its own offset); else the raw text.

    Parameters
    ----------
    value : object
        An ISO 8601 date or date-time (None gives "").

    Returns
    -------
    str
    """
    text = "" if value is None else str(value)
    try:
        d = datetime.fromisoformat(text)
    except ValueError:
        return text
    return d.strftime("%Y-%m-%d" if len(text) <= 10 else "%Y-%m-%d %H:%M %Z").strip()


def _colour(side: str) -> str:
    return COLOURS.get(side, COLOURS["all"])


def _y_range(values: list[float], zero: bool) -> tuple[float, float]:
    """Axis limits (data units) covering ``values`` (and 0 when ``zero``); never empty."""
    lo, hi = min(values), max(values)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:  # one value: pad by 10 % (at least 1), to whole numbers
        pad = max(abs(hi) * 0.1, 1.0)
        lo, hi = (lo if zero and lo == 0 else math.floor(lo - pad)), math.ceil(hi + pad)
    return lo, hi


def _frame(lo: float, hi: float, y_label: str, x_label: str, legend: list[str]) -> list[str]:
    """Axes, min/max y ticks with grid lines, axis labels and a legend of ``legend`` sides."""
    x1, y0, y1, cy = W - MR, MT, H - MB, (MT + H - MB) / 2
    out = [f'<line x1="{ML}" y1="{y0}" x2="{ML}" y2="{y1}" stroke="#888"/>']
    for v, y in ((hi, y0), (lo, y1)):
        out.append(f'<line x1="{ML}" y1="{y}" x2="{x1}" y2="{y}" stroke="#ddd"/>'
                   f'<text x="{ML - 4}" y="{y + 3}" text-anchor="end">{fmt(v)}</text>')  # fmt: skip
    if lo < 0 < hi:
        y = y0 + hi / (hi - lo) * (y1 - y0)
        out.append(f'<line x1="{ML}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#999"/>')
    out.append(f'<text x="12" y="{cy}" text-anchor="middle" transform="rotate(-90 12 {cy})">'
               f'{esc(y_label)}</text><text x="{(ML + x1) / 2}" y="{H - 4}" '
               f'text-anchor="middle">{esc(x_label)}</text>')  # fmt: skip
    for i, side in enumerate(legend):
        out.append(f'<rect x="{ML + i * 80}" y="6" width="10" height="10" fill="{_colour(side)}"/>'
                   f'<text x="{ML + i * 80 + 14}" y="15">{esc(side)}</text>')  # fmt: skip
    return out


def _svg(parts: list[str], label: str) -> str:
    return (f'<svg class="chart" width="{W}" height="{H}" viewBox="0 0 {W} {H}" role="img" '
            f'aria-label="{esc(label)}">' + "".join(parts) + "</svg>")  # fmt: skip


def _x_tick(x: float, text: str, anchor: str = "middle") -> str:
    """An x tick label at ``x`` (px), split at the first space onto two lines (date / time)."""
    spans = "".join(f'<tspan x="{x:.1f}" dy="{11 if i else 0}">{esc(t)}</tspan>'
                    for i, t in enumerate(text.split(" ", 1)))  # fmt: skip
    return f'<text x="{x:.1f}" y="{H - MB + 13}" text-anchor="{anchor}">{spans}</text>'


def _value_label(taken: list[tuple[float, float]], x: float, ys: tuple, v: float) -> str:
    """``v`` written at the first height in ``ys`` (px) clear of the ``taken`` labels, or ""."""
    for y in ys:
        if MT - 8 <= y <= H - MB - 2 and all(abs(x - a) > 28 or abs(y - b) > 11 for a, b in taken):
            taken.append((x, y))
            return f'<text class="val" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{fmt(v)}</text>'
    return ""


def svg_line_chart(
    series: dict[str, list[tuple[str, float | None]]],
    x_order: list[str],
    y_label: str,
    x_label: str = "set (by recorded date)",
    zero: bool = False,
) -> str:
    """Line chart of ``{series: [(x label, y)]}``; x categorical in ``x_order`` order.

    Series "left"/"right"/"both" get a legend; up to 8 sets, points get their value
    written.

    Parameters
    ----------
    series : dict of str to list of (str, float or None)
        Per series its points; None/NaN points (and x labels not in ``x_order``) are
        skipped.
    x_order : list of str
        The x categories, in order.
    y_label : str
        The y axis label, naming y's units.
    x_label : str
        The x axis label.
    zero : bool
        Keep 0 on the y axis.

    Returns
    -------
    str
        An inline ``<svg>``; "" when there is nothing to draw.
    """
    index = {x: i for i, x in enumerate(x_order)}
    pts = {s: sorted(((index[x], x, f) for x, v in p if (f := num(v)) is not None and x in index))
           for s, p in series.items()}  # fmt: skip
    pts = {s: p for s, p in pts.items() if p}
    if not pts:
        return ""
    lo, hi = _y_range([v for p in pts.values() for *_, v in p], zero)
    n, pw, ph = len(x_order), W - ML - MR, H - MT - MB

    def px(i: int) -> float:
        return ML + (i + 0.5) * pw / n

    out = _frame(lo, hi, y_label, x_label, [s for s in pts if s in ("left", "right", "both")])
    taken: list[tuple[float, float]] = []
    for s, p in pts.items():
        xy = [(px(i), MT + (hi - v) / (hi - lo) * ph) for i, _, v in p]
        if len(xy) > 1:
            out.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in xy)}" '
                       f'fill="none" stroke="{_colour(s)}" stroke-width="2"/>')  # fmt: skip
        for (a, b), (_, x, v) in zip(xy, p, strict=True):
            out.append(f'<circle class="point" cx="{a:.1f}" cy="{b:.1f}" r="3.5" '
                       f'fill="{_colour(s)}"><title>{esc(s)} {esc(x)}: {fmt(v)}</title></circle>'
                       + (_value_label(taken, a, (b - 7, b + 14), v) if n <= 8 else ""))
    if n == 1:
        out.append(_x_tick(px(0), x_order[0]))
    else:
        out += [_x_tick(px(0) - 4, x_order[0], "start"), _x_tick(px(n - 1) + 4, x_order[-1], "end")]
    return _svg(out, y_label)


def svg_bar_chart(bars: list[tuple[str, float | None, str]], y_label: str, x_label: str) -> str:
    """Bar chart of ``[(x label, value, side)]``, value in ``y_label`` units, coloured by side.

    Up to 12 bars get their value written.

    Parameters
    ----------
    bars : list of (str, float or None, str)
        ``(x label, value, side)``; None/NaN values draw no bar (their slot stays).
    y_label : str
        The y axis label, naming the values' units.
    x_label : str
        The x axis label.

    Returns
    -------
    str
        An inline ``<svg>``; "" when no bar has a value.
    """
    vals = [f for _, v, _ in bars if (f := num(v)) is not None]
    if not vals:
        return ""
    lo, hi = _y_range(vals, zero=True)
    n, pw, ph = len(bars), W - ML - MR, H - MT - MB
    step, bw = max(1, math.ceil(n / 12)), min(pw / n * 0.7, 40)  # <= ~12 x labels; bar width
    legend = [s for s in ("left", "right", "both") if any(b[2] == s for b in bars)]
    out = _frame(lo, hi, y_label, x_label, legend)

    def y(v: float) -> float:
        return MT + (hi - v) / (hi - lo) * ph

    for i, (label, value, side) in enumerate(bars):
        cx = ML + (i + 0.5) * pw / n
        if i % step == 0:
            out.append(_x_tick(cx, label))
        if (v := num(value)) is not None:
            top, bottom = min(y(v), y(0)), max(y(v), y(0))
            out.append(f'<rect class="bar" x="{cx - bw / 2:.1f}" y="{top:.1f}" width="{bw:.1f}" '
                       f'height="{max(bottom - top, 0.5):.1f}" fill="{_colour(side)}"><title>'
                       f"{esc(x_label)} {esc(label)} ({esc(side)}): {fmt(v)}</title></rect>"
                       + (_value_label([], cx, (top - 3,), v) if n <= 12 else ""))
    return _svg(out, y_label)


def _figure(title: str, svg: str, empty: str = "nothing measured") -> str:
    body = svg or f'<p class="none">{esc(empty)}</p>'
    return f"<figure><figcaption>{esc(title)}</figcaption>{body}</figure>"


def _sided(row: dict, res: dict | None, per_key: str, row_key: str) -> dict[str, float | None]:
    """One set's values by side: left/right when known (row, then report per_side), else all."""
    left, right = num(row.get("count_left")), num(row.get("count_right"))
    if row_key == "count" and (left is not None or right is not None):
        return {"left": left, "right": right}
    per = (res or {}).get("per_side")
    if isinstance(per, dict) and ("left" in per or "right" in per):
        sides = {s: per.get(s) if isinstance(per.get(s), dict) else {} for s in ("left", "right")}
        # a side whose depth the report marks unreliable is left out, as in batch.json
        vals = {s: None if per_key == "best_depth" and d.get("depth_reliable") is False
                else num(d.get(per_key)) for s, d in sides.items()}  # fmt: skip
        if any(v is not None for v in vals.values()):
            return vals
    return {"all": num(row.get(row_key))}


def _load_result(out_dir: Path, row: dict) -> dict | None:
    """``result`` of an ok row's ``out_dir/<name>/report.json``; None if missing or unreadable."""
    if row.get("status") != "ok" or not row.get("name"):
        return None
    try:
        data = json.loads((out_dir / str(row["name"]) / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    res = data.get("result") if isinstance(data, dict) else None
    return res if isinstance(res, dict) else None


def _anchors(rows: list[dict]) -> list[str]:
    """A unique, safe HTML id per row, from its output folder name ("v-<name>")."""
    ids = ["v-" + re.sub(r"[^A-Za-z0-9_-]+", "-", str(r.get("name") or "")) for r in rows]
    return [a if ids.count(a) == 1 else f"{a}-{i}" for i, a in enumerate(ids)]


def _href(path: object) -> str:
    return esc(quote(str(path)))


def _count_text(row: dict) -> str:
    c, (one, many) = num(row.get("count")), COUNTS.get(str(row.get("mode")), ("", ""))
    if c is None:
        return ""
    left, right = fmt(row.get("count_left")), fmt(row.get("count_right"))
    lr = f" (L {left or '–'} / R {right or '–'})" if left or right else ""
    return f"{fmt(c)} {one if c == 1 else many}{lr}"


def _pm(row: dict) -> str:
    """`` ± 11`` when the row's depth has a measured uncertainty, else ""."""
    u = num(row.get("depth_uncertainty"))
    return "" if u is None or num(row.get("best_depth")) is None else f" ± {u:.0f}"


def _table(rows: list[dict], ids: list[str]) -> str:
    heads = ["Video", "Patient", "Recorded", "Exercise", "Status", "Count", "Best °", "Average °",
             "Held (s)", "L−R asym. °", "Top cues", "Detection", "Time taken", "Files"]  # fmt: skip
    out = ['<div class="wrap"><table class="videos"><thead><tr>']
    out += [f"<th>{esc(h)}</th>" for h in heads] + ["</tr></thead><tbody>"]
    for r, anchor in zip(rows, ids, strict=True):
        ok, name = r.get("status") == "ok", Path(str(r.get("video") or r.get("name") or "")).name
        outs, rate = r.get("outputs") or {}, num(r.get("detection_rate"))
        files = [f'<a href="{_href(outs[k])}">{lbl}</a>' for k, lbl in
                 (("video", "video"), ("report", "report.json"), ("frames", "frames.csv"))
                 if outs.get(k)]  # fmt: skip
        cells = [
            '<td class="v">' + (f'<a href="#{anchor}">{esc(name)}</a>' if ok else esc(name)),
            esc(r.get("patient")), f'<td class="d">{esc(when(r.get("recorded")))}',
            esc(r.get("title") or r.get("exercise")),
            ("ok (reused)" if r.get("reused") else "ok") if ok
            else f'<span class="err">failed: {esc(r.get("error"))}</span>',
            f'<td class="n">{esc(_count_text(r))}',
            f'<td class="n">{fmt(r.get("best_depth"))}{_pm(r)}',
            f'<td class="n">{fmt(r.get("average_depth"))}', f'<td class="n">{fmt(r.get("hold_s"))}',
            f'<td class="n">{fmt(r.get("asymmetry"), sign=True)}',
            '<td class="c">' + esc(r.get("top_cues")),
            f'<td class="n">{fmt(None if rate is None else rate * 100, 0, " %")}',
            f'<td class="n">{fmt(r.get("seconds"), 1, " s")}', " · ".join(files),
        ]  # fmt: skip
        out.append(f'<tr class="{"ok" if ok else "failed"}">')
        out += [(c if c.startswith("<td") else "<td>" + c) + "</td>" for c in cells]
        out.append("</tr>")
    return "".join(out) + "</tbody></table></div>"


def _patients(rows: list[dict], results: list[dict | None]) -> str:
    """Per patient, per exercise: line charts of best depth, time held and count per set."""
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r, res in zip(rows, results, strict=True):
        if r.get("status") == "ok":
            groups[str(r.get("patient") or "")][str(r.get("exercise") or "")].append((r, res))
    out = ["<h2>Sets over time, per patient</h2>"]
    if not groups:
        out.append('<p class="none">No analysed videos.</p>')
    for patient in sorted(groups, key=lambda p: (p == "", p)):
        out.append(f"<h3>{esc(patient or 'No patient id')}</h3>")
        for ex, sets in sorted(groups[patient].items()):
            sets.sort(key=lambda s: str(s[0].get("recorded") or ""))
            seen: Counter[str] = Counter()
            keys = []  # x labels: the recorded date, made unique
            for r, _ in sets:
                seen[k := when(r.get("recorded")) or "?"] += 1
                keys.append(k if seen[k] == 1 else f"{k} #{seen[k]}")
            mode, title = str(sets[0][0].get("mode") or ""), sets[0][0].get("title") or ex
            many = COUNTS.get(mode, ("", "count"))[1]
            # (caption, per_side key, row key, y label, y axis from 0)
            charts = [("Best depth per set", "best_depth", "best_depth", "best depth (°)", False)]
            if mode == "hold":
                charts.append(("Time held per set", "total_hold_s", "hold_s", "held (s)", True))
            if mode == "timed":
                charts.append(("Time moving per set", "timed_s", "count", "moving (s)", True))
            else:  # per_side's key for the count: "circles" in circles mode
                per_key = "circles" if mode == "circles" else "count"
                charts.append((f"{many.capitalize()} per set", per_key, "count", many, True))
            out.append(f'<h4>{esc(title)} · {len(sets)} set(s)</h4><div class="charts">')
            for caption, per_key, row_key, y_label, zero in charts:
                series: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
                for key, (r, res) in zip(keys, sets, strict=True):
                    for side, v in _sided(r, res, per_key, row_key).items():
                        series[side].append((key, v))
                out.append(_figure(caption, svg_line_chart(series, keys, y_label, zero=zero)))
            out.append("</div>")
    return "".join(out)


def _rep_chart(res: dict | None, mode: str) -> str:
    """A figure: each counted rep's peak (°), or each hold's duration (s) in hold mode."""
    if res is None:
        return '<p class="none">report.json not readable; no chart.</p>'
    hold, unit = mode == "hold", "°" if res.get("unit", "deg") == "deg" else str(res.get("unit"))
    items = [x for x in res.get("holds" if hold else "reps") or []
             if isinstance(x, dict) and (hold or x.get("counted"))]  # fmt: skip
    bars = [(str(i), x.get("duration_s" if hold else "peak_value"), str(x.get("side") or "all"))
            for i, x in enumerate(items, 1)]  # fmt: skip
    if hold:
        svg = svg_bar_chart(bars, "hold time (s)", "hold")
        return _figure("Each hold", svg, "no holds counted")
    svg = svg_bar_chart(bars, f"peak ({unit})", "rep")
    return _figure("Each counted rep: peak", svg, "no reps counted")


def _videos(rows: list[dict], results: list[dict | None], ids: list[str]) -> str:
    """Per analysed video: an anchored section, the annotated video and its rep chart."""
    out = ["<h2>Per video</h2>"]
    for r, res, anchor in zip(rows, results, ids, strict=True):
        if r.get("status") != "ok":
            continue
        name = Path(str(r.get("video") or r.get("name") or "")).name
        meta = [r.get("title") or r.get("exercise"), r.get("patient"), when(r.get("recorded"))]
        video = (r.get("outputs") or {}).get("video")
        out.append(f'<section class="video" id="{anchor}"><h3>{esc(name)}</h3><p class="meta">'
                   f'{esc(" · ".join(str(m) for m in meta if m))}</p><div class="charts">'
                   + (f'<video controls preload="metadata" src="{_href(video)}"></video>'
                      if video else "")
                   + _rep_chart(res, str((res or {}).get("mode") or r.get("mode") or ""))
                   + "</div></section>")  # fmt: skip
    return "".join(out)


def render_index(out_dir: Path, batch: dict) -> str:
    """The whole page as text (reads each ok row's ``out_dir/<name>/report.json``).

    Parameters
    ----------
    out_dir : Path
        The batch folder.
    batch : dict
        batch.json's content (:func:`~formcheck.batch.table.batch_document`).

    Returns
    -------
    str
        The HTML page.
    """
    rows = [r for r in batch.get("videos") or [] if isinstance(r, dict)]
    results, ids = [_load_result(Path(out_dir), r) for r in rows], _anchors(rows)
    n_ok = sum(r.get("status") == "ok" for r in rows)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>formcheck batch report</title><style>{CSS}</style></head><body>"
            f'<h1>formcheck batch report</h1><p class="meta">Created '
            f"{esc(when(batch.get('created')))} · formcheck {esc(batch.get('formcheck_version'))}"
            f" · {len(rows)} videos, {n_ok} ok, {len(rows) - n_ok} failed</p>"
            + _table(rows, ids) + _patients(rows, results) + _videos(rows, results, ids)
            + "</body></html>\n")  # fmt: skip


def write_index(out_dir: Path, batch: dict) -> Path:
    """Write ``out_dir/index.html`` atomically (temp file in ``out_dir``, then os.replace).

    Parameters
    ----------
    out_dir : Path
        The batch folder.
    batch : dict
        batch.json's content.

    Returns
    -------
    Path
        The page's path.
    """
    page, target = render_index(out_dir, batch), Path(out_dir) / "index.html"
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".index.", suffix=".html.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
