"""Validation findings: one problem each, saying where it is and what to do.

Modelled on collect-then-raise validators: every check appends a Finding, and the
caller decides whether errors block (saving, CI) or only warn (the map page).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    file: str
    message: str
    hint: str = ""
    feature_index: int | None = None
    feature_id: str | None = None
    field: str | None = None
    item: str = "feature"  # what feature_index counts: features of a layer, entries of the catalogue

    def where(self) -> str:
        """'districts.geojson, feature #3 (id=wuxing), field name_en' – as much as is known."""
        parts = [self.file]
        if self.feature_index is not None:
            ident = f" (id={self.feature_id})" if self.feature_id else ""
            parts.append(f"{self.item} #{self.feature_index}{ident}")
        elif self.feature_id:
            parts.append(f"{self.item} {self.feature_id}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.severity.upper()}: {self.where()}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def to_dict(self) -> dict:
        return asdict(self)


class LayerError(Exception):
    """Raised when a layer cannot be used; carries every finding, not just the first."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


class ExportError(ValueError):
    """Bad export request; the message says which argument and what is accepted."""


def bounded(findings: list[Finding], per_kind: int = 20, total: int = 200) -> tuple[list[Finding], int]:
    """The first `per_kind` findings of each kind (same severity and message), at most `total`
    in all, and how many were left out: an import of 50 000 bad rows names the problem, not
    50 000 lines."""
    shown: list[Finding] = []
    per: dict[tuple[str, str], int] = {}
    for finding in findings:
        kind = (finding.severity, finding.message)
        if per.get(kind, 0) < per_kind and len(shown) < total:
            shown.append(finding)
        per[kind] = per.get(kind, 0) + 1
    return shown, len(findings) - len(shown)
