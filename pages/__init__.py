"""Streamlit pages (listed explicitly in app.py) and their UI-only helpers."""
