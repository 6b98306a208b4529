"""Input a careless or hostile client sends — NUL bytes, lone surrogates, integers beyond what a
column holds, deep JSON, Unicode digits, absurd dates and lengths — is a 4xx naming the field,
never a 500, and writes nothing (row counts before and after)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.directory.conftest import body
from tests.support import assert_problem, bearer

TABLES = ("professional", "practice_site", "cpts", "account", "arbitration", "competency",
          "audit_event")
BIG = 2_147_483_648  # one beyond a PostgreSQL integer


def counts(session) -> dict[str, int]:
    return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


@pytest.fixture()
def admin(accounts):
    return bearer(accounts("admin")[1])


@pytest.fixture()
def entry(client, communes, admin) -> int:
    resp = client.post("/api/v1/professionals", json=body(), headers=admin)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()["id"]


def send(client, method: str, path: str, payload=None, raw: str | None = None, headers=None):
    if raw is not None:
        return client.open(path, method=method, data=raw, headers=headers,
                           content_type="application/json")
    return client.open(path, method=method, json=payload, headers=headers)


API_CASES = [
    # NUL bytes, in a query parameter and in JSON fields (anonymous and with a token)
    ("GET", "/api/v1/communes?q=ab%00c", None, None, 400, "q"),
    ("POST", "/api/v1/territories/check", {"communes": ["750\x0001"]}, None, 400, "communes.0"),
    ("POST", "/api/v1/cpts", {"name": "CPTS\x00", "communes": ["75001"]}, "admin", 400, "name"),
    ("POST", "/api/v1/professionals",
     body(sites=[{"address": "1 rue\x00 X", "lat": 48.83, "lon": 2.32}]), "admin", 400,
     "sites.0.address"),
    ("POST", "/api/v1/competencies", {"slug": "x-y", "label": "A\x00B"}, "admin", 400, "label"),
    # integers beyond an integer column
    ("POST", "/api/v1/territories/check", {"communes": ["75001"], "exclude_cpts": BIG}, None,
     422, "exclude_cpts"),
    ("POST", "/api/v1/accounts", {"email": "c@example.org", "role": "coordinator",
                                  "cpts": 2**63}, "admin", 422, "cpts"),
    ("POST", "/api/v1/accounts", {"email": "c@example.org", "role": "coordinator",
                                  "cpts": BIG}, "admin", 422, "cpts"),
    ("POST", "/api/v1/accounts", {"email": "p@example.org", "role": "professional",
                                  "professional": 2**63}, "admin", 422, "professional"),
    ("POST", "/api/v1/accounts", {"email": "p@example.org", "role": "professional",
                                  "professional": 99999}, "admin", 422, "professional"),
    ("POST", "/api/v1/arbitrations", {"commune": "75001", "cpts": [BIG, 1],
                                      "reason": "partage"}, "admin", 422, "cpts"),
    # Unicode digits where an identifier is expected
    ("GET", "/api/v1/professionals/search?cpts=%C2%B2", None, None, 422, "cpts"),
    # coordinates of hundreds of digits
    ("POST", "/api/v1/professionals", body(sites=[{"address": "1 rue X", "lat": 10**400,
                                                   "lon": 2.3}]), "admin", 422, "sites"),
    ("POST", "/api/v1/territories/check", {"geometry": {"type": "Polygon", "coordinates": [
        [[2, 48], [10**300, 48], [3, 49], [2, 48]]]}}, None, 422, "geometry"),
    # absurd dates
    ("GET", "/api/v1/professionals/search?open_at=0001-01-01T00:00", None, None, 422, "open_at"),
    ("GET", "/api/v1/professionals/search?open_at=9999-12-31T23:59:59-12:00", None, None, 422,
     "open_at"),
    ("POST", "/api/v1/professionals", body(last_verified_at="0001-01-01T00:00:00+00:00"),
     "admin", 422, "last_verified_at"),
    ("POST", "/api/v1/professionals", body(last_verified_at="9999-12-31T23:59:59+00:00"),
     "admin", 422, "last_verified_at"),
    # lengths beyond the columns, lists beyond reason
    ("POST", "/api/v1/professionals", body(email="a" * 320 + "@example.org"), "admin", 422,
     "email"),
    ("POST", "/api/v1/professionals", body(website="https://x.fr/" + "a" * 600), "admin", 422,
     "website"),
    ("POST", "/api/v1/cpts", {"name": "CPTS O", "communes": ["75001"],
                              "embed_origins": ["https://" + "a" * 100_000 + ".fr"]}, "admin",
     422, "embed_origins"),
    ("POST", "/api/v1/cpts", {"name": "CPTS O", "communes": ["75001"],
                              "embed_origins": [f"https://s{i}.fr" for i in range(5000)]},
     "admin", 422, "embed_origins"),
    ("POST", "/api/v1/competencies", {"slug": "long", "label": "Long",
                                      "description": "d" * 10_000}, "admin", 422,
     "description"),
    # found by the fuzzer at 100 examples per operation
    ("POST", "/api/v1/competencies", {"slug": "-".join(["soins"] * 20), "label": "Soins"},
     "admin", 422, "slug"),
    ("GET", "/api/v1/professionals/search?" + "&".join(["profession="] * 21), None, None, 422,
     "profession"),
    ("POST", "/api/v1/accounts", {"email": "a" * 64 + "@" + "b" * 60 + ".example.org" * 25,
                                  "role": "admin"}, "admin", 422, "email"),
]


@pytest.mark.parametrize("method,path,payload,who,status,field", API_CASES)
def test_api_refuses_unreadable_input_naming_the_field(client, session, communes, admin,
                                                       method, path, payload, who, status,
                                                       field):
    before = counts(session)
    resp = send(client, method, path, payload, headers=admin if who else None)
    problem = assert_problem(resp, status)
    assert field in json.dumps(problem["errors"]), problem
    assert counts(session) == before


@pytest.mark.parametrize("raw,field", [
    ('{"communes": ["\\ud800"]}', "communes.0"),          # a lone surrogate
    ("[" * 1000 + "]" * 1000, "body"),                     # JSON nested 1 000 levels (2 KB)
    ('{"communes": ["75001"], "exclude_cpts": ' + "9" * 5000 + "}", "body"),  # 5 000 digits
])
def test_json_that_cannot_be_read_safely(client, session, communes, raw, field):
    before = counts(session)
    problem = assert_problem(send(client, "POST", "/api/v1/territories/check", raw=raw), 400)
    assert field in problem["errors"], problem
    assert counts(session) == before


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_identifiers_beyond_an_integer_column_are_not_found(client, entry, admin, method):
    for path in (f"/api/v1/professionals/{BIG}", f"/api/v1/professionals/{BIG}/zones"):
        if method != "GET" and path.endswith("zones"):
            continue
        resp = send(client, method, path, {"phone": "1"} if method == "PATCH" else None,
                    headers=admin)
        assert_problem(resp, 404)


@pytest.mark.parametrize("path", ["/api/v1/cpts/%C2%B2", "/cpts/%C2%B2", "/map/cpts/%C2%B2",
                                  "/embed/cpts/%C2%B2", "/cpts/a%00b"])
def test_unicode_digits_and_nul_in_paths_are_4xx_pages(client, communes, path):
    resp = client.get(path)
    assert resp.status_code in (400, 404), resp.get_data(as_text=True)[:500]
    text_body = resp.get_data(as_text=True)
    assert "Traceback" not in text_body and "incident" not in text_body


def test_pages_say_which_parameter_in_french(client, communes):
    resp = client.get("/recherche?profession=1%000")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and '<html lang="fr" dir="ltr">' in html
    assert "profession" in html and "caractère nul" in html


def test_a_blank_external_reference_is_no_reference(client, session, communes, admin):
    """Two entries sent with ``external_ref: ""`` are two entries without one (NULL), not a
    unique-constraint collision on the empty string (a 500 the fuzzer found)."""
    ids = []
    for name, blank in (("Diallo", ""), ("Martin", "  ")):
        resp = client.post("/api/v1/professionals", headers=admin,
                           json=body(last_name=name, external_ref=blank))
        assert resp.status_code == 201, resp.get_data(as_text=True)
        ids.append(resp.get_json()["id"])
    stored = session.execute(text(
        "SELECT count(*) FROM professional WHERE id = ANY(:ids) "
        "AND external_ref IS NULL"), {"ids": ids}).scalar()
    assert stored == 2
