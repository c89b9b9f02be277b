"""The Streamlit app: pages, the live page, the history store, charts."""
