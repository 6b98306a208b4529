"""The public page of a professional in headless Chromium: phone and desktop, the map, print
media (A4, one page), the print button, and axe-core in both languages.

Screenshots go to the test's tmp_path (and are looked at when the page changes); the page must
load with no console error and no request leaving 127.0.0.1.
"""
from __future__ import annotations

import re

import pytest

from tests.support import serious_violations

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def open_page(browser, url: str, size: tuple[int, int]):
    from tests.conftest import PageGuard

    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    guard = PageGuard(page)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return context, page, guard


@pytest.mark.parametrize("size", SIZES)
def test_name_visible_map_drawn_nothing_leaks(browser, live_site, tmp_path, size):
    pid = live_site.world.pros["nurse"]
    context, page, guard = open_page(browser, f"{live_site.url}/professionnels/{pid}",
                                     SIZES[size])
    try:
        heading = page.locator("h1#pro-nom")
        assert heading.inner_text() == "Anaïs Martin"
        box = heading.bounding_box()
        assert box and box["y"] + box["height"] <= SIZES[size][1]  # seen without scrolling
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0]
        page.wait_for_selector(".pro-map .leaflet-marker-icon")
        assert page.locator(".pro-map path").count() >= 1  # the zone d'intervention
        map_box = page.locator(".pro-map").bounding_box()
        assert map_box["width"] > 250 and map_box["height"] > 200
        assert page.locator("svg.qr-code").is_visible()
        assert page.locator("#imprimer").is_visible()  # shown by its script
        # no horizontal scrolling on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size][0]
        page.screenshot(path=str(tmp_path / f"professionnel-{size}.png"), full_page=True)
        guard.assert_clean()
    finally:
        context.close()


def test_print_media_hides_navigation_keeps_qr_and_map(browser, live_site, tmp_path):
    pid = live_site.world.pros["nurse"]
    context, page, guard = open_page(browser, f"{live_site.url}/professionnels/{pid}",
                                     SIZES["desktop"])
    try:
        page.wait_for_selector(".pro-map .leaflet-marker-icon")
        page.emulate_media(media="print")
        for hidden in ("header.site", "footer.site", "#imprimer", ".leaflet-control-zoom"):
            assert not page.locator(hidden).is_visible(), hidden
        assert page.locator("svg.qr-code").is_visible()
        assert page.locator(".pro-map").is_visible()
        assert page.locator("h1#pro-nom").is_visible()
        page.screenshot(path=str(tmp_path / "professionnel-print.png"), full_page=True)
        pdf = page.pdf(format="A4")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # a typical entry: one sheet
        guard.assert_clean()
    finally:
        context.close()


def test_print_button_prints(browser, live_site):
    pid = live_site.world.pros["physio"]
    context, page, guard = open_page(browser, f"{live_site.url}/professionnels/{pid}",
                                     SIZES["phone"])
    try:
        page.evaluate("window.print = function () { window.printed = true; }")
        page.click("#imprimer")
        assert page.evaluate("window.printed") is True
        guard.assert_clean()
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("who", ["nurse", "doctor"])
def test_accessibility(browser, live_site, who, lang):
    # axe-core is injected by the test: the check runs with CSP bypassed, and only the check.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live_site.url}/professionnels/{live_site.world.pros[who]}?lang={lang}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
    finally:
        context.close()
