"""The ARS officer puts an overlap « en conciliation » in Chromium, on a phone and on a desk:
an empty note is refused with the error in the overlap's card, on screen, the note field
focusable; a note moves the pair to « En conciliation », shown on the page and in the queue;
axe-core finds no serious violation."""
from __future__ import annotations

import os

import pytest

from mapper import create_app
from mapper.auth.passwords import hash_password
from mapper.db import get_db
from mapper.services.accounts import create_account
from tests.conciliation.test_conciliation import build
from tests.support import PASSWORD, make_settings, serious_violations, signed_in_page

pytestmark = pytest.mark.browser
#: Where the screenshots go when asked (MAPPER_SCREENSHOTS=/tmp/dir).
SHOTS = os.environ.get("MAPPER_SCREENSHOTS")


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    app = create_app(make_settings(database_factory("concilweb")))
    with get_db(app).session_scope() as session:
        _, ids = build(session, tmp_path_factory.mktemp("concil"))
        account, _ = create_account(session, email="ars@example.org", role="ars",
                                    actor="test", regions=["11"])
        account.password_hash = hash_password(PASSWORD)
    return live_server_factory(app).url, ids


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] < height and box["y"] + box["height"] > 0


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_conciliation_form(browser, site, size):
    url, ids = site
    slug, other = (("cpts-nord", ids["sud"]) if size == "phone" else ("cpts-est", ids["sud"]))
    with signed_in_page(browser, url, "ars@example.org", size) as (page, guard):
        page.goto(f"{url}/ars/projets/{slug}")
        card = page.locator(f"article:has(#chev-{other})")
        assert "À concilier" in card.inner_text()
        card.locator("button:has-text('Passer en conciliation')").click()
        page.wait_for_load_state()
        error = page.locator(f"#concil-erreur-{other}")
        assert "La note est obligatoire" in error.inner_text()
        assert error.is_visible() and in_viewport(page, f"#concil-erreur-{other}")
        shot(page, f"ars-conciliation-error-{size}")
        assert guard.console_errors == [
            "Failed to load resource: the server responded with a status of 422 "
            "(UNPROCESSABLE ENTITY)"]  # the refused form's page: expected
        guard.console_errors.clear()
        assert serious_violations(page, exclude=(".leaflet-container",)) == []
        page.fill(f"#note-{other}", f"Réunion des deux CPTS prévue ({size})")
        page.locator(f"article:has(#chev-{other}) button").click()
        page.wait_for_load_state()
        card = page.locator(f"article:has(#chev-{other})")
        assert "En conciliation" in card.inner_text()
        assert f"Réunion des deux CPTS prévue ({size})" in card.inner_text()
        shot(page, f"ars-conciliation-done-{size}")
        assert serious_violations(page, exclude=(".leaflet-container",)) == []
        page.goto(f"{url}/ars")
        assert "En conciliation" in page.locator(".queue").inner_text()
        shot(page, f"ars-queue-{size}")
        page.goto(f"{url}/cpts/cpts-sud")
        page.locator("#chevauchements").scroll_into_view_if_needed()
        shot(page, f"cpts-page-{size}")
        guard.assert_clean()
