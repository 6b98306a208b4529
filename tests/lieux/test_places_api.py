"""Places and closures through the API: FINESS with its check key, roles, audit, OpenAPI."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.schemas.places import finess_problem, luhn_ok
from tests.support import assert_problem, bearer

from .conftest import place_body


def create(client, token, expect=201, **overrides):
    resp = client.post("/api/v1/places", json=place_body(**overrides), headers=bearer(token))
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


@pytest.mark.parametrize("number", ["750712184", "750000523", "130786049", "690781810"])
def test_published_finess_numbers_pass_their_luhn_key(number):
    assert luhn_ok(number) and finess_problem(number) is None


@pytest.mark.parametrize("number, reason", [
    ("750712185", "clé de contrôle"), ("75071218", "9 caractères"), ("7A0712184", "9 caractères"),
    ("2C0000010", "9 caractères")])
def test_bad_finess_numbers_are_named(number, reason):
    assert reason in finess_problem(number)


def test_coordinator_creates_a_place_in_their_cpts_audited(client, session, coordinator,
                                                           two_cpts):
    out = create(client, coordinator, finess="75 071 218 4")
    assert out["finess"] == "750712184" and out["cpts"]["id"] == two_cpts[0]
    assert (out["lat"], out["lon"], out["precision"]) == (48.83, 2.32, "address")
    assert out["kind"] == "msp" and out["accessible"] is True
    action = session.execute(text("SELECT action FROM audit_event WHERE entity_type = 'place' "
                                  "AND entity_id = :id"), {"id": str(out["id"])}).scalar_one()
    assert action == "place.create"


def test_wrong_finess_key_is_a_422_naming_the_field_and_writes_nothing(client, session,
                                                                       coordinator):
    resp = client.post("/api/v1/places", json=place_body(finess="750712185"),
                       headers=bearer(coordinator))
    problem = assert_problem(resp, 422)
    assert "finess" in problem["errors"] and "clé" in problem["errors"]["finess"][0]
    assert session.execute(text("SELECT count(*) FROM place")).scalar_one() == 0


@pytest.mark.parametrize("field, value", [("kind", "hopital"), ("lat", None), ("name", ""),
                                          ("commune", "123")])
def test_bad_fields_are_named(client, coordinator, field, value):
    resp = client.post("/api/v1/places", json=place_body(**{field: value}),
                       headers=bearer(coordinator))
    assert field in assert_problem(resp, 422)["errors"]


def test_anyone_lists_and_reads_places_without_private_fields(client, coordinator, two_cpts):
    out = create(client, coordinator, external_ref="cpts14-001")
    create(client, coordinator, name="Pharmacie des Essais", kind="pharmacie", finess=None)
    listed = client.get("/api/v1/places?cpts=cpts-paris-14&kind=pharmacie").get_json()
    assert [p["name"] for p in listed["places"]] == ["Pharmacie des Essais"]
    anonymous = client.get(f"/api/v1/places/{out['id']}").get_json()
    assert anonymous["name"] == "MSP des Essais" and "external_ref" not in anonymous
    mine = client.get(f"/api/v1/places/{out['id']}", headers=bearer(coordinator)).get_json()
    assert mine["external_ref"] == "cpts14-001"


def test_other_roles_cannot_write(client, accounts, coordinator, other_coordinator, two_cpts):
    out = create(client, coordinator)
    path = f"/api/v1/places/{out['id']}"
    assert_problem(client.patch(path, json={"name": "X y"}, headers=bearer(other_coordinator)),
                   403)
    assert_problem(client.delete(path, headers=bearer(other_coordinator)), 403)
    assert_problem(client.patch(path, json={"name": "X y"}), 401)
    ars = accounts("ars", regions=["11"])[1]
    assert_problem(client.post("/api/v1/places", json=place_body(), headers=bearer(ars)), 403)
    resp = client.post("/api/v1/places", json=place_body(cpts=two_cpts[1]),
                       headers=bearer(coordinator))
    assert_problem(resp, 403)


def test_patch_and_delete_are_audited(client, session, coordinator):
    out = create(client, coordinator)
    path = f"/api/v1/places/{out['id']}"
    resp = client.patch(path, json={"phone": "01 00 00 00 00", "lat": 48.84, "lon": 2.33},
                        headers=bearer(coordinator))
    assert resp.status_code == 200 and resp.get_json()["lat"] == 48.84
    assert client.delete(path, headers=bearer(coordinator)).status_code == 204
    assert_problem(client.get(path), 404)
    actions = session.execute(text(
        "SELECT action FROM audit_event WHERE entity_type = 'place' AND entity_id = :id "
        "ORDER BY id"), {"id": str(out["id"])}).scalars().all()
    assert actions == ["place.create", "place.update", "place.delete"]


def test_place_closures_api(client, session, coordinator, other_coordinator):
    place = create(client, coordinator)
    path = f"/api/v1/places/{place['id']}/closures"
    resp = client.post(path, json={"starts_on": "2026-08-01", "ends_on": "2026-08-15",
                                   "reason": "travaux"}, headers=bearer(coordinator))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    closure = resp.get_json()
    assert closure["place_id"] == place["id"] and closure["ends_on"] == "2026-08-15"
    bad = client.post(path, json={"starts_on": "2026-08-15", "ends_on": "2026-08-01"},
                      headers=bearer(coordinator))
    assert "ends_on" in assert_problem(bad, 422)["errors"]
    assert_problem(client.get(path, headers=bearer(other_coordinator)), 403)
    assert [c["id"] for c in client.get(path, headers=bearer(coordinator)).get_json()[
        "closures"]] == [closure["id"]]
    assert_problem(client.delete(f"/api/v1/closures/{closure['id']}",
                                 headers=bearer(other_coordinator)), 403)
    assert client.delete(f"/api/v1/closures/{closure['id']}",
                         headers=bearer(coordinator)).status_code == 204
    actions = session.execute(text("SELECT action FROM audit_event WHERE entity_type = "
                                   "'closure' ORDER BY id")).scalars().all()
    assert actions == ["closure.create", "closure.delete"]


def test_professional_closures_by_the_professional_only(client, world, session, accounts,
                                                        two_cpts):
    pid = world.professional(site=(48.83, 2.32), cpts=[two_cpts[0]])
    other = world.professional(site=(48.83, 2.32), last_name="Autre")
    session.commit()
    me = accounts("professional", professional_id=pid)[1]
    ok = client.post(f"/api/v1/professionals/{pid}/closures",
                     json={"starts_on": "2026-07-01", "ends_on": "2026-07-20"}, headers=bearer(me))
    assert ok.status_code == 201
    assert_problem(client.post(f"/api/v1/professionals/{other}/closures",
                               json={"starts_on": "2026-07-01", "ends_on": "2026-07-20"},
                               headers=bearer(me)), 403)
    assert_problem(client.get(f"/api/v1/professionals/{pid}/closures"), 401)
    listed = client.get(f"/api/v1/professionals/{pid}/closures", headers=bearer(me)).get_json()
    assert [c["starts_on"] for c in listed["closures"]] == ["2026-07-01"]


def test_a_site_belongs_to_a_place(client, world, session, coordinator, accounts, two_cpts):
    place = create(client, coordinator)
    pid = world.professional(site=(48.83, 2.32), cpts=[two_cpts[0]])
    session.commit()
    site = {"address": "1 rue des Essais", "lat": 48.83, "lon": 2.32, "place_id": place["id"]}
    resp = client.patch(f"/api/v1/professionals/{pid}", json={"sites": [site]},
                        headers=bearer(coordinator))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["sites"][0]["place"]["name"] == "MSP des Essais"
    page = client.get(f"/professionnels/{pid}").get_data(as_text=True)
    assert "Exerce à « MSP des Essais »" in page
    unknown = client.patch(f"/api/v1/professionals/{pid}",
                           json={"sites": [{**site, "place_id": 999999}]},
                           headers=bearer(coordinator))
    assert "sites.0.place_id" in assert_problem(unknown, 422)["errors"]


def test_openapi_documents_places_and_closures(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/places", "/api/v1/places/{place_id}",
                 "/api/v1/places/{place_id}/closures",
                 "/api/v1/professionals/{professional_id}/closures",
                 "/api/v1/closures/{closure_id}"):
        assert path in spec["paths"], path
    assert "finess" in spec["components"]["schemas"]["PlaceCreate"]["properties"]
