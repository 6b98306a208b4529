"""CPTS lifecycle through the API: create, read, list, PATCH, ARS decisions, audit, roles."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mapper.models import AuditEvent, Cpts
from tests.support import assert_problem, bearer

from .conftest import cell_box, create, decide, grid_code

pytestmark = pytest.mark.usefixtures("grid")


def test_create_returns_the_feature_with_measures_and_overlaps(client, admin, session):
    a = create(client, admin, "CPTS du Plateau", communes=[grid_code(0, 0), grid_code(1, 0)],
               website="https://cpts-plateau.fr", contact_email="contact@cpts-plateau.fr")
    assert a["type"] == "Feature" and a["geometry"]["type"] == "MultiPolygon"
    p = a["properties"]
    assert p["slug"] == "cpts-du-plateau" and p["status"] == "projet"
    assert p["region"] == "84" and p["population"] == 3000 and p["size_category"] == 1
    assert p["communes"] == [grid_code(0, 0), grid_code(1, 0)]
    assert p["overlaps"] == [] and p["website"] == "https://cpts-plateau.fr"
    b = create(client, admin, "CPTS Voisine", communes=[grid_code(1, 0), grid_code(2, 0)],
               status="intention")
    [o] = b["properties"]["overlaps"]
    assert o["cpts"]["id"] == a["id"] and o["shared_communes"] == [grid_code(1, 0)]
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "cpts.create")
                             .order_by(AuditEvent.id)).all()
    assert len(events) == 2 and events[0].after["communes"] == p["communes"]


def test_get_by_id_or_slug_and_list_with_filters(client, admin):
    a = create(client, admin, "CPTS Une", communes=[grid_code(0, 0)])
    create(client, admin, "CPTS Deux", geometry=cell_box(3, 3, 4, 4))
    by_slug = client.get("/api/v1/cpts/cpts-une")
    assert by_slug.status_code == 200 and by_slug.mimetype == "application/geo+json"
    assert by_slug.get_json()["properties"]["id"] == a["id"]
    assert client.get(f"/api/v1/cpts/{a['id']}").get_json()["properties"]["slug"] == "cpts-une"
    assert_problem(client.get("/api/v1/cpts/nope"), 404)
    fc = client.get("/api/v1/cpts?region=84").get_json()
    assert [f["properties"]["name"] for f in fc["features"]] == ["CPTS Deux", "CPTS Une"]
    assert set(fc["features"][0]["properties"]) >= {
        "id", "slug", "name", "status", "region", "population", "area_km2", "size_category"}
    assert client.get("/api/v1/cpts?departement=01").get_json()["features"]
    assert client.get("/api/v1/cpts?departement=02").get_json()["features"] == []
    assert client.get("/api/v1/cpts?status=valide").get_json()["features"] == []
    assert_problem(client.get("/api/v1/cpts?status=bogus"), 422)


def test_overlap_with_a_validated_cpts_is_refused_with_the_report(client, admin, session):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    decide(client, admin, a["id"])
    resp = client.post("/api/v1/cpts", json={"name": "CPTS B",
                                             "communes": [grid_code(1, 0), grid_code(2, 0)]},
                       headers=admin)
    body = assert_problem(resp, 409)
    assert body["conflicts_with_validated"] is True
    assert body["overlaps"][0]["shared_communes"] == [grid_code(1, 0)]
    assert "communes" in body["errors"]
    # drawn too
    resp = client.post("/api/v1/cpts", json={"name": "CPTS C", "geometry": cell_box(1.5, 0, 3, 1)},
                       headers=admin)
    assert_problem(resp, 409)
    assert session.scalar(select(Cpts).where(Cpts.name.in_(["CPTS B", "CPTS C"]))) is None


def test_validating_over_a_validated_cpts_is_refused(client, admin, session):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    b = create(client, admin, "CPTS B", communes=[grid_code(1, 0), grid_code(2, 0)])
    decide(client, admin, a["id"], reason="dossier complet")
    body = assert_problem(client.post(f"/api/v1/cpts/{b['id']}/decision",
                                      json={"decision": "valide", "reason": "x"},
                                      headers=admin), 409)
    assert body["overlaps"][0]["cpts"]["id"] == a["id"]
    assert session.get(Cpts, b["id"]).status == "projet"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "cpts.decision"))
    assert event.reason == "dossier complet" and event.after == {"status": "valide"}
    # rejecting A frees the way
    decide(client, admin, a["id"], "rejete", "retrait du porteur")
    assert decide(client, admin, b["id"])["properties"]["status"] == "valide"
    assert_problem(client.post(f"/api/v1/cpts/{b['id']}/decision",
                               json={"decision": "valide", "reason": "x"}, headers=admin), 409)


def test_drawn_validations_cannot_overlap(client, admin):
    a = create(client, admin, "CPTS A", geometry=cell_box(0, 0, 2, 2))
    b = create(client, admin, "CPTS B", geometry=cell_box(1, 1, 3, 3))
    c = create(client, admin, "CPTS C", geometry=cell_box(2, 0, 3, 1))  # touches A only
    decide(client, admin, a["id"])
    decide(client, admin, b["id"], expect=409)
    decide(client, admin, c["id"])


def test_patch_fields_and_territory(client, admin, session):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    resp = client.patch(f"/api/v1/cpts/{a['id']}", headers=admin, json={
        "name": "CPTS Alpha", "communes": [grid_code(0, 0), grid_code(0, 1)],
        "embed_origins": ["https://cpts-alpha.fr/"], "status": "intention"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    p = resp.get_json()["properties"]
    assert p["name"] == "CPTS Alpha" and p["slug"] == "cpts-alpha"
    assert p["communes"] == [grid_code(0, 0), grid_code(0, 1)]
    assert p["population"] == 1000 + 6000 and p["embed_origins"] == ["https://cpts-alpha.fr"]
    # switch to a drawn territory and back
    p = client.patch(f"/api/v1/cpts/{a['id']}", headers=admin,
                     json={"geometry": cell_box(0, 0, 1, 1)}).get_json()["properties"]
    assert p["territory_kind"] == "drawn" and p["communes"] == []
    b = create(client, admin, "CPTS B", communes=[grid_code(3, 3)])
    decide(client, admin, b["id"])
    body = assert_problem(client.patch(f"/api/v1/cpts/{a['id']}", headers=admin,
                                       json={"communes": [grid_code(3, 3)]}), 409)
    assert body["overlaps"][0]["cpts"]["id"] == b["id"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "cpts.update")
                            .order_by(AuditEvent.id)).first()
    assert event.before["name"] == "CPTS A" and event.after["name"] == "CPTS Alpha"


def test_patch_of_a_validated_territory_keeps_the_guarantee(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    b = create(client, admin, "CPTS B", communes=[grid_code(4, 4)])
    decide(client, admin, a["id"])
    decide(client, admin, b["id"])
    assert_problem(client.patch(f"/api/v1/cpts/{b['id']}", headers=admin,
                                json={"communes": [grid_code(0, 0), grid_code(4, 4)]}), 409)
    resp = client.patch(f"/api/v1/cpts/{b['id']}", headers=admin,
                        json={"communes": [grid_code(4, 3), grid_code(4, 4)]})
    assert resp.status_code == 200


def test_roles_and_scopes(client, accounts, session):
    _, admin_t = accounts("admin")
    _, ars84 = accounts("ars", regions=["84"])
    _, ars11 = accounts("ars", regions=["11"])
    body = {"name": "CPTS A", "communes": [grid_code(0, 0)]}
    assert_problem(client.post("/api/v1/cpts", json=body), 401)
    assert_problem(client.post("/api/v1/cpts", json=body, headers=bearer(ars11)), 403)
    a = create(client, bearer(ars84), "CPTS A", communes=[grid_code(0, 0)])
    _, coord = accounts("coordinator", cpts_id=a["id"])
    _, other_coord = accounts("coordinator", cpts_id=a["id"], email="x@example.org")
    b = create(client, bearer(coord), "CPTS B", communes=[grid_code(2, 2)])  # a project
    assert b["properties"]["status"] == "projet"
    # coordinator of A may PATCH A, not B; may not decide
    assert client.patch(f"/api/v1/cpts/{a['id']}", json={"website": "https://a.fr"},
                        headers=bearer(coord)).status_code == 200
    assert_problem(client.patch(f"/api/v1/cpts/{b['id']}", json={"website": "https://b.fr"},
                                headers=bearer(coord)), 403)
    assert_problem(client.post(f"/api/v1/cpts/{a['id']}/decision", headers=bearer(coord),
                               json={"decision": "valide", "reason": "x"}), 403)
    assert_problem(client.post(f"/api/v1/cpts/{a['id']}/decision", headers=bearer(ars11),
                               json={"decision": "valide", "reason": "x"}), 403)
    decide(client, bearer(ars84), a["id"])
    # a validated territory is changed by the ARS only
    assert_problem(client.patch(f"/api/v1/cpts/{a['id']}", headers=bearer(coord),
                                json={"communes": [grid_code(0, 0), grid_code(1, 0)]}), 403)
    resp = client.patch(f"/api/v1/cpts/{a['id']}", headers=bearer(other_coord),
                        json={"contact_email": "contact@a.fr"})
    assert resp.status_code == 200
    assert client.patch(f"/api/v1/cpts/{b['id']}", json={"website": "https://b.fr"},
                        headers=bearer(admin_t)).status_code == 200


def test_coordinator_account_must_point_to_an_existing_cpts(client, admin):
    resp = client.post("/api/v1/accounts", headers=admin,
                       json={"email": "c@example.org", "role": "coordinator", "cpts": 999999})
    assert "cpts" in assert_problem(resp, 422)["errors"]


def test_decision_requires_a_reason(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    body = assert_problem(client.post(f"/api/v1/cpts/{a['id']}/decision", headers=admin,
                                      json={"decision": "valide"}), 422)
    assert "reason" in body["errors"]
    body = assert_problem(client.post(f"/api/v1/cpts/{a['id']}/decision", headers=admin,
                                      json={"decision": "valide", "reason": "   "}), 422)
    assert "reason" in body["errors"]
    body = assert_problem(client.post(f"/api/v1/cpts/{a['id']}/decision", headers=admin,
                                      json={"decision": "peut-etre", "reason": "x"}), 422)
    assert "decision" in body["errors"]
