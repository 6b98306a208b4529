"""/recherche in headless Chromium at phone (390×844) and desktop (1366×900) sizes: results
first (the first result inside the first screen), the list/map switch on a phone, a search
with the keyboard only, and axe-core on the form, the results and the empty result."""
from __future__ import annotations

import pytest

from tests.web.conftest import ADDRESS
from tests.support import serious_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
QUERY = f"/recherche?adresse={ADDRESS.replace(' ', '+')}"


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    from tests.conftest import PageGuard

    width, height = SIZES[request.param]
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": width, "height": height})
    page = context.new_page()
    yield request.param, page, PageGuard(page)
    context.close()


def inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"])


def test_after_a_search_the_first_result_is_in_the_first_screen(sized, live_site):
    size, page, guard = sized
    page.goto(f"{live_site.url}{QUERY}")
    page.wait_for_selector(".result-list li")
    assert page.evaluate("window.scrollY") == 0
    assert inside_viewport(page, ".result-list li"), page.locator(
        ".result-list li").first.bounding_box()
    assert page.locator("details.search-summary").get_attribute("open") is None
    assert page.locator("details.search-summary form").is_hidden()  # folded
    page.click("details.search-summary > summary")  # « Modifier »
    assert page.locator("#adresse").is_visible()
    if size == "desktop":  # the map beside the list, in the first screen too
        assert page.locator(".view-toggle").is_hidden()
        assert inside_viewport(page, ".results-map .leaflet-control-zoom")
        list_box = page.locator(".result-list").bounding_box()
        map_box = page.locator(".results-map").bounding_box()
        assert map_box["x"] >= list_box["x"] + list_box["width"]
    guard.assert_clean()


def test_phone_list_map_toggle(browser, live_site):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_site.url}{QUERY}")
        page.wait_for_selector(".result-list li")
        assert page.locator(".results-map").is_hidden()
        page.click(".view-toggle button[data-view=carte]")
        assert page.locator(".result-list").is_hidden()
        page.wait_for_selector(".results-map .leaflet-marker-icon, .results-map .marker-cluster")
        assert page.locator(".view-toggle button[data-view=carte]").get_attribute(
            "aria-pressed") == "true"
        assert inside_viewport(page, ".results-map .map-frame") or page.locator(
            ".results-map .map-frame").bounding_box()["y"] < 844
        page.click(".view-toggle button[data-view=liste]")
        assert page.locator(".result-list").is_visible() and page.locator(
            ".results-map").is_hidden()
    finally:
        context.close()


def test_keyboard_only_search(guarded_page, live_site):
    page, guard = guarded_page
    page.goto(f"{live_site.url}/recherche")
    page.focus("#adresse")
    page.keyboard.type(ADDRESS)
    page.keyboard.press("Tab")  # (« Près de moi », hidden in headless: no geolocation) → profession
    for _ in range(5):
        if page.evaluate("document.activeElement.id") == "profession":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "profession"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "rayon"
    page.keyboard.press("Tab")  # « Plus de critères »
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "nouveaux_patients"
    page.keyboard.press("Space")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector("#resultats-titre")
    assert "nouveaux_patients=1" in page.url
    # a shareable address: the empty fields are left out
    assert "lat=" not in page.url and "rayon=" not in page.url and "langue=" not in page.url
    assert page.locator(".result-list h3").all_inner_texts() == ["Anaïs Martin", "Chloé Petit"]
    guard.assert_clean()


@pytest.mark.parametrize("path", [
    "/recherche",
    QUERY,
    QUERY + "&profession=70",  # nobody within 10 km
    "/recherche?adresse=ab&rayon=-1",
])
@pytest.mark.parametrize("size", list(SIZES))
def test_search_page_passes_axe(browser, live_site, path, size):
    width, height = SIZES[size]
    context = browser.new_context(locale="fr-FR", bypass_csp=True,
                                  viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{live_site.url}{path}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
        page.goto(f"{live_site.url}{path}&lang=en" if "?" in path else f"{live_site.url}{path}?lang=en")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
    finally:
        context.close()
