"""Session sign-in for people: password, one-time links, CSRF, rate limiting, logout."""
from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import text

from mapper.auth.passwords import hash_password

PASSWORD = "correct horse battery staple"


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def get_form(client, path="/connexion"):
    resp = client.get(path)
    assert resp.status_code == 200
    return csrf_from(resp.get_data(as_text=True))


def with_password(session, account):
    account.password_hash = hash_password(PASSWORD)
    session.commit()
    return account


def test_sign_in_and_out(client, session, accounts):
    account, _ = accounts("ars", regions=["93"])
    with_password(session, account)
    token = get_form(client)
    resp = client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert account.email in home and "Déconnexion" in home
    resp = client.post("/deconnexion", data={"csrf_token": csrf_from(home)})
    assert resp.status_code == 302
    assert "Connexion" in client.get("/").get_data(as_text=True)
    assert account.email not in client.get("/").get_data(as_text=True)


def test_wrong_password_is_a_french_error_and_logged(client, session, accounts):
    account, _ = accounts("admin")
    with_password(session, account)
    resp = client.post("/connexion", data={"email": account.email, "password": "nope",
                                           "csrf_token": get_form(client)})
    assert resp.status_code == 401
    assert "mot de passe incorrect" in resp.get_data(as_text=True)
    assert session.execute(text("SELECT count(*) FROM login_attempt WHERE NOT success")).scalar() == 1


def test_csrf_is_refused_without_token(client, session, accounts):
    account, _ = accounts("admin")
    with_password(session, account)
    client.get("/connexion")
    resp = client.post("/connexion", data={"email": account.email, "password": PASSWORD})
    assert resp.status_code == 400
    assert "Formulaire expiré" in resp.get_data(as_text=True)
    resp = client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert resp.status_code == 400


def test_rate_limit_after_five_failures(client, session, accounts):
    account, _ = accounts("admin")
    with_password(session, account)
    token = get_form(client)
    for _ in range(5):
        client.post("/connexion", data={"email": account.email, "password": "bad",
                                        "csrf_token": token})
    resp = client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    page = resp.get_data(as_text=True)
    assert "Trop de tentatives" in page
    # the form stays, with the e-mail typed, to try again when the wait is over
    assert 'name="password"' in page and f'value="{account.email}"' in page


def test_open_redirect_is_refused(client, session, accounts):
    account, _ = accounts("admin")
    with_password(session, account)
    resp = client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                           "csrf_token": get_form(client),
                                           "next": "https://evil.example/"})
    assert resp.headers["Location"] == "/ars"  # the admin's workspace, not evil.example


def test_session_cookie_does_not_authenticate_the_api(client, session, accounts):
    account, _ = accounts("admin")
    with_password(session, account)
    client.post("/connexion", data={"email": account.email, "password": PASSWORD,
                                    "csrf_token": get_form(client)})
    resp = client.post("/api/v1/accounts", json={"email": "z@example.org", "role": "admin"})
    assert resp.status_code == 401


def test_cookie_flags(app, database_url):
    from mapper import create_app
    from tests.support import make_settings

    prod = create_app(make_settings(database_url, session_cookie_secure=True))
    assert prod.config["SESSION_COOKIE_SECURE"] and prod.config["SESSION_COOKIE_HTTPONLY"]
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_invite_link_signs_in_once_then_password_can_be_set(app, connection, client, session,
                                                           accounts):
    from mapper.cli import main
    from mapper.services.accounts import create_signin_link

    account, _ = accounts("admin")
    _, link_token = create_signin_link(session, account.email, actor="test")
    session.commit()
    resp = client.get(f"/connexion/lien/{link_token}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/compte/mot-de-passe")
    form = client.get("/compte/mot-de-passe").get_data(as_text=True)
    bad = client.post("/compte/mot-de-passe", data={"password": "short", "confirm": "short",
                                                    "csrf_token": csrf_from(form)})
    assert bad.status_code == 422 and "au moins 12 caractères" in bad.get_data(as_text=True)
    ok = client.post("/compte/mot-de-passe", data={"password": PASSWORD, "confirm": PASSWORD,
                                                   "csrf_token": csrf_from(form)})
    assert ok.status_code == 302
    # The link works once.
    client.post("/deconnexion", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert client.get(f"/connexion/lien/{link_token}").status_code == 400
    # The CLI prints such links.
    result = CliRunner().invoke(main, ["users", "invite", "--email", "nobody@example.org"],
                                env={"MAPPER_DATABASE_URL": app.extensions["mapper.db"].url})
    assert result.exit_code != 0 and "Aucun compte" in result.output
