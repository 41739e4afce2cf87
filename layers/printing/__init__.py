"""PNG and PDF exports: the print map, its layout engine (title, legend, scale bar, notes),
CJK fonts, and the export entry points. May import `plans` and below; never `web` or `editing`."""
