"""A small world of two régions for the account pages: CPTS « Nord » in Île-de-France (75,
région 11) and CPTS « Sud » in Provence-Alpes-Côte d'Azur (13, région 93), and one account of
each kind that matters to the scope rules."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from mapper.auth.passwords import hash_password
from tests.factories.world import WorldBuilder
from tests.support import make_settings
from tests.web.conftest import PASSWORD

# The mail fixtures (a real SMTP server on 127.0.0.1) are shared with tests/mail.
from tests.mail.conftest import free_port, smtp_server, smtp_settings  # noqa: F401

ROLES = {  # key -> (role, scope builder)
    "admin": ("admin", lambda w: {}),
    "ars11": ("ars", lambda w: {"regions": ["11"]}),
    "ars93": ("ars", lambda w: {"regions": ["93"]}),
    "coord_nord": ("coordinator", lambda w: {"cpts_id": w["nord"]}),
    "coord_sud": ("coordinator", lambda w: {"cpts_id": w["sud"]}),
    "pro": ("professional", lambda w: {"professional_id": w["pro"]}),
}


@dataclass
class Scene:
    ids: dict  # key -> account id
    emails: dict  # key -> e-mail
    tokens: dict  # key -> API token
    cpts: dict  # "nord"/"sud" -> CPTS id


def build(session, tmp_path) -> Scene:
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", (2.25, 48.80), 2)
    w.communes("13", (5.30, 43.25), 2)
    nord = w.cpts("CPTS Nord", ["75001", "75002"])
    sud = w.cpts("CPTS Sud", ["13001", "13002"])
    pro = w.professional(first_name="Zoé", last_name="Bernard", profession="60")
    session.flush()
    assert (nord.region, sud.region) == ("11", "93")
    refs = {"nord": nord.id, "sud": sud.id, "pro": pro}
    from mapper.services.accounts import create_account

    ids, emails, tokens = {}, {}, {}
    for key, (role, scope) in ROLES.items():
        account, token = create_account(session, email=f"{key}@example.org", role=role,
                                        actor="test", **scope(refs))
        account.password_hash = hash_password(PASSWORD)
        ids[key], emails[key], tokens[key] = account.id, account.email, token
    session.commit()
    return Scene(ids, emails, tokens, {"nord": nord.id, "sud": sud.id})


@pytest.fixture()
def scene(session, tmp_path) -> Scene:
    return build(session, tmp_path)


@dataclass
class Site:
    url: str  # mail goes to the local SMTP server
    quiet_url: str  # the same database, no mail server configured
    app: object
    scene: Scene
    inbox: object


@pytest.fixture(scope="module")
def admin_site(database_factory, live_server_factory, tmp_path_factory, smtp_server):  # noqa: F811
    from mapper import create_app
    from mapper.db import get_db

    controller, inbox = smtp_server
    url = database_factory("admin")
    app = create_app(make_settings(url, smtp=smtp_settings(controller.port)))
    quiet = create_app(make_settings(url))
    with get_db(app).session_scope() as session:
        scene = build(session, tmp_path_factory.mktemp("admin"))
    return Site(live_server_factory(app).url, live_server_factory(quiet).url, app, scene,
                inbox)
