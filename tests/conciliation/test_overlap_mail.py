"""Overlap notices by e-mail, read from a real local SMTP server (aiosmtpd): when a project that
overlaps others is submitted or its territory changed, the coordinators of every CPTS involved
and the ARS officers of the région get one French message each with the absolute link to the
project's page; the author, another région's ARS and inactive accounts get none. A mail server
that is down loses the message, never the write."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.db import get_db
from mapper.services.accounts import create_account
from tests.factories.world import WorldBuilder
from tests.mail.conftest import free_port, smtp_settings
from tests.support import bearer, make_settings


@pytest.fixture(scope="module")
def site(database_factory, smtp_server, tmp_path_factory):
    controller, inbox = smtp_server
    url = database_factory("concilmail")
    settings = make_settings(url, smtp=smtp_settings(controller.port),
                             base_url="https://carto.example.fr")
    app = create_app(settings)
    down = create_app(make_settings(url, smtp=smtp_settings(free_port())))
    tokens = {}
    with get_db(app).session_scope() as session:
        w = WorldBuilder(session, settings, tmp_path_factory.mktemp("concilmail"))
        w.communes("75", (2.25, 48.80), 4, 0.05)
        nord = w.cpts("CPTS Nord", ["75001", "75002"]).id
        sud = w.cpts("CPTS Sud", ["75005", "75006"]).id
        w.cpts("CPTS Loin", ["75016"])
        for email, role, scope in (
                ("coord.nord@example.org", "coordinator", {"cpts_id": nord}),
                ("coord.sud@example.org", "coordinator", {"cpts_id": sud}),
                ("ancien.sud@example.org", "coordinator", {"cpts_id": sud}),
                ("ars.idf@example.org", "ars", {"regions": ["11"]}),
                ("ars.paca@example.org", "ars", {"regions": ["93"]}),
                ("admin@example.org", "admin", {})):
            account, token = create_account(session, email=email, role=role, actor="test",
                                            **scope)
            account.active = email != "ancien.sud@example.org"
            tokens[email] = token
    return app, down, inbox, tokens


def received(inbox, start: int) -> dict:
    return {rcpt[0]: message for rcpt, message in inbox.messages[start:]}


def test_a_new_overlapping_project_is_told_to_those_concerned(site):
    app, _, inbox, tokens = site
    start = len(inbox.messages)
    resp = app.test_client().post(
        "/api/v1/cpts", headers=bearer(tokens["admin@example.org"]),
        json={"name": "CPTS Centre", "communes": ["75002", "75005", "75010"]})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    got = received(inbox, start)
    assert sorted(got) == ["ars.idf@example.org", "coord.nord@example.org",
                           "coord.sud@example.org"]
    assert len(inbox.messages) - start == 3  # one message per recipient
    ars = got["ars.idf@example.org"].get_body(("plain",)).get_content()
    coord = got["coord.nord@example.org"].get_body(("plain",)).get_content()
    assert got["ars.idf@example.org"]["Subject"] == "Chevauchement de territoire : CPTS Centre"
    assert "Le projet de CPTS Centre a été déposé." in ars
    assert "CPTS Nord : Commune 75-2 (75002)" in ars and "CPTS Sud" in ars
    assert "https://carto.example.fr/ars/projets/cpts-centre" in ars
    assert "https://carto.example.fr/cpts/cpts-centre" in coord
    assert "Il chevauche le territoire de votre CPTS :" in coord


def test_a_territory_change_is_told_and_a_down_server_loses_only_the_message(site):
    app, down, inbox, tokens = site
    client = app.test_client()
    start = len(inbox.messages)
    # the coordinator of Nord moves onto Sud's commune: they are not told of their own change
    resp = client.patch("/api/v1/cpts/cpts-nord", headers=bearer(tokens["coord.nord@example.org"]),
                        json={"communes": ["75001", "75006"]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    got = received(inbox, start)
    assert "coord.nord@example.org" not in got
    assert {"coord.sud@example.org", "ars.idf@example.org"} <= set(got)
    assert "a changé de territoire" in got["coord.sud@example.org"].get_body(
        ("plain",)).get_content()
    # a field that is not the territory tells nobody
    start = len(inbox.messages)
    assert client.patch("/api/v1/cpts/cpts-nord", headers=bearer(
        tokens["coord.nord@example.org"]), json={"website": "https://nord.example.fr"}
                        ).status_code == 200
    assert len(inbox.messages) == start
    # the mail server is down: the write is kept, nothing received
    resp = down.test_client().patch("/api/v1/cpts/cpts-loin", headers=bearer(
        tokens["admin@example.org"]), json={"communes": ["75016", "75006"]})
    assert resp.status_code == 200
    assert len(inbox.messages) == start
    shown = client.get("/api/v1/cpts/cpts-loin").get_json()["properties"]
    assert "75006" in shown["communes"]


def test_a_letter_of_intent_turned_project_is_told(site):
    """A lettre d'intention becomes a projet de santé: those it overlaps are told again; a
    project that overlaps nobody tells nobody."""
    app, _, inbox, tokens = site
    client = app.test_client()
    admin = bearer(tokens["admin@example.org"])
    assert client.post("/api/v1/cpts", headers=admin, json={
        "name": "CPTS Aube", "communes": ["75005", "75011"], "status": "intention"}
    ).status_code == 201
    assert client.post("/api/v1/cpts", headers=admin, json={
        "name": "CPTS Seule", "communes": ["75012"], "status": "intention"}).status_code == 201
    start = len(inbox.messages)
    resp = client.patch("/api/v1/cpts/cpts-aube", headers=admin, json={"status": "projet"})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    got = received(inbox, start)
    assert {"coord.sud@example.org", "ars.idf@example.org"} <= set(got)
    assert ("Le projet de CPTS Aube est passé de la lettre d'intention au projet de santé."
            in got["coord.sud@example.org"].get_body(("plain",)).get_content())
    start = len(inbox.messages)
    assert client.patch("/api/v1/cpts/cpts-seule", headers=admin,
                        json={"status": "projet"}).status_code == 200
    assert len(inbox.messages) == start
