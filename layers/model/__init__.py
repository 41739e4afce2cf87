"""The declarative core: the layer catalogue (catalogue.json, spec, its checks), the style
resolver, overlay recipes, the finding type every check reports with, and the canonical GeoJSON
file form (storage). Imports nothing of ours but `settings` and `i18n`."""
