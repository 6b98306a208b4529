"""mapper.geo reads the legacy ``crs`` member and reprojects with pyproj (no database)."""
from __future__ import annotations

import pytest
from shapely.geometry import shape

from mapper.geo import GeometryError, parse_areal
from tests.factories.geo import box

from .conftest import QGIS_CRS, qgis_file, reproject

PARIS = box(2.30, 48.82, 2.38, 48.88)
NICE = box(7.20, 43.66, 7.30, 43.73)


def named(name: str) -> dict:
    return {"type": "name", "properties": {"name": name}}


def refused(obj) -> GeometryError:
    with pytest.raises(GeometryError) as info:
        parse_areal(obj)
    return info.value


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::2154", "EPSG:2154",
                                  "http://www.opengis.net/def/crs/EPSG/0/2154",
                                  "urn:ogc:def:crs:EPSG:6.6:2154"])
def test_lambert93_in_every_spelling_is_reprojected(name):
    parsed = parse_areal(qgis_file(reproject(PARIS), named(name)))
    assert parsed.crs.as_dict() == {"code": "EPSG:2154", "name": "RGF93 v1 / Lambert-93",
                                    "source": "declared", "reprojected": True}
    assert parsed.geom.symmetric_difference(shape(PARIS)).area < 1e-10
    assert parsed.geom.bounds == pytest.approx((2.30, 48.82, 2.38, 48.88), abs=1e-7)


def test_old_epsg_form_web_mercator_and_a_geographic_crs():
    old = qgis_file(reproject(NICE), {"type": "EPSG", "properties": {"code": 2154}})
    assert parse_areal(old).crs.code == "EPSG:2154"
    mercator = parse_areal(qgis_file(reproject(NICE, "EPSG:3857"), named("EPSG:3857")))
    assert mercator.crs.code == "EPSG:3857" and mercator.crs.reprojected
    assert mercator.geom.bounds == pytest.approx((7.20, 43.66, 7.30, 43.73), abs=1e-7)
    rgf93 = parse_areal(qgis_file(NICE, named("EPSG:4171")))  # RGF93 geographic, lon/lat
    assert rgf93.crs.code == "EPSG:4171"
    assert rgf93.geom.bounds == pytest.approx((7.20, 43.66, 7.30, 43.73), abs=1e-6)


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326"])
def test_wgs84_is_read_as_is(name):
    parsed = parse_areal(qgis_file(PARIS, named(name)))
    assert parsed.crs.code == "OGC:CRS84" and not parsed.crs.reprojected
    assert parsed.crs.source == "declared"
    assert parse_areal(PARIS).crs.source == "default"


def test_lambert93_numbers_without_crs_are_recognised_and_said_so():
    parsed = parse_areal(qgis_file(reproject(PARIS), crs=None))
    assert parsed.crs.as_dict() == {"code": "EPSG:2154", "name": "RGF93 v1 / Lambert-93",
                                    "source": "detected", "reprojected": True}
    assert parsed.geom.bounds == pytest.approx((2.30, 48.82, 2.38, 48.88), abs=1e-7)


def test_metres_that_are_not_lambert93_get_the_hint():
    err = refused(qgis_file(reproject(NICE, "EPSG:3857"), crs=None))
    assert err.code == "out_of_bounds"
    assert err.reason.startswith("Les coordonnées ne sont pas en degrés : [")
    assert "exportez en WGS84 ou déclarez le CRS" in err.reason


@pytest.mark.parametrize("crs, words", [
    (named("EPSG:99999"), "« EPSG:99999 » inconnu"),
    (named("+proj=longlat +datum=WGS84"), "inconnu"),
    (named("EPSG:5714"), "inutilisable"),  # a vertical CRS (heights)
    (named("EPSG:4978"), "inutilisable"),  # geocentric
    ({"type": "link", "properties": {"href": "x.prj"}}, "illisible"),
])
def test_unknown_or_unusable_crs_names_the_member(crs, words):
    err = refused(qgis_file(reproject(PARIS), crs))
    assert err.code == "unsupported_crs" and err.field == "geometry"
    assert "membre « crs »" in err.reason and words in err.reason


def test_coordinates_outside_the_crs_area_are_refused():
    # degrees declared as Lambert-93: they land in the Atlantic, far outside its area of use
    err = refused(qgis_file(PARIS, QGIS_CRS))
    assert err.code == "unsupported_crs"
    assert "hors de la zone de validité de EPSG:2154" in err.reason
    assert "« crs »" in err.reason


def test_two_different_crs_in_one_file_are_refused():
    fc = qgis_file(reproject(PARIS), QGIS_CRS)
    fc["features"][0]["geometry"]["crs"] = named("EPSG:3857")
    err = refused(fc)
    assert err.code == "unsupported_crs" and "différent" in err.reason
