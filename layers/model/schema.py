"""Small helpers for checking hand-written JSON (catalogue, recipes) like data: every problem
is a Finding naming the file, the entry and the key, and an unknown key gets a 'did you mean'."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable

from layers.model.findings import ERROR, Finding


@dataclass
class Collector:
    """Findings for one JSON file; `at(...)` gives a context for one entry of it."""
    file: str
    findings: list[Finding] = field(default_factory=list)

    def error(self, message: str, hint: str = "", entry: str | None = None, index: int | None = None,
              key: str | None = None) -> None:
        self.findings.append(Finding(ERROR, self.file, message, hint, feature_index=index, feature_id=entry,
                                     field=key, item="entry"))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else f"known: {', '.join(sorted(known))}"


def check_keys(out: Collector, obj: dict, allowed: Iterable[str], required: Iterable[str] = (),
               entry: str | None = None, index: int | None = None, prefix: str = "") -> None:
    """Unknown keys (with a suggestion) and missing required keys of one JSON object."""
    allowed = set(allowed)
    for key in obj:
        if key not in allowed:
            out.error(f"unknown key '{prefix}{key}'", did_you_mean(key, allowed), entry, index, prefix + key)
    for key in required:
        if key not in obj:
            out.error(f"missing key '{prefix}{key}'", "add it (the README describes each key)",
                      entry, index, prefix + key)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
