"""One error boundary per page: a viewer gets a short message in their language and the page
keeps working; the details (traceback, server paths) go to the server log, never to the
browser. st.rerun() and st.stop() pass through (they are not Exceptions)."""
from __future__ import annotations

import logging
import uuid
from typing import Callable

import streamlit as st

from layers import i18n

log = logging.getLogger("huzhou.pages")


def guarded(body: Callable[[], None], lang: str) -> None:
    try:
        body()
    except Exception:  # the boundary itself: anything else would reach the viewer as a traceback
        ref = uuid.uuid4().hex[:8]
        log.exception("page failed (ref %s)", ref)
        st.error(i18n.t("page_failed", lang, ref=ref))
