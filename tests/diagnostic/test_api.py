"""GET /api/v1/diagnostic over HTTP (the Flask test client): JSON, CSV, GeoJSON, the OpenAPI
document, and every bad input as problem+json naming the field."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import text

from mapper.services.territories.diagnostic_scope import MAX_COMMUNES_ALL_PROFESSIONS
from tests.support import assert_problem


def test_json_answer(client, world):
    resp = client.get("/api/v1/diagnostic?communes=01001,01002,01007&profession=10,60")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["territory"]["communes"] == 3
    assert [p["code"] for p in body["professions"]] == sorted(
        ["10", "60"], key=lambda c: [p["code"] for p in body["professions"]].index(c))
    assert {c["code"] for c in body["communes"]} == {"01001", "01002", "01007"}
    assert body["method"]["accessibility"]["catchment_km"] == 30


def test_all_professions_by_departement(client, session, world):
    body = client.get("/api/v1/diagnostic?departement=38").get_json()
    n = session.scalar(text("SELECT count(*) FROM profession WHERE code NOT IN "
                            "('coordinateur', 'assistant-medical')"))
    assert len(body["professions"]) == n  # every profession that cares for patients
    assert body["territory"]["communes"] == 36


def test_cpts_territory(client, session, world, settings):
    from tests.factories.world import WorldBuilder

    cpts = WorldBuilder(session, settings, None).cpts("CPTS Diagnostic", ["01001", "01002"])
    session.commit()
    body = client.get(f"/api/v1/diagnostic?cpts={cpts.slug}&profession=10").get_json()
    assert body["territory"]["kind"] == "cpts"
    assert body["territory"]["label"] == "CPTS Diagnostic"
    assert body["territory"]["communes"] == 2


def test_csv_and_geojson(client, world):
    resp = client.get("/api/v1/diagnostic?communes=01001,01002&profession=10&format=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))
    assert [r["niveau"] for r in rows] == ["territoire", "commune", "commune"]
    resp = client.get("/api/v1/diagnostic?communes=01001,01002&profession=10,60&format=geojson")
    assert resp.mimetype == "application/geo+json"
    fc = resp.get_json()
    assert len(fc["features"]) == 2
    props = fc["features"][0]["properties"]
    assert {"indice_10", "indice_60"} <= set(props)
    assert fc["features"][0]["geometry"]["type"] == "MultiPolygon"


@pytest.mark.parametrize("query, field", [
    ("communes=01001&profession=zz", "profession"),
    ("profession=10", "communes"),
    ("communes=01001&departement=01", "departement"),
    ("communes=99999", "communes"),
    ("departement=99", "departement"),
    ("departement=ABC", "departement"),
    ("region=05", "region"),
    ("cpts=inconnue", None),
    ("communes=01001&format=xls", "format"),
    ("communes=01001&profession=%00", "profession"),  # 400: the edge refuses NUL
])
def test_bad_input_is_a_problem_naming_the_field(client, world, query, field):
    resp = client.get(f"/api/v1/diagnostic?{query}")
    if field is None:
        assert_problem(resp, 404)
        return
    body = assert_problem(resp, 400 if "%00" in query else 422)
    assert field in body["errors"], body


def test_too_many_communes(client, world):
    codes = ",".join(f"{d:02d}{k:03d}" for d in range(1, 20) for k in range(1, 120))
    assert len(codes.split(",")) > MAX_COMMUNES_ALL_PROFESSIONS
    body = assert_problem(client.get(f"/api/v1/diagnostic?communes={codes}"), 422)
    assert "communes" in body["errors"]


def test_documented_in_openapi(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/diagnostic"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"cpts", "communes", "departement", "region", "profession", "format"} <= names
    assert "422" in op["responses"] and "404" in op["responses"]  # an unknown CPTS
    assert "Diagnostic" in doc["components"]["schemas"]


def test_all_professions_are_care_supply_not_the_cpts_roles(client, world):
    body = client.get("/api/v1/diagnostic?departement=01").get_json()
    codes = {p["code"] for p in body["professions"]}
    assert "10" in codes and not codes & {"coordinateur", "assistant-medical"}
    asked = client.get("/api/v1/diagnostic?departement=01&profession=coordinateur")
    assert asked.status_code == 200  # asked by name, it is given
