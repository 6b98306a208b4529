"""The coordinator sees and fills a gap on a phone (Chromium, 390×844), keyboard-reachable
forms, axe-core clean, nothing leaving 127.0.0.1."""
from __future__ import annotations

import pytest

from mapper.auth.passwords import hash_password
from tests.support import make_settings, serious_violations

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
WEEK = "2026-03-09"


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from mapper.services.accounts import create_account
    from tests.rota.conftest import build

    app = create_app(make_settings(database_factory("rota")))
    with get_db(app).session_scope() as session:
        world = build(session, tmp_path_factory.mktemp("rota"))
        account, _ = create_account(session, email="coord@example.org", role="coordinator",
                                    cpts_id=world.sud.id, actor="test")
        account.password_hash = hash_password(PASSWORD)
    return live_server_factory(app).url, world


def test_coordinator_fills_a_gap_on_a_phone(browser, site):
    url, world = site
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                  timezone_id="Europe/Paris")
    page = context.new_page()
    from tests.conftest import PageGuard

    guard = PageGuard(page)
    page.goto(f"{url}/connexion")
    page.fill("#email", "coord@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.goto(f"{url}/cpts/{world.sud.slug}/astreintes/planning?semaine={WEEK}")
    assert page.locator(".rota-grid").is_hidden()  # a day list on a phone
    summary = page.locator(".gap-summary")
    assert "5 trous" in summary.inner_text()
    summary.locator("a").first.click()
    monday = page.locator(".day.has-gap").first
    assert "Lundi 9 mars" in monday.inner_text()
    monday.locator("select").select_option(label="Durand Bernard")
    monday.locator("button:has-text('Assigner')").click()
    page.wait_for_load_state()
    assert "Astreinte ajoutée au planning." in page.locator(".flash").inner_text()
    assert "4 trous" in page.locator(".gap-summary").inner_text()
    first_day = page.locator(".day").first.inner_text()
    assert "Bernard Durand" in first_day and "2 places libres" in first_day
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    guard.assert_clean()
    context.close()
