"""In Chromium, phone and desktop: an administrator finds an account, creates and invites a
coordinator (the form shows only the role's scope; a wrong address is pointed out in place),
the local SMTP server receives the message; an ARS officer deactivates a coordinator of their
région after a confirmation. axe-core finds nothing serious; screenshots go to $MAPPER_SHOTS."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.mail.test_members_browser import DESKTOP, PHONE, open_page, shot, sign_in  # noqa: F401
from tests.support import serious_violations

pytestmark = pytest.mark.browser


def check(page, guard, status: int | None = None) -> None:
    """axe-core clean and nothing wrong in the console (but the page's own status, when it
    answers a refused form with a 4xx on purpose)."""
    assert serious_violations(page) == []
    if status:
        expected = f"status of {status}"
        guard.console_errors[:] = [e for e in guard.console_errors if expected not in e]
    guard.assert_clean()


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_admin_creates_and_invites(open_page, admin_site, viewport, label):  # noqa: F811
    site, scene = admin_site, admin_site.scene
    page, guard = open_page(viewport)
    sign_in(page, site, scene.emails["admin"])
    page.get_by_role("link", name="Comptes", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ comptes$"))).to_be_visible()
    shot(page, f"admin-accounts-{label}")
    check(page, guard)
    page.fill("#q", "sud")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name=scene.emails["coord_sud"])).to_be_visible()
    expect(page.get_by_role("link", name=scene.emails["coord_nord"])).to_have_count(0)

    page.get_by_role("link", name="Créer un compte et l'inviter").click()
    page.wait_for_load_state()
    page.select_option("#role", "coordinator")
    assert page.locator("#cpts").is_visible() and not page.locator("#region").is_visible()
    assert not page.locator("#professional").is_visible()
    page.select_option("#cpts", str(scene.cpts["nord"]))
    page.fill("#email", "pas-une-adresse")
    page.get_by_role("button", name="Créer le compte et envoyer l'invitation").click()
    error = page.locator("#email-erreur")
    expect(error).to_contain_text("invalide")
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert page.locator("#cpts").is_visible()  # the role chosen stays, with its field
    shot(page, f"admin-account-error-{label}")
    check(page, guard, status=422)
    before = len(site.inbox.messages)
    page.fill("#email", f"coord.{label}@example.org")
    page.get_by_role("button", name="Créer le compte et envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Invitation envoyée à coord.{label}@example.org")
    assert len(site.inbox.messages) == before + 1
    expect(page.get_by_role("link", name="CPTS Nord")).to_be_visible()
    shot(page, f"admin-account-created-{label}")
    check(page, guard)


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_ars_officer_deactivates_after_confirming(open_page, admin_site, viewport,  # noqa: F811
                                                  label):
    site, scene = admin_site, admin_site.scene
    page, guard = open_page(viewport)
    sign_in(page, site, scene.emails["ars11"])
    page.goto(f"{site.url}/admin/comptes")
    target = f"coord.{label}@example.org"  # created by the previous test, CPTS Nord
    page.get_by_role("link", name=target).click()
    page.get_by_role("link", name="Désactiver ce compte…").click()
    expect(page.get_by_role("heading", name=f"Désactiver le compte {target} ?")).to_be_visible()
    shot(page, f"admin-account-deactivate-{label}")
    check(page, guard)
    page.get_by_role("button", name="Oui, désactiver ce compte").click()
    expect(page.get_by_role("status").first).to_contain_text("désactivé")
    expect(page.get_by_role("button", name="Réactiver ce compte")).to_be_visible()
    check(page, guard)
