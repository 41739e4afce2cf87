"""Find an installed CJK font for PNG export, or say exactly how to get one.

A figure whose Chinese labels render as empty boxes is worse than no figure, so export
stops with instructions instead of falling back to a Latin-only font.
"""
from __future__ import annotations

from functools import lru_cache

from matplotlib import font_manager

# Preference order: Simplified Chinese faces first.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
    "SimHei", "Noto Sans CJK JP", "Noto Sans CJK TC",
)

INSTALL_HINT = (
    "No Chinese (CJK) font is installed, so Chinese labels would print as empty boxes. "
    "Install one and retry: on Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`; "
    "on Windows Microsoft YaHei ships with the system; or put a Source Han Sans / Noto Sans "
    "CJK .otf file in ~/.fonts and run `fc-cache -f`."
)


class MissingFontError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    raise MissingFontError(INSTALL_HINT)
