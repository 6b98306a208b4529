"""The on-call screens in headless Chromium at phone size: the pharmacist finds the nearest
on-call professional with a free place and reserves it, the list refreshes itself in place,
the holder marks « complet »; axe-core finds nothing serious. Screenshots go to tmp_path (or
to $MAPPER_SCREENSHOTS) at phone and desktop sizes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from mapper import create_app
from mapper.db import get_db
from mapper.models import Shift
from tests.factories.shifts import current_shift
from tests.support import make_settings, serious_violations

from .conftest import PASSWORD, make_accounts, seed

pytestmark = pytest.mark.browser
PHONE, DESKTOP = (390, 844), (1366, 900)


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    url = database_factory("oncall_web")
    app = create_app(make_settings(url))
    db = get_db(app)
    with db.session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("web"))
        make_accounts(session, world, passwords=True)
        sud, p = world.cpts["sud"], world.pros
        shifts = {"nurse": current_shift(session, sud, p["nurse"], free_places=2).id,
                  "doctor": current_shift(session, sud, p["doctor"], free_places=1).id,
                  "physio": current_shift(session, sud, p["physio"], free_places=0).id}
    server = live_server_factory(app)
    return {"url": server.url, "db": db, "world": world, "shifts": shifts}


def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("MAPPER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_signed_in(browser, site, who: str, size=PHONE, clock: bool = False):
    from tests.conftest import PageGuard

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    guard = PageGuard(page)
    if clock:
        page.clock.install()
    page.goto(f"{site['url']}/connexion")
    page.fill("#email", f"{who}@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_load_state()
    return context, page, guard


def _places(site, name: str) -> int:
    with site["db"].session_scope() as session:
        return session.scalar(select(Shift.free_places).where(Shift.id == site["shifts"][name]))


def test_the_pharmacist_reserves_the_nearest_free_place_on_a_phone(browser, site, tmp_path):
    context, page, guard = open_signed_in(browser, site, "pharmacist")
    try:
        page.goto(f"{site['url']}/astreintes")
        assert page.url.endswith(f"/cpts/{site['world'].slugs['sud']}/astreintes")
        first = page.locator(".oncall-card").first
        assert first.locator("h2").inner_text() == "Anaïs Martin"  # nearest with a free place
        assert first.locator(".places").inner_text() == "2 places libres"
        call = first.get_by_role("link", name="Appeler")
        assert call.get_attribute("href") == "tel:0145000000"
        box = call.bounding_box()
        assert box["y"] + box["height"] <= PHONE[1] and box["height"] >= 44  # one thumb, no scroll
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        assert serious_violations(page) == []
        page.screenshot(path=str(shots(tmp_path) / "astreintes-phone.png"), full_page=True)
        first.locator("summary").click()
        first.get_by_label("Note pour le professionnel (facultatif)").fill("plaie, vers 15 h")
        first.get_by_role("button", name="Confirmer : réserver 1 place").click()
        page.wait_for_load_state()
        card = page.locator(f"#astreinte-{site['shifts']['nurse']}")
        said = card.locator("[role=status]")
        assert said.is_visible() and "Place réservée" in said.inner_text()
        assert said.bounding_box()["y"] < PHONE[1]  # seen where the page lands
        assert card.locator(".places").inner_text() == "1 place libre"
        assert _places(site, "nurse") == 1
        assert serious_violations(page) == []
        page.screenshot(path=str(shots(tmp_path) / "astreintes-reservee-phone.png"))
        guard.assert_clean()
    finally:
        context.close()


def test_the_list_refreshes_itself_without_losing_the_scroll(browser, site, tmp_path):
    context, page, guard = open_signed_in(browser, site, "pharmacist", clock=True)
    try:
        page.goto(f"{site['url']}/cpts/{site['world'].slugs['sud']}/astreintes")
        page.evaluate("window.scrollTo(0, 300)")
        y = page.evaluate("window.scrollY")
        assert y > 0
        with site["db"].session_scope() as session:
            session.execute(update(Shift).where(Shift.id == site["shifts"]["doctor"])
                            .values(free_places=9))
        card = page.locator(f"#astreinte-{site['shifts']['doctor']} .places")
        assert card.inner_text() != "9 places libres"
        page.clock.run_for(61_000)
        expect(card).to_have_text("9 places libres")
        assert page.evaluate("window.scrollY") == y
        guard.assert_clean()
    finally:
        context.close()


def test_the_holder_marks_complet_in_one_tap(browser, site, tmp_path):
    context, page, guard = open_signed_in(browser, site, "holder")
    try:
        page.goto(f"{site['url']}/moi/astreintes")
        card = page.locator(f"#astreinte-{site['shifts']['nurse']}")
        assert serious_violations(page) == []
        page.screenshot(path=str(shots(tmp_path) / "mes-astreintes-phone.png"), full_page=True)
        card.get_by_role("button", name="Complet").click()
        page.wait_for_load_state()
        assert "complète" in page.locator(".flash").inner_text()
        assert card.locator(".places").inner_text() == "Complet"
        assert _places(site, "nurse") == 0
        card.get_by_role("button", name="+1 place").click()
        page.wait_for_load_state()
        assert _places(site, "nurse") == 1
        assert serious_violations(page) == []
        guard.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("who,path,name", [
    ("pharmacist", "/cpts/cpts-sud/astreintes", "astreintes"),
    ("holder", "/moi/astreintes", "mes-astreintes")])
def test_desktop_screenshots_and_axe(browser, site, tmp_path, who, path, name):
    context, page, guard = open_signed_in(browser, site, who, size=DESKTOP)
    try:
        page.goto(site["url"] + path)
        assert serious_violations(page) == []
        page.screenshot(path=str(shots(tmp_path) / f"{name}-desktop.png"), full_page=True)
        guard.assert_clean()
    finally:
        context.close()
