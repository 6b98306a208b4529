"""The API Géo stand-in answers like geo.api.gouv.fr for the communes it is given."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.standins import ApiGeoStandIn

SQUARE = {"type": "Polygon", "coordinates": [[[6.0, 44.0], [6.1, 44.0], [6.1, 44.1], [6.0, 44.1], [6.0, 44.0]]]}
TWO_SQUARES = {"type": "MultiPolygon", "coordinates": [
    [[[5.0, 43.0], [5.1, 43.0], [5.1, 43.1], [5.0, 43.1], [5.0, 43.0]]],
    [[[5.2, 43.0], [5.3, 43.0], [5.3, 43.1], [5.2, 43.1], [5.2, 43.0]]],
]}
COMMUNES = [
    {"code": "04070", "nom": "Digne-les-Bains", "codeDepartement": "04", "codeRegion": "93", "population": 16000, "contour": SQUARE},
    {"code": "13201", "nom": "Marseille 1er Arrondissement", "codeDepartement": "13", "codeRegion": "93", "population": 40000, "geometry": TWO_SQUARES},
]


@pytest.fixture
def api_geo():
    with ApiGeoStandIn(COMMUNES, departements=["05"]) as server:
        yield server


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def test_geojson_contour_serves_polygons_and_properties(api_geo):
    data = get(f"{api_geo.base_url}/departements/13/communes?format=geojson&geometry=contour")
    assert data["type"] == "FeatureCollection"
    (feature,) = data["features"]
    assert feature["geometry"] == TWO_SQUARES
    assert {k: feature["properties"][k] for k in ("code", "nom", "codeDepartement", "codeRegion", "population")} == {
        "code": "13201", "nom": "Marseille 1er Arrondissement", "codeDepartement": "13", "codeRegion": "93", "population": 40000,
    }


def test_fields_limit_properties_and_default_geometry_is_the_centre(api_geo):
    data = get(f"{api_geo.base_url}/departements/04/communes?format=geojson&fields=code,population")
    (feature,) = data["features"]
    assert feature["properties"] == {"code": "04070", "population": 16000}
    assert feature["geometry"] == {"type": "Point", "coordinates": [6.05, 44.05]}


def test_without_format_the_answer_is_a_bare_array(api_geo):
    data = get(f"{api_geo.base_url}/departements/04/communes?fields=nom,contour")
    assert data == [{"nom": "Digne-les-Bains", "contour": SQUARE}]
    assert api_geo.requests[0].query == {"fields": ["nom,contour"]}


def test_known_empty_and_unknown_departements(api_geo):
    assert get(f"{api_geo.base_url}/departements/05/communes?format=geojson")["features"] == []
    with pytest.raises(urllib.error.HTTPError) as info:
        get(f"{api_geo.base_url}/departements/99/communes")
    assert info.value.code == 404


def test_failure_injection_and_stop(api_geo):
    api_geo.fail_with(503, times=1)
    with pytest.raises(urllib.error.HTTPError) as info:
        get(f"{api_geo.base_url}/departements/04/communes")
    assert info.value.code == 503
    assert get(f"{api_geo.base_url}/departements/04/communes")[0]["code"] == "04070"
    url = f"{api_geo.base_url}/departements/04/communes"
    api_geo.stop()
    with pytest.raises(urllib.error.URLError):
        get(url)
