"""Start the app the way scripts/start.sh and the tests do: `streamlit run app.py`, but with
Streamlit's old automatic multipage mode switched off first.

Why: Streamlit treats a `pages/` folder next to the main script as "v1" pages until the first
st.navigation() call of the process. So the first visitor after a server start who opens a deep
link (/data, /export, /edit) got Streamlit's own page list, a "Page not found" dialog, or a page
script run without app.py (no sign-in state, no shared settings). app.py always uses
st.navigation, so the v1 mode is never wanted.
"""
from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(cli.main())
