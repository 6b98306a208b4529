"""The widget in headless Chromium as a CPTS website shows it: a host page on another origin
(a second live server) holds the one-line ``<script>`` snippet copied from the CPTS page.

The iframe appears right after the script and takes the height of its content (postMessage
from the widget, heeded only from its own iframe and the service's origin); a site the CPTS
did not allow cannot frame it; the widget can be used with the keyboard alone and on a phone;
axe-core finds no serious or critical violation on the widget and the configurator.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from tests.web.conftest import ADDRESS, seed
from tests.support import make_settings, serious_violations

pytestmark = pytest.mark.browser

ROOT_HEIGHT = "() => document.getElementById('w-root').getBoundingClientRect().height"


def host_site(environ, start_response):
    """A CPTS's website: a heading, then the snippet given in ``?snippet=``, then text."""
    snippet = parse_qs(environ.get("QUERY_STRING", "")).get("snippet", [""])[0]
    body = ('<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Site de la CPTS</title></head><body><h1>Nos professionnels</h1>'
            f'{snippet}<p id="after">Texte après le widget.</p></body></html>').encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture(scope="module")
def widget_site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db

    allowed = live_server_factory(host_site)
    other = live_server_factory(host_site)
    app = create_app(make_settings(database_factory("widget")))
    db = get_db(app)
    with db.session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("widget"))
        session.execute(text("UPDATE cpts SET embed_origins = ARRAY[:o], brand_color = "
                             "'#0f766e' WHERE id = :id"),
                        {"o": allowed.origin, "id": world.cpts["sud"]})
    server = live_server_factory(app)
    with urlopen(f"{server.url}/cpts/{world.slugs['sud']}") as resp:  # the page's snippet
        page = resp.read().decode()
    snippet = html.unescape(re.search(r'<textarea id="snippet-script"[^>]*>(.*?)</textarea>',
                                      page, re.S).group(1))
    return {"app": server, "allowed": allowed, "other": other, "world": world,
            "snippet": snippet}


def open_host(page, site, host="allowed"):
    from urllib.parse import urlencode

    page.goto(f"{site[host].url}/?{urlencode({'snippet': site['snippet']})}")


def iframe_height(page) -> float:
    return page.eval_on_selector("iframe", "e => e.getBoundingClientRect().height")


def settle(page, frame) -> None:
    """Wait until the iframe is as tall as the widget's content (the loader has resized it)."""
    page.wait_for_function(
        """h => Math.abs(document.querySelector('iframe').getBoundingClientRect().height - h)
           <= 2""", arg=frame.evaluate(ROOT_HEIGHT))


def test_the_one_line_script_frames_the_widget_and_follows_its_height(widget_site,
                                                                      guarded_page):
    page, guard = guarded_page
    page.set_viewport_size({"width": 1366, "height": 900})
    open_host(page, widget_site)
    # the iframe is right after the script, before the host's own text
    assert page.evaluate("() => document.querySelector('script[data-cpts]')"
                         ".nextElementSibling.tagName") == "IFRAME"
    assert page.get_attribute("iframe", "title").startswith("Professionnels de santé — ")
    frame = page.frame_locator("iframe")
    frame.locator(".w-card").first.wait_for()
    widget = page.frames[1]
    settle(page, widget)  # desktop: the list beside the map, as tall as the map
    assert frame.locator(".w-map").is_visible() and frame.locator(".w-list").is_visible()
    wide = iframe_height(page)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the list alone
    settle(page, widget)
    two = iframe_height(page)
    assert two != wide and frame.locator(".w-card").count() == 2
    # a search that shortens the list: the iframe shrinks to the new content
    frame.locator("#w-profession").select_option("60")
    frame.locator(".w-go").click()
    frame.locator(".w-summary", has_text="1 professionnel").wait_for()
    settle(page, page.frames[1])
    assert frame.locator(".w-card").count() == 1
    assert iframe_height(page) < two
    # the brand colour and its derived text colour
    head = frame.locator(".w-head")
    assert head.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(15, 118, 110)"
    assert head.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    # the loader heeds no height from anyone else (here: the host page itself)
    before = iframe_height(page)
    page.evaluate("() => window.postMessage({type: 'cpts-widget:height', height: 3333}, '*')")
    page.wait_for_timeout(200)
    assert iframe_height(page) == before
    guard.assert_clean()


def test_a_site_the_cpts_did_not_allow_cannot_frame_it(widget_site, guarded_page):
    page, guard = guarded_page
    open_host(page, widget_site, "other")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.locator("iframe").count() == 1  # the loader ran…
    assert page.frames[1].locator(".w-form").count() == 0  # …but the browser refused it
    assert any("frame-ancestors" in e for e in guard.console_errors), guard.console_errors
    assert iframe_height(page) == 600  # no message ever came: the snippet's height
    assert not guard.dialogs and not guard.page_errors and not guard.foreign_requests


def test_keyboard_only_search_toggle_and_result(widget_site, guarded_page):
    page, guard = guarded_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_host(page, widget_site)
    frame = page.frame_locator("iframe")
    frame.locator(".w-toggle:not([hidden])").wait_for()

    def focused_id():
        return page.frames[1].evaluate("() => document.activeElement.id || "
                                       "document.activeElement.textContent.trim()")

    for _ in range(8):  # from the host page into the widget's form
        page.keyboard.press("Tab")
        if page.frames[1].evaluate("() => document.hasFocus()") and focused_id() == "w-adresse":
            break
    assert focused_id() == "w-adresse"
    page.keyboard.type(ADDRESS)
    page.keyboard.press("Tab")
    assert focused_id() == "w-profession"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Chercher"
    frame.locator(".w-summary", has_text="à moins de").wait_for()
    frame.locator(".w-toggle:not([hidden])").wait_for()  # shown by its deferred script
    widget = page.frames[1]
    widget.focus("#w-adresse")  # after the new page: from the field, on with Tab
    for _ in range(6):
        page.keyboard.press("Tab")
        if focused_id() == "Liste":
            break
    assert focused_id() == "Liste"
    page.keyboard.press("Tab")
    assert focused_id() == "Carte"
    page.keyboard.press("Enter")
    assert frame.locator("#w-body").get_attribute("data-view") == "carte"
    assert frame.locator(".w-map").is_visible() and not frame.locator(".w-list").is_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")  # back to the list
    assert frame.locator("#w-body").get_attribute("data-view") == "liste"
    for _ in range(3):
        page.keyboard.press("Tab")
        if focused_id() == "Anaïs Martin":
            break
    assert focused_id() == "Anaïs Martin"  # the nearest result, reached by keyboard
    guard.assert_clean()


def test_on_a_phone_the_form_and_the_first_result_are_on_screen(widget_site, guarded_page):
    page, guard = guarded_page
    page.set_viewport_size({"width": 390, "height": 844})
    open_host(page, widget_site)
    frame = page.frame_locator("iframe")
    frame.locator(".w-card").first.wait_for()
    frame.locator("#w-adresse").fill(ADDRESS)
    frame.locator(".w-go").click()
    frame.locator(".w-summary", has_text="à moins de").wait_for()
    settle(page, page.frames[1])
    top = page.eval_on_selector("iframe", "e => e.getBoundingClientRect().top")
    for selector in ("#w-adresse", "#w-profession", ".w-go", ".w-card"):
        box = frame.locator(selector).first.bounding_box()
        assert box["width"] >= 44 or selector == ".w-card"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
        assert top <= box["y"] and box["y"] + box["height"] <= 844, selector
    assert frame.locator(".w-toggle").is_visible()  # one view at a time
    assert not frame.locator(".w-map").is_visible()
    # the page does not scroll sideways inside the widget
    assert page.frames[1].evaluate("() => document.documentElement.scrollWidth") <= 390
    guard.assert_clean()


def violations(page) -> list[str]:
    return serious_violations(page, exclude=(".leaflet-control-container",))


@pytest.mark.parametrize("path", [
    "/embed/cpts/cpts-sud",
    f"/embed/cpts/cpts-sud?adresse={ADDRESS.replace(' ', '+')}",
    "/embed/cpts/cpts-sud?couleur=%23ffcc00&nouveaux_patients=peut-etre",
    "/cpts/cpts-sud?choix=60&hauteur=500#integrer",
    "/cpts/cpts-sud?hauteur=5#integrer",
])
@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_widget_and_configurator_pass_axe(widget_site, browser, path, width, height):
    context = browser.new_context(locale="fr-FR", bypass_csp=True,
                                  viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{widget_site['app'].url}{path}")
        page.wait_for_load_state("networkidle")
        assert violations(page) == []
    finally:
        context.close()


def test_configurator_updates_both_snippets_live(widget_site, guarded_page):
    page, guard = guarded_page
    page.goto(f"{widget_site['app'].url}/cpts/cpts-sud#integrer")
    before = page.input_value("#snippet-script")
    page.check("#widget-config input[name=choix][value='60']")
    page.fill("#widget-hauteur", "480")
    page.wait_for_function("() => document.getElementById('snippet-script').value"
                           ".includes('data-hauteur=\"480\"')")
    script, iframe = page.input_value("#snippet-script"), page.input_value("#snippet")
    assert script != before and 'data-professions="60"' in script
    assert 'height="480"' in iframe and "choix=60" in iframe
    assert "choix=60" in page.get_attribute("#snippet-preview", "href")
    guard.assert_clean()
