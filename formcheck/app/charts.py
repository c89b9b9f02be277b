"""Altair charts of a set: per-rep / per-hold metric curves, the whole-set timeline, trends.

Pure functions: rows (``report.read_frames_csv``) and the result dict in, an
``alt.Chart`` out; nothing here touches Streamlit, so tests can build every
chart and inspect its spec.

Example:
    >>> pts = {"knee_drop_L": [(0.0, 1.0), (0.5, 30.0), (1.0, 2.0)]}
    >>> result = {"reps": [{"side": "L", "start_s": 0.0, "end_s": 1.0, "peak_s": 0.5,
    ...                     "peak_value": 30.0, "metric": "knee_drop_L"}]}
    >>> chart = rep_charts(pts, result, band=(25.0, 60.0), unit="deg")
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import altair as alt
import pandas as pd

from formcheck.app.store import SideStat
from formcheck.exercises.model import ExerciseDef
from formcheck.measure.derived import BASELINE_METRICS
from formcheck.measure.registry import DERIVED_METRICS, with_derived
from formcheck.outputs.set_summary import norm_side
from formcheck.pose.landmarks import Side, split_side

Points = list[tuple[float, float]]

#: Longest series kept per metric (charts and history); longer ones are thinned evenly.
MAX_POINTS = 3000
SIDE_COLOURS = alt.Scale(domain=["L", "R", "both"], range=["#1f77b4", "#d62728", "#2ca02c"])
#: Colours of the rep/hold boxes and peaks.


def _finite(v) -> bool:
    return isinstance(v, int | float) and math.isfinite(v)


def thin(points: Sequence[tuple[float, float]], n: int = MAX_POINTS) -> Points:
    """At most ``n`` points, evenly spaced over the series (the last one kept)."""
    pts = list(points)
    if len(pts) <= n:
        return pts
    step = len(pts) / n
    out = [pts[int(i * step)] for i in range(n)]
    if out[-1] != pts[-1]:
        out[-1] = pts[-1]
    return out


#: frames.csv / live-row columns carrying the tracker's own primary value and its name
#: (``outputs.report.csv_row``), when an exercise ran.
PRIMARY_VALUE_COL = "primary"
PRIMARY_NAME_COL = "primary_metric"


def _primary_column(rows: Sequence[Mapping], metric: str) -> Points | None:
    """The tracker's per-frame primary value for ``metric``, if the rows carry it."""
    if PRIMARY_VALUE_COL not in rows[0] or not any(r.get(PRIMARY_NAME_COL) == metric for r in rows):
        return None
    return [
        (float(r.get("t_s", math.nan)),
         _val(r.get(PRIMARY_VALUE_COL)) if r.get(PRIMARY_NAME_COL) == metric else math.nan)
        for r in rows
    ]  # fmt: skip


def metric_series(rows: Sequence[Mapping], metric: str) -> Points:
    """``(t_s, value)`` of one metric over the frames (NaN where not measurable).

    In order of trust: the tracker's own per-frame primary value (columns
    ``primary_metric`` + ``primary``), a frames.csv column of that name, or the
    engine's derived metric recomputed per row (first measurable frame as the
    baseline, no landmarks: approximate; :func:`series_for` checks it against
    the reported peaks).
    """
    if not rows:
        return []
    own = _primary_column(rows, metric)
    if own is not None:
        return own
    if metric in rows[0]:
        return [(float(r.get("t_s", math.nan)), _val(r.get(metric))) for r in rows]
    if metric not in DERIVED_METRICS:
        return []
    baseline = {}
    for name in BASELINE_METRICS:
        first = next((_val(r.get(name)) for r in rows if _finite(_val(r.get(name)))), math.nan)
        baseline[name] = first
    out: Points = []
    text = ("view", "position", "phase", "cue", PRIMARY_NAME_COL)
    for r in rows:
        vals = {k: _val(v) for k, v in r.items() if k not in text}
        try:
            v = with_derived(vals, baseline, None).get(metric, math.nan)
        except Exception:  # noqa: BLE001 - a derived metric that needs landmarks
            v = math.nan
        out.append((float(r.get("t_s", math.nan)), v))
    return out


def matches_peaks(points: Points, items: Sequence[Mapping], metric: str) -> bool:
    """True when the series reaches each rep/hold's reported peak (within 15 % or 3 units).

    Guards against drawing a recomputed curve that is not what the tracker measured.
    """
    checked = bad = 0
    for it in items:
        if it.get("metric") not in (None, metric):
            continue
        peak, t0, t1 = it.get("peak_value"), it.get("start_s"), it.get("end_s")
        if not (_finite(peak) and _finite(t0) and _finite(t1)):
            continue
        vals = [v for t, v in points if t0 - 0.2 <= t <= t1 + 0.2 and _finite(v)]
        checked += 1
        if not vals or abs(max(vals) - float(peak)) > max(3.0, 0.15 * abs(float(peak))):
            bad += 1
    return checked == 0 or bad * 2 < checked


def _val(v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f if math.isfinite(f) else math.nan


def items_of(result: Mapping | None) -> list[dict]:
    """The set's reps or holds (or circles), each with ``kind``, ``start_s``, ``end_s``..."""
    result = result or {}
    out: list[dict] = []
    for kind in ("reps", "holds"):
        for i, it in enumerate(result.get(kind) or []):
            if isinstance(it, dict) and _finite(it.get("start_s")) and _finite(it.get("end_s")):
                peak = it.get("peak_value")
                out.append({**it, "kind": kind[:-1], "n": i + 1, "peak_value": peak})
    return out


def primary_metrics(
    result: Mapping | None, exercise: ExerciseDef | None = None, side: str = "auto"
) -> list[str]:
    """Metric names to chart: those named by the reps/holds, else the exercise's primary."""
    names: list[str] = []
    for it in items_of(result):
        m = it.get("metric")
        if isinstance(m, str) and m and m not in names:
            names.append(m)
    if names:
        return names
    tmpl = exercise.primary_metric if exercise is not None else None
    if not tmpl:
        return []
    if "{side}" in tmpl:
        code = norm_side(side) if side != "auto" else "both"
        sides = [code] if code in ("L", "R") else ["L", "R"]
        return [Side.fill(tmpl, s)
                for s in sides]  # fmt: skip
    return [tmpl]


def series_for(
    rows: Sequence[Mapping], metrics: Iterable[str], result: Mapping | None = None
) -> dict[str, Points]:
    """Thinned series of each metric that has measurable values (and fits the reported peaks)."""
    out: dict[str, Points] = {}
    items = items_of(result)
    for m in metrics:
        pts = metric_series(rows, m)
        if not any(_finite(v) for _, v in pts):
            continue
        if items and not matches_peaks(pts, items, m):
            continue
        out[m] = thin(pts)
    return out


#: Units of an exercise's primary measure (``ExerciseDef.unit``) as y-axis titles.
UNIT_TITLES = {"deg": "degrees", "torso": "torso lengths"}


def _axis_title(unit: str) -> str:
    """A short y-axis title: the unit. (Streamlit's chart theme draws the y title large:
    a long one, such as the measure's full name, squeezed the plot to a few pixels.)"""
    return UNIT_TITLES.get(unit, unit or "degrees")


def series_name(metric: str) -> str:
    """Legend name of a series: its side ("left" / "right"), else the metric in words."""
    return split_side(metric)[1] or metric.replace("_", " ")


def _frame(points: Points, metric: str) -> pd.DataFrame:
    df = pd.DataFrame(points, columns=["t_s", "value"])
    df["metric"] = series_name(metric)
    return df


def _item_metric(it: Mapping, series: Mapping[str, Points]) -> str | None:
    """The series to draw a rep/hold with: its own metric, else one of its side, else None."""
    m = it.get("metric")
    if isinstance(m, str) and m:
        return m if m in series else None
    side = norm_side(it.get("side"))
    if side in ("L", "R"):
        return next((name for name in series if name.endswith(f"_{side}")), None)
    return next(iter(series), None)


def rep_chart(
    points: Points,
    item: Mapping,
    band: tuple[float, float] | None,
    unit: str = "deg",
    pad_s: float = 1.0,
) -> alt.LayerChart:
    """One rep or hold: the metric around it, the target band shaded, the peak marked."""
    t0, t1 = float(item["start_s"]) - pad_s, float(item["end_s"]) + pad_s
    df = pd.DataFrame([(t, v) for t, v in points if t0 <= t <= t1], columns=["t_s", "value"])
    df["t_rel"] = df["t_s"] - float(item["start_s"])
    kind = item.get("kind", "rep")
    side = item.get("side") or ""
    title = f"{kind.capitalize()} {item.get('n', '')} {side}".strip()
    if item.get("counted") is False:
        title += " (not counted)"
    if kind == "hold" and _finite(item.get("duration_s")):
        title += f" · {float(item['duration_s']):.1f} s"
    trusted = item.get("depth_reliable") is not False
    pm = float(item["depth_uncertainty"]) if _finite(item.get("depth_uncertainty")) else None
    if not trusted:
        title += " · depth not trusted"
    elif pm is not None and _finite(item.get("peak_value")):
        title += f" · {float(item['peak_value']):.0f} ± {pm:.0f}{'°' if unit == 'deg' else ''}"
    y = alt.Y("value:Q", title=_axis_title(unit), scale=alt.Scale(zero=False))
    line = alt.Chart(df).mark_line(color="#1f77b4").encode(
        x=alt.X("t_rel:Q", title="seconds from start"), y=y,
        tooltip=[alt.Tooltip("t_s:Q", format=".2f"), alt.Tooltip("value:Q", format=".1f")],
    )  # fmt: skip
    layers: list[alt.Chart] = []
    if band is not None and all(_finite(b) for b in band):
        bdf = pd.DataFrame({"lo": [band[0]], "hi": [band[1]]})
        layers.append(alt.Chart(bdf).mark_rect(opacity=0.15, color="#2ca02c")
                      .encode(y="lo:Q", y2="hi:Q"))  # fmt: skip
    layers.append(line)
    if _finite(item.get("peak_s")) and _finite(item.get("peak_value")):
        peak = float(item["peak_value"])
        pdf = pd.DataFrame({"t_rel": [float(item["peak_s"]) - float(item["start_s"])],
                            "value": [peak]})  # fmt: skip
        if pm is not None and trusted:  # the measured uncertainty as an error bar
            layers.append(alt.Chart(pdf.assign(lo=peak - pm, hi=peak + pm))
                          .mark_rule(color="#d62728", strokeWidth=2)
                          .encode(x="t_rel:Q", y="lo:Q", y2="hi:Q"))  # fmt: skip
        layers.append(
            alt.Chart(pdf)
            .mark_point(color="#d62728" if trusted else "#999999", size=80, filled=True)
            .encode(
                x="t_rel:Q",
                y="value:Q",
                tooltip=[alt.Tooltip("value:Q", title="peak", format=".1f")],
            )
        )
    return alt.layer(*layers).properties(title=title, width=220, height=150)


def rep_charts(
    series: Mapping[str, Points],
    result: Mapping | None,
    band=None,
    unit: str = "deg",
    columns: int = 3,
    limit: int = 24,
) -> alt.ConcatChart | None:
    """A grid of :func:`rep_chart`, one per rep or hold (None when there are none)."""
    charts = []
    for it in items_of(result)[:limit]:
        m = _item_metric(it, series)
        if m is None:
            continue
        charts.append(rep_chart(series[m], it, band, unit))
    if not charts:
        return None
    return alt.concat(*charts, columns=columns)


def timeline_chart(
    series: Mapping[str, Points], result: Mapping | None, band=None, label: str = "",
    unit: str = "deg",
) -> alt.LayerChart | None:  # fmt: skip
    """The whole set: each metric over time, reps/holds shaded, peaks marked, band as lines.

    ``label`` (the measure's name) goes in the title, ``unit`` on the y axis. Without a
    series, the reps/holds and their peaks alone (None if there are none either).
    """
    items = items_of(result)
    if not series and not items:
        return None
    frames = [_frame(p, m) for m, p in series.items()]
    df = pd.concat(frames, ignore_index=True) if frames else None
    y = alt.Y("value:Q", title=_axis_title(unit), scale=alt.Scale(zero=False))
    layers: list[alt.Chart] = []
    if items:
        idf = pd.DataFrame([{"start": float(i["start_s"]), "end": float(i["end_s"]),
                             "what": f"{i['kind']} {i['n']} {i.get('side') or ''}".strip()}
                            for i in items])  # fmt: skip
        layers.append(alt.Chart(idf).mark_rect(opacity=0.12, color="#ff7f0e")
                      .encode(x="start:Q", x2="end:Q", tooltip=["what:N"]))  # fmt: skip
    if band is not None and all(_finite(b) for b in band):
        bdf = pd.DataFrame({"y": list(band)})
        layers.append(alt.Chart(bdf).mark_rule(strokeDash=[4, 4], color="#2ca02c")
                      .encode(y="y:Q"))  # fmt: skip
    if df is not None:
        layers.append(alt.Chart(df).mark_line().encode(
        x=alt.X("t_s:Q", title="time (s)"), y=y, color=alt.Color("metric:N", title=None),
        tooltip=["metric:N", alt.Tooltip("t_s:Q", format=".2f"),
                 alt.Tooltip("value:Q", format=".1f")],
    ))  # fmt: skip
    peaks = [
        {"t_s": float(i["peak_s"]), "value": float(i["peak_value"])}
        for i in items
        if _finite(i.get("peak_s")) and _finite(i.get("peak_value"))
    ]
    if peaks:
        layers.append(alt.Chart(pd.DataFrame(peaks)).mark_point(color="#d62728", filled=True,
                                                                 size=50)
                      .encode(x="t_s:Q", y="value:Q"))  # fmt: skip
    title = f"Whole set: {label}" if label else "Whole set"
    return alt.layer(*layers).properties(title=title, height=220)


def trend_chart(
    stats: Iterable[SideStat], field: str, title: str, unit: str = ""
) -> alt.Chart | None:
    """One value per set and side over time (e.g. ``best`` depth, ``hold_total_s``).

    A side with nothing counted in a set (the other side's set) gets no point.
    """
    rows = [{"created": s.created, "side": s.side, "value": getattr(s, field),
             "session": s.session_id} for s in stats if s.count]  # fmt: skip
    rows = [r for r in rows if _finite(r["value"]) and r["created"]]
    if not rows:
        return None
    df = pd.DataFrame(rows)
    df["created"] = pd.to_datetime(df["created"], utc=True, errors="coerce")
    return (
        alt.Chart(df).mark_line(point=True).encode(
            x=alt.X("created:T", title="date"),
            y=alt.Y("value:Q", title=unit or field, scale=alt.Scale(zero=False)),
            color=alt.Color("side:N", scale=SIDE_COLOURS, title="side"),
            tooltip=["session:Q", "side:N", alt.Tooltip("created:T", format="%Y-%m-%d %H:%M"),
                     alt.Tooltip("value:Q", format=".1f")],
        ).properties(title=title, height=220)
    )  # fmt: skip
