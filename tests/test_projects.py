"""The project table: which projects are in a district, who leads them, where they are."""
from __future__ import annotations

from layers.model.catalogue import load_catalogue
from layers.io.loader import load_layer
from layers.plans.projects import filter_rows, focus_for, lead_units, project_rows

CATALOGUE = load_catalogue()
DATA = {spec.id: load_layer(spec).data for spec in CATALOGUE.layers}
ROWS = project_rows(CATALOGUE, DATA, "zh")


def test_fourteen_projects_in_number_order_with_content_and_lead_unit():
    assert [r.number for r in ROWS] == list(range(1, 15))
    assert all(r.content and r.lead_unit and r.district for r in ROWS)


def test_nanxun_projects_and_who_leads_them():
    nanxun = filter_rows(ROWS, district="南浔区")
    assert [r.number for r in nanxun] == [5, 6, 7]
    assert {r.lead_unit for r in nanxun} == {"南浔区"}
    assert all("金西翼" not in r.name for r in nanxun)  # a city-wide programme is not put in a district


def test_lead_unit_filter_matches_each_named_unit():
    assert "市交通运输局" in lead_units(ROWS) and "各区县" in lead_units(ROWS)
    assert [r.number for r in filter_rows(ROWS, lead_unit="市交通运输局")] == [1, 2]


def test_a_project_is_shown_at_its_located_features():
    row = next(r for r in ROWS if r.number == 6)
    (target,) = row.targets
    assert target.feature_id == "park_pan_semiconductor"
    focus = focus_for(row, token=7)
    (s, w), (n, e) = focus["bounds"]
    assert w <= target.lon <= e and s <= target.lat <= n and focus["token"] == 7
    unlocated = next(r for r in ROWS if r.number == 12)  # 长三角金融服务中心: names no feature
    assert not unlocated.located and focus_for(unlocated, 1) is None
    assert "泛半导体" in row.related  # names, not ids
