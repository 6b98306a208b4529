"""The national life cycle: « contrat ACI signé » follows « validé » only, counts as validated
(no overlap with it, coverage), keeps today's API values; every transition audited."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.auth import Principal
from mapper.errors import Conflict
from mapper.services.territories import coverage, create_cpts, decide
from tests.factories.world import WorldBuilder
from tests.support import assert_problem, bearer, make_settings

ADMIN = Principal.system("test")


def world(session, tmp_path):
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 4, 0.05)
    return w


def test_only_a_validated_cpts_signs_and_signed_counts_as_validated(session, tmp_path):
    w = world(session, tmp_path)
    a = w.cpts("CPTS Alpha", ["75001", "75002"])
    with pytest.raises(Conflict) as refused:
        decide(session, ADMIN, a, "aci_signe", "trop tôt", settings=w.settings)
    assert "Seule une CPTS validée" in refused.value.detail
    decide(session, ADMIN, a, "valide", "conforme", settings=w.settings)
    decide(session, ADMIN, a, "aci_signe", "contrat signé le 2 mars", settings=w.settings)
    assert a.status == "aci_signe"
    with pytest.raises(Conflict):
        decide(session, ADMIN, a, "valide", "retour", settings=w.settings)
    # a signed CPTS blocks an overlapping territory like a validated one, in the database too
    with pytest.raises(Conflict) as overlap:
        create_cpts(session, ADMIN, name="CPTS Beta", communes=["75002", "75003"],
                    settings=w.settings)
    assert overlap.value.extra["conflicts_with_validated"] is True
    rows = session.execute(text("SELECT count(*) FROM cpts_validated_commune "
                                "WHERE cpts_id = :id"), {"id": a.id}).scalar()
    assert rows == 2
    # coverage "valide" counts signed CPTS
    signed = coverage(session, departement="75", status="valide")
    everyone = coverage(session, departement="75")
    assert signed["population_covered"] == everyone["population_covered"] > 0
    events = session.execute(text(
        "SELECT after ->> 'status' FROM audit_event WHERE action = 'cpts.decision' "
        "AND entity_id = :id ORDER BY id"), {"id": str(a.id)}).scalars().all()
    assert events == ["valide", "aci_signe"]


def test_api_decision_aci_and_openapi_enums(client, session, tmp_path, accounts):
    w = world(session, tmp_path)
    a = w.cpts("CPTS Alpha", ["75001"])
    session.commit()
    _, token = accounts("ars", regions=["11"])
    resp = client.post(f"/api/v1/cpts/{a.id}/decision", headers=bearer(token),
                       json={"decision": "aci_signe", "reason": "contrat"})
    body = assert_problem(resp, 409)
    assert body["errors"]["decision"]
    ok = client.post(f"/api/v1/cpts/{a.id}/decision", headers=bearer(token),
                     json={"decision": "valide", "reason": "conforme"})
    assert ok.status_code == 200
    ok = client.post(f"/api/v1/cpts/{a.id}/decision", headers=bearer(token),
                     json={"decision": "aci_signe", "reason": "contrat signé"})
    assert ok.status_code == 200 and ok.get_json()["properties"]["status"] == "aci_signe"
    listed = client.get("/api/v1/cpts?status=aci_signe").get_json()
    assert [f["properties"]["name"] for f in listed["features"]] == ["CPTS Alpha"]
    assert client.get("/api/v1/cpts?status=valide").status_code == 200  # old values work
    spec = client.get("/api/v1/openapi.json").get_json()
    text_spec = str(spec)
    assert "aci_signe" in text_spec and "en_conciliation" in text_spec
    assert "/api/v1/conciliations/{a}/{b}" in spec["paths"]
