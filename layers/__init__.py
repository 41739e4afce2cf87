"""Huzhou planning map: everything that is not UI.

Streamlit pages call into this package; it never imports Streamlit, so the same
code serves the app, the CLI (`python -m layers`) and the tests.
"""
