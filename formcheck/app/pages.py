"""The three pages of the Streamlit app: Upload (with samples), Live (webcam), History."""

from __future__ import annotations

import json
import logging
import math
import os

import pandas as pd
import streamlit as st

from formcheck.app.analysis import (
    MAX_UPLOAD_MB,
    UPLOAD_TYPES,
    Analysis,
    analyze_file,
    analyze_upload,
    camera_still,
    exercise_for,
    list_samples,
    sample_for,
)
from formcheck.app.batch_import import import_batch
from formcheck.app.charts import trend_chart
from formcheck.app.live_page import live_section
from formcheck.app.resources import get_store
from formcheck.app.store import SessionRow, StoreError
from formcheck.app.views import instructions_block, results_view, set_charts, summary_cards
from formcheck.errors import user_message
from formcheck.exercises import CATALOGUE
from formcheck.outputs.set_summary import summarize

LOG = logging.getLogger("formcheck.app")
#: Side choices as the exercise engine spells them.
SIDES = {"auto": "Auto (both / detect)", "left": "Left", "right": "Right"}
PAGES = ("Upload", "Live", "History")


# -- shared resources -----------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=32)
def _still(path: str, mtime: float):
    return camera_still(path)


def still_for(exercise_id: str):
    """A still frame of the exercise's sample clip (cached), or None."""
    s = sample_for(exercise_id)
    if s is None:
        return None
    return _still(str(s.path), s.path.stat().st_mtime)


def exercise_choices() -> dict[str, str]:
    """Exercise id -> title, in catalogue order."""
    return {k: v.title for k, v in CATALOGUE.items()}


def save_to_history(
    report: dict, series: dict, source: str, video: bytes | None = None
) -> int | None:
    """Save a set (the video only when given); shows the error, None when the store is unusable."""
    store, _ = get_store()
    if store is None:
        return None
    try:
        return store.save(report, series, source=source, video=video)
    except StoreError as e:
        st.error(f"Not saved to history: {e}")
        return None


def _progress_cb(bar):
    last = [-1]

    def cb(done: int, total: int | None) -> None:
        if total:
            pct = min(100, int(100 * done / total))
            if pct != last[0]:
                last[0] = pct
                bar.progress(pct, text=f"Analysing… {done}/{total} frames")
        elif done % 30 == 0:
            bar.progress(0, text=f"Analysing… {done} frames")

    return cb


def _run_analysis(fn, *args, **kwargs) -> Analysis | None:
    bar = st.progress(0, text="Starting analysis…")
    # Clicking it reruns the page; Streamlit then stops this run at the next progress
    # update, and the analysis' cleanup (temp files, partial outputs) runs on the way out.
    cancel = st.empty()
    cancel.button("Cancel analysis", key="analysis_cancel")
    try:
        an = fn(*args, progress=_progress_cb(bar), **kwargs)
    except Exception as e:  # noqa: BLE001 - every failure becomes a message, never a traceback
        msg = user_message(e)
        if msg is None:
            LOG.exception("analysis failed")
            msg = f"The analysis failed unexpectedly ({type(e).__name__}). Try another video."
        bar.empty()
        cancel.empty()
        st.error(msg)
        return None
    bar.empty()
    cancel.empty()
    return an


@st.cache_resource(show_spinner=False, max_entries=8)
def _sample_cache() -> dict:
    """Sample analyses shared by all sessions of this server (one click, then instant)."""
    return {}


# -- Upload ----------------------------------------------------------------------
def upload_page() -> None:
    """Analyse an uploaded video or a bundled sample clip."""
    st.title("Analyse a video")
    st.write("formcheck finds your body in the video, measures hip and knee angles, counts "
             "reps, times holds and tells you what to fix.")  # fmt: skip
    with st.container(border=True):
        _sample_section(list_samples())
    with st.container(border=True):
        _own_video_section()
    an = st.session_state.get("upload_result")
    if an is not None:
        st.divider()
        st.subheader("Result")
        results_view(an, key="upload")


def _sample_section(samples: list) -> None:
    """Pick a sample clip, see what it contains, analyse it (cached for every session)."""
    st.subheader("Try a sample clip")
    if not samples:
        st.caption("No sample clips found in formcheck/data/samples/.")
        return
    labels = {i: s.label for i, s in enumerate(samples)}
    idx = st.selectbox("Sample clip", list(labels), format_func=labels.get,
                       key="sample_idx")  # fmt: skip
    sample = samples[idx]
    c1, c2 = st.columns([2, 3])
    with c1:
        still = _still(str(sample.path), sample.path.stat().st_mtime)
        if still is not None:
            st.image(still)
    with c2:
        _sample_caption(sample)
        go = st.button("Analyse sample", type="primary", key="sample_go")
    if go:
        _analyse_sample(sample)


def _sample_caption(sample) -> None:
    """The sample's exercise, description, ground truth and settings."""
    ex = exercise_for(sample.exercise)
    st.markdown(f"**{ex.title if ex is not None else sample.exercise}**")
    if sample.description:
        st.caption(sample.description.capitalize())
    if sample.expected:
        st.caption(f"The clip contains {sample.expected} (ground truth).")
    if sample.settings:
        st.caption("Settings for this clip: " + json.dumps(sample.settings))


def _analyse_sample(sample) -> None:
    """Analyse a sample clip once per server (then from the cache) and show the result."""
    key = (str(sample.path), sample.path.stat().st_mtime, sample.exercise,
           json.dumps(sample.settings, sort_keys=True), sample.side)  # fmt: skip
    cache = _sample_cache()
    if key not in cache:
        an = _run_analysis(analyze_file, sample.path, sample.exercise, side=sample.side,
                           settings=sample.settings, source="sample",
                           name=sample.path.name)  # fmt: skip
        if an is not None:
            cache[key] = an
    if key in cache:
        st.session_state["upload_result"] = cache[key]
        st.toast("Analysis finished: the result is below.")


def _own_video_section() -> None:
    """Exercise, side and file choices for an upload; analyse it and save it to history."""
    st.subheader("Your own video")
    choices = exercise_choices()
    c1, c2 = st.columns([3, 1])
    ex_id = c1.selectbox("Exercise", list(choices), format_func=choices.get, key="up_ex")
    side = c2.selectbox("Side", list(SIDES), format_func=SIDES.get, key="up_side")
    with st.expander("How to do it and where to put the camera", expanded=False):
        instructions_block(ex_id, still_for(ex_id))
    up = st.file_uploader(
        f"Video file ({', '.join(UPLOAD_TYPES)}; up to {MAX_UPLOAD_MB} MB)",
        type=list(UPLOAD_TYPES), key="upload_file",
    )  # fmt: skip
    st.caption(
        f"Files up to {MAX_UPLOAD_MB} MB. The video is analysed on this computer "
        "and deleted right after; only the summary is kept in your history."
    )
    mirrored = st.checkbox(
        "Selfie video (a mirror image: text in it reads backwards)", value=False,
        key="up_mirrored",
        help="Flips the video back so that left and right are your own.",
    )  # fmt: skip
    save = st.checkbox("Save the result to my history", value=True, key="up_save")
    keep_video = st.checkbox(
        "Also keep the annotated video in my history (uses disk space)",
        value=False, key="up_keep_video", disabled=not save,
    )  # fmt: skip
    if st.button("Analyse video", type="primary", disabled=up is None, key="upload_go"):
        an = _run_analysis(analyze_upload, up.getvalue(), up.name, ex_id, side=side,
                           mirrored=mirrored)  # fmt: skip
        if an is not None:
            st.session_state["upload_result"] = an
            if save:
                _save_upload(an, keep_video)


def _save_upload(an: Analysis, keep_video: bool) -> None:
    sid = save_to_history(an.report, an.series, "upload", an.video if keep_video else None)
    if sid:
        st.toast(f"Saved to history as set #{sid}")


# -- Live ------------------------------------------------------------------------
def ice_servers() -> list[dict]:
    """ICE servers from ``$FORMCHECK_ICE_SERVERS`` (JSON list), default none (local only)."""
    raw = os.environ.get("FORMCHECK_ICE_SERVERS", "").strip()
    if not raw:
        return []
    try:
        val = json.loads(raw)
    except ValueError:
        st.warning("FORMCHECK_ICE_SERVERS is not valid JSON; using local connections only.")
        return []
    return val if isinstance(val, list) else []


def live_page() -> None:
    """Webcam set with live feedback; Stop saves the set to history."""
    st.title("Live (webcam)")
    choices = exercise_choices()
    live_section(choices, SIDES, ice_servers(), still_for, save_to_history)


# -- History ---------------------------------------------------------------------
def _import_section(store) -> None:
    """An expander that imports a ``formcheck batch`` folder into the history."""
    with st.expander("Import a batch folder (formcheck batch --out)"):
        folder = st.text_input("Batch folder", key="hist_import_dir",
                               placeholder="/path/to/out/batch")  # fmt: skip
        if st.button("Import", key="hist_import", disabled=not folder.strip()):
            try:
                got = import_batch(store, folder.strip())
            except StoreError as e:
                st.error(str(e))
                return
            st.success(f"Imported {got.imported} sets ({got.already} were already there"
                       + (f", {got.unreadable} could not be read" if got.unreadable else "")
                       + ").")  # fmt: skip


def history_page() -> None:
    """Past sets: table, trends per exercise, open one again, delete."""
    st.title("History")
    store, problem = get_store()
    if store is None:
        st.error(problem)
        st.caption("Live sets and uploads still work; they are just not saved.")
        return
    if problem:
        st.warning(problem)
    _import_section(store)
    try:
        rows = store.sessions()
    except StoreError as e:
        st.error(str(e))
        return
    if not rows:
        st.info("No sets saved yet. Analyse a video or finish a live set and it appears here.")
        return
    ex_filter = _exercise_filter(rows, exercise_choices())
    shown = [r for r in rows if ex_filter == "all" or r.exercise == ex_filter]
    st.dataframe(history_table(shown), hide_index=True, width="stretch")
    if ex_filter != "all":
        _trend_charts(store, ex_filter)
    else:
        st.caption("Pick an exercise to see its trends over time (left vs right).")
    st.subheader("Open a set")
    labels = {r.id: f"#{r.id} · {_date(r)} · {r.title}" for r in shown}
    sid = st.selectbox("Set", list(labels), format_func=labels.get, key="hist_open")
    if sid is not None:
        _stored_set(store, sid)


def _date(row: SessionRow) -> str:
    """``2026-01-02 10:00``: a stored set's time to the minute."""
    return (row.created or "")[:16].replace("T", " ")


def _exercise_filter(rows: list[SessionRow], choices: dict[str, str]) -> str:
    """The exercise picked to filter the history by (``"all"``: no filter)."""
    ex_set = {r.exercise for r in rows if r.exercise}
    seen = [e for e in choices if e in ex_set] + sorted(ex_set - set(choices))
    return st.selectbox("Exercise", ["all", *seen],
                        format_func=lambda e: "All exercises" if e == "all"
                        else choices.get(e, e), key="hist_ex")  # fmt: skip


def history_table(rows: list[SessionRow]) -> pd.DataFrame:
    """The history table: one line per stored set."""
    return pd.DataFrame([{
        "set": r.id,
        "date": _date(r),
        "exercise": r.title or r.exercise,
        "side": SIDES.get(r.side or "auto", r.side),
        "source": r.source,
        "patient": str(r.summary.get("patient") or ""),
        "reps / holds": r.total_count,
        # NaN, not None: a numeric column shows an empty cell instead of "None".
        "best depth": math.nan if r.best is None else round(r.best, 1),
        "time held (s)": (
            round(r.hold_total_s, 1)
            if r.hold_total_s is not None and r.mode == "hold"
            else math.nan
        ),
    } for r in rows])  # fmt: skip


def _trend_charts(store, exercise_id: str) -> None:
    """Best depth and the count (or time held) per set, left vs right, over time."""
    stats = store.side_stats(exercise_id)
    c1, c2 = st.columns(2)
    depth = trend_chart(stats, "best", "Best depth per set", "degrees")
    ex = exercise_for(exercise_id)
    mode = ex.mode if ex is not None else ""
    if mode == "hold":
        hold = trend_chart(stats, "hold_total_s", "Time held per set", "seconds")
    else:
        word = {"circles": "Circles", "timed": "Seconds moving"}.get(mode, "Reps")
        hold = trend_chart(stats, "count", f"{word} per set", word.lower())
    with c1:
        if depth is not None:
            st.altair_chart(depth, width="stretch", key="trend-depth")
    with c2:
        if hold is not None:
            st.altair_chart(hold, width="stretch", key="trend-hold")


def _stored_set(store, sid: int) -> None:
    """One stored set again: its cards, video, charts, download and delete."""
    row = store.get(sid)
    if row is None:
        st.warning("That set no longer exists.")
        return
    summary = summarize(row.report)
    summary_cards(summary)
    video = store.video(sid)
    if video:
        st.video(video, format="video/mp4")
    set_charts(store.series(sid), row.report, summary, key=f"hist-{sid}")
    c1, c2 = st.columns([1, 3])
    c1.download_button("Download report.json", json.dumps(row.report, indent=2),
                       f"formcheck-set-{sid}.json", "application/json",
                       key=f"hist-dl-{sid}")  # fmt: skip
    with c2:
        _delete_button(store, sid)


def _delete_button(store, sid: int) -> None:
    confirm = st.checkbox("Yes, delete this set", key=f"hist-confirm-{sid}")
    if st.button("Delete set", disabled=not confirm, key=f"hist-del-{sid}"):
        try:
            store.delete(sid)
        except StoreError as e:
            st.error(str(e))
        else:
            st.toast(f"Deleted set #{sid}")
            st.rerun()
