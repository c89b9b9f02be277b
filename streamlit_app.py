"""formcheck in the browser: ``streamlit run streamlit_app.py``.

Three pages: Upload (and sample clips), Live (webcam), History. The pages live
in ``formcheck/app/pages.py``; this file only sets up and dispatches.
"""

from __future__ import annotations

import logging

import streamlit as st

from formcheck.app.live_page import PAGE_KEY, PREV_PAGE_KEY
from formcheck.app.pages import PAGES, history_page, live_page, upload_page
from formcheck.errors import user_message

st.set_page_config(page_title="formcheck", page_icon="🦵", layout="wide")

_RUN = {"Upload": upload_page, "Live": live_page, "History": history_page}

with st.sidebar:
    st.markdown("## formcheck")
    st.caption("Form checker for hip internal-rotation rehab")
    wanted = st.query_params.get("page", "Upload").capitalize()
    if "nav" not in st.session_state:
        st.session_state["nav"] = wanted if wanted in PAGES else "Upload"
    page = st.radio("Page", PAGES, key="nav", label_visibility="collapsed")
    st.caption("Everything runs on this computer; nothing is sent over the internet.")

st.session_state[PREV_PAGE_KEY] = st.session_state.get(PAGE_KEY)
st.session_state[PAGE_KEY] = page
st.query_params["page"] = page.lower()
try:
    _RUN[page]()
except Exception as exc:  # a message, never a traceback, for the people using the page
    logging.getLogger("formcheck.app").exception("page %s failed", page)
    st.error(user_message(exc) or "Something went wrong on this page; the details are in the "
             "server log. Reload the page to try again.")  # fmt: skip
