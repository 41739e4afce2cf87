"""Steps the build scripts share, each written once; a build script keeps only its own source's
matching rules.

- `adcode`: Vonng/adcode town, street and county centres (GCJ-02 → WGS 84);
- `provenance`: citing a source file, and prefixing our citation so a rebuild is byte-stable;
- `polyline`: cutting, ordering and checking a source's polyline in metres;
- `through_points`: a schematic course through sourced points (stations, town centres, nodes);
- `output`: the --out/--write choice and deterministic writing of our layers.

May import `layers.model` and `layers.geo` (canonical storage, CRS), nothing of the app."""
