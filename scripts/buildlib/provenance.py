"""Citing a source file in `source`, and putting our citation in front of the old one so that a
rebuild over the script's own output gives the same bytes instead of stacking prefixes."""
from __future__ import annotations

REQUIRED = ("repository", "path", "commit")


def cite(provenance: dict[str, str]) -> str:
    """'owner/name path @ commit (note)': the repository, file and commit a layer was derived from."""
    text = f"{provenance.get('repository', '?')} {provenance.get('path', '?')} @ {provenance.get('commit', '?')}"
    return text + (f" ({provenance['note']})" if provenance.get("note") else "")


def missing_keys(provenance: dict[str, str]) -> list[str]:
    """The keys a citation cannot do without that `provenance` lacks."""
    return [key for key in REQUIRED if not provenance.get(key)]


def base_source(text: str, prefix: str, sep: str) -> str:
    """The citation as it was before a script put its own (starting with `prefix`, followed by
    `sep` and the old text) in front of it."""
    if text.startswith(prefix) and sep in text:
        return text.split(sep, 1)[1]
    return text


def prefixed(ours: str, old: str, prefix: str, sep: str) -> str:
    """Our citation, then the feature's earlier one (without an earlier copy of ours)."""
    return f"{ours}{sep}{base_source(old, prefix, sep)}"
