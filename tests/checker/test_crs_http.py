"""A real Lambert-93 file (made with pyproj from the database's own commune outlines) through
POST /api/v1/territories/check and the /territoires/verifier page: the same measures as the
WGS84 original, and the CRS said; unknown CRS and projected numbers refused by field."""
from __future__ import annotations

import io
import json

import pytest

from tests.support import assert_problem
from tests.web.conftest import TOKEN

from .conftest import commune_geojson, qgis_file, reproject


def check(client, geometry) -> dict:
    resp = client.post("/api/v1/territories/check", json={"geometry": geometry})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def test_lambert93_measures_match_the_wgs84_original(client, world, session):
    wgs84 = commune_geojson(session, "75002")
    original = check(client, wgs84)
    lambert = check(client, qgis_file(reproject(wgs84)))
    assert "crs" in original and original["crs"]["source"] == "default"
    assert lambert["crs"] == {"code": "EPSG:2154", "name": "RGF93 v1 / Lambert-93",
                              "source": "declared", "reprojected": True}
    assert lambert["population"] == original["population"] == 2000
    assert lambert["area_km2"] == pytest.approx(original["area_km2"], rel=1e-6)
    assert [c["code"] for c in lambert["communes"]] == ["75002"]

    def by_name(result):
        return {o["cpts"]["name"]: o for o in result["overlaps"]}

    assert set(by_name(lambert)) == set(by_name(original)) == {"CPTS Sud", "CPTS Projet Nord"}
    for name, o in by_name(original).items():
        got = by_name(lambert)[name]
        assert got["population_affected"] == o["population_affected"]
        assert got["overlap_area_km2"] == pytest.approx(o["overlap_area_km2"], rel=1e-6)
        assert got["share_of_candidate"] == pytest.approx(o["share_of_candidate"], abs=1e-6)
    assert lambert["conflicts_with_validated"] is True


def test_api_refuses_an_unknown_crs_on_the_geometry_field(client, world, session):
    fc = qgis_file(reproject(commune_geojson(session, "75002")),
                   {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::99999"}})
    resp = client.post("/api/v1/territories/check", json={"geometry": fc})
    body = assert_problem(resp, 422)
    assert body["errors"]["geometry"][0].startswith("membre « crs » : système de coordonnées")
    assert body["geometry_error"]["code"] == "unsupported_crs"


def upload(client, fc) -> tuple[int, str]:
    with client.session_transaction() as cookie:
        cookie["csrf"] = TOKEN
    data = {"csrf_token": TOKEN,
            "fichier": (io.BytesIO(json.dumps(fc).encode()), "territoire-L93.geojson")}
    resp = client.post("/territoires/verifier", data=data, content_type="multipart/form-data")
    return resp.status_code, resp.get_data(as_text=True)


def test_page_reads_a_qgis_lambert93_export(client, world, session):
    status, html = upload(client, qgis_file(reproject(commune_geojson(session, "75003"))))
    assert status == 200, html
    assert "Système de coordonnées lu" in html
    assert "RGF93 v1 / Lambert-93 (EPSG:2154) — reprojeté en WGS84" in html
    assert "le tracé a été reprojeté en WGS84" in html
    assert "3\u202f000 habitants" in html and "CPTS Projet Nord" in html
    # the download and deposit forms carry the WGS84 drawing, RFC 7946 (no crs member)
    geometry = json.loads(html.split('name="geometrie" value="')[1].split('"')[0]
                          .replace("&#34;", '"'))
    assert "crs" not in geometry and -180 <= geometry["coordinates"][0][0][0][0] <= 180
    # the map: the candidate labelled, the neighbours drawn, the overlaps under it
    assert "cpts-candidate-label" in html and "Territoire vérifié" in html
    assert '"CPTS Est"' in html  # a neighbour that does not overlap, drawn with its name
    assert "Lettre d" not in html.split("cpts-map-data", 1)[1]


def test_page_says_when_lambert93_was_recognised_without_crs(client, world, session):
    status, html = upload(client, qgis_file(reproject(commune_geojson(session, "75002")),
                                            crs=None))
    assert status == 200, html
    assert "ses coordonnées ont été lues comme du Lambert-93" not in html  # wording below
    assert "elles ont été lues comme du Lambert-93 (EPSG:2154)" in html


@pytest.mark.parametrize("crs, target, message", [
    ({"type": "name", "properties": {"name": "EPSG:99999"}}, "EPSG:2154",
     "système de coordonnées « EPSG:99999 » inconnu"),
    (None, "EPSG:32631", "Les coordonnées ne sont pas en degrés"),  # UTM 31N
])
def test_page_errors_on_the_file_field(client, world, session, crs, target, message):
    fc = qgis_file(reproject(commune_geojson(session, "75002"), target), crs=crs)
    status, html = upload(client, fc)
    assert status == 422
    assert 'id="fichier-erreur"' in html and message in html
