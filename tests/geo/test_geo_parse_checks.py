"""Parsing user GeoJSON: coordinates, where they are, topology (refused or repaired)."""
import math

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, mapping

from mapper.geo import parse_areal

from .shapes import BOW_TIE, PARIS, feature, polygon, refused, square


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
    # Web Mercator metres of Nice without a ``crs`` member: not degrees, not Lambert-93
    mercator = polygon(square(806000, 5440000, 1000))
    err = refused(mercator)
    assert err.code == "out_of_bounds"
    assert "pas en degrés" in err.reason and "Lambert-93" in err.reason


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
