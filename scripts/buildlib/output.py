"""Where a build script writes: a scratch folder to compare (--out) or geodata/ itself (--write),
always in the canonical form, atomically, so a rebuild from the same inputs gives the same bytes."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from layers.model.storage import atomic_write_text, dumps_canonical


def add_target_args(parser: argparse.ArgumentParser, what: str) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help=f"write {what} into this folder")
    target.add_argument("--write", action="store_true", help=f"replace {what} in --geodata")


def target_folder(args: argparse.Namespace) -> Path:
    return args.geodata if args.write else args.out


def write_layers(folder: Path, layers: dict[str, dict[str, Any] | str]) -> list[Path]:
    """File name → FeatureCollection (or its canonical text); returns the paths written."""
    written = []
    for name, data in layers.items():
        path = folder / name
        atomic_write_text(path, data if isinstance(data, str) else dumps_canonical(data))
        written.append(path)
    return written
