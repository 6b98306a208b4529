"""The territories map in Chromium, at phone and desktop sizes: names shown as labels, the
legend behind a button (collapsed at first, opened and closed), a click on a territory offers
the link to the CPTS page, a click on an overlap lists every claimant; axe-core clean."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.db import Database
from tests.support import SIZES, make_settings, map_name, serious_violations, wait_until_idle
from tests.territory_map.seed import XSS_NAME, seed

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    url = database_factory("territory_map")
    settings = make_settings(url)
    db = Database(url, 30_000)
    with db.session_scope() as session:
        data = seed(session, settings, tmp_path_factory.mktemp("territory_map"))
    db.engine.dispose()
    return {"url": live_server_factory(create_app(settings)).url, **data}


def assert_labels_apart(page) -> None:
    """The names shown on the map never cover one another."""
    boxes = page.locator(".cpts-territory-label:not(.cpts-label-hidden) span").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })")
    assert boxes
    for i, a in enumerate(boxes):
        assert a[2] > a[0] and a[3] > a[1], a
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def click_label(page, name: str) -> None:
    """Click the map where a CPTS's label is (labels let clicks through to the territory)."""
    label = page.locator(".cpts-territory-label:not(.cpts-label-hidden)", has_text=name)
    label.scroll_into_view_if_needed()
    box = label.bounding_box()
    assert box, f"label {name!r} not shown"
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("size", list(SIZES))
def test_labels_legend_and_click_through(site, guarded_page, size):
    page, guard = guarded_page
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
    page.goto(f"{site['url']}/map/territories?departement=06")
    page.wait_for_selector(".cpts-arranged[data-cpts-labels]")  # names laid out
    page.locator("#carte").scroll_into_view_if_needed()
    shown = page.locator(".cpts-territory-label:not(.cpts-label-hidden)").all_inner_texts()
    assert XSS_NAME in shown and len(shown) >= 2, shown
    assert_labels_apart(page)
    # zoomed out, names that would cover one another are hidden
    hidden = page.locator(".cpts-territory-label.cpts-label-hidden")
    before = hidden.count()
    page.evaluate(f"() => window['{map_name(page)}'].zoomOut(1, {{animate: false}})")
    wait_until_idle(page)
    assert_labels_apart(page)
    assert hidden.count() > before
    page.evaluate(f"() => window['{map_name(page)}'].zoomIn(1, {{animate: false}})")
    wait_until_idle(page)

    # the legend: collapsed at first, opened by its button, closed by Escape
    button = page.locator(".cpts-panel-toggle")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator(".cpts-panel").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    legend = page.locator(".cpts-panel .cpts-legend")
    assert legend.is_visible()
    assert "Lettre d'intention" in legend.inner_text()
    assert "Chevauchements entre CPTS" in legend.inner_text()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"

    # a click on a territory: its name, status and the link to its page
    click_label(page, XSS_NAME)
    popup = page.wait_for_selector(".cpts-territory-popup")
    assert XSS_NAME in popup.inner_text() and "Lettre d'intention" in popup.inner_text()
    link = page.locator(".cpts-territory-popup a.cpts-popup-link")
    assert link.get_attribute("href") == f"/cpts/{site['xss']['slug']}"
    assert page.locator("script:not([src]):not([type])").count() >= 1
    assert not serious_violations(page, exclude=(".leaflet-container",))
    link.click()
    page.wait_for_url(f"**/cpts/{site['xss']['slug']}")
    guard.assert_clean()


def test_an_overlap_lists_every_claimant(site, guarded_page):
    page, guard = guarded_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{site['url']}/map/territories?region=93")
    page.wait_for_selector(".leaflet-cptsOverlaps-pane path")
    areas = page.locator(".leaflet-cptsOverlaps-pane path")
    assert areas.count() == 2  # {Alpha, Bêta, Gamma} on 06002 and {Bêta, Gamma} on 06006
    texts = []
    for i in range(2):
        areas.nth(i).click(force=True)
        popup = page.wait_for_selector(".cpts-overlap-popup")
        texts.append(popup.inner_text())
        page.keyboard.press("Escape")
        page.wait_for_selector(".cpts-overlap-popup", state="detached")
    three = next(t for t in texts if "3 CPTS" in t)
    assert all(n in three for n in ("CPTS Alpha", "CPTS Bêta", "CPTS Gamma"))
    assert "Commune 06-2 (06002)" in three
    guard.assert_clean()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_area_form_folds_so_the_map_is_in_the_first_screen(site, guarded_page, size):
    page, guard = guarded_page
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site['url']}/map/territories?departement=06")
    page.wait_for_selector(".cpts-arranged[data-cpts-labels]")
    summary = page.locator("details.search-summary > summary")
    assert "Zone : " in summary.inner_text() and "Alpes-Maritimes" in summary.inner_text()
    assert not page.locator("#f-departement").is_visible()
    top = page.locator(".leaflet-container").bounding_box()["y"]
    assert top < height / 2, top  # half the first screen at least is map
    # « Modifier » opens the form; another area
    summary.click()
    page.fill("#f-departement", "92")
    page.locator("form.cpts-filters button[type=submit]").click()
    page.wait_for_url("**departement=92**")
    page.wait_for_selector(".cpts-arranged[data-cpts-labels]")
    assert "Hauts-de-Seine" in page.locator("details.search-summary > summary").inner_text()
    assert page.locator(".cpts-territory-label", has_text="CPTS Ouest").count() == 1
    guard.assert_clean()


def test_the_coverage_tables_scroll_inside_the_page_on_a_phone(site, guarded_page):
    """The coverage page's tables (four columns with names, codes, numbers and the claimants)
    scroll in their own frame, reachable by keyboard: the page itself never runs wider than
    the screen, down to the 320 CSS px of WCAG's reflow criterion (1.4.10)."""
    page, guard = guarded_page
    width, height = 320, SIZES["phone"][1]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{site['url']}/map/coverage?departement=06")
    page.wait_for_selector(".cpts-arranged")
    shared = page.locator("#multiples + .table-wrap")
    assert "CPTS Alpha, CPTS Bêta, CPTS Gamma" in shared.inner_text()
    assert shared.get_attribute("tabindex") == "0" and shared.get_attribute("role") == "region"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not serious_violations(page, exclude=(".leaflet-container",))
    guard.assert_clean()
