"""GeoJSON that PostgreSQL writes goes to the client as its text (issue 16): the API's and the
OGC API's collections are the service's text byte for byte, one OGC item is the feature's text
with its links added; simplified outlines stay valid and are not simplified below the
precision the output shows."""
from __future__ import annotations

import json

from sqlalchemy import text

from mapper.services import features
from mapper.services.communes import communes_geojson
from mapper.services.features import MIN_TOLERANCE, Output
from mapper.services.territories import cpts_geojson


def test_collections_are_postgresql_text_byte_for_byte(client, session, world):
    resp = client.get("/api/v1/cpts")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    assert resp.get_data(as_text=True) == cpts_geojson(session)
    assert json.loads(resp.get_data())["features"]
    communes = client.get("/api/v1/communes?departement=75")
    assert communes.get_data(as_text=True) == communes_geojson(session, departement="75")


def test_one_item_is_the_feature_text_with_its_links(client, world):
    cpts_id = client.get("/ogc/collections/cpts/items").get_json()["features"][0]["id"]
    resp = client.get(f"/ogc/collections/cpts/items/{cpts_id}")
    body = resp.get_data(as_text=True)
    item = json.loads(body)
    assert item["type"] == "Feature" and item["id"] == cpts_id
    assert {link["rel"] for link in item["links"]} == {"self", "collection"}
    assert body.index('"links"') > body.index('"properties"')  # appended, not re-serialised
    commune = client.get("/api/v1/communes/75006")
    assert commune.status_code == 200 and commune.get_json()["properties"]["code"] == "75006"


def test_members_are_appended_to_an_object_text():
    assert features.with_members('{"type" : "Feature", "id" : 1}', {"links": []}) == \
        '{"type" : "Feature", "id" : 1, "links": []}'
    assert json.loads(features.with_members("{}", {"a": "é"})) == {"a": "é"}
    assert features.with_members('{"a": 1}', {}) == '{"a": 1}'


def test_simplified_outlines_are_valid_and_none_below_the_precision(session, world):
    assert Output(tolerance=MIN_TOLERANCE / 10).geometry("k.geom") == "k.geom"
    assert "ST_Simplify(" in Output(tolerance=0.0005).geometry("k.geom")
    for tolerance in (0.0005, 0.01, 0.2):
        geometry = Output(tolerance=tolerance).geometry("k.geom")
        invalid = session.execute(text(
            f"SELECT count(*) FROM cpts k WHERE k.geom IS NOT NULL "
            f"AND NOT ST_IsValid({geometry})")).scalar_one()
        assert invalid == 0, tolerance
