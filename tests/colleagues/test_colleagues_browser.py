"""In Chromium at phone size: a signed-in nurse opens /collegues from the navigation, finds the
nearest physiotherapist who takes referrals from her practice, sees the direct line and the
MSSanté address and downloads the vCard; axe-core finds nothing serious. Screenshots of the page
and of the edited forms at phone and desktop size when MAPPER_SHOTS is set."""
from __future__ import annotations

import pytest
import vobject

from mapper.auth.passwords import hash_password
from tests.colleagues.conftest import seed_colleagues
from tests.selfservice.conftest import DESKTOP, PHONE, shot
from tests.support import make_settings, serious_violations
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from mapper.services.accounts import create_account

    app = create_app(make_settings(database_factory("colleagues")))
    with get_db(app).session_scope() as session:
        world = seed_colleagues(session, tmp_path_factory.mktemp("colleagues"))
    with get_db(app).session_scope() as session:
        for email, role, scope in (
                ("nurse@example.org", "professional", {"professional_id": world.pros["nurse"]}),
                ("coord@example.org", "coordinator", {"cpts_id": world.cpts["sud"]})):
            account, _ = create_account(session, email=email, role=role, actor="test", **scope)
            account.password_hash = hash_password(PASSWORD)
    return {"url": live_server_factory(app).url, "world": world}


@pytest.fixture()
def open_page(browser):
    contexts = []

    def make(viewport: dict):
        from tests.conftest import PageGuard

        context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                      viewport=viewport, is_mobile=viewport is PHONE,
                                      has_touch=viewport is PHONE, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        return page, PageGuard(page)

    yield make
    for context in contexts:
        context.close()


def sign_in(page, site, email: str) -> None:
    page.goto(f"{site['url']}/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()


def test_a_nurse_finds_the_nearest_physiotherapist_who_takes_referrals(site, open_page):
    page, guard = open_page(PHONE)
    sign_in(page, site, "nurse@example.org")
    page.get_by_role("link", name="Confrères").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Confrères"
    page.select_option("#profession", "70")
    page.check("#adresses")
    page.click("button[type=submit]:has-text('Chercher')")
    page.wait_for_load_state()
    first = page.locator("article.colleague").first
    # Denis Roux is nearer but takes no referrals; Eve Blanc is of another CPTS.
    assert first.locator("h3").inner_text() == "Chloé Petit"
    call = first.get_by_role("link", name="Appeler la ligne directe")
    assert call.get_attribute("href") == "tel:0699000006" and call.is_visible()
    mail = first.locator("a.mssante")
    assert mail.get_attribute("href") == "mailto:physio@kine.mssante.fr"
    assert page.locator("article.colleague").count() == 1
    assert serious_violations(page) == []
    shot(page, "colleagues-phone")
    with page.expect_download() as info:
        first.get_by_role("link", name="Ajouter à mes contacts Chloé Petit (vCard)").click()
    download = info.value
    assert download.suggested_filename.endswith(".vcf")
    card = vobject.readOne(open(download.path(), encoding="utf-8").read())
    assert card.fn.value == "Chloé Petit"
    assert "tel:+33699000006" in [t.value for t in card.contents["tel"]]
    assert not guard.page_errors and not guard.foreign_requests and not guard.console_errors


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_pages_at_both_sizes(site, open_page, viewport, label):
    page, guard = open_page(viewport)
    sign_in(page, site, "nurse@example.org")
    page.goto(f"{site['url']}/collegues")
    assert serious_violations(page) == []
    shot(page, f"colleagues-{label}")
    page.goto(f"{site['url']}/moi")
    page.locator("#mssante").scroll_into_view_if_needed()
    page.fill("#mssante", "anais@gmail.com")
    page.click("button[type=submit]:has-text('Enregistrer ma fiche')")
    page.wait_for_load_state()
    assert page.locator("#mssante").get_attribute("aria-invalid") == "true"
    page.locator("#mssante").scroll_into_view_if_needed()
    assert serious_violations(page) == []
    shot(page, f"colleagues-moi-error-{label}")
    page2, _ = open_page(viewport)
    sign_in(page2, site, "coord@example.org")
    world = site["world"]
    page2.goto(f"{site['url']}/cpts/{world.slugs['sud']}/membres/{world.pros['physio']}/fiche")
    page2.locator("#ligne_directe").scroll_into_view_if_needed()
    assert page2.input_value("#mssante") == "physio@kine.mssante.fr"
    assert serious_violations(page2) == []
    shot(page2, f"colleagues-member-entry-{label}")
    assert not guard.page_errors and not guard.foreign_requests
