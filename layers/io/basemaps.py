"""Tile basemaps: one definition for the web map (layers/web/webmap.py) and PNG export (layers/io/tiles.py)."""
from __future__ import annotations

from typing import Any

# Basemaps other than "none" are optional online extras; "none" is the offline default.
BASEMAPS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "osm": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "attr": "© OpenStreetMap contributors"},
    "carto": {"url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              "attr": "© OpenStreetMap contributors © CARTO"},
    # Amap tiles are in GCJ-02: layers drawn over them are shifted (layer_config gcj=True).
    "amap": {"url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
             "attr": "© 高德地图 AutoNavi", "subdomains": "1234", "gcj": True},
    # Tianditu needs a key (HZ_TIANDITU_KEY or Streamlit secret tianditu_key); {key} is filled in.
    "tianditu": {"url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                        "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                        "&TILECOL={x}&tk={key}",
                 "attr": "© 天地图 Tianditu", "subdomains": "01234567", "needs_key": True},
}


def tile_url(name: str, x: int, y: int, z: int) -> str:
    """A concrete tile URL for server-side fetching (first subdomain, standard resolution)."""
    cfg = BASEMAPS[name]
    if cfg is None or cfg.get("needs_key"):
        raise KeyError(name)
    return cfg["url"].format(s=cfg.get("subdomains", "abc")[0], r="", x=x, y=y, z=z)
