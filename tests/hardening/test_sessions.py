"""Sessions, accounts and tokens end when they should, through real HTTP (a live server on a
committed database): sign-out, password change and deactivation revoke; the CSRF token is new
after sign-in; password guessing is slowed atomically, per (e-mail, IP), with Retry-After;
signed-in pages are never cached."""
from __future__ import annotations

import itertools
import re
import threading

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import text

from mapper import create_app
from mapper.auth.passwords import hash_password
from mapper.cli import main
from mapper.db import get_db
from mapper.services.accounts import create_account
from tests.support import make_settings

PASSWORD = "correct horse battery staple"
_n = itertools.count(1)


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory):
    url = database_factory("sessions")
    app = create_app(make_settings(url))
    server = live_server_factory(app)
    return server.url, app, url


def new_account(app, role="ars", **scope) -> tuple[str, str]:
    """An account with a password: (e-mail, API token)."""
    scope = scope or {"regions": ["11"]}
    with get_db(app).session_scope() as s:
        account, token = create_account(s, email=f"{role}{next(_n)}@example.org", role=role,
                                        actor="test", **scope)
        account.password_hash = hash_password(PASSWORD)
        return account.email, token


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(base: str, email: str, password: str = PASSWORD) -> requests.Session:
    browser = requests.Session()
    token = csrf(browser.get(f"{base}/connexion").text)
    resp = browser.post(f"{base}/connexion", allow_redirects=False,
                        data={"email": email, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.text[:500]
    return browser


def opens_ars(browser_or_cookies, base: str) -> bool:
    get = (browser_or_cookies.get if isinstance(browser_or_cookies, requests.Session)
           else lambda url, **kw: requests.get(url, cookies=browser_or_cookies, **kw))
    return get(f"{base}/ars", allow_redirects=False).status_code == 200


def test_sign_out_ends_the_session_even_for_a_captured_cookie(site):
    base, app, _ = site
    email, _ = new_account(app)
    browser = sign_in(base, email)
    captured = browser.cookies.get_dict()
    assert opens_ars(browser, base) and opens_ars(captured, base)
    home = browser.get(f"{base}/").text
    assert browser.post(f"{base}/deconnexion", data={"csrf_token": csrf(home)},
                        allow_redirects=False).status_code == 302
    assert not opens_ars(captured, base)


def test_a_password_change_ends_the_other_sessions(site):
    base, app, _ = site
    email, _ = new_account(app)
    here, elsewhere = sign_in(base, email), sign_in(base, email)
    form = here.get(f"{base}/compte/mot-de-passe").text
    new = "un tout autre mot de passe"
    resp = here.post(f"{base}/compte/mot-de-passe", allow_redirects=False, data={
        "password": new, "confirm": new, "csrf_token": csrf(form)})
    assert resp.status_code == 302
    assert opens_ars(here, base) and not opens_ars(elsewhere, base)
    sign_in(base, email, new)


def test_the_csrf_token_is_new_after_sign_in(site):
    base, app, _ = site
    email, _ = new_account(app)
    browser = requests.Session()
    before = csrf(browser.get(f"{base}/connexion").text)
    resp = browser.post(f"{base}/connexion", allow_redirects=False,
                        data={"email": email, "password": PASSWORD, "csrf_token": before})
    assert resp.status_code == 302
    after = csrf(browser.get(f"{base}/").text)
    assert after != before
    assert browser.post(f"{base}/deconnexion", data={"csrf_token": before}).status_code == 400


def test_signed_in_pages_are_never_cached(site):
    base, app, _ = site
    email, _ = new_account(app)
    browser = sign_in(base, email)
    for path in ("/ars", "/"):
        resp = browser.get(f"{base}{path}", allow_redirects=False)
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "private, no-store", path
    assert "no-store" not in requests.get(f"{base}/").headers.get("Cache-Control", "")


def test_parallel_guesses_get_no_more_than_the_free_checks(site):
    base, app, url = site
    email, _ = new_account(app)
    browsers = [requests.Session() for _ in range(40)]
    tokens = [csrf(b.get(f"{base}/connexion").text) for b in browsers]
    statuses = []

    def guess(browser, token):
        resp = browser.post(f"{base}/connexion", allow_redirects=False,
                            data={"email": email, "password": "bad guess", "csrf_token": token})
        statuses.append((resp.status_code, resp.headers.get("Retry-After")))

    threads = [threading.Thread(target=guess, args=bt) for bt in zip(browsers, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with get_db(app).session_scope() as s:
        checked = s.execute(text("SELECT count(*) FROM login_attempt WHERE email = :e"),
                            {"e": email}).scalar()
    assert checked == 5, statuses
    slowed = [r for s, r in statuses if s == 429]
    assert len(slowed) == 35 and all(r and int(r) > 0 for r in slowed)


def test_the_owner_elsewhere_is_not_slowed_by_someone_else_s_guesses(site):
    _, app, _ = site
    email, _ = new_account(app)
    client = app.test_client()
    attacker, owner = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}

    def attempt(env, password):
        token = csrf(client.get("/connexion", environ_base=env).get_data(as_text=True))
        return client.post("/connexion", environ_base=env, data={
            "email": email, "password": password, "csrf_token": token})

    for _ in range(5):
        assert attempt(attacker, "bad").status_code == 401
    refused = attempt(attacker, PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert attempt(owner, PASSWORD).status_code == 302


def test_deactivation_and_revocation_end_access(site):
    base, app, url = site
    _, admin = new_account(app, role="admin", regions=[])
    email, token = new_account(app)
    browser = sign_in(base, email)
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{base}/api/v1/arbitrations", headers=bearer).status_code == 200
    # a new token, then revoking through the CLI: the old one stops, as does the new one
    issued = requests.post(f"{base}/api/v1/accounts/{_id(app, email)}/tokens", json={
        "label": "script"}, headers={"Authorization": f"Bearer {admin}"})
    assert issued.status_code == 201
    result = CliRunner().invoke(main, ["tokens", "revoke", "--email", email],
                                env={"MAPPER_DATABASE_URL": url})
    assert result.exit_code == 0 and "2 token(s) revoked" in result.output
    for t in (token, issued.json()["token"]):
        assert requests.get(f"{base}/api/v1/arbitrations",
                            headers={"Authorization": f"Bearer {t}"}).status_code == 401
    assert opens_ars(browser, base)
    resp = requests.post(f"{base}/api/v1/accounts/{_id(app, email)}/deactivate",
                         headers={"Authorization": f"Bearer {admin}"})
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert not opens_ars(browser, base)
    fresh = requests.Session()
    denied = fresh.post(f"{base}/connexion", data={
        "email": email, "password": PASSWORD,
        "csrf_token": csrf(fresh.get(f"{base}/connexion").text)})
    assert denied.status_code == 401  # a deactivated account signs in no more


def _id(app, email: str) -> int:
    with get_db(app).session_scope() as s:
        return s.execute(text("SELECT id FROM account WHERE email = :e"), {"e": email}).scalar()


def test_an_administrator_cannot_lock_themselves_out_through_the_api(site):
    base, app, _ = site
    email, admin = new_account(app, role="admin", regions=[])
    bearer = {"Authorization": f"Bearer {admin}"}
    me = _id(app, email)
    resp = requests.post(f"{base}/api/v1/accounts/{me}/deactivate", headers=bearer)
    assert resp.status_code == 409 and "account" in resp.json()["errors"]
    resp = requests.delete(f"{base}/api/v1/accounts/{me}/tokens", headers=bearer)
    assert resp.status_code == 409
    account = requests.get(f"{base}/api/v1/accounts/{me}", headers=bearer)
    assert account.status_code == 200 and account.json()["active"] is True
