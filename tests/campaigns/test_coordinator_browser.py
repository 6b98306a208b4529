"""The coordinator's places and campaign pages in Chromium: on a phone (390×844) they fit the
screen, a permanence is added with the keyboard only, and axe-core finds no serious violation
on any of them, in French and in English; nothing leaves 127.0.0.1."""
from __future__ import annotations

from datetime import date

import pytest

from mapper.auth.passwords import hash_password
from tests.support import make_settings, serious_violations

from .conftest import ORIGIN, add_campaign, add_permanence, add_place

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from mapper.services.accounts import create_account
    from tests.factories.world import WorldBuilder

    settings = make_settings(database_factory("coordinator_pages"))
    app = create_app(settings)
    with get_db(app).session_scope() as session:
        world = WorldBuilder(session, settings, tmp_path_factory.mktemp("coordinator"))
        codes = world.communes("69", ORIGIN, 3, 0.05)
        cpts = world.cpts("CPTS Campagnes", codes[:4], validated=True)
        place = add_place(session, cpts.id, name="Centre de santé <b>Pasteur</b>",
                          finess="690781810", phone="0478000001")
        campaign = add_campaign(session, cpts.id)
        add_permanence(session, campaign, date(2026, 12, 12), place_id=place.id,
                       notes="Apportez votre carte Vitale.")
        account, _ = create_account(session, email="coord@example.org", role="coordinator",
                                    cpts_id=cpts.id, actor="test")
        account.password_hash = hash_password(PASSWORD)
        ids = {"slug": cpts.slug, "place": place.id, "campaign": campaign.slug}
    return live_server_factory(app).url, ids


def _signed_in(browser, url, *, width=390, height=844, locale="fr-FR"):
    from tests.conftest import PageGuard

    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                  timezone_id="Europe/Paris")
    page = context.new_page()
    guard = PageGuard(page)
    page.goto(f"{url}/connexion")
    page.fill("#email", "coord@example.org")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")
    assert "/connexion" not in page.url
    return context, page, guard


def _pages(ids) -> list[str]:
    slug = ids["slug"]
    return [f"/cpts/{slug}/lieux", f"/cpts/{slug}/lieux/{ids['place']}",
            f"/cpts/{slug}/campagnes", f"/cpts/{slug}/campagnes/{ids['campaign']}"]


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_pages_fit_a_phone_and_pass_axe(browser, site, locale):
    url, ids = site
    context, page, guard = _signed_in(browser, url, locale=locale)
    try:
        for path in _pages(ids):
            response = page.goto(url + path)
            assert response.status == 200 and page.url == url + path, path
            assert page.evaluate("document.documentElement.lang") == locale[:2]
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
            assert serious_violations(page) == [], path
        assert page.locator("text=<b>Pasteur</b>").count() >= 1  # a name shown as text
        guard.assert_clean()
    finally:
        context.close()


def test_a_permanence_is_added_with_the_keyboard(browser, site):
    url, ids = site
    context, page, guard = _signed_in(browser, url)
    try:
        page.goto(f"{url}/cpts/{ids['slug']}/campagnes/{ids['campaign']}")
        page.focus("#ajout-lieu")
        page.keyboard.press("ArrowDown")  # the first place of the list
        for name, value in (("date", "2027-01-09"), ("debut", "14:00"), ("fin", "17:30")):
            for _ in range(4):  # a date or time input takes a Tab per part
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.name") == name:
                    break
            assert page.evaluate("document.activeElement.name") == name
            page.locator("#" + page.evaluate("document.activeElement.id")).fill(value)
        page.locator("#ajout-notes").focus()
        page.keyboard.type("Sans rendez-vous, au rez-de-chaussée")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Permanence ajoutée." in page.inner_text("body")
        assert "14:00–17:30" in page.inner_text("body")
        guard.assert_clean()
    finally:
        context.close()
