"""URL query parameters ⇄ view state."""
from layers.web.urlstate import encode, parse

KNOWN = {"districts", "rail_lines"}


def test_round_trip():
    params = encode(["districts", "rail_lines"], "osm", "en", (30.9, 120.1), 11)
    state = parse(params, KNOWN, ["none", "osm"], ("zh", "en"))
    assert (state.layers, state.basemap, state.lang, state.center, state.zoom) == \
        (["districts", "rail_lines"], "osm", "en", (30.9, 120.1), 11)
    assert state.problems == []


def test_bad_values_are_ignored_and_reported():
    state = parse({"layers": "districts,nope", "basemap": "bing", "center": "abc", "zoom": "99"},
                  KNOWN, ["none"], ("zh", "en"))
    assert state.layers == ["districts"] and state.basemap is None and state.center is None
    assert state.zoom == 18
    assert len(state.problems) == 3


def test_filters_round_trip_and_bad_filter_values_are_reported():
    statuses = ("operating", "under_construction", "planned")
    params = encode(["districts"], "none", "zh", None, None, ["operating", "planned"], "nanxun")
    assert params["status"] == "operating,planned" and params["district"] == "nanxun"
    state = parse(params, KNOWN, ["none"], ("zh", "en"), statuses, {"nanxun", "wuxing"})
    assert state.statuses == ["operating", "planned"] and state.district == "nanxun" and state.problems == []
    assert "status" not in encode(["districts"], "none", "zh", None, None)  # no filter, no parameter
    bad = parse({"status": "operating,<script>", "district": "mars"}, KNOWN, ["none"], ("zh", "en"), statuses,
                {"nanxun"})
    assert bad.statuses == ["operating"] and bad.district is None
    assert any(p.startswith("status:") for p in bad.problems) and any(p.startswith("district:") for p in bad.problems)


# The compare page's link (pages/compare.py): the plan on each side plus the shared view.
from layers.web.urlstate import encode_compare, parse_compare  # noqa: E402

PLANS = ["2019", "2024"]


def test_compare_link_round_trip():
    params = encode_compare("2024", "2019", "osm", "en", (30.9, 120.1), 11)
    assert params == {"left": "2024", "right": "2019", "basemap": "osm", "lang": "en",
                      "center": "30.90000,120.10000", "zoom": "11"}
    state = parse_compare(params, PLANS, ["none", "osm"], ("zh", "en"))
    assert (state.left, state.right) == ("2024", "2019")
    assert (state.view.basemap, state.view.lang, state.view.center, state.view.zoom) == ("osm", "en", (30.9, 120.1), 11)
    assert state.problems == []


def test_compare_link_without_a_view_leaves_it_to_the_page():
    params = encode_compare("2019", "2024", "none", "zh", None, None)
    assert params == {"left": "2019", "right": "2024", "basemap": "none", "lang": "zh"}
    state = parse_compare({}, PLANS, ["none"], ("zh", "en"))
    assert (state.left, state.right, state.view.center, state.view.zoom, state.problems) == (None, None, None, None, [])


def test_compare_link_bad_values_are_ignored_and_named():
    state = parse_compare({"left": "2030", "right": "x" * 5000, "center": "nan,inf", "zoom": "1e309",
                           "lang": "fr", "layers": "districts"}, PLANS, ["none"], ("zh", "en"))
    assert (state.left, state.right, state.view.center, state.view.zoom, state.view.lang) == (None, None, None, None, None)
    assert sorted(p.split(":")[0] for p in state.problems) == ["center", "lang", "left", "right", "zoom"]
    assert all(len(p) < 120 for p in state.problems)  # a huge value is not echoed back


def test_compare_link_keeps_the_good_side_when_the_other_is_bad():
    state = parse_compare({"left": "2019", "right": "2019<script>", "zoom": "10"}, PLANS, ["none"], ("zh", "en"))
    assert (state.left, state.right, state.view.zoom) == ("2019", None, 10)
    assert [p.split(":")[0] for p in state.problems] == ["right"]


def test_a_status_link_naming_no_known_status_filters_nothing():
    statuses = ("operating", "under_construction", "planned")
    typo = parse({"status": "operatng"}, KNOWN, ["none"], ("zh", "en"), statuses, set())
    assert typo.statuses is None and typo.problems  # all statuses, and the typo is named
    cleared = parse({"status": ""}, KNOWN, ["none"], ("zh", "en"), statuses, set())
    assert cleared.statuses == []  # every status cleared on purpose: show none
