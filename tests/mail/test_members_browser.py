"""In Chromium, phone and desktop: the coordinator invites a member from the CPTS page, the
local SMTP server receives the message, its link signs the member in on a phone and lands on
their entry; « Retirer » asks first and « Annuler le retrait » puts the member back. axe-core
finds nothing serious on any of these pages; screenshots go to $MAPPER_SHOTS (if set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PageGuard
from tests.support import serious_violations
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = os.environ.get("MAPPER_SHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def clean(page) -> list[str]:
    return serious_violations(page, exclude=(".leaflet-control-container",))


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


def sign_in(page, site, email: str) -> None:
    page.goto(f"{site.url}/connexion")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_invite_then_the_member_signs_in_on_a_phone(open_page, mail_site, viewport, label):
    site = mail_site
    page, guard = open_page(viewport)
    sign_in(page, site, site.accounts["coordinator"][0])
    page.goto(f"{site.url}/cpts/{site.world.slugs['sud']}#membres")
    row = page.locator(".members li", has_text="Anaïs Martin")
    assert f"fiche n° {site.world.pros['nurse']}" in row.inner_text()
    assert clean(page) == []
    row.scroll_into_view_if_needed()
    shot(page, f"cpts-members-{label}")
    row.get_by_role("link", name="Inviter Anaïs Martin par e-mail").click()
    page.wait_for_selector("h1:has-text('Inviter Anaïs Martin')")
    assert clean(page) == []
    email = f"anais.{label}@example.org"
    if label == "desktop":  # the phone run gave the entry its account: the address is fixed
        assert page.locator("#email").input_value() == "anais.phone@example.org"
        email = "anais.phone@example.org"
    else:
        page.fill("#email", email)
    shot(page, f"invite-{label}")
    sent = len(site.inbox.messages)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_selector(".flash")
    assert f"Invitation envoyée à {email}" in page.locator(".flash").inner_text()
    assert len(site.inbox.messages) == sent + 1
    to, message = site.inbox.messages[-1]
    assert to == [email] and "CPTS Sud" in message["Subject"]
    link = site.inbox.link()
    guard.assert_clean()

    member, member_guard = open_page(PHONE)  # the member opens the mail on a phone
    member.goto(link)
    member.wait_for_selector("h1")
    assert member.url.endswith("/moi")
    assert member.locator("h1").inner_text() == "Ma fiche : Anaïs Martin"
    assert "Vous êtes connecté·e" in member.locator(".flash").inner_text()
    assert member.get_by_role("link", name="Choisir mon mot de passe").is_visible()
    assert clean(member) == []
    shot(member, f"moi-after-link-{label}")
    member_guard.assert_clean()


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_remove_asks_first_and_can_be_undone(open_page, mail_site, viewport, label):
    site = mail_site
    page, guard = open_page(viewport)
    sign_in(page, site, site.accounts["coordinator"][0])
    page.goto(f"{site.url}/cpts/{site.world.slugs['sud']}#membres")
    page.locator(".members li", has_text="Bernard Durand").get_by_role(
        "link", name="Retirer Bernard Durand de la CPTS").click()
    page.wait_for_selector("h1:has-text('Retirer Bernard Durand de CPTS Sud ?')")
    assert clean(page) == []
    shot(page, f"remove-confirm-{label}")
    page.click("button:has-text('Oui, retirer de la CPTS')")
    page.wait_for_selector(".flash.undo")
    assert page.locator(".members li", has_text="Bernard Durand").count() == 0
    assert "Bernard Durand a été retiré·e" in page.locator(".flash.undo").inner_text()
    assert page.locator(".flash.undo").is_visible()  # at the top, right where the page opens
    assert clean(page) == []
    shot(page, f"removed-undo-{label}")
    page.click("button:has-text('Annuler le retrait')")
    page.wait_for_selector(".flash")
    assert "Retrait annulé" in page.locator(".flash").inner_text()
    assert page.locator(".members li", has_text="Bernard Durand").count() == 1
    guard.assert_clean()
