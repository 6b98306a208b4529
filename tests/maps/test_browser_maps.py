"""The map pages and the widget in headless Chromium (Debian's), against a live server.

One committed database and three live servers for the module: the app, a site whose origin the
CPTS allows to frame its widget, and a site it does not. Few page loads: each test checks
several things on one page. The guard aborts and records any request leaving 127.0.0.1,
console errors (CSP violations included), page errors and dialogs (an ``alert`` = XSS).
"""
from __future__ import annotations

import html
from urllib.parse import parse_qs, urlencode

import pytest

from mapper import create_app
from mapper.db import Database
from tests.maps.seed import XSS, seed
from tests.support import make_settings, map_name, wait_until_idle

pytestmark = pytest.mark.browser

def host_site(environ, start_response):
    """A third-party page embedding the widget given in ``?src=``, as a CPTS website would."""
    src = parse_qs(environ.get("QUERY_STRING", "")).get("src", [""])[0]
    body = (f'<!doctype html><html lang="fr"><head><title>Site de CPTS</title></head><body>'
            f'<h1>Notre carte</h1><iframe id="widget" src="{html.escape(src)}" '
            f'title="Carte" width="800" height="500"></iframe></body></html>').encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    allowed = live_server_factory(host_site)
    other = live_server_factory(host_site)
    url = database_factory("maps")
    settings = make_settings(url)
    db = Database(url, 30_000)
    with db.session_scope() as session:
        data = seed(session, settings, tmp_path_factory.mktemp("maps"),
                    alpha_origins=[allowed.origin])
    db.engine.dispose()
    server = live_server_factory(create_app(settings))
    return {"app": server, "allowed": allowed, "other": other, **data}


def marker_titles(frame) -> list[str]:
    """The names on the markers (a marker's title is « name – profession »)."""
    return sorted(frame.locator(".cpts-marker").evaluate_all(
        "els => els.map(e => e.title.split(' \u2013 ')[0])"))


def open_panel(frame) -> None:
    """Open the layers and legend panel (collapsed at first) with its button."""
    button = frame.locator(".cpts-panel-toggle")
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert button.get_attribute("aria-expanded") == "true"


def test_orientation_page(site, guarded_page):
    page, guard = guarded_page
    page.goto(f"{site['app'].url}/map/cpts/{site['alpha']}")
    page.wait_for_selector(".cpts-marker")
    # markers, each XSS name shown as text (marker title, list heading, popup)
    expected = sorted([f"{XSS[0]} Martin", f"{XSS[1]} Durand", f"{XSS[2]} Petit",
                       "Jeanne Leroy"])
    assert marker_titles(page) == expected
    headings = page.eval_on_selector_all("#liste ~ ul h4, .cpts-entry h4",
                                         "els => els.map(e => e.textContent)")
    assert set(expected) <= set(headings)
    wait_until_idle(page)
    page.click(f'.cpts-marker[title^="{XSS[0]} Martin "]')
    popup = page.wait_for_selector(".cpts-popup")
    assert popup.query_selector(".cpts-popup-name").text_content() == f"{XSS[0]} Martin"
    wait_until_idle(page)  # the popup pans the map to show itself whole
    # the intervention zone comes from the directory's endpoint (same origin, connect-src)
    paths_before = page.locator("path").count()
    page.click(".cpts-zone-button")
    page.wait_for_selector('.cpts-zone-button[aria-pressed="true"]')
    assert page.locator("path").count() > paths_before
    page.keyboard.press("Escape")
    wait_until_idle(page)  # the popup panned the map
    page.click(f'.cpts-marker[title^="{XSS[1]} Durand "]')
    popup = page.wait_for_selector(".cpts-popup")
    assert popup.query_selector(".cpts-popup-name").text_content() == f"{XSS[1]} Durand"
    assert "Non vérifié depuis 6 mois" in popup.text_content()  # stale entry marked
    assert page.locator(".cpts-marker-stale").count() == 1
    # a layer toggles: hide the physicians, then show them again
    open_panel(page)
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Médecin")
    box.locator("input").uncheck()
    page.wait_for_function("() => document.querySelectorAll('.cpts-marker').length === 3")
    box.locator("input").check()
    page.wait_for_function("() => document.querySelectorAll('.cpts-marker').length === 4")
    # clusters once zoomed out
    page.evaluate(f"() => window['{map_name(page)}'].setZoom(8, {{animate: false}})")
    page.wait_for_selector(".marker-cluster")
    page.wait_for_function("() => !document.querySelector('.cpts-marker')")
    # nothing injected ran or was parsed as markup
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('script:not([src]):not([type])')"
                         ".length") >= 1
    guard.assert_clean()


def test_territory_and_coverage_pages(site, guarded_page):
    page, guard = guarded_page
    page.goto(f"{site['app'].url}/map/territories?departement=92")
    page.wait_for_selector("path.leaflet-interactive")
    open_panel(page)
    layers = page.inner_text(".leaflet-control-layers-overlays")
    assert "Projet (2)" in layers and "Chevauchements (1)" in layers
    assert f"CPTS {XSS[1]}" in page.inner_text("#liste ~ table, .cpts-table")
    overlap = page.locator(".leaflet-overlay-pane path, .leaflet-cptsOverlaps-pane path").last
    page.keyboard.press("Escape")  # the panel closes, the map is all visible
    overlap.click(force=True)
    popup = page.wait_for_selector(".cpts-overlap-popup")
    assert "Population concernée" in popup.text_content()
    assert XSS[1] in popup.text_content()
    page.keyboard.press("Escape")
    # a layer toggles: the overlaps disappear and come back
    open_panel(page)
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Chevauchements")
    before = page.locator("path.leaflet-interactive").count()
    toggle.locator("input").uncheck()
    assert page.locator("path.leaflet-interactive").count() == before - 1
    toggle.locator("input").check()

    page.goto(f"{site['app'].url}/map/coverage?departement=92")
    page.wait_for_selector(".cpts-panel-toggle")
    open_panel(page)
    page.wait_for_selector(".cpts-legend")
    legend = page.inner_text(".cpts-legend")
    assert "Zones blanches" in legend and "plusieurs CPTS" in legend
    assert page.locator("canvas").count() >= 1
    assert "Commune 92-9" in page.inner_text("#liste + .table-wrap table")
    guard.assert_clean()


def test_widget_inside_an_allowed_site(site, guarded_page):
    page, guard = guarded_page
    src = f"{site['app'].url}/embed/cpts/{site['alpha']}?profession=10&profession=60"
    page.goto(f"{site['allowed'].url}/?{urlencode({'src': src})}")
    frame = page.frame_locator("#widget")
    frame.locator(".cpts-marker").first.wait_for()
    assert marker_titles(frame) == sorted([f"{XSS[0]} Martin",
                                                           f"{XSS[1]} Durand"])
    open_panel(frame)
    frame.locator(".leaflet-control-layers-overlays label", has_text="Infirmier") \
        .locator("input").uncheck()
    assert frame.locator(".cpts-marker").count() == 1
    assert frame.locator(".w-summary").inner_text() == "2 professionnels"
    assert sorted(frame.locator(".w-card-name").all_inner_texts()) == sorted(
        [f"{XSS[0]} Martin", f"{XSS[1]} Durand"])  # the list beside the map, as text
    guard.assert_clean()


def test_widget_refused_elsewhere(site, guarded_page):
    page, guard = guarded_page
    page.goto(f"{site['other'].url}/?src={site['app'].url}/embed/cpts/{site['alpha']}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    widget = page.frames[1]
    assert widget.locator(".leaflet-container").count() == 0
    assert any("frame-ancestors" in e for e in guard.console_errors), guard.console_errors
    assert not guard.dialogs and not guard.page_errors and not guard.foreign_requests
    # and a page outside /embed/ cannot be framed even by the allowed site
    page.goto(f"{site['allowed'].url}/?src={site['app'].url}/map/cpts/{site['alpha']}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.frames[1].locator(".leaflet-container").count() == 0


def test_pages_pass_axe(site, guarded_page):
    """axe-core (WCAG 2.1 A/AA rules, the basis of the RGAA) finds no serious violation on the
    page around the map and its list; Leaflet's own widgets inside the map are excluded."""
    from axe_playwright_python.sync_playwright import Axe

    page, guard = guarded_page
    axe = Axe()
    for path in (f"/map/cpts/{site['alpha']}", "/map/territories?departement=92"):
        page.goto(f"{site['app'].url}{path}")
        page.wait_for_selector(".leaflet-container")
        results = axe.run(page, context={"exclude": [[".leaflet-container"]]},
                          options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        serious = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                   for v in results.response["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, (path, serious)
    guard.assert_clean()
