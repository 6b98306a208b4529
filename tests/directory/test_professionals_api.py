"""CRUD of professionals through the API: shapes, privacy for anonymous reads, roles, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.support import assert_problem, bearer

from .conftest import body

PRIVATE = ("private_phone", "external_ref", "source")


@pytest.fixture()
def admin(accounts):
    return accounts("admin")[1]


def create(client, token, expect=201, **overrides):
    resp = client.post("/api/v1/professionals", json=body(**overrides), headers=bearer(token))
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


def test_create_echoes_the_body_with_id_and_derived_fields(client, communes, admin):
    out = create(client, admin, rpps="10101234567")
    assert out["id"] > 0 and out["rpps"] == "10101234567"
    assert out["profession"] == "60" and out["profession_label"] == "Infirmier"
    assert out["competencies"] == ["plaies-cicatrisation"]
    assert out["languages"] == ["en", "fr"]
    (site,) = out["sites"]
    assert (site["lat"], site["lon"], site["precision"]) == (48.83, 2.32, "address")
    assert site["geocode_source"] == "given"
    assert [z["kind"] for z in out["zones"]] == ["communes", "radius"]
    assert out["zones"][1] == {"id": out["zones"][1]["id"], "kind": "radius", "radius_km": 3.0,
                               "site": 0}
    assert out["slots"][0]["start"] == "14:00" and out["slots"][0]["site"] == 0
    assert out["stale"] is False


def test_zones_are_geojson_with_a_true_3_km_radius(client, session, communes, admin):
    out = create(client, admin)
    resp = client.get(f"/api/v1/professionals/{out['id']}/zones")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = resp.get_json()
    assert [f["properties"]["kind"] for f in fc["features"]] == ["communes", "radius"]
    assert "crs" not in fc
    # The radius zone measured on the ellipsoid: about π·3² km².
    area = session.execute(text(
        "SELECT ST_Area(geom::geography) / 1e6 FROM intervention_zone "
        "WHERE professional_id = :id AND kind = 'radius'"), {"id": out["id"]}).scalar_one()
    assert area == pytest.approx(28.27, rel=0.01)


def test_anonymous_read_has_public_fields_only(client, communes, admin):
    out = create(client, admin)
    resp = client.get(f"/api/v1/professionals/{out['id']}")
    assert resp.status_code == 200
    public = resp.get_json()
    text_body = resp.get_data(as_text=True)
    for field in PRIVATE:
        assert field not in public
    assert "0600000000" not in text_body and "anais@example.org" not in text_body
    assert "geocode_status" not in text_body and "audit" not in text_body
    assert public["phone"] == "0145000000"
    assert public["first_name"] == "Anaïs" and public["sites"][0]["lat"] == 48.83


def test_public_email_is_shown_when_the_professional_wants_it(client, communes, admin):
    out = create(client, admin, public_email=True)
    public = client.get(f"/api/v1/professionals/{out['id']}").get_json()
    assert public["email"] == "anais@example.org"
    assert "private_phone" not in public


def test_search_results_never_carry_private_contact_details(client, communes, admin):
    create(client, admin)
    resp = client.get("/api/v1/professionals/search?near=48.83,2.32")
    text_body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.get_json()["count"] == 1
    assert "0600000000" not in text_body and "anais@example.org" not in text_body


def test_other_roles_reading_get_public_fields_too(client, communes, admin, accounts):
    out = create(client, admin)
    _, ars = accounts("ars", regions=["11"])
    resp = client.get(f"/api/v1/professionals/{out['id']}", headers=bearer(ars))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    public = resp.get_json()
    assert public["id"] == out["id"] and public["phone"] == "0145000000"
    assert "private_phone" not in public and "0600000000" not in resp.get_data(as_text=True)


def test_writes_need_a_token(client, communes, admin):
    out = create(client, admin)
    assert_problem(client.post("/api/v1/professionals", json=body()), 401)
    assert_problem(client.patch(f"/api/v1/professionals/{out['id']}", json={"phone": "1"}), 401)
    assert_problem(client.delete(f"/api/v1/professionals/{out['id']}"), 401)


def test_authorization_per_role(client, communes, admin, accounts, two_cpts):
    mine, other = two_cpts
    out = create(client, admin, cpts=[mine])
    pid = out["id"]
    _, coord_mine = accounts("coordinator", cpts_id=mine)
    _, coord_other = accounts("coordinator", cpts_id=other)
    _, self_token = accounts("professional", professional_id=pid)
    stranger = create(client, admin, first_name="Paul", last_name="Durand")
    _, someone_else = accounts("professional", professional_id=stranger["id"])
    _, ars = accounts("ars", regions=["11"])

    def patch(token, payload=None):
        return client.patch(f"/api/v1/professionals/{pid}", json=payload or {"phone": "0102030405"},
                            headers=bearer(token))

    assert patch(admin).status_code == 200
    assert patch(coord_mine).status_code == 200
    assert patch(self_token).status_code == 200
    assert_problem(patch(coord_other), 403)
    assert_problem(patch(someone_else), 403)
    assert_problem(patch(ars), 403)
    # The private view goes to those who may edit.
    assert "private_phone" in client.get(f"/api/v1/professionals/{pid}",
                                         headers=bearer(coord_mine)).get_json()
    assert "private_phone" not in client.get(f"/api/v1/professionals/{pid}",
                                             headers=bearer(coord_other)).get_json()
    # Memberships: a professional cannot change them, a coordinator only their own CPTS.
    assert_problem(patch(self_token, {"cpts": []}), 403)
    assert_problem(patch(coord_mine, {"cpts": [mine, other]}), 403)
    assert patch(admin, {"cpts": [mine, "cpts-voisine"]}).status_code == 200
    # Creating: coordinators (into their CPTS only), not professionals.
    created = client.post("/api/v1/professionals", json=body(first_name="Léa"),
                          headers=bearer(coord_mine))
    assert created.status_code == 201 and [c["id"] for c in created.get_json()["cpts"]] == [mine]
    assert_problem(client.post("/api/v1/professionals", json=body(cpts=[other]),
                               headers=bearer(coord_mine)), 403)
    assert_problem(client.post("/api/v1/professionals", json=body(), headers=bearer(self_token)), 403)
    # Deleting: a coordinator cannot delete someone who is also in another CPTS.
    assert_problem(client.delete(f"/api/v1/professionals/{pid}", headers=bearer(coord_mine)), 403)
    # ... and nobody can while an account is attached to the entry.
    assert_problem(client.delete(f"/api/v1/professionals/{pid}", headers=bearer(admin)), 409)
    lea = created.get_json()["id"]
    assert client.delete(f"/api/v1/professionals/{lea}", headers=bearer(coord_mine)).status_code == 204
    assert_problem(client.get(f"/api/v1/professionals/{lea}"), 404)


def test_every_write_is_audited(client, session, communes, admin):
    out = create(client, admin)
    client.patch(f"/api/v1/professionals/{out['id']}", json={"accepts_new_patients": False},
                 headers=bearer(admin))
    client.delete(f"/api/v1/professionals/{out['id']}", headers=bearer(admin))
    actions = session.execute(text(
        "SELECT action FROM audit_event WHERE entity_type = 'professional' AND entity_id = :id "
        "ORDER BY id"), {"id": str(out["id"])}).scalars().all()
    assert actions == ["professional.create", "professional.update", "professional.delete"]


def test_patch_replaces_lists_and_keeps_unchanged_sites(client, session, communes, admin):
    out = create(client, admin)
    site_id = out["sites"][0]["id"]
    resp = client.patch(f"/api/v1/professionals/{out['id']}", headers=bearer(admin), json={
        "competencies": ["diabete", "etp"], "slots": [],
        "sites": [{"address": "12 rue de la Paix", "postcode": "75014", "commune": "75002"},
                  {"address": "3 place Denfert", "postcode": "75014", "commune": "75002",
                   "lat": 48.834, "lon": 2.332}]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    after = resp.get_json()
    assert after["competencies"] == ["diabete", "etp"] and after["slots"] == []
    assert after["sites"][0]["id"] == site_id and after["sites"][0]["lat"] == 48.83
    assert len(after["sites"]) == 2


@pytest.mark.parametrize("payload, field", [
    ({"profession": "999"}, "profession"),
    ({"competencies": ["nope"]}, "competencies"),
    ({"zones": [{"communes": ["99999"]}]}, "zones.0.communes"),
    ({"cpts": ["no-such-cpts"]}, "cpts"),
    ({"sites": [{"address": "1 rue X", "lat": 2.32, "lon": 48.83}]}, "sites.0.lat"),
    ({"zones": [{"radius_km": 2, "site": 4}]}, "zones.0.site"),
    ({"zones": [{"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}}]},
     "zones.0.geometry"),
])
def test_invalid_bodies_are_422_with_the_field(client, communes, admin, payload, field):
    resp = client.post("/api/v1/professionals", json=body(**payload), headers=bearer(admin))
    problem = assert_problem(resp, 422)
    assert any(k.startswith(field) for k in problem["errors"]), problem


def test_schema_errors_are_422(client, communes, admin):
    problem = assert_problem(client.post("/api/v1/professionals", json=body(
        rpps="123", slots=[{"weekday": 9, "start": "25:00", "end": "x", "kind": "other"}]),
        headers=bearer(admin)), 422)
    assert "rpps" in problem["errors"] and "slots" in problem["errors"]
    # the reasons are French, the same words the page forms and the CSV import report
    slot = problem["errors"]["slots"]["0"]
    assert problem["errors"]["rpps"] == ["11 chiffres"]
    assert slot["start"] == ["heure attendue au format HH:MM"] and "de 1 à 7" in slot["weekday"]
    assert slot["kind"][0].startswith("valeur inconnue ; attendu : snp")


def test_duplicate_rpps_is_a_conflict(client, communes, admin):
    first = create(client, admin, rpps="10101234567")
    problem = assert_problem(client.post("/api/v1/professionals", json=body(rpps="10101234567"),
                                         headers=bearer(admin)), 409)
    assert problem["existing_id"] == first["id"]


def test_site_without_coordinates_falls_back_to_the_commune_when_ban_is_down(client, communes, admin):
    out = create(client, admin, sites=[{"address": "5 rue Inconnue", "postcode": "75014",
                                        "commune": "75002"}], zones=[])
    site = out["sites"][0]
    assert site["precision"] == "commune_centroid" and site["geocode_status"] == "unavailable"
    assert 2.30 < site["lon"] < 2.35 and 48.80 < site["lat"] < 48.85


def test_openapi_lists_the_directory(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/professionals/search" in paths and "/api/v1/professionals/{professional_id}" in paths
