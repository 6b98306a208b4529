"""Arbitrations of shared communes; coverage (zones blanches); the overlaps listing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mapper.models import AuditEvent
from tests.support import assert_problem, bearer

from .conftest import cell_box, create, decide, grid_code

pytestmark = pytest.mark.usefixtures("grid")

SHARED = grid_code(1, 0)


def arbitrate(client, headers, commune, ids, reason="partage par quartiers", expect=201):
    resp = client.post("/api/v1/arbitrations", headers=headers,
                       json={"commune": commune, "cpts": ids, "reason": reason})
    assert resp.status_code == expect, resp.get_data(as_text=True)
    return resp.get_json()


def test_an_arbitrated_commune_no_longer_blocks_validation(client, admin, session):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), SHARED])
    b = create(client, admin, "CPTS B", communes=[SHARED, grid_code(2, 0)])
    c = create(client, admin, "CPTS C", communes=[SHARED, grid_code(1, 1)])
    decide(client, admin, a["id"])
    decide(client, admin, b["id"], expect=409)
    out = arbitrate(client, admin, SHARED, [a["id"], b["id"]])
    assert out["commune"] == SHARED and out["cpts"] == sorted([a["id"], b["id"]])
    fb = decide(client, admin, b["id"])
    [o] = [o for o in fb["properties"]["overlaps"] if o["cpts"]["id"] == a["id"]]
    assert o["arbitrated"] is True and o["arbitrated_communes"] == [SHARED]
    assert fb["properties"]["conflicts_with_validated"] is False
    # C is not part of the arbitration: still blocked
    decide(client, admin, c["id"], expect=409)
    # every other overlap still blocks: D shares grid(2,0) with validated B
    d = create(client, admin, "CPTS D", communes=[grid_code(3, 0)])
    resp = client.patch(f"/api/v1/cpts/{d['id']}", headers=admin,
                        json={"communes": [grid_code(2, 0), grid_code(3, 0)]})
    assert_problem(resp, 409)
    # dropping B from the arbitration while B is validated is refused by the database
    body = assert_problem(client.post("/api/v1/arbitrations", headers=admin, json={
        "commune": SHARED, "cpts": [a["id"], c["id"]], "reason": "changement"}), 409)
    assert "communes" in body["errors"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "arbitration.record"))
    assert event.reason == "partage par quartiers"
    listed = client.get("/api/v1/arbitrations?region=84", headers=admin).get_json()["arbitrations"]
    assert [x["commune"] for x in listed] == [SHARED]
    pairs = client.get("/api/v1/territories/overlaps").get_json()["pairs"]
    ab = next(p for p in pairs if {p["a"]["id"], p["b"]["id"]} == {a["id"], b["id"]})
    assert ab["arbitrated"] and ab["both_validated"]


def test_arbitration_with_three_cpts(client, admin):
    ids = [create(client, admin, f"CPTS {n}", communes=[SHARED, grid_code(n, 2)])["id"]
           for n in range(3)]
    arbitrate(client, admin, SHARED, ids)
    for i in ids:
        decide(client, admin, i)


def test_arbitration_scope(client, accounts, admin):
    a = create(client, admin, "CPTS A", communes=[SHARED])
    b = create(client, admin, "CPTS B", communes=[SHARED, grid_code(2, 0)])
    _, ars11 = accounts("ars", regions=["11"])
    _, coord = accounts("coordinator", cpts_id=a["id"])
    body = {"commune": SHARED, "cpts": [a["id"], b["id"]], "reason": "x"}
    assert_problem(client.post("/api/v1/arbitrations", json=body), 401)
    assert_problem(client.post("/api/v1/arbitrations", json=body, headers=bearer(coord)), 403)
    assert_problem(client.post("/api/v1/arbitrations", json=body, headers=bearer(ars11)), 403)
    _, ars84 = accounts("ars", regions=["84"])
    arbitrate(client, bearer(ars84), SHARED, [a["id"], b["id"]])


def test_coverage_summary_and_geojson(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    b = create(client, admin, "CPTS B", communes=[grid_code(1, 0), grid_code(2, 0)])
    # drawn over 3/4 of (4,4) and 1/4 of (3,4): covers (4,4) only (≥ half its area)
    c = create(client, admin, "CPTS C", geometry=cell_box(3.75, 4, 4.75, 5))
    decide(client, admin, a["id"])
    out = client.get("/api/v1/coverage?departement=01").get_json()
    total = sum(1000 * k for k in range(1, 26))
    covered = 1000 + 2000 + 3000 + 25000
    assert out["population_total"] == total
    assert out["population_covered"] == covered
    assert out["population_uncovered"] == total - covered
    assert out["coverage_rate"] == round(covered / total, 4)
    assert len(out["uncovered_communes"]) == 25 - 4
    assert out["multi_covered_communes"] == [
        {"code": grid_code(1, 0), "nom": "Commune 01-2", "population": 2000,
         "cpts": sorted([a["id"], b["id"]])}]
    valide = client.get("/api/v1/coverage?region=84&status=valide").get_json()
    assert valide["population_covered"] == 3000 and valide["multi_covered_communes"] == []
    fc = client.get("/api/v1/coverage?departement=01&format=geojson")
    assert fc.mimetype == "application/geo+json"
    by_code = {f["properties"]["code"]: f["properties"]["covered_by"]
               for f in fc.get_json()["features"]}
    assert by_code[grid_code(4, 4)] == [c["id"]] and by_code[grid_code(3, 4)] == []
    assert by_code[grid_code(0, 4)] == []


def test_overlap_pairs_include_drawn_with_geometry(client, admin, session):
    from mapper.config import Settings
    from mapper.services.territories import overlap_pairs

    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    d = create(client, admin, "CPTS D", geometry=cell_box(1.5, 0, 3, 1))
    e = create(client, admin, "CPTS E", geometry=cell_box(2.5, 0, 4, 1))
    create(client, admin, "CPTS F", geometry=cell_box(4, 0, 5, 1))  # touches E only
    pairs = overlap_pairs(session, settings=Settings())
    ids = {(p["a"]["id"], p["b"]["id"]) for p in pairs}
    assert ids == {(a["id"], d["id"]), (d["id"], e["id"])}
    for p in pairs:
        assert p["geometry"]["type"] == "MultiPolygon"
        assert p["population_method"] == "area_weighted"
    assert overlap_pairs(session, region="11", settings=Settings()) == []
