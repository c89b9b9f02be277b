"""Resources the app's pages share across reruns: the history store."""

from __future__ import annotations

import streamlit as st

from formcheck.app.store import Store, StoreError, default_db_path


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store(path)


def get_store() -> tuple[Store | None, str | None]:
    """The history store, or ``(None, message)`` when the database is unusable."""
    try:
        store = _store(str(default_db_path()))
    except StoreError as e:
        return None, str(e)
    return store, store.read_only_reason
