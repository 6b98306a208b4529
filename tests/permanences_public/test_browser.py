"""The public permanences page, its widget (framed by the CPTS's site through the one-line
snippet) and its poster in Chromium: phone size, keyboard only, axe-core clean, user text
shown as text, the poster on ONE A4 page. Screenshots go to $MAPPER_SHOTS when set."""
from __future__ import annotations

import html
import os
import re
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from tests.support import make_settings, serious_violations
from tests.web.test_widget_browser import host_site

from .conftest import EVIL, seed

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
#: Leaflet's own controls are left out of axe, as in the other map tests.
LEAFLET = (".leaflet-control-container",)


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db

    host = live_server_factory(host_site)
    app = create_app(make_settings(database_factory("permpub")))
    with get_db(app).session_scope() as session:
        world = seed(session, tmp_path_factory.mktemp("permpub"))
        session.execute(text("UPDATE cpts SET embed_origins = ARRAY[:o] WHERE id = :id"),
                        {"o": host.origin, "id": world.cpts_id})
    server = live_server_factory(app)
    with urlopen(f"{server.url}/cpts/{world.slug}") as resp:
        page = resp.read().decode()
    snippet = html.unescape(re.search(
        r'<textarea id="snippet-permanences"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    return {"url": server.url, "host": host, "world": world, "snippet": snippet, "app": app}


def shot(page, name: str) -> None:
    folder = os.environ.get("MAPPER_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _phone(page):
    page.set_viewport_size(PHONE)


def test_public_page_on_a_phone_keyboard_only(site, guarded_page):
    page, guard = guarded_page
    _phone(page)
    page.goto(f"{site['url']}/cpts/{site['world'].slug}/permanences")
    # user text is text: the <script> name is displayed, never run
    assert page.get_by_text("Salle <b>des fêtes</b>", exact=False).count() >= 1
    assert page.locator(".perm-card").count() == 4
    first = page.locator(".perm-card").first
    assert "Appeler le" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "permanences-phone")
    # keyboard only: the filter, then the list shows only the screening
    page.keyboard.press("Tab")  # skip link
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "type":
            break
    assert page.evaluate("document.activeElement.id") == "type"
    page.select_option("#type", "depistage")  # a select changes with the arrow keys too
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"type=depistage"))
    assert page.locator(".perm-card").count() == 1
    # a marker of the map is reachable with the keyboard and opens its popup with Enter
    page.focus(".cpts-event-marker")
    page.keyboard.press("Enter")
    popup = page.locator(".cpts-event-popup")
    popup.wait_for()
    assert "Pharmacie du Parc" in popup.inner_text()
    # axe measures colours as drawn: wait for the end of Leaflet's popup fade-in
    page.wait_for_function("""() => { const p = document.querySelector('.leaflet-popup');
        return p && getComputedStyle(p).opacity === '1'; }""")
    assert serious_violations(page, LEAFLET) == []
    page.set_viewport_size(DESKTOP)
    page.goto(f"{site['url']}/cpts/{site['world'].slug}/permanences")
    shot(page, "permanences-desktop")
    assert serious_violations(page, LEAFLET) == []
    guard.assert_clean()


def test_widget_framed_by_the_cpts_site_on_a_phone(site, guarded_page):
    page, guard = guarded_page
    _phone(page)
    page.goto(f"{site['host'].url}/?{urlencode({'snippet': site['snippet']})}")
    frame_el = page.wait_for_selector("iframe.cpts-widget")
    frame = frame_el.content_frame()
    frame.wait_for_selector(".w-card")
    assert frame.locator(".w-card").count() == 4
    assert EVIL in frame.locator(".w-card-name").all_inner_texts()
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height"
                           " > 600")
    shot(page, "widget-phone")
    # keyboard: Liste | Carte, then a marker
    frame.focus("button[data-view='carte']")
    page.keyboard.press("Enter")
    assert frame.get_attribute("#w-body", "data-view") == "carte"
    page.set_viewport_size(DESKTOP)
    shot(page, "widget-desktop")
    guard.assert_clean()


def test_widget_alone_axe_clean(site, guarded_page):
    page, guard = guarded_page
    _phone(page)
    page.goto(f"{site['url']}/embed/cpts/{site['world'].slug}/permanences")
    assert serious_violations(page, LEAFLET) == []
    guard.assert_clean()


def _long_campaign(site) -> None:
    """30 permanences with long names and notes in a campaign of their own (the poster must
    still print on one page)."""
    from mapper.db import get_db

    with get_db(site["app"]).session_scope() as session:
        from datetime import date, time, timedelta

        from .builders import campaign, permanence, place
        c = campaign(session, site["world"].cpts_id, "longue", kind="prevention",
                     name="Campagne de prévention au nom très long " * 4,
                     starts_on=date.today(), ends_on=date.today() + timedelta(days=60))
        p = place(session, site["world"].cpts_id, "Maison de santé pluriprofessionnelle " * 6,
                  48.84, 2.33, address="Rue interminable " * 10)
        for k in range(30):
            permanence(session, c, p, date.today() + timedelta(days=1 + k), time(9), time(17),
                       notes="Une note très longue. " * 30)


def test_poster_prints_on_one_a4_page(site, guarded_page, tmp_path):
    page, guard = guarded_page
    page.set_viewport_size(DESKTOP)
    _long_campaign(site)
    page.goto(f"{site['url']}/cpts/{site['world'].slug}/permanences/affiche?campagne=longue")
    assert "Campagne de prévention" in page.locator("h1").inner_text()
    assert page.locator(".poster-list li").count() == 8
    assert page.locator("svg.qr path").count() == 1
    shot(page, "poster-desktop")
    for path in ("?campagne=longue", ""):
        page.goto(f"{site['url']}/cpts/{site['world'].slug}/permanences/affiche{path}")
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, (path, pages)
    _phone(page)
    shot(page, "poster-phone")
    guard.assert_clean()


def test_zones_page_on_a_phone(site, guarded_page):
    page, guard = guarded_page
    _phone(page)
    page.goto(f"{site['url']}/cpts/{site['world'].slug}/campagnes/grippe/zones?distance_km=2")
    assert page.locator("table.perm-zones-table tbody tr").count() >= 1
    shot(page, "zones-phone")
    assert serious_violations(page, LEAFLET) == []
    page.set_viewport_size(DESKTOP)
    page.reload()
    shot(page, "zones-desktop")
    guard.assert_clean()
