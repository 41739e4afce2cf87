"""Pure geometry: coordinate systems (WGS 84, GCJ-02, CGCS2000 metric), simplification per zoom,
and label anchors shared by the web map and print. Imports nothing of ours but `settings`."""
