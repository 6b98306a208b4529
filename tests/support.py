"""Small helpers shared by tests (fixtures live in conftest.py)."""
from __future__ import annotations

from mapper.config import Settings


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_settings(url: str, **overrides) -> Settings:
    base = dict(database_url=url, secret_key="test-secret", session_cookie_secure=False,
                tiles_url=None, ban_base_url="http://127.0.0.1:9/geocodage",
                api_geo_base_url="http://127.0.0.1:9")
    base.update(overrides)
    return Settings(**base)


def assert_problem(resp, status: int) -> dict:
    """The problem+json shape every API error must have; returns the body."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == status
    assert body["type"].startswith("urn:carto-cpts:problem:")
    assert body["title"] and body["detail"]
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and "SELECT" not in text
    return body
