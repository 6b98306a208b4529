"""The vocabularies: professions (RPPS nomenclature + CPTS roles) and curated competencies."""
from __future__ import annotations

from sqlalchemy import text

from tests.support import assert_problem, bearer


def test_professions_hold_the_rpps_codes_and_cpts_roles(client):
    professions = {p["code"]: p for p in client.get("/api/v1/professions").get_json()["professions"]}
    assert professions["60"]["label"].lower().startswith("infirmier")
    assert professions["10"]["label"].lower().startswith("médecin")
    assert {p["kind"] for p in professions.values()} >= {"rpps"}
    assert len({p["kind"] for p in professions.values()}) == 2  # plus the CPTS roles


def test_competencies_are_listed_and_curated(client, accounts, session):
    slugs = {c["slug"] for c in client.get("/api/v1/competencies").get_json()["competencies"]}
    assert len(slugs) >= 10 and "drepanocytose" not in slugs
    body = {"slug": "drepanocytose", "label": "Drépanocytose"}
    assert_problem(client.post("/api/v1/competencies", json=body), 401)
    _, pro_token = accounts("ars", regions=["11"])
    assert_problem(client.post("/api/v1/competencies", json=body, headers=bearer(pro_token)), 403)
    _, token = accounts("admin")
    errors = assert_problem(client.post("/api/v1/competencies", headers=bearer(token),
                                        json={"slug": "Pas Bon", "label": "x"}), 422)["errors"]
    assert set(errors) == {"slug", "label"}
    resp = client.post("/api/v1/competencies", json=body, headers=bearer(token))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert_problem(client.post("/api/v1/competencies", json=body, headers=bearer(token)), 409)
    listed = {c["slug"]: c for c in client.get("/api/v1/competencies").get_json()["competencies"]}
    assert listed["drepanocytose"]["label"] == "Drépanocytose"
    assert session.execute(text("SELECT count(*) FROM audit_event "
                                "WHERE action = 'competency.create'")).scalar() == 1
