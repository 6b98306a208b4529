"""Every bad input of the issue: a 4xx problem+json naming the field, and nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mapper.models import AuditEvent, Cpts, CptsCommune
from tests.support import assert_problem

from .conftest import cell_box, create, grid_code

pytestmark = pytest.mark.usefixtures("grid")

BOWTIE = {"type": "Polygon", "coordinates": [[[5.0, 45.0], [5.1, 45.1], [5.1, 45.0],
                                              [5.0, 45.1], [5.0, 45.0]]]}
SWAPPED = {"type": "Polygon", "coordinates": [[[45.0, 5.0], [45.0, 5.1], [45.1, 5.1],
                                               [45.1, 5.0], [45.0, 5.0]]]}
OUTSIDE = {"type": "Polygon", "coordinates": [[[-40.0, 30.0], [-40.0, 30.1], [-39.9, 30.1],
                                               [-39.9, 30.0], [-40.0, 30.0]]]}
POINT = {"type": "Point", "coordinates": [5.0, 45.0]}

CASES = [
    ({"communes": ["99999", grid_code(0, 0)]}, 422, "communes"),      # unknown code
    ({"communes": ["abc"]}, 422, "communes"),                         # malformed code
    ({"communes": []}, 422, "communes"),                              # empty territory
    ({"communes": [1001]}, 422, "communes"),                          # not strings
    ({}, 422, "communes"),                                            # no territory at all
    ({"communes": [grid_code(0, 0)], "geometry": cell_box(0, 0, 1, 1)}, 422, "geometry"),
    ({"geometry": POINT}, 422, "geometry"),                           # not areal
    ({"geometry": BOWTIE}, 422, "geometry"),                          # self-intersection
    ({"geometry": SWAPPED}, 422, "geometry"),                         # lat/lon swapped
    ({"geometry": OUTSIDE}, 422, "geometry"),                         # outside France
    ({"geometry": {"type": "Polygon", "coordinates": []}}, 422, "geometry"),  # empty
    ({"geometry": "nope"}, 422, "geometry"),
    ({"communes": [grid_code(0, 0)], "bogus": 1}, 422, "bogus"),      # unknown field
]


def _counts(session):
    return (session.scalar(select(func.count()).select_from(Cpts)),
            session.scalar(select(func.count()).select_from(CptsCommune)),
            session.scalar(select(func.count()).select_from(AuditEvent)))


@pytest.mark.parametrize("body,status,field", CASES)
def test_check_refuses(client, body, status, field):
    body = assert_problem(client.post("/api/v1/territories/check", json=body), status)
    assert field in body["errors"], body


@pytest.mark.parametrize("body,status,field", CASES)
def test_create_refuses_and_writes_nothing(client, admin, session, body, status, field):
    before = _counts(session)
    resp = client.post("/api/v1/cpts", json={"name": "CPTS X", **body}, headers=admin)
    problem = assert_problem(resp, status)
    assert field in problem["errors"], problem
    assert _counts(session) == before


def test_unknown_codes_are_listed(client):
    body = assert_problem(client.post("/api/v1/territories/check",
                                      json={"communes": ["99999", "98765", grid_code(0, 0)]}), 422)
    assert body["unknown_communes"] == ["98765", "99999"]


def test_self_intersection_says_where_unless_repair(client):
    body = assert_problem(client.post("/api/v1/territories/check", json={"geometry": BOWTIE}), 422)
    assert body["geometry_error"]["code"] == "self_intersection"
    assert body["geometry_error"]["location"] == pytest.approx([5.05, 45.05])
    out = client.post("/api/v1/territories/check", json={"geometry": BOWTIE, "repair": True})
    assert out.status_code == 200 and out.get_json()["repaired"] is True


def test_swapped_coordinates_are_named(client):
    body = assert_problem(client.post("/api/v1/territories/check", json={"geometry": SWAPPED}), 422)
    assert body["geometry_error"]["code"] == "swapped_coordinates"


def test_vertex_limit(client, app):
    import math

    n = 200
    ring = [[5.1 + 0.05 * math.cos(2 * math.pi * k / n), 45.1 + 0.05 * math.sin(2 * math.pi * k / n)]
            for k in range(n)]
    ring.append(ring[0])
    geometry = {"type": "Polygon", "coordinates": [ring]}
    old = app.extensions["mapper.settings"]
    app.extensions["mapper.settings"] = old.replace(max_vertices=100)
    try:
        body = assert_problem(client.post("/api/v1/territories/check",
                                          json={"geometry": geometry}), 422)
        assert body["geometry_error"]["code"] == "too_many_vertices"
    finally:
        app.extensions["mapper.settings"] = old


def test_invalid_json(client, admin, session):
    before = _counts(session)
    for path in ("/api/v1/territories/check", "/api/v1/cpts"):
        resp = client.post(path, data="{not json", content_type="application/json",
                           headers=admin)
        assert "body" in assert_problem(resp, 400)["errors"]
    assert _counts(session) == before


def test_duplicate_name_ignoring_case_and_accents(client, admin, session):
    create(client, admin, "CPTS Été Sud", communes=[grid_code(0, 0)])
    before = _counts(session)
    for name in ("CPTS Été Sud", "cpts ete sud", "  CPTS   ÉTÉ SUD "):
        resp = client.post("/api/v1/cpts", json={"name": name, "communes": [grid_code(4, 4)]},
                           headers=admin)
        assert "name" in assert_problem(resp, 409)["errors"]
    assert _counts(session) == before
    b = create(client, admin, "CPTS Nord", communes=[grid_code(4, 4)])
    resp = client.patch(f"/api/v1/cpts/{b['id']}", json={"name": "cpts été SUD"}, headers=admin)
    assert "name" in assert_problem(resp, 409)["errors"]


@pytest.mark.parametrize("field,value", [("website", "javascript:alert(1)"),
                                         ("contact_email", "pas-un-email"),
                                         ("embed_origins", ["https://a.fr/path"]),
                                         ("status", "valide"),
                                         ("name", "")])
def test_bad_fields(client, admin, session, field, value):
    before = _counts(session)
    resp = client.post("/api/v1/cpts", headers=admin,
                       json={"name": "CPTS X", "communes": [grid_code(0, 0)], field: value})
    assert field in assert_problem(resp, 422)["errors"]
    assert _counts(session) == before


def test_bad_arbitrations_and_coverage_queries(client, admin):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    b = create(client, admin, "CPTS B", communes=[grid_code(1, 0)])
    for body, field in [
        ({"commune": "99999", "cpts": [a["id"], b["id"]], "reason": "x"}, "commune"),
        ({"commune": grid_code(0, 0), "cpts": [a["id"]], "reason": "x"}, "cpts"),
        ({"commune": grid_code(0, 0), "cpts": [a["id"], 999999], "reason": "x"}, "cpts"),
        ({"commune": grid_code(0, 0), "cpts": [a["id"], b["id"]], "reason": "x"}, "cpts"),
        ({"commune": grid_code(0, 0), "cpts": [a["id"], b["id"]]}, "reason"),
    ]:
        resp = client.post("/api/v1/arbitrations", json=body, headers=admin)
        assert field in assert_problem(resp, 422)["errors"], body
    assert "departement" in assert_problem(client.get("/api/v1/coverage"), 422)["errors"]
    assert "departement" in assert_problem(client.get("/api/v1/coverage?departement=1"),
                                           422)["errors"]
    assert "format" in assert_problem(client.get("/api/v1/coverage?region=84&format=kml"),
                                      422)["errors"]


def test_a_refused_patch_writes_nothing(client, admin, session):
    a = create(client, admin, "CPTS A", communes=[grid_code(0, 0)])
    before = _counts(session)
    resp = client.patch(f"/api/v1/cpts/{a['id']}", headers=admin,
                        json={"name": "CPTS Renommée", "communes": ["99999"]})
    assert "communes" in assert_problem(resp, 422)["errors"]
    resp = client.patch(f"/api/v1/cpts/{a['id']}", headers=admin,
                        json={"website": "https://ok.fr", "geometry": BOWTIE})
    assert "geometry" in assert_problem(resp, 422)["errors"]
    session.expire_all()
    cpts = session.get(Cpts, a["id"])
    assert cpts.name == "CPTS A" and cpts.website is None
    assert _counts(session) == before
    assert_problem(client.patch("/api/v1/cpts/999999", headers=admin, json={"name": "x"}), 404)
