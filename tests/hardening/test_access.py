"""Arbitrations name the ARS staff who decided: they are for administrators and the ARS of the
région, never for anonymous readers."""
from __future__ import annotations

from tests.support import assert_problem, bearer
from tests.territories.conftest import create, grid_code


def test_arbitrations_are_read_by_the_ars_of_their_region_only(client, grid, accounts):
    _, admin = accounts("admin")
    _, ars84 = accounts("ars", regions=["84"])
    _, ars11 = accounts("ars", regions=["11"])
    a = create(client, bearer(admin), "CPTS A", communes=[grid_code(0, 0), grid_code(1, 0)])
    b = create(client, bearer(admin), "CPTS B", communes=[grid_code(1, 0)])
    resp = client.post("/api/v1/arbitrations", headers=bearer(admin), json={
        "commune": grid_code(1, 0), "cpts": [a["id"], b["id"]], "reason": "partage"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert_problem(client.get("/api/v1/arbitrations"), 401)
    assert_problem(client.get("/api/v1/arbitrations?region=84", headers=bearer(ars11)), 403)
    for token in (admin, ars84):
        listed = client.get("/api/v1/arbitrations", headers=bearer(token))
        assert listed.status_code == 200
        assert [x["commune"] for x in listed.get_json()["arbitrations"]] == [grid_code(1, 0)]
    assert client.get("/api/v1/arbitrations", headers=bearer(ars11)).get_json() == {
        "arbitrations": []}
