"""Signing in over real HTTP (requests) or with a Flask test client, as a person does."""
from __future__ import annotations

import re

import requests

from tests.web.conftest import PASSWORD


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def http_sign_in(base_url: str, email: str) -> tuple[requests.Session, str]:
    """A requests session signed in through /connexion; with its CSRF token."""
    web = requests.Session()
    token = csrf_from(web.get(f"{base_url}/connexion", timeout=10).text)
    resp = web.post(f"{base_url}/connexion", data={"email": email, "password": PASSWORD,
                                                   "csrf_token": token, "next": "/"},
                    allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    return web, csrf_from(web.get(f"{base_url}/", timeout=10).text)


def client_sign_in(client, email: str) -> str:
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    resp = client.post("/connexion", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})
    assert resp.status_code == 302
    return csrf_from(client.get("/").get_data(as_text=True))
