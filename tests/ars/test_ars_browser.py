"""The ARS officer in Chromium, on a phone and on a desk: opens the queue, opens the overlapping
project at its top, sees the claimant on the map (the red overlap's tooltip names both CPTS),
records a decision; axe-core finds no serious violation on the queue nor the project page."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.auth.passwords import hash_password
from mapper.db import get_db
from mapper.services.accounts import create_account
from tests.ars.test_review_queue import build
from tests.support import PASSWORD, make_settings, serious_violations, signed_in_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    app = create_app(make_settings(database_factory("arsweb")))
    with get_db(app).session_scope() as session:
        build(session, tmp_path_factory.mktemp("ars"))
        account, _ = create_account(session, email="ars@example.org", role="ars",
                                    actor="test", regions=["11"])
        account.password_hash = hash_password(PASSWORD)
    return live_server_factory(app).url


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_queue_project_map_decision(browser, site, size):
    with signed_in_page(browser, site, "ars@example.org", size) as (page, guard):
        page.goto(f"{site}/ars")
        first = page.locator(".queue-row").first
        assert "Chevauche" in first.inner_text()
        name = first.locator(".queue-link").inner_text()
        assert name in ("CPTS Étoile", "CPTS Nord")  # the first of the overlapping ones
        page.goto(f"{site}/ars/projets/cpts-etoile")
        assert page.locator("h1").inner_text() == "CPTS Étoile"
        overlap = page.locator(".leaflet-cptsOverlaps-pane path").first
        overlap.scroll_into_view_if_needed()
        overlap.hover(force=True)
        tooltip = page.locator(".cpts-tooltip").first
        tooltip.wait_for()
        assert "CPTS Zénith" in tooltip.inner_text() and "CPTS Étoile" in tooltip.inner_text()
        page.check("#decision-rejete" if size == "phone" else "#decision-valide")
        page.fill("#motif", f"Décision prise sur {size}")
        page.click("button:has-text('Enregistrer la décision')")
        page.wait_for_load_state()
        assert "CPTS Étoile : CPTS" in page.locator("body").inner_text()
        assert f"Décision prise sur {size}" in page.locator(".history").inner_text()
        guard.assert_clean()


@pytest.mark.parametrize("path", ["/ars", "/ars?chevauchement=1&statut=projet",
                                  "/ars/projets/cpts-nord", "/ars/communes/75002/arbitrage"])
def test_accessibility(browser, site, path):
    with signed_in_page(browser, site, "ars@example.org", "phone", bypass_csp=True) as (page, _):
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []


def test_refused_decision_lands_on_the_form(browser, site):
    with signed_in_page(browser, site, "ars@example.org", "phone") as (page, _):
        page.goto(f"{site}/ars/projets/cpts-nord")
        page.check("#decision-valide")
        page.fill("#motif", "Motif gardé")
        page.click("button:has-text('Enregistrer la décision')")
        page.wait_for_load_state()
        error = page.locator("#decision-erreur")
        assert "chevauche une CPTS validée" in error.inner_text()
        assert error.is_visible() and _in_viewport(page, "#decision-erreur")
        assert page.input_value("#motif") == "Motif gardé"


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
                                   return r.top >= 0 && r.bottom <= window.innerHeight; }""",
                         selector)
