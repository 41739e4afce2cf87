"""Which layers are on, when both the browser's layer panel and Python may change it.

Every decision carries a sequence number and the newest wins (docs/decisions/0006). The
browser numbers its decisions max(Date.now(), last + 1); Python's overrides (shared links,
search results) take max(last seen, now) + 1, so a server clock behind the browser's cannot
make an override look old.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


@dataclass
class VisibleLayers:
    ids: list[str]
    seq: int = 0

    def adopt(self, value: Any, known: set[str]) -> bool:
        """Take a decision the layer panel sent ({"visible": [...], "seq": n}) if it is newer.
        Unknown ids (a layer removed from the catalogue meanwhile) are dropped."""
        if not isinstance(value, dict) or not isinstance(value.get("seq"), (int, float)):
            return False
        if value["seq"] <= self.seq or not isinstance(value.get("visible"), list):
            return False
        self.ids = [i for i in value["visible"] if isinstance(i, str) and i in known]
        self.seq = int(value["seq"])
        return True

    def override(self, ids: list[str], now_ms: int | None = None) -> None:
        """Python decides (e.g. a search result's layer must be visible)."""
        now = int(time.time() * 1000) if now_ms is None else now_ms
        self.ids = list(dict.fromkeys(ids))
        self.seq = max(self.seq, now) + 1

    def show(self, layer_id: str, now_ms: int | None = None) -> bool:
        """Make sure one layer is on; True if that changed anything."""
        if layer_id in self.ids:
            return False
        self.override([*self.ids, layer_id], now_ms)
        return True

    def as_message(self) -> dict[str, Any]:
        return {"visible": list(self.ids), "seq": self.seq}
