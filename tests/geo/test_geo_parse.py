"""parse_areal: what a user may send as a territory or zone, and how each refusal is reported."""

import json
import math

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, mapping

from mapper.geo import GeometryError, parse_areal


def square(x, y, size=1.0):
    """A closed ring, counter-clockwise, lower-left corner at (x, y)."""
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


PARIS = polygon(square(2.3, 48.8, 0.1))
BOW_TIE = polygon([[2, 48], [3, 49], [3, 48], [2, 49], [2, 48]])


def refused(obj, **kw) -> GeometryError:
    with pytest.raises(GeometryError) as info:
        parse_areal(obj, **kw)
    return info.value


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


# -- refused: coordinates ------------------------------------------------------------------


@pytest.mark.parametrize(
    "coordinates",
    [
        [[[2, 48], [3, 48], [3, 49], [2, 49]]],  # not closed
        [[[2, 48], [3, 48], [2, 48]]],  # too short
        [[]],  # empty ring
        [[[2, 48], ["3", 48], [3, 49], [2, 48]]],  # string
        [[[2, 48], [True, 48], [3, 49], [2, 48]]],  # bool is not a number
        [[[2, 48], [3], [3, 49], [2, 48]]],  # position with one number
        [[[2, 48], [math.inf, 48], [3, 49], [2, 48]]],
        [[2, 48, 3, 48]],  # ring of numbers, not positions
        "nope",
    ],
    ids=["unclosed", "short", "empty-ring", "string", "bool", "1d", "inf", "flat", "not-list"],
)
def test_unparsable(coordinates):
    assert refused(polygon() | {"coordinates": coordinates}).code == "unparsable"


def test_nan_is_unparsable():
    err = refused(polygon([[2, 48], [float("nan"), 48], [3, 49], [2, 48]]))
    assert err.code == "unparsable"
    assert "nan" in err.reason.lower()
    # JSON text with the non-standard NaN literal ends the same way
    text = '{"type": "Polygon", "coordinates": [[[2, 48], [NaN, 48], [3, 49], [2, 48]]]}'
    assert refused(text).code == "unparsable"


def test_missing_coordinates_is_unparsable():
    assert refused({"type": "Polygon"}).code == "unparsable"


@pytest.mark.parametrize(
    "obj",
    [
        {"type": "Polygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "MultiPolygon", "coordinates": [[]]},
        {"type": "FeatureCollection", "features": []},
        {"type": "Feature", "properties": {}, "geometry": None},
    ],
    ids=["polygon", "multipolygon", "multipolygon-of-nothing", "featurecollection", "null-feature"],
)
def test_empty(obj):
    assert refused(obj).code == "empty"


def test_vertex_limit_is_inclusive():
    assert parse_areal(PARIS, max_vertices=5).vertex_count == 5
    err = refused(PARIS, max_vertices=4)
    assert err.code == "too_many_vertices"
    assert "4" in err.reason


def test_vertex_limit_counts_across_features():
    fc = {"type": "FeatureCollection", "features": [feature(polygon(square(2, 48)))] * 3}
    assert refused(fc, max_vertices=14).code == "too_many_vertices"
    assert parse_areal(fc, max_vertices=15).geom.area == pytest.approx(1.0)


def test_vertex_limit_on_a_dense_ring():
    circle = Point(2.35, 48.85).buffer(0.1, quad_segs=500)  # 2001 positions
    geom = mapping(circle)
    assert refused(geom, max_vertices=2000).code == "too_many_vertices"
    assert parse_areal(geom, max_vertices=2001).vertex_count == 2001


# -- refused: where it is ------------------------------------------------------------------


def test_swapped_paris_is_detected():
    ring = [[48.85, 2.35], [48.85, 2.45], [48.95, 2.45], [48.95, 2.35], [48.85, 2.35]]
    err = refused(polygon(ring))
    assert err.code == "swapped_coordinates"
    assert "inversées" in err.reason and "[longitude, latitude]" in err.reason
    assert err.location == pytest.approx((2.35, 48.85))


def test_polygon_in_germany_is_out_of_bounds():
    berlin = polygon(square(13.3, 52.4, 0.2))
    err = refused(berlin)
    assert err.code == "out_of_bounds"
    assert err.location == pytest.approx((13.3, 52.4))
    assert "France" in err.reason


def test_projected_coordinates_are_out_of_bounds_with_a_hint():
    lambert93 = polygon(square(652000, 6862000, 1000))
    err = refused(lambert93)
    assert err.code == "out_of_bounds"
    assert "Lambert-93" in err.reason


def test_edge_crossing_outside_france_between_two_regions():
    # every vertex is in the metropole or Corse box, but the long edge crosses open sea
    ring = [[7.0, 45.0], [7.0, 44.0], [9.5, 43.2], [7.0, 45.0]]
    err = refused(polygon(ring))
    assert err.code == "out_of_bounds"
    lon, lat = err.location
    assert lon > 8.5 and lat > 43.3


# -- refused or repaired: topology ---------------------------------------------------------


def test_bow_tie_is_refused_with_its_location():
    err = refused(BOW_TIE)
    assert err.code == "self_intersection"
    assert err.location == pytest.approx((2.5, 48.5))
    assert "2.5" in err.reason and "48.5" in err.reason


def test_bow_tie_repaired_into_two_triangles():
    parsed = parse_areal(BOW_TIE, repair=True)
    assert parsed.repaired is True
    assert parsed.geom.is_valid
    assert isinstance(parsed.geom, MultiPolygon)
    assert len(parsed.geom.geoms) == 2
    assert parsed.geom.area == pytest.approx(0.5)  # two triangles of 0.25 deg² each


def test_repair_drops_the_lines_make_valid_produces():
    # a square with a spike poking out of its west side: make_valid leaves a dangling line
    ring = [[2, 48], [3, 48], [3, 49], [2, 49], [2, 48.5], [1, 48.5], [2, 48.5], [2, 48]]
    assert refused(polygon(ring)).code == "self_intersection"
    parsed = parse_areal(polygon(ring), repair=True)
    assert isinstance(parsed.geom, MultiPolygon)
    assert parsed.geom.is_valid
    assert {g.geom_type for g in shapely.get_parts(parsed.geom)} == {"Polygon"}
    assert parsed.geom.area == pytest.approx(1.0)
    assert parsed.geom.bounds == (2.0, 48.0, 3.0, 49.0)


@pytest.mark.parametrize(
    "parts, area",
    [
        ([square(2, 48), square(2.5, 48)], 1.5),
        ([square(2, 48, 2.0), square(2.5, 48.5, 0.5)], 4.0),  # a part drawn inside another
        ([square(2, 48), square(2.5, 48), square(2.2, 48.2, 0.6)], 1.5),  # three overlapping
    ],
    ids=["two", "nested", "three"],
)
def test_repair_unions_overlapping_parts(parts, area):
    geom = {"type": "MultiPolygon", "coordinates": [[ring] for ring in parts]}
    assert refused(geom).code == "self_intersection"
    parsed = parse_areal(geom, repair=True)
    assert parsed.geom.is_valid
    # overlaps are kept, not punched out as holes (what make_valid's "linework" method does)
    assert parsed.geom.area == pytest.approx(area)


def test_valid_input_is_not_marked_repaired():
    assert parse_areal(PARIS, repair=True).repaired is False


def test_collapsed_ring_has_nothing_areal_to_repair():
    flat = polygon([[2, 48], [3, 48], [4, 48], [2, 48]])
    assert refused(flat).code == "self_intersection"
    assert refused(flat, repair=True).code == "not_areal"
