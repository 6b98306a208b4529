"""Invitations over real HTTP against a real SMTP server: the page and the API, the scope
rules, a mail server that is down (nothing kept) or absent (the link is logged), the CLI.

The tests of this module share one committed world (``mail_site``) and run in order: the
failure cases first, while the entries have no account yet."""
from __future__ import annotations

from html import unescape

import requests
from click.testing import CliRunner
from sqlalchemy import text

from mapper.db import get_db
from tests.support import assert_problem, bearer

from .conftest import SENDER, free_port
from .helpers import client_sign_in, http_sign_in


def count(site, sql: str, **params) -> int:
    with get_db(site.app).session_scope() as session:
        return session.execute(text(sql), params).scalar()


def invite_path(site, who: str) -> str:
    return f"/cpts/{site.world.slugs['sud']}/membres/{site.world.pros[who]}/inviter"


def api_path(site, who: str, cpts: str = "sud") -> str:
    return (f"/api/v1/cpts/{site.world.slugs[cpts]}/members/{site.world.pros[who]}"
            "/invitation")


def test_mail_server_down_keeps_nothing(mail_site):
    client = mail_site.down_app.test_client()
    csrf = client_sign_in(client, mail_site.accounts["coordinator"][0])
    before = count(mail_site, "SELECT count(*) FROM audit_event")
    resp = client.post(invite_path(mail_site, "doctor"),
                       data={"csrf_token": csrf, "email": "bernard.durand@example.org"})
    html = unescape(resp.get_data(as_text=True))
    assert resp.status_code == 503
    assert "Le message n'a pas pu être envoyé" in html and "Rien n'a été enregistré" in html
    assert 'id="email-erreur"' in html and 'value="bernard.durand@example.org"' in html
    assert count(mail_site, "SELECT count(*) FROM account WHERE email = :e",
                 e="bernard.durand@example.org") == 0
    assert count(mail_site, "SELECT count(*) FROM signin_link") == 0
    assert count(mail_site, "SELECT count(*) FROM audit_event") == before
    api = mail_site.down_app.test_client().post(
        api_path(mail_site, "doctor"), json={"email": "bernard.durand@example.org"},
        headers=bearer(mail_site.accounts["coordinator"][1]))
    body = assert_problem(api, 503)
    assert "Rien n'a été enregistré" in body["detail"] and "email" in body["errors"]
    assert count(mail_site, "SELECT count(*) FROM account") == 3


def test_without_a_mail_server_the_link_is_logged_not_sent(mail_site):
    resp = mail_site.quiet_app.test_client().post(
        api_path(mail_site, "physio"), json={"email": "chloe.petit@example.org"},
        headers=bearer(mail_site.accounts["admin"][1]))  # an admin invites anyone
    assert resp.status_code == 201, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["mail_sent"] is False and body["account_created"] is True
    assert "link" not in body and "token" not in body
    assert mail_site.inbox.messages == []


def test_api_scope_and_answers(mail_site):
    url, world = mail_site.url, mail_site.world
    coordinator = bearer(mail_site.accounts["coordinator"][1])
    other = bearer(mail_site.accounts["other"][1])
    post = lambda path, headers, **kw: requests.post(url + path, headers=headers,  # noqa: E731
                                                     timeout=10, **kw)
    assert_json_problem(post(api_path(mail_site, "doctor"), other,
                             json={"email": "x@example.org"}), 403)
    assert_json_problem(post(api_path(mail_site, "doctor"), {}, json={}), 401)
    assert_json_problem(post(api_path(mail_site, "physio"), coordinator,
                             json={"email": "x@example.org"}), 404)  # not a member
    missing = assert_json_problem(post(api_path(mail_site, "doctor"), coordinator), 422)
    assert "email" in missing["errors"]
    bad = assert_json_problem(post(api_path(mail_site, "doctor"), coordinator,
                                   json={"email": "pas-une-adresse"}), 422)
    assert "email" in bad["errors"]
    resp = post(api_path(mail_site, "doctor"), coordinator,
                json={"email": "Bernard.Durand@example.org"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["account_created"] is True and resp.json()["mail_sent"] is True
    to, message = mail_site.inbox.messages[-1]
    assert to == ["bernard.durand@example.org"] and message["From"] == SENDER
    assert mail_site.inbox.link().startswith(f"{url}/connexion/lien/")
    # An entry with an account is invited at that address only.
    taken = assert_json_problem(post(api_path(mail_site, "doctor"), coordinator,
                                     json={"email": "autre@example.org"}), 409)
    assert "bernard.durand@example.org" in taken["errors"]["email"][0]
    again = post(api_path(mail_site, "doctor"), coordinator, json={})
    assert again.status_code == 201 and again.json()["account_created"] is False
    assert len(mail_site.inbox.messages) == 2
    assert count(mail_site, "SELECT count(*) FROM audit_event WHERE action = "
                 "'cpts.member_invite' AND entity_id = :c AND after->>'professional_id' = :p",
                 c=str(world.cpts["sud"]), p=str(world.pros["doctor"])) == 2
    assert count(mail_site, "SELECT count(*) FROM api_token t JOIN account a ON "
                 "a.id = t.account_id WHERE a.email = 'bernard.durand@example.org'") == 0
    spec = requests.get(f"{url}/api/v1/openapi.json", timeout=10).json()
    operation = spec["paths"]["/api/v1/cpts/{id_or_slug}/members/{professional_id}/invitation"]
    assert {"201", "403", "409", "422", "503"} <= set(operation["post"]["responses"])


def assert_json_problem(resp, status: int) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    return resp.json()


def test_page_refuses_another_cpts_coordinator(mail_site):
    web, csrf = http_sign_in(mail_site.url, mail_site.accounts["other"][0])
    for method, data in (("get", None), ("post", {"csrf_token": csrf, "email": "a@ex.org"})):
        resp = getattr(web, method)(mail_site.url + invite_path(mail_site, "nurse"), data=data,
                                    allow_redirects=False, timeout=10)
        assert resp.status_code == 403 and "Accès refusé" in unescape(resp.text)


def test_cli_invite_sends_the_mail(mail_site, smtp_server):
    from mapper.cli import main

    controller, inbox = smtp_server
    env = {"MAPPER_DATABASE_URL": get_db(mail_site.app).url, "MAPPER_SMTP_HOST": "127.0.0.1",
           "MAPPER_SMTP_PORT": str(controller.port), "MAPPER_SMTP_STARTTLS": "0",
           "MAPPER_MAIL_FROM": SENDER}
    result = CliRunner().invoke(main, ["users", "invite", "--email", "admin@example.org",
                                       "--base-url", "https://carto.example"], env=env)
    assert result.exit_code == 0, result.output
    assert "e-mail sent to admin@example.org" in result.output
    assert inbox.messages[-1][0] == ["admin@example.org"]
    assert inbox.link().startswith("https://carto.example/connexion/lien/")
    assert inbox.link() in result.output
    down = CliRunner().invoke(main, ["users", "invite", "--email", "admin@example.org"],
                              env={**env, "MAPPER_SMTP_PORT": str(free_port())})
    assert down.exit_code == 1 and "/connexion/lien/" in down.output
    assert "e-mail NOT sent" in down.output
