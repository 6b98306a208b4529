"""The pages in Chromium in another language: with a right-to-left language (a test-only ``ar``
catalogue through ``translations_dir``) nothing overflows sideways on a phone and the first
result and the map stay on screen, on /recherche and in the widget; axe-core on the public
pages not covered elsewhere (home, checker, a CPTS's map) in French and English."""
from __future__ import annotations

import pytest

from tests.web.conftest import ADDRESS
from tests.web.test_search_browser import inside_viewport
from tests.web.test_translations import rtl_catalogues
from tests.support import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SEARCH = f"/recherche?adresse={ADDRESS.replace(' ', '+')}"


@pytest.fixture(scope="module")
def rtl_site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from tests.support import make_settings
    from tests.web.conftest import seed

    directory = rtl_catalogues(tmp_path_factory.mktemp("translations"))
    app = create_app(make_settings(database_factory("rtlweb"), translations_dir=directory))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("rtlweb"))
    return live_server_factory(app).url, world


@pytest.fixture()
def phone(browser):
    from tests.conftest import PageGuard

    context = browser.new_context(locale="ar", viewport=PHONE, timezone_id="Europe/Paris")
    page = context.new_page()
    yield page, PageGuard(page)
    context.close()


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "() => document.scrollingElement.scrollWidth <= window.innerWidth")


def horizontally_inside(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


def test_search_results_in_a_right_to_left_language(rtl_site, phone):
    url, _world = rtl_site
    page, guard = phone
    page.goto(f"{url}{SEARCH}&lang=ar")
    page.wait_for_selector("[data-result]")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert no_sideways_scroll(page)
    assert inside_viewport(page, "[data-result]")
    page.click(".view-toggle button[data-view=carte]")
    page.wait_for_selector(".results-map .leaflet-marker-icon, .results-map .marker-cluster")
    assert horizontally_inside(page, ".results-map .map-frame")
    assert page.locator(".results-map .map-frame").bounding_box()["y"] < PHONE["height"]
    assert no_sideways_scroll(page)
    guard.assert_clean()


def test_widget_in_a_right_to_left_language(rtl_site, phone):
    url, world = rtl_site
    page, guard = phone
    page.goto(f"{url}/embed/cpts/{world.slugs['sud']}?lang=ar")
    page.wait_for_selector("[data-result]")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert no_sideways_scroll(page)
    assert inside_viewport(page, "[data-result]")
    assert horizontally_inside(page, ".w-form")
    page.click(".w-toggle button[data-view=carte]")
    page.wait_for_selector(".w-map .leaflet-marker-icon, .w-map .marker-cluster")
    assert horizontally_inside(page, ".w-map")
    assert no_sideways_scroll(page)
    guard.assert_clean()


@pytest.mark.parametrize("path", ["/", "/territoires/verifier?communes=75002", "/map/cpts/{sud}",
                                  "/professionnels/{nurse}"])
def test_other_public_pages_do_not_overflow_in_rtl(rtl_site, phone, path):
    url, world = rtl_site
    page, _guard = phone
    page.goto(url + path.format(sud=world.slugs["sud"], nurse=world.pros["nurse"])
              + ("&" if "?" in path else "?") + "lang=ar")
    page.wait_for_load_state("networkidle")
    assert no_sideways_scroll(page)


def violations(page) -> list[str]:
    return serious_violations(page, exclude=(".leaflet-control-container",))


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
@pytest.mark.parametrize("path", ["/", "/territoires/verifier?communes=75002%0A75003",
                                  "/map/cpts/{sud}", "/map/cpts/{sud}?adresse=" +
                                  ADDRESS.replace(" ", "+")])
def test_public_pages_pass_axe_in_each_language(rtl_site, browser, path, lang):
    url, world = rtl_site
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(url + path.format(sud=world.slugs["sud"])
                  + ("&" if "?" in path else "?") + f"lang={lang}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == lang
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_map_numbers_are_written_as_intl_writes_them(rtl_site, browser, lang):
    """The maps write integers without building an Intl.NumberFormat for the shipped languages
    (French, English): the same text as Intl's; another language goes through Intl."""
    url, world = rtl_site
    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{url}/map/cpts/{world.slugs['sud']}?lang={lang}")
        page.wait_for_function("() => window.CartoCPTS && window.CartoCPTS.util")
        pairs = page.evaluate("""lang => [0, 7, 999, 1000, 5000, 12345, 999999, 1234567, 2.6]
            .map(n => [window.CartoCPTS.util.formatInt(n),
                       new Intl.NumberFormat(lang).format(Math.round(n))])""", lang)
        assert all(ours == intl for ours, intl in pairs), pairs
        assert pairs[4][0] != "5000" or lang == "ar"  # grouped: « 5 000 », « 5,000 »
    finally:
        context.close()
