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
    # enum values, keyed "<property>_<value>"
    "kind_high_speed": {"zh": "高速铁路", "en": "high-speed"},
    "kind_conventional": {"zh": "普速铁路", "en": "conventional"},
    "kind_intercity": {"zh": "城际铁路", "en": "intercity"},
    "kind_freight": {"zh": "货运", "en": "freight"},
    "kind_channel": {"zh": "航道", "en": "channel"},
    "kind_river": {"zh": "河流", "en": "river"},
    "kind_port": {"zh": "港口", "en": "port"},
    "kind_port_area": {"zh": "港区", "en": "port area"},
    "kind_terminal": {"zh": "码头", "en": "terminal"},
    "kind_logistics_park": {"zh": "物流园", "en": "logistics park"},
    "kind_core_platform": {"zh": "核心平台", "en": "core platform"},
    "kind_park": {"zh": "园区", "en": "park"},
    "kind_science_hub": {"zh": "科创载体", "en": "science hub"},
    "kind_new_town": {"zh": "新城", "en": "new town"},
    "direction_east": {"zh": "东向", "en": "east"},
    "direction_south": {"zh": "南向", "en": "south"},
    "direction_north": {"zh": "北向", "en": "north"},
    "direction_west": {"zh": "西向", "en": "west"},
    "direction_other": {"zh": "其他", "en": "other"},
    "basemap_amap": {"zh": "高德地图（需联网，GCJ-02 已纠偏）", "en": "Amap / Gaode (online, GCJ-02 corrected)"},
    "basemap_tianditu": {"zh": "天地图（需联网）", "en": "Tianditu (online)"},
    "show_all": {"zh": "全部显示", "en": "Show all"},
    "hide_all": {"zh": "全部隐藏", "en": "Hide all"},
    "search": {"zh": "搜索名称（中文或英文）", "en": "Search by name (Chinese or English)"},
    "search_results": {"zh": "搜索结果", "en": "Results"},
    "no_results": {"zh": "没有匹配的要素。", "en": "No matching feature."},
    "unlocated_note": {"zh": "该要素暂无有出处的位置，地图上不显示；属性如下：", "en": "This feature has no sourced position yet, so it is not drawn; its attributes:"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "filter_status": {"zh": "状态", "en": "Status"},
    "filter_district": {"zh": "区县", "en": "District"},
    "all_districts": {"zh": "全部区县", "en": "All districts"},
    "share": {"zh": "当前地址栏链接即可分享此视图（图层、底图、语言、中心和缩放）。", "en": "The address bar link shares this view (layers, basemap, language, centre and zoom)."},
    "features": {"zh": "要素", "en": "features"},
    "data_sources": {"zh": "数据来源见各要素的“来源”字段及 geodata/README.md。", "en": "Sources: each feature's 'source' field and geodata/README.md."},
}


def t(key: str, lang: str, **fmt: str) -> str:
    text = STRINGS[key].get(lang) or STRINGS[key][DEFAULT_LANG]
    return text.format(**fmt) if fmt else text
