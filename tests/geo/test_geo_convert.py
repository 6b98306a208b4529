"""Conversions to what PostGIS (EWKB, SRID 4326, MultiPolygon) and the API (RFC 7946) expect."""

import json

import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon, box

from mapper.geo import areal_part, from_wkb, parse_areal, to_ewkb_hex, to_geojson, to_multipolygon

SQUARE = box(2, 48, 3, 49)


def test_to_multipolygon_wraps_a_polygon():
    mp = to_multipolygon(SQUARE)
    assert isinstance(mp, MultiPolygon)
    assert mp.geoms[0].equals(SQUARE)


def test_to_multipolygon_keeps_a_multipolygon_and_empties():
    mp = MultiPolygon([SQUARE, box(4, 45, 5, 46)])
    assert to_multipolygon(mp) is mp
    assert to_multipolygon(Polygon()).is_empty
    assert isinstance(to_multipolygon(GeometryCollection()), MultiPolygon)


@pytest.mark.parametrize("geom", [Point(2, 48), LineString([(2, 48), (3, 49)])])
def test_to_multipolygon_refuses_non_areal(geom):
    with pytest.raises(TypeError):
        to_multipolygon(geom)


def test_areal_part_drops_points_and_lines():
    gc = GeometryCollection([SQUARE, LineString([(0, 0), (1, 1)]), Point(5, 5), MultiPolygon([box(4, 45, 5, 46)])])
    mp = areal_part(gc)
    assert isinstance(mp, MultiPolygon)
    assert len(mp.geoms) == 2
    assert mp.area == pytest.approx(2.0)


def test_to_geojson_is_rfc7946():
    exterior_cw = Polygon([(2, 48), (2, 49), (3, 49), (3, 48), (2, 48)])  # clockwise on purpose
    out = to_geojson(MultiPolygon([exterior_cw]))
    assert out["type"] == "MultiPolygon"
    assert "crs" not in out
    ring = out["coordinates"][0][0]
    assert isinstance(ring, list) and isinstance(ring[0], list)
    assert Polygon(ring).exterior.is_ccw  # right-hand rule: exterior counter-clockwise
    json.dumps(out)  # plain JSON types only


def test_to_geojson_keeps_full_precision_unless_asked():
    p = box(2.123456789, 48.987654321, 3, 49)
    assert [2.123456789, 48.987654321] in to_geojson(p)["coordinates"][0]
    coords = to_geojson(p, precision=3)["coordinates"][0]
    assert all(round(v, 3) == v for pos in coords for v in pos)
    assert [2.123, 48.988] in coords


def test_geojson_round_trips_through_parse_areal():
    mp = MultiPolygon([SQUARE, box(4, 45, 5, 46)])
    assert parse_areal(to_geojson(mp)).geom.equals(mp)


def test_ewkb_hex_carries_srid_4326():
    hexwkb = to_ewkb_hex(to_multipolygon(SQUARE))
    # little-endian, type 6 (MultiPolygon) with the SRID flag, then SRID 4326 (0x10E6)
    assert hexwkb.upper().startswith("0106000020E6100000")
    back = from_wkb(hexwkb)
    assert back.equals(to_multipolygon(SQUARE))
    assert shapely.get_srid(back) == 4326


def test_ewkb_hex_other_srid():
    assert shapely.get_srid(from_wkb(to_ewkb_hex(SQUARE, srid=2154))) == 2154


def test_from_wkb_accepts_bytes_memoryview_and_wkbelement_like():
    raw = shapely.to_wkb(SQUARE)

    class WKBElementLike:  # GeoAlchemy2's WKBElement exposes the payload as .data
        data = raw

    for data in (raw, memoryview(raw), WKBElementLike()):
        assert from_wkb(data).equals(SQUARE)
