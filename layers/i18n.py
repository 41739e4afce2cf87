"""UI strings in Chinese (default) and English. Data text lives in the GeoJSON, not here."""
from __future__ import annotations

DEFAULT_LANG = "zh"
LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "湖州规划地图 · 虹桥国际开放枢纽金西翼", "en": "Huzhou planning map · Golden West Wing of the Hongqiao hub"},
    "language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "basemap_none": {"zh": "无底图（离线）", "en": "None (offline)"},
    "basemap_osm": {"zh": "OpenStreetMap（需联网）", "en": "OpenStreetMap (online)"},
    "basemap_carto": {"zh": "CartoDB Positron（需联网）", "en": "CartoDB Positron (online)"},
    "layers": {"zh": "图层", "en": "Layers"},
    "legend": {"zh": "图例", "en": "Legend"},
    "layer_failed": {"zh": "图层“{title}”未能加载，其余图层正常显示：", "en": "Layer '{title}' could not be loaded; the rest of the map still works:"},
    "no_layers": {"zh": "未选择任何图层。", "en": "No layers selected."},
    "status_operating": {"zh": "运营", "en": "operating"},
    "status_under_construction": {"zh": "在建", "en": "under construction"},
    "status_planned": {"zh": "规划", "en": "planned"},
    "features": {"zh": "要素", "en": "features"},
    "data_sources": {"zh": "数据来源见各要素的“来源”字段及 geodata/README.md。", "en": "Sources: each feature's 'source' field and geodata/README.md."},
}


def t(key: str, lang: str, **fmt: str) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key][DEFAULT_LANG]
    return text.format(**fmt) if fmt else text
