"""Vonng/adcode (CC BY 4.0): China's towns and streets (乡镇/街道) with NBS codes and Amap
"geographic centres" in GCJ-02, one headerless CSV per county (`data/adcode/<county>.csv`).
Columns used: 0 code, 2 name, 3 level, 12–13 lon/lat (GCJ-02, empty for some rows)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from layers.geo.crs import gcj02_to_wgs84

COMMIT = "b755d6e4abca8e0d309728abc9ad4b100dacc685"
CITE = ("Vonng/adcode {paths} @ " + COMMIT + " (NBS 2016 codes, Amap centres in GCJ-02, CC BY 4.0), {rows}, "
        "GCJ-02 → WGS 84 by layers.crs.gcj02_to_wgs84")


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    county: str
    lon_gcj: float
    lat_gcj: float

    @property
    def wgs84(self) -> tuple[float, float]:
        return gcj02_to_wgs84(self.lon_gcj, self.lat_gcj)


def read_towns(adcode_dir: Path, counties: Iterable[str]) -> dict[str, Town]:
    """Town/street rows (level 'town') with a centre, by code; rows without one are skipped."""
    towns: dict[str, Town] = {}
    for county in sorted(set(counties)):
        with (adcode_dir / f"{county}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) < 14 or row[3] != "town" or not row[12] or not row[13]:
                    continue
                towns[row[0]] = Town(row[0], row[2], county, float(row[12]), float(row[13]))
    return towns


def towns_without_centre(adcode_dir: Path, counties: Iterable[str]) -> list[str]:
    """Names of town rows that carry no centre (said, not silently dropped)."""
    out = []
    for county in sorted(set(counties)):
        with (adcode_dir / f"{county}.csv").open(encoding="utf-8", newline="") as handle:
            out += [row[2] for row in csv.reader(handle) if len(row) >= 14 and row[3] == "town"
                    and not (row[12] and row[13])]
    return out


@dataclass(frozen=True)
class Unit:
    """One admin unit (town, street or county) picked by its 12-digit code, at its centre in WGS 84."""
    code: str
    name: str
    lon: float
    lat: float


def read_units(adcode_dir: Path | None, codes: Iterable[str]) -> dict[str, Unit]:
    """Units by 12-digit code from `<6-digit county>.csv` (a county's own row sits in its file
    too), converted to WGS 84. Units without a centre, or files not given, are left out."""
    out: dict[str, Unit] = {}
    if adcode_dir is None:
        return out
    for code in sorted(set(codes)):
        path = adcode_dir / f"{code[:6]}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                if row and row[0] == code and len(row) > 13 and row[12] and row[13]:
                    lon, lat = gcj02_to_wgs84(float(row[12]), float(row[13]))
                    out[code] = Unit(code, row[2], round(lon, 6), round(lat, 6))
    return out


def cite_unit(unit: Unit, repository: str = "Vonng/adcode", commit: str = COMMIT) -> str:
    """Where one unit's centre comes from, for a feature's `source`."""
    return (f"{unit.name}: {repository} data/adcode/{unit.code[:6]}.csv @ {commit} row {unit.code} "
            "(Amap centre, GCJ-02 converted to WGS 84; CC BY 4.0)")
