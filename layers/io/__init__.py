"""Reading and writing data: the loader (read + validate a layer), uploads (importing), data
downloads (exporting), attribute tables, basemap definitions and tiles. May import `checks`,
`model`, `geo`."""
