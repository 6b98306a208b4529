"""The address combobox of /recherche in Chromium: keyboard only, mouse or touch, screen reader
attributes, nothing asked of a third party, and the form without JavaScript."""
from __future__ import annotations

import pytest

from tests.autocomplete.conftest import PAIX
from tests.conftest import PageGuard
from tests.standins import BanStandIn
from tests.support import make_settings
from tests.web.conftest import seed

pytestmark = pytest.mark.browser

LABEL = "12 Rue de la Paix 75014 Paris"
OPTIONS = "#adresse-suggestions [role=option]"


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    """The page tests' world, with a BAN stand-in that knows one address of it."""
    from mapper import create_app
    from mapper.db import get_db

    with BanStandIn({"12 rue de la paix paris": PAIX}) as ban:
        url = database_factory("autocomplete")
        app = create_app(make_settings(url, ban_base_url=ban.base_url))
        with get_db(app).session_scope() as session:
            seed(session, tmp_path_factory.mktemp("autocomplete"))
        server = live_server_factory(app)
        yield server.url, ban


def open_suggestions(page, base: str, typed: str = "12 rue de la pa") -> None:
    page.goto(f"{base}/recherche")
    page.locator("#adresse").press_sequentially(typed, delay=20)
    page.wait_for_selector(OPTIONS)


def field(page):
    """The field's attribute ``name``: ``attr = field(page); attr("aria-expanded")``."""
    return lambda name: page.get_attribute("#adresse", name)


def test_keyboard_only_choose_submit_and_read_the_results(guarded_page, site):
    page, guard = guarded_page
    base, ban = site
    aria = field(page)
    page.goto(f"{base}/recherche")
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.id") != "adresse":
        page.keyboard.press("Tab")
    assert (aria("role"), aria("aria-expanded"), aria("autocomplete")) == ("combobox", "false", "off")
    page.keyboard.type("12 rue de la pa", delay=20)
    page.wait_for_selector(OPTIONS)
    assert aria("aria-expanded") == "true"
    assert page.inner_text("#adresse ~ [role=status]") == "1 suggestion"
    page.keyboard.press("ArrowDown")
    option = page.locator(OPTIONS).first
    assert aria("aria-activedescendant") == option.get_attribute("id")
    assert option.get_attribute("aria-selected") == "true"
    asked = len(ban.requests)
    page.keyboard.press("Enter")  # chooses, does not submit
    assert page.input_value("#adresse") == LABEL
    assert aria("aria-expanded") == "false" and aria("aria-activedescendant") is None
    assert "/recherche?" not in page.url
    page.keyboard.press("Enter")  # submits
    page.wait_for_selector("#resultats-titre")
    assert f"de « {LABEL} »" in page.inner_text("#resultats-titre")
    assert page.locator(".result-list h3").count() >= 1
    assert len(ban.requests) == asked  # the chosen label came from the cache
    guard.assert_clean()  # no request left 127.0.0.1, no console error


def test_escape_closes_and_arrows_wrap(guarded_page, site):
    page, guard = guarded_page
    aria = field(page)
    open_suggestions(page, site[0])
    page.keyboard.press("ArrowUp")  # from the field to the last suggestion
    assert page.locator(OPTIONS).last.get_attribute("aria-selected") == "true"
    page.keyboard.press("Escape")
    assert aria("aria-expanded") == "false" and page.is_hidden("#adresse-suggestions")
    assert page.input_value("#adresse") == "12 rue de la pa"  # Escape keeps what was typed
    page.keyboard.press("ArrowDown")
    assert aria("aria-expanded") == "true"
    guard.assert_clean()


def test_a_tap_chooses_on_a_phone(browser, site):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        guard = PageGuard(page)
        open_suggestions(page, site[0])
        page.locator(OPTIONS).first.tap()
        assert page.input_value("#adresse") == LABEL
        assert page.evaluate("document.activeElement.id") == "adresse"
        box = page.locator("#adresse-suggestions").bounding_box()
        assert box is None or box["x"] + box["width"] <= 390
        guard.assert_clean()
    finally:
        context.close()


def test_without_javascript_the_plain_form_still_searches(browser, site):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site[0]}/recherche")
        assert page.get_attribute("#adresse", "role") is None
        page.fill("#adresse", "12 rue de la Paix 75014 Paris")
        page.click("button[type=submit]:has-text('Rechercher')")
        page.wait_for_selector("#resultats-titre")
        assert page.locator(".result-list h3").count() >= 1
    finally:
        context.close()


def test_english_texts_follow_the_page_language(guarded_page, site):
    page, guard = guarded_page
    page.goto(f"{site[0]}/recherche?lang=en")
    if page.get_attribute("html", "lang") != "en":
        pytest.skip("no English catalogue on this branch")
    page.locator("#adresse").press_sequentially("12 rue de la pa", delay=20)
    page.wait_for_selector(OPTIONS)
    assert page.inner_text("#adresse ~ [role=status]") == "1 suggestion"
    assert page.get_attribute("#adresse-suggestions", "aria-label") == "Address suggestions"


def test_no_serious_accessibility_violation_with_the_list_open(browser, site):
    from tests.support import serious_violations

    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        open_suggestions(page, site[0])
        page.keyboard.press("ArrowDown")
        assert serious_violations(page) == []
    finally:
        context.close()
