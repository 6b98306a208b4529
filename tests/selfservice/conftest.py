"""The small fictional world of the page tests (tests.web.conftest.seed): three CPTS, the
validated « CPTS Sud » with two members and its website https://cpts-sud.example.org."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PageGuard
from tests.support import make_settings
from tests.web.conftest import PASSWORD, World, seed

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = os.environ.get("MAPPER_SHOTS")


@pytest.fixture()
def world(session, tmp_path) -> World:
    return seed(session, tmp_path)


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.auth.passwords import hash_password
    from mapper.db import get_db
    from mapper.services.accounts import create_account

    app = create_app(make_settings(database_factory("selfservice")))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("selfservice"))
    with get_db(app).session_scope() as session:
        account, _ = create_account(session, email="coord@example.org", role="coordinator",
                                    actor="test", cpts_id=world.cpts["sud"])
        account.password_hash = hash_password(PASSWORD)
    server = live_server_factory(app)
    return {"url": server.url, "world": world, "email": "coord@example.org"}


@pytest.fixture()
def open_page(browser):
    contexts = []

    def make(viewport: dict):
        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                      viewport=viewport, is_mobile=viewport is PHONE,
                                      has_touch=viewport is PHONE)
        contexts.append(context)
        page = context.new_page()
        return page, PageGuard(page)

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def sign_in_browser(page, site) -> None:
    page.goto(f"{site['url']}/connexion")
    page.fill("#email", site["email"])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()
