"""Streamlit building blocks shared by the pages: summary cards, charts, results, downloads."""

from __future__ import annotations

import streamlit as st

from formcheck.app.analysis import Analysis, exercise_for
from formcheck.app.charts import rep_charts, timeline_chart
from formcheck.measure.confidence import NOT_MEASURABLE
from formcheck.outputs.set_summary import SetSummary, SideSummary, summarize


def fmt(v: float | None, unit: str = "", digits: int = 0) -> str:
    """A number for a card, ``–`` when unknown."""
    if v is None:
        return "–"
    return f"{v:.{digits}f}{unit}"


def depth_text(side: SideSummary, unit: str) -> str:
    """``best 62° ± 11° · average 59° ± 11°`` (the ± where measured), plus a note for reps
    whose depth could not be trusted."""
    pm = f" ± {side.uncertainty:g}{unit}" if side.uncertainty is not None else ""
    text = ""
    if side.best is not None:
        text = f"best {fmt(side.best, unit)}{pm} · average {fmt(side.average, unit)}{pm}"
    if side.untrusted:
        of = "any rep" if side.untrusted >= (side.count or 0) else f"{side.untrusted} rep(s)"
        note = f"depth not trusted on {of}: the knee was seen too close to the ankle"
        text = f"{text} · {note}" if text else note
    return text or f"best {fmt(None, unit)} · average {fmt(None, unit)}"


def summary_cards(s: SetSummary) -> None:
    """Per-side counts, best/average depth, time held vs target, left/right difference, cues."""
    st.markdown(f"#### {s.title}")
    if not s.sides:
        st.info(
            "No reps or holds were counted in this set. "
            + ("Setup: " + "; ".join(_setup_names(s)) if s.setup_problems else "")
        )
    cols = st.columns(max(1, len(s.sides)) + 1)
    for col, side in zip(cols, s.sides.values(), strict=False):
        with col, st.container(border=True):
            unit = s.count_word
            count = f"{side.count:g}" if side.count is not None else "–"
            st.metric(f"{side.label}: {unit}", count)
            if side.depth_measurable:
                st.caption(depth_text(side, s.unit))
            else:
                st.caption(f"depth {NOT_MEASURABLE}")
            if s.mode == "hold" and side.hold_total_s is not None:
                target = f" (target {s.hold_target_s:g} s each)" if s.hold_target_s else ""
                reached = (f", {int(side.holds_reached)} reached target"
                           if side.holds_reached is not None else "")  # fmt: skip
                st.caption(f"held {side.hold_total_s:.1f} s in total, longest "
                           f"{fmt(side.hold_longest_s, ' s', 1)}{target}{reached}")  # fmt: skip
    with cols[-1], st.container(border=True):
        st.metric("Left − right", fmt(s.asymmetry, s.unit, 1))
        if s.asymmetry is None:
            st.caption("one side only")
        else:
            what = (s.asymmetry_metric or "depth").replace("_{side}", "").replace("_", " ")
            st.caption(f"difference in average {what} (left minus right)")
    if s.top_cues:
        st.markdown("**What to work on:** " + "; ".join(
            f"{c}" + (f" (×{n})" if n else "") for c, n in s.top_cues[:3]))  # fmt: skip
    if s.setup_problems:
        st.caption("Setup problems seen: " + "; ".join(_setup_names(s)))


def _setup_names(s: SetSummary) -> list[str]:
    """The first five setup problems, in the engine's order."""
    return list(s.setup_problems)[:5]


def set_charts(series: dict, report: dict, summary: SetSummary, key: str) -> None:
    """The whole-set timeline and one chart per rep / hold."""
    ex = exercise_for(report.get("exercise"), report.get("settings"))
    band = ex.target_band if ex is not None else None
    label = ex.primary_label if ex is not None else ""
    if not summary.depth_measurable:
        st.caption(f"The curves below are what MediaPipe read: the {label or 'depth'} is "
                   f"{NOT_MEASURABLE}, so read them for timing, not for degrees.")  # fmt: skip
    result = report.get("result") or {}
    if not series:
        st.caption(
            "The frame-by-frame curve of this exercise's main measure is not in this "
            "set's data; the chart shows each rep / hold and its peak."
        )
    unit = (ex.unit if ex is not None else "") or "deg"
    tl = timeline_chart(series, result, band, label, unit)
    if tl is not None:
        st.altair_chart(tl, width="stretch", key=f"{key}-timeline")
    grid = rep_charts(series, result, band, unit)
    if grid is not None:
        st.markdown("**Each rep / hold** — green band: target, red dot: peak")
        st.altair_chart(grid, key=f"{key}-reps")


def results_view(an: Analysis, key: str = "res") -> None:
    """Summary, annotated video, charts and downloads of one analysis."""
    rep = an.report
    summary = summarize(rep)
    for w in rep.get("warnings") or []:
        st.warning(w)
    det = rep.get("detection_rate")
    if isinstance(det, int | float) and det < 0.5:
        st.warning(f"A person was found in only {det:.0%} of the frames: check the lighting "
                   "and that the whole body is in view.")  # fmt: skip
    summary_cards(summary)
    gone = [nm.get("message", "") for nm in rep.get("not_measurable") or [] if isinstance(nm, dict)]
    if gone:
        st.info("This camera angle cannot measure these reliably, so read no number "
                "for them:\n\n" + "\n".join(f"- {m}" for m in gone if m))  # fmt: skip
    left, right = st.columns([3, 2])
    with left:
        if an.video:
            st.video(an.video, format="video/mp4")
    with right:
        proc = rep.get("processing") or {}
        vid = rep.get("video") or {}
        st.caption(f"{an.name}: {vid.get('duration_s', 0) or 0:.1f} s, "
                   f"{rep.get('frames', vid.get('frames_decoded', 0))} frames, "
                   f"analysed at {proc.get('fps', 0)} fps")  # fmt: skip
        st.download_button("Download report.json", an.report_json, "report.json",
                           "application/json", key=f"{key}-dl-json")  # fmt: skip
        st.download_button("Download frames.csv", an.frames_csv, "frames.csv", "text/csv",
                           key=f"{key}-dl-csv")  # fmt: skip
        if an.video:
            st.download_button("Download annotated video", an.video, "annotated.mp4",
                               "video/mp4", key=f"{key}-dl-mp4")  # fmt: skip
    set_charts(an.series, rep, summary, key)


def instructions_block(exercise_id: str, still=None) -> None:
    """The exercise's instructions and where to put the camera (with a still frame)."""
    ex = exercise_for(exercise_id)
    if ex is None:
        st.caption(exercise_id)
        return
    c1, c2 = st.columns([3, 2])
    with c1:
        st.markdown("\n".join(f"{i + 1}. {line}" for i, line in
                              enumerate(ex.instructions)))  # fmt: skip
        st.markdown(f"**Camera:** {ex.camera}")
        extra = []
        if ex.hold_target_s:
            extra.append(f"hold {ex.hold_target_s:g} s")
        if ex.reps_target:
            extra.append(f"{ex.reps_target} {'reps' if ex.mode == 'reps' else 'sets'}")
        if ex.circles_target:
            extra.append(f"{ex.circles_target} circles per side")
        if ex.timed_target_s:
            extra.append(f"{ex.timed_target_s:g} s per side")
        if extra:
            st.caption("Target: " + ", ".join(extra))
    with c2:
        if still is not None:
            st.image(still, caption="Camera placement (from the sample clip)")
