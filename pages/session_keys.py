"""Every key the pages keep in `st.session_state`: what it holds and who writes it. Pages use
these names instead of string literals, so a key has one owner and a typo fails at import.

Shared between pages (written by the map page, read by the others):
"""
LANG = "hz_lang"            # UI language, "zh" or "en" (plain copy: widget keys vanish off-page)
BASEMAP = "hz_basemap"      # chosen basemap id (plain copy of the "basemap" widget)
LAYERS = "hz_layers"        # layers.layerstate.VisibleLayers: what the map shows; Export starts from it
CHANNEL = "hz_channel"      # this session's BroadcastChannel name (panel ⇄ map ⇄ view reader)
URL_VIEW = "hz_url"         # layers.urlstate.ViewState parsed once from the opening link
FILTER_STATUS = "hz_filter_status"  # statuses the status filter keeps (plain copy of its widget)
FILTER_DISTRICT = "hz_filter_district"  # district id the district filter keeps, "" for all (plain copy)
BBOX = "hz_bbox"            # (lon_min, lat_min, lon_max, lat_max) the map last showed; Export's extent

# Map page only
INCLUDES = "hz_includes"    # (filter key, layer id → ids passing the filters), cached per filter
SEARCH_FOCUS = "hz_focus_key"  # (query, picked result): the search result last flown to
PROJECT_FOCUS = "hz_project_focus"  # id of the project last picked in the project table
DISTRICT_FOCUS = "hz_district_focus"  # id of the district last chosen in the district filter
FOCUS_OWNER = "hz_focus_owner"  # "search", "project" or "district": whichever was chosen last moves the map
FOCUS_TOKEN = "hz_focus_token"  # increases per new choice: the map flies once per token

# Export page only
PNG = "hz_png"              # the last rendered PNG (bytes), offered for download
PDF = "hz_pdf"              # the last rendered PDF handout (bytes), offered for download
SITE_ZIP = "hz_site_zip"    # the last static-site zip built for a signed-in editor

# Compare page only
COMPARE_URL = "hz_compare"  # layers.urlstate.CompareState: from the opening link, then the chosen plans
COMPARE_LINK = "hz_compare_link"  # this session's BroadcastChannel name: the two maps move together
COMPARE_LAYERS = "hz_compare_layers"  # "left"/"right" → layers.layerstate.VisibleLayers of that side's plan

# Edit page only
EDITOR = "hz_editor"        # the signed-in editor's name
EDITS = "hz_edits"          # layer id → working copy {data, digest} not saved yet
GEOM_TOKENS = "hz_geom_tokens"  # layer id → last geometry-editor message applied
CONFLICT = "hz_conflict"    # layer id whose save was refused as a conflict (offer a rebase)
FLASH = "hz_flash"          # one message shown after the next rerun (saved, rebased)
