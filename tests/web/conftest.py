"""Fixtures of the page tests: a small fictional world (communes, CPTS, professionals) built
through the real importers and services, signed-in clients, and a live site for the browser."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import CSRF_TOKEN

from mapper.auth.passwords import hash_password
from tests.factories.world import ALWAYS_OPEN, WorldBuilder
from tests.support import make_settings

#: 4×4 square communes 75001…75016 (fictional codes, région 11), 0.05° a side.
ORIGIN = (2.25, 48.80)
STEP = 0.05
ADDRESS = "12 rue de la Paix 75014 Paris"
ADDRESS_POINT = (48.83, 2.32)  # in commune 75002 (column 1, row 0)
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    cpts: dict  # name -> id
    slugs: dict  # name -> slug
    pros: dict  # key -> id


def seed(session, tmp_path) -> World:
    """Communes, three CPTS (one validated, one project overlapping it, one clean project),
    three professionals, and a cached geocoding answer for ADDRESS."""
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    w.communes("75", ORIGIN, 4, STEP)
    projet_nord = w.cpts("CPTS Projet Nord", ["75002", "75003"])
    sud = w.cpts("CPTS Sud", ["75001", "75002", "75005", "75006"], validated=True,
                 website="https://cpts-sud.example.org")
    est = w.cpts("CPTS Est", ["75004", "75008"])
    nurse = w.professional(
        first_name="Anaïs", last_name="Martin", profession="60", rpps="10000000001",
        competencies=["plaies-cicatrisation"], accepts_new_patients=True, home_visits=True,
        phone="01 45 00 00 00", site=(48.831, 2.321), address="10 rue Daguerre",
        postcode="75014", commune="75006", zones=[{"communes": ["75002", "75003"]}],
        slots=ALWAYS_OPEN, cpts=[sud.id])
    doctor = w.professional(
        first_name="Bernard", last_name="Durand", profession="10", rpps="10000000002",
        accepts_new_patients=False, phone="01 45 00 00 01", site=(48.84, 2.33),
        address="3 avenue du Maine", postcode="75014", commune="75006", cpts=[sud.id],
        last_verified_at=datetime.now(timezone.utc) - timedelta(days=400))
    physio = w.professional(
        first_name="Chloé", last_name="Petit", profession="70", rpps="10000000003",
        accepts_new_patients=True, competencies=["pediatrie"], site=(48.915, 2.43),
        address="1 place Denfert", postcode="75014", commune="75011", cpts=[])
    w.cached_address(ADDRESS, ADDRESS_POINT, "12 Rue de la Paix 75014 Paris", "75114", "75014")
    session.commit()
    return World(
        cpts={"sud": sud.id, "nord": projet_nord.id, "est": est.id},
        slugs={"sud": sud.slug, "nord": projet_nord.slug, "est": est.slug},
        pros={"nurse": nurse, "doctor": doctor, "physio": physio})


@pytest.fixture()
def world(session, tmp_path) -> World:
    return seed(session, tmp_path)


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


TOKEN = CSRF_TOKEN


# -- a live site for the browser ---------------------------------------------------------------

@dataclass
class LiveSite:
    url: str
    app: object
    world: World
    accounts: dict  # role -> email


@pytest.fixture(scope="module")
def live_site(database_factory, live_server_factory, tmp_path_factory) -> LiveSite:
    from mapper import create_app
    from mapper.db import get_db
    from mapper.services.accounts import create_account

    url = database_factory("web")
    app = create_app(make_settings(url))
    db = get_db(app)
    with db.session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("web"))
    emails = {}
    with db.session_scope() as session:
        for role, scope in (("admin", {}), ("ars", {"regions": ["11"]}),
                            ("coordinator", {"cpts_id": world.cpts["sud"]}),
                            ("professional", {"professional_id": world.pros["nurse"]})):
            account, _ = create_account(session, email=f"{role}@example.org", role=role,
                                        actor="test", **scope)
            account.password_hash = hash_password(PASSWORD)
            emails[role] = account.email
    server = live_server_factory(app)
    return LiveSite(server.url, app, world, emails)


def browser_sign_in(page, site: LiveSite, role: str) -> None:
    page.goto(f"{site.url}/connexion")
    page.fill("#email", site.accounts[role])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()
