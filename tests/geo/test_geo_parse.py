"""parse_areal: what a user may send as a territory or zone, and how each refusal is reported."""

import json

import pytest
from shapely.geometry import MultiPolygon, mapping

from mapper.geo import parse_areal

from .shapes import PARIS, feature, polygon, refused, square


# -- accepted ------------------------------------------------------------------------------


def test_polygon_becomes_a_valid_multipolygon():
    parsed = parse_areal(PARIS)
    assert isinstance(parsed.geom, MultiPolygon)
    assert len(parsed.geom.geoms) == 1
    assert parsed.geom.is_valid
    assert parsed.geom.area == pytest.approx(0.01)
    assert parsed.repaired is False
    assert parsed.vertex_count == 5


def test_polygon_with_hole_keeps_the_hole():
    parsed = parse_areal(polygon(square(2, 48, 1.0), square(2.25, 48.25, 0.5)[::-1]))
    assert parsed.geom.area == pytest.approx(1.0 - 0.25)
    assert len(parsed.geom.geoms[0].interiors) == 1


def test_multipolygon_keeps_its_parts():
    geom = {"type": "MultiPolygon", "coordinates": [[square(2, 48)], [square(4, 45)]]}
    parsed = parse_areal(geom)
    assert len(parsed.geom.geoms) == 2
    assert parsed.geom.area == pytest.approx(2.0)
    assert parsed.vertex_count == 10


def test_feature_is_unwrapped():
    parsed = parse_areal(feature(PARIS, name="Paris 14e"))
    assert parsed.geom.equals(parse_areal(PARIS).geom)


def test_feature_collection_is_unioned():
    # two adjacent squares sharing an edge, plus one far away: union gives two parts
    fc = {
        "type": "FeatureCollection",
        "features": [
            feature(polygon(square(2, 48))),
            feature(polygon(square(3, 48))),
            feature({"type": "MultiPolygon", "coordinates": [[square(5, 45)]]}),
        ],
    }
    parsed = parse_areal(fc)
    assert parsed.geom.is_valid
    assert len(parsed.geom.geoms) == 2
    assert parsed.geom.area == pytest.approx(3.0)
    merged = max(parsed.geom.geoms, key=lambda p: p.area)
    assert merged.bounds == (2.0, 48.0, 4.0, 49.0)


def test_geometry_collection_of_polygons_is_unioned():
    gc = {"type": "GeometryCollection", "geometries": [polygon(square(2, 48)), polygon(square(2.5, 48))]}
    assert parse_areal(gc).geom.area == pytest.approx(1.5)


def test_json_text_is_decoded():
    assert parse_areal(json.dumps(PARIS)).geom.area == pytest.approx(0.01)
    assert parse_areal(json.dumps(PARIS).encode()).vertex_count == 5


def test_tuples_from_shapely_mapping_are_accepted():
    geom = parse_areal(PARIS).geom
    assert parse_areal(mapping(geom)).geom.equals(geom)


def test_altitude_is_dropped():
    ring = [[x, y, 35.0] for x, y in square(2, 48)]
    parsed = parse_areal(polygon(ring))
    assert not parsed.geom.has_z
    assert parsed.geom.area == pytest.approx(1.0)


@pytest.mark.parametrize(
    "name",
    ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"],
)
def test_wgs84_crs_member_is_tolerated(name):
    geom = dict(PARIS, crs={"type": "name", "properties": {"name": name}})
    assert parse_areal(geom).geom.area == pytest.approx(0.01)


def test_la_reunion_is_in_france():
    parsed = parse_areal(polygon(square(55.4, -21.2, 0.2)))
    assert parsed.geom.bounds == pytest.approx((55.4, -21.2, 55.6, -21.0))


@pytest.mark.parametrize(
    "lon, lat",
    [(-61.6, 16.2), (-61.05, 14.6), (-52.4, 4.9), (45.15, -12.8), (9.0, 42.1), (-4.5, 48.4)],
    ids=["guadeloupe", "martinique", "guyane", "mayotte", "corse", "finistere"],
)
def test_drom_and_corners_of_france_are_accepted(lon, lat):
    assert parse_areal(polygon(square(lon, lat, 0.05))).geom.area > 0


# -- refused: shape of the JSON ------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    ["{not json", [1, 2], {"coordinates": []}, {"type": "polygon", "coordinates": []}, None],
    ids=["bad-text", "list", "no-type", "unknown-type", "none"],
)
def test_invalid_json(obj):
    assert refused(obj).code == "invalid_json"


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [2.35, 48.85]},
        {"type": "LineString", "coordinates": [[2.3, 48.8], [2.4, 48.9]]},
        {"type": "MultiPoint", "coordinates": [[2.3, 48.8]]},
        {
            "type": "GeometryCollection",
            "geometries": [PARIS, {"type": "LineString", "coordinates": [[2.3, 48.8], [2.4, 48.9]]}],
        },
    ],
    ids=["point", "linestring", "multipoint", "collection-with-line"],
)
def test_not_areal(geometry):
    err = refused(geometry)
    assert err.code == "not_areal"
    assert "Polygon" in err.reason


def test_non_areal_feature_in_collection_is_named():
    fc = {
        "type": "FeatureCollection",
        "features": [feature(PARIS), feature({"type": "Point", "coordinates": [2.35, 48.85]})],
    }
    err = refused(fc)
    assert err.code == "not_areal"
    assert err.reason.startswith("entité 2")


def test_lambert93_crs_is_refused_with_its_name():
    geom = dict(PARIS, crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}})
    err = refused(geom)
    assert err.code == "unsupported_crs"
    assert "2154" in err.reason and "WGS84" in err.reason


def test_crs_on_the_collection_is_checked_too():
    fc = {"type": "FeatureCollection", "crs": {"type": "link"}, "features": [feature(PARIS)]}
    assert refused(fc).code == "unsupported_crs"


def test_field_is_carried_into_the_error():
    err = refused({"type": "Point", "coordinates": [2, 48]}, field="territory")
    assert err.field == "territory"
    assert str(err).startswith("territory: ")
    assert err.as_dict() == {"field": "territory", "code": "not_areal", "reason": err.reason}
