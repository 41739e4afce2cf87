"""PNG export time at 1920×1080 against a naive geopandas plot of the same layers, same run.

    .venv/bin/python bench/bench_export.py
"""
from __future__ import annotations

import datetime as dt
import io

from common import median_seconds, write_table

import geopandas as gpd  # noqa: E402
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from layers.model.catalogue import load_catalogue  # noqa: E402
from layers.io.exporting import load_for_export  # noqa: E402
from layers.printing.printmap import ExportRequest, page_size, render_png  # noqa: E402


def export_row() -> tuple[str, str, str, str, str]:
    catalogue = load_catalogue()
    ids = [s.id for s in catalogue.layers if s.visible]
    data = load_for_export(catalogue, ids)
    request = ExportRequest(layers=ids, title="湖州市", size=page_size("1920x1080"), date=dt.date(2026, 1, 1))

    def ours():
        render_png(request, catalogue, data)

    def naive():
        # The naive way: one geopandas plot per layer, no layout, no labels.
        fig, ax = plt.subplots(figsize=(12.8, 7.2), dpi=150)
        for layer_id in ids:
            located = [f for f in data[layer_id]["features"] if f.get("geometry")]
            gpd.GeoDataFrame.from_features(located, crs="EPSG:4326").to_crs("EPSG:4549").plot(ax=ax)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    t_ours, t_naive = median_seconds(ours, 3), median_seconds(naive, 3)
    return ("PNG export 1920×1080", f"{t_ours:.2f} s", f"{t_naive:.2f} s", f"{t_ours / t_naive:.2f}", "≤ 3 s")


def main() -> None:
    write_table("export", "PNG export, 1920×1080, default layers (median of 3)", [export_row()])


if __name__ == "__main__":
    main()
