"""What the stack allows: our map alone (same base map, same default layers, same published
files and browser runtime) on a Streamlit page with nothing else on it: no sidebar widgets, no
layer panel, no title or search. The benchmark times its first complete map next to our app's
and the baseline's, so the report shows how much of the first map is Streamlit's frontend and
the component frame, which no page built on them can avoid."""
from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from layers.web import mapconfig
from layers import settings
from layers.web import webmap  # noqa: E402
from layers.model.catalogue import load_catalogue  # noqa: E402
from layers.web.layerstate import VisibleLayers  # noqa: E402
from pages import resources  # noqa: E402

started = time.perf_counter()
catalogue = load_catalogue()
registry = resources.registry()
config_url = mapconfig.map_config_url(catalogue, registry, "zh", False)
visible = VisibleLayers([s.id for s in catalogue.layers if s.visible])
state = webmap.state_group(config_url, visible.as_message(), f"hz-layers-{uuid.uuid4().hex}", fit=True)
st_folium(webmap.base_map(catalogue, "none"), feature_group_to_add=[state], key="map", returned_objects=[],
          height=640, use_container_width=True)
if settings.bench_log():
    with open(settings.bench_log(), "a", encoding="utf-8") as log:
        log.write(f"{time.perf_counter() - started:.6f}\n")
