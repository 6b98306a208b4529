"""Every error path has the problem+json shape for the API and a French page otherwise."""
from __future__ import annotations

import pytest

from mapper import create_app

from .support import assert_problem, bearer, make_settings



def test_400_invalid_json(client, accounts):
    _, token = accounts("admin")
    resp = client.post("/api/v1/accounts", data="{not json", headers={
        **bearer(token), "Content-Type": "application/json"})
    body = assert_problem(resp, 400)
    assert "JSON" in body["detail"]


def test_401_without_token(client):
    body = assert_problem(client.post("/api/v1/accounts", json={}), 401)
    assert "jeton" in body["detail"].lower()


def test_401_with_unknown_token(client):
    resp = client.post("/api/v1/accounts", json={}, headers=bearer("cpts_nope"))
    assert_problem(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_403_out_of_scope(client, accounts):
    _, token = accounts("ars", regions=["93"])
    resp = client.post("/api/v1/accounts", json={"email": "x@example.org", "role": "admin"},
                       headers=bearer(token))
    assert_problem(resp, 403)


def test_404_unknown_commune_and_unknown_path(client):
    assert_problem(client.get("/api/v1/communes/99999"), 404)
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_405_wrong_method(client):
    resp = client.delete("/api/v1/communes/75114")
    assert_problem(resp, 405)
    assert "GET" in resp.headers["Allow"]


def test_409_duplicate_email(client, accounts):
    _, token = accounts("admin")
    accounts("admin", email="dup@example.org")
    resp = client.post("/api/v1/accounts", json={"email": "dup@example.org", "role": "admin"},
                       headers=bearer(token))
    body = assert_problem(resp, 409)
    assert "email" in body["errors"]


def test_413_body_too_large(client, accounts):
    _, token = accounts("admin")
    resp = client.post("/api/v1/accounts", data=b"x" * (6 * 1024 * 1024),
                       headers={**bearer(token), "Content-Type": "application/json"})
    assert_problem(resp, 413)


def test_422_field_level_reasons(client, accounts):
    _, token = accounts("admin")
    resp = client.post("/api/v1/accounts", json={"email": "not-an-email", "role": "king"},
                       headers=bearer(token))
    body = assert_problem(resp, 422)
    assert set(body["errors"]) == {"email", "role"}


def test_422_scope_missing_for_role(client, accounts):
    _, token = accounts("admin")
    resp = client.post("/api/v1/accounts", json={"email": "a@example.org", "role": "ars"},
                       headers=bearer(token))
    body = assert_problem(resp, 422)
    assert "region" in body["errors"]


def test_500_hides_internals(database_url):
    app = create_app(make_settings(database_url))

    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM internals")

    resp = app.test_client().get("/api/v1/boom")
    body = assert_problem(resp, 500)
    assert "secret" not in resp.get_data(as_text=True)
    assert body["incident"] in body["detail"]


def test_503_when_database_unreachable(tmp_path):
    url = f"postgresql+psycopg://mapper@/mapper?host={tmp_path}&port=5999"
    app = create_app(make_settings(url))
    body = assert_problem(app.test_client().get("/api/v1/health"), 503)
    assert "indisponible" in body["detail"] or "injoignable" in body["detail"]


def test_html_errors_are_french_pages(client):
    resp = client.get("/nulle-part", headers={"Accept": "text/html"})
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html and "Ressource introuvable" in html


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/openapi.json"])
def test_success_paths_are_json(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.is_json
