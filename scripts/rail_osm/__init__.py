"""The rail build's own machinery (scripts/build_rail_osm.py keeps the recipes and the run):
reading its sources, laying a line on corridors, putting stations on OSM nodes, the report.
Tolerances live here because every step measures against them."""
HUZHOU_BBOX = (119.2, 30.35, 120.6, 31.2)  # lon/lat: Huzhou's five districts and a little more
LINE_TOL_M = 150.0       # a station node counts as "on" a line within this distance
PRIOR_RADIUS_M = 1000.0  # a located station only moves to a node this close to its old point
NAME_RADIUS_M = 5000.0   # a same-named node further than this from the station is someone else's
GAP_M = 1500.0           # a straight source segment this long is a bridged gap, not surveyed track
INSERT_MAX_M = 1000.0    # a station node this close to a gap segment becomes a vertex of it
TERMINAL_MAX_M = 5000.0  # a terminal station this close past the line's end gets a straight connector
OSM_KIND = "train"       # OMap `station` field: train | subway | tram | monorail | tram_stop
