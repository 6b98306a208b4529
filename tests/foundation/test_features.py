"""The one GeoJSON path (services/features.py): filters compose, pages are stable, PostgreSQL
writes RFC 7946 (lon/lat, no ``crs``)."""
from __future__ import annotations

import json

import pytest

from mapper.services import features
from mapper.services.communes import COMMUNES
from mapper.services.features import any_of, bbox, equals, name_or_code_prefix
from tests.factories.geo import grid_communes, write_geojson
from mapper.imports.communes import import_communes_file


@pytest.fixture()
def grid(session, tmp_path):
    path = write_geojson(tmp_path / "g.geojson", grid_communes("01", (5.0, 45.0), 3, 0.1))
    assert import_communes_file(session, path, population_year=2023).ok
    return session


def codes(body: str) -> list[str]:
    return [f["id"] for f in json.loads(body)["features"]]


def test_filters_compose_and_none_is_no_filter(grid):
    everything = features.collection(grid, COMMUNES, [equals("c.departement", "01"), None])
    assert codes(everything) == [f"01{k:03d}" for k in range(1, 10)]
    some = features.collection(grid, COMMUNES, [any_of("c.code", ["01002", "01005", "99999"]),
                                                equals("c.region", "84")])
    assert codes(some) == ["01002", "01005"]
    assert codes(features.collection(grid, COMMUNES, [name_or_code_prefix(
        "c.name", "c.code", "commune 01-7")])) == ["01007"]


def test_pages_with_limit_and_offset_follow_the_order(grid):
    pages = [codes(features.collection(grid, COMMUNES, [equals("c.departement", "01")],
                                       limit=4, offset=o)) for o in (0, 4, 8)]
    assert pages == [["01001", "01002", "01003", "01004"], ["01005", "01006", "01007", "01008"],
                     ["01009"]]


def test_bbox_keeps_what_meets_the_box_and_geometry_is_rfc7946(grid):
    body = features.collection(grid, COMMUNES, [bbox("c.geom", (5.0, 45.0, 5.05, 45.05))])
    fc = json.loads(body)
    assert [f["id"] for f in fc["features"]] == ["01001"]
    assert "crs" not in fc and fc["type"] == "FeatureCollection"
    ring = fc["features"][0]["geometry"]["coordinates"][0][0]
    assert all(4.99 <= lon <= 5.11 and 44.99 <= lat <= 45.11 for lon, lat in ring)
    without = json.loads(features.collection(grid, COMMUNES, [equals("c.code", "01001")],
                                             geometry=False))
    assert without["features"][0]["geometry"] is None
    assert without["features"][0]["properties"]["nom"] == "Commune 01-1"


def test_one_feature_or_none(grid):
    assert json.loads(features.feature(grid, COMMUNES, [equals("c.code", "01003")]))["id"] \
        == "01003"
    assert features.feature(grid, COMMUNES, [equals("c.code", "99999")]) is None


def test_two_filters_binding_one_name_differently_are_refused():
    with pytest.raises(ValueError):
        features.where([equals("c.code", "01001"), equals("c.code", "01002")])
