"""Responses are compressed for the browsers that ask, except pages carrying a session secret."""
from __future__ import annotations

import gzip

import brotli


def test_public_page_and_assets_are_compressed(client):
    page = client.get("/recherche", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert "Trouver un professionnel" in brotli.decompress(page.data).decode()
    script = client.get("/assets/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"})
    assert script.status_code == 200 and script.headers["Content-Encoding"] == "gzip"
    assert b"Leaflet" in gzip.decompress(script.data)[:2000]


def test_without_accept_encoding_nothing_changes(client):
    page = client.get("/recherche")
    assert "Content-Encoding" not in page.headers
    assert "Trouver un professionnel" in page.get_data(as_text=True)


def test_a_page_with_a_csrf_token_is_not_compressed(client):
    # the sign-in form puts a per-session secret in the page: never compressed (BREACH)
    page = client.get("/connexion", headers={"Accept-Encoding": "br, gzip"})
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Content-Encoding" not in page.headers
