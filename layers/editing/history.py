"""Every saved version of every layer, kept small and crash-safe (docs/decisions/0009).

Layout, inside the data folder:
    .history/objects/<ab>/<hash>        one canonical feature line (or a file header), stored once
    .history/<layer>/<stamp>-<n>.json   one record per save: who, when, what, and the manifests
                                        (lists of object hashes) of the file before and after

A version is a manifest, so a save stores only the features it changed plus a list of short
hashes: history grows with what was edited, not with the layer's size. Every file is written
atomically (temp, fsync, rename); a record is written only after its objects, and the layer
file only after its record, so a crash at any point leaves either a complete save or a record
whose "after" is not the current file, which `check` reports and sets aside.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from layers.model.findings import WARNING, Finding
from layers.model.storage import atomic_write_bytes

HASH_LEN = 20  # hex digits of sha256 kept: collisions are not a practical concern at this size
LEFTOVER_AFTER_S = 60  # temp files older than this are from crashed writers


@dataclass(frozen=True)
class Record:
    """One save: the layer file before and after it, as manifests of object hashes."""
    name: str  # file name of the record, unique and sortable by time
    saved_at: str
    user: str
    summary: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    digest: str  # content hash of the file after the save (loader.file_digest)


def _hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()[:HASH_LEN]


class History:
    def __init__(self, data_dir: Path, layer_id: str):
        self.root = data_dir / ".history"
        self.objects = self.root / "objects"
        self.folder = self.root / layer_id
        self.damaged = self.folder / "damaged"

    # -- objects -------------------------------------------------------------------------
    def put(self, text: str) -> tuple[str, ...]:
        """Store a canonical file's lines (header, features, footer); return its manifest."""
        manifest = []
        for line in text.splitlines(keepends=True):
            raw = line.encode("utf-8")
            key = _hash(raw)
            path = self.objects / key[:2] / key
            if not path.exists():
                atomic_write_bytes(path, raw)
            manifest.append(key)
        return tuple(manifest)

    def text(self, manifest: tuple[str, ...]) -> str:
        """The file a manifest describes; raises FileNotFoundError if an object is missing."""
        return "".join((self.objects / key[:2] / key).read_bytes().decode("utf-8") for key in manifest)

    # -- records -------------------------------------------------------------------------
    def add(self, user: str, summary: str, before: tuple[str, ...], after: tuple[str, ...], digest: str) -> Record:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}.json"
        record = Record(name, dt.datetime.now().isoformat(timespec="seconds"), user, summary, before, after, digest)
        body = {"saved_at": record.saved_at, "user": user, "summary": summary, "digest": digest,
                "before": list(before), "after": list(after)}
        atomic_write_bytes(self.folder / name, json.dumps(body, ensure_ascii=False).encode("utf-8"))
        return record

    def records(self) -> tuple[list[Record], list[Finding]]:
        """Saves, newest first, and a finding for each record that cannot be read (set aside
        into damaged/ so the history stays usable)."""
        out, findings = [], []
        for path in sorted(self.folder.glob("*.json"), reverse=True):
            try:
                body = json.loads(path.read_text(encoding="utf-8"))
                out.append(Record(path.name, body["saved_at"], body["user"], body["summary"],
                                  tuple(body["before"]), tuple(body["after"]), body["digest"]))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                findings.append(self._set_aside(path, f"history record cannot be read ({type(exc).__name__})"))
        return out, findings

    def _set_aside(self, path: Path, why: str) -> Finding:
        self.damaged.mkdir(parents=True, exist_ok=True)
        os.replace(path, self.damaged / path.name)
        return Finding(WARNING, path.name, f"{why}; moved to .history/{self.folder.name}/damaged/",
                       "nothing else was lost: the layer file and the other saves are intact")

    def check(self, current_digest: str) -> list[Finding]:
        """Repair after a crash (call under the save lock): unreadable records and records whose
        objects are missing are set aside; a newest record that does not match the current file
        (the crash came between record and file) is set aside too; leftover temp files go."""
        records, findings = self.records()
        for record in records:
            try:
                self.text(record.before), self.text(record.after)
            except (OSError, UnicodeDecodeError):
                findings.append(self._set_aside(self.folder / record.name, "history record refers to missing data"))
        records, _ = self.records()
        if records and records[0].digest != current_digest and current_digest:
            findings.append(self._set_aside(self.folder / records[0].name,
                                            "the last save did not finish (the file is the version before it)"))
        cutoff = time.time() - LEFTOVER_AFTER_S
        for folder in (self.folder.parent.parent, self.folder, *self.objects.glob("*")):
            for leftover in folder.glob(".*.tmp"):
                try:
                    if leftover.stat().st_mtime < cutoff:
                        leftover.unlink()
                except OSError:
                    pass
        return findings
