"""The Live page's body: exercise choice, webcam stream with feedback, end of set."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Callable

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from formcheck.app.analysis import exercise_for
from formcheck.app.charts import primary_metrics, series_for
from formcheck.app.resources import get_store
from formcheck.app.views import instructions_block, set_charts, summary_cards
from formcheck.live import LiveHolder, LiveSession, LiveStatus
from formcheck.measure.confidence import NOT_MEASURABLE
from formcheck.outputs.set_summary import summarize

WEBRTC_KEY = "formcheck-live"
PAGE_KEY, PREV_PAGE_KEY = "_fc_page", "_fc_prev_page"


def keep_stream_alive(key: str = WEBRTC_KEY) -> None:
    """Stop streamlit-webrtc (>= 0.72) from resetting a live stream on quick reruns.

    The component resets its context when Streamlit's run counter moved by more
    than one since it last rendered, meant for "the user left the page and came
    back". Streamlit bumps the counter for reruns that never reach the component
    (interrupted fast reruns, fragment runs), so about one start in five was
    dropped right after connecting. When the previous full run also showed
    this page, no page change happened: forget the last rendered count so the
    check cannot fire. After a real page change the check still runs.
    """
    if os.environ.get("FORMCHECK_WEBRTC_NO_FIX") or st.session_state.get(PREV_PAGE_KEY) != "Live":
        return  # (the environment switch exists to measure the library's own behaviour)
    ctx = st.session_state.get(key)
    if ctx is not None and hasattr(ctx, "_last_rendered_run_count"):
        ctx._last_rendered_run_count = None


def _colour(s: LiveStatus) -> str:
    if not s.detected or not s.setup_ok or s.setup_problems:
        return "#d62728"
    return "#2ca02c" if s.holding else "#ff7f0e"


def shown_cue(s: LiveStatus) -> str:
    """The one cue the live view shows (and speaks): setup problems first, "" for none."""
    if s.setup_problems:
        return s.setup_problems[0]
    if not s.detected and s.frames_processed:
        return "Step into view of the camera"
    return s.cue or ("Hold it" if s.holding else "")


def status_panel(s: LiveStatus, mode: str, unit: str = "deg", label: str = "") -> None:
    """Counters, hold timer, the current cue in large text, processing fps."""
    if s.error:
        st.error(s.error)
    cue = shown_cue(s)
    st.markdown(
        f"<div data-testid='fc-cue' style='font-size:2.1rem;font-weight:700;"
        f"color:{_colour(s)};min-height:2.6rem'>{html.escape(cue or ' ')}</div>",
        unsafe_allow_html=True,
    )
    counts = s.counts or {}
    cols = st.columns(max(1, len(counts)) + 1)
    word = {"hold": "holds", "circles": "circles", "timed": "seconds"}.get(mode, "reps")
    for col, (side, n) in zip(cols, counts.items(), strict=False):
        col.metric(f"{str(side).capitalize()} {word}", f"{n:g}")
    if not s.primary_reliable:
        cols[-1].metric("Now", "–", help=f"{label}: {NOT_MEASURABLE}" if label else NOT_MEASURABLE)
    elif s.primary_value is not None:
        value = f"{s.primary_value:.0f}°" if unit == "deg" else f"{s.primary_value:.2f}"
        cols[-1].metric("Now", value, help=label or None)
    if s.hold_target_s:
        frac = min(1.0, s.hold_elapsed_s / s.hold_target_s) if s.hold_target_s else 0.0
        state = "holding" if s.holding else "paused"
        st.progress(frac, text=f"Hold {s.hold_elapsed_s:4.1f} / {s.hold_target_s:g} s ({state})")
    st.caption(
        f"<span data-testid='fc-fps'>processing {s.fps:.1f} fps · "
        f"<span id='fc-frames'>{s.frames_processed}</span> frames analysed · "
        f"{s.frames_dropped} skipped to stay live · "
        f"<span id='fc-latency'>{s.latency_ms:.0f}</span> ms behind · phase {s.phase}</span>",
        unsafe_allow_html=True,
    )


def live_section(
    choices: dict[str, str],
    sides: dict[str, str],
    ice: list[dict],
    still_for: Callable,
    save: Callable[[dict, dict, str], int | None],
) -> None:
    """Everything below the Live page's title."""
    keep_stream_alive()
    ctx_prev = st.session_state.get(WEBRTC_KEY)
    streaming = bool(getattr(getattr(ctx_prev, "state", None), "playing", False))
    c1, c2 = st.columns([3, 1])
    ex_id = c1.selectbox("Exercise", list(choices), format_func=choices.get, key="live_ex",
                         disabled=streaming)  # fmt: skip
    side = c2.selectbox("Side", list(sides), format_func=sides.get, key="live_side",
                        disabled=streaming)  # fmt: skip
    instructions_block(ex_id, still_for(ex_id))
    st.toggle("Speak the cues aloud", key="live_speak", help="Uses your browser's voice")

    holder: LiveHolder | None = st.session_state.get("live_holder")
    if holder is None:
        holder = LiveHolder(new_session(ex_id, side))
        st.session_state["live_holder"] = holder
    sess = holder.session
    if not sess.started and (sess.exercise_id, sess.side) != (ex_id, side):
        holder.session = sess = new_session(ex_id, side)

    video_col, info_col = st.columns([3, 2])
    with video_col:
        ctx = webrtc_streamer(
            key=WEBRTC_KEY,
            mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": ice},
            server_rtc_configuration={"iceServers": ice},
            media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
            video_frame_callback=holder.recv,
            async_processing=True,
        )
    playing = bool(getattr(ctx.state, "playing", False))
    ex = exercise_for(sess.exercise_id)
    mode, unit, label = (
        (ex.mode, ex.unit, ex.primary_label) if ex is not None else ("reps", "deg", "")
    )
    with info_col:
        if playing:
            _live_status(holder, mode, unit, label)
        else:
            st.info("Press **START** to begin a set, **STOP** to end it and save it to your "
                    "history. Put the camera where the picture above shows.")  # fmt: skip

    if not playing and sess.started:
        _end_set(holder, save)
    last = st.session_state.get("live_last")
    if last is not None:
        report, series, sid = last
        st.divider()
        st.subheader("Last set" + (f" (saved as set #{sid})" if sid else " (not saved)"))
        summary = summarize(report)
        summary_cards(summary)
        set_charts(series, report, summary, key="live-last")


@st.fragment(run_every=0.5)
def _live_status(holder: LiveHolder, mode: str, unit: str, label: str) -> None:
    status = holder.session.status
    status_panel(status, mode, unit, label)
    if st.session_state.get("live_speak"):
        speak_cue(shown_cue(status))


def speak_cue(cue: str | None) -> None:
    """Say the shown cue aloud with the browser's own speech synthesis (no network).

    Emitted on every status refresh while there is a cue, so the page always
    holds the current one; the script itself speaks only when the cue changed.
    """
    if not cue:
        return
    text = json.dumps(cue).replace("<", "\\u003c")  # engine text, kept inert in a script
    # Only a voice the browser synthesises itself (localService): never a network voice.
    st.html(
        "<script>(() => { const s = window.speechSynthesis;"
        f" if (window.__fcLastCue === {text}) return;"
        f" window.__fcLastCue = {text}; if (!s) return;"
        " const v = s.getVoices().find(x => x.localService); if (!v) return;"
        f" const u = new SpeechSynthesisUtterance({text}); u.voice = v;"
        " s.cancel(); s.speak(u); })();</script>",
        unsafe_allow_javascript=True,
    )


def _end_set(holder: LiveHolder, save) -> None:
    """Stop pressed: finish the set, save it, start a fresh session for the next one."""
    sess = holder.session
    holder.session = new_session(sess.exercise_id, sess.side, sess.settings)
    report, rows = sess.finish()
    if not report or not rows:
        return
    ex = exercise_for(sess.exercise_id)
    result = report.get("result")
    series = series_for(rows, primary_metrics(result, ex, sess.side), result)
    # The worker may already have saved it (no frames for a while before Stop).
    sid = save(report, series, "live") if sess.claim_save() else sess.saved_id
    st.session_state["live_last"] = (report, series, sid)


def new_session(exercise_id: str | None, side: str, settings: dict | None = None) -> LiveSession:
    """A live set that saves itself to history if it is abandoned (tab closed, camera gone).

    The store is fetched here, in the page's thread; the worker only calls ``store.save``.
    """
    store, _ = get_store()

    def on_abandoned(sess: LiveSession, report: dict, rows: list[dict]) -> int | None:
        if store is None or store.read_only_reason:
            return None
        result = report.get("result")
        ex = exercise_for(sess.exercise_id)
        series = series_for(rows, primary_metrics(result, ex, sess.side), result)
        return store.save(report, series, source="live")

    return LiveSession(exercise_id, side, settings, on_abandoned=on_abandoned)
