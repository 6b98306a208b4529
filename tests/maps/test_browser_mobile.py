"""The orientation maps on a phone (390×844) and a desktop (1366×900), in Chromium, against a
live server whose CPTS has enough professionals to cluster (a dozen at one address, thirty more
within a few hundred metres).

Each size: the layers and legend start collapsed behind a button that the keyboard opens and
closes; a cluster says what it holds and a click on it never zooms past the cap; a tapped
professional shows all of it (bottom sheet on the phone, popup on the desktop) inside the
viewport, with "Voir la fiche"; the attribution leaves the scale visible; the searched address
is marked (on a results map rendered by ``pagemaps.results_map`` in a real request). No
console error, no request leaving 127.0.0.1.
"""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from mapper import create_app
from mapper.db import Database
from mapper.http.pagemaps import results_map
from mapper.maps.orientation import CLUSTER_ZOOM_CAP
from tests.conftest import PageGuard
from tests.factories.world import WorldBuilder
from tests.maps.seed import XSS
from tests.support import make_settings, map_name, wait_until_idle

pytestmark = pytest.mark.browser

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
CENTRE = (48.8330, 2.3260)  # Paris 14e
PROFESSIONS = ("10", "10", "60", "70", "21", "91")
SEARCHED = (48.8350, 2.3200, f"12 rue {XSS[0]} 75014 Paris")

RESULTS_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Résultats</title>
{{ map.head }}<style nonce="{{ nonce }}">.map { height: 70vh; }</style></head><body>
<h1>Résultats</h1><div class="map">{{ map.body }}</div>{{ map.script }}</body></html>"""


def _seed(session, settings, tmp_path) -> dict:
    w = WorldBuilder(session, settings, tmp_path)
    w.communes("75", (2.30, 48.81), 2, 0.03)
    cpts = w.cpts("CPTS Quatorze", ["75001", "75002", "75003", "75004"])
    results = []
    for k in range(42):
        if k < 12:  # a maison de santé: twelve at one address
            site = CENTRE
        else:
            site = (CENTRE[0] + ((k * 7) % 11 - 5) * 0.0006, CENTRE[1] + ((k * 5) % 13 - 6) * 0.0008)
        name = XSS[k % 3] if k % 10 == 0 else f"Prénom{k}"
        pid = w.professional(first_name=name, last_name=f"Nom{k}",
                             profession=PROFESSIONS[k % len(PROFESSIONS)],
                             accepts_new_patients=k % 2 == 0, phone="01 45 00 00 %02d" % k,
                             address=f"{k} rue des Essais", postcode="75014", site=site,
                             cpts=[cpts.id])
        results.append({"id": pid, "first_name": name, "last_name": f"Nom{k}",
                        "profession": PROFESSIONS[k % len(PROFESSIONS)],
                        "site": {"address": f"{k} rue des Essais", "postcode": "75014",
                                 "commune_name": "Paris 14e", "lat": site[0], "lon": site[1]},
                        "distance_km": 0.5, "accepts_new_patients": True,
                        "next_slot": {"starts_at": "2030-01-07T14:00:00+01:00", "end": "20:00",
                                      "open_now": False}})
    session.commit()
    return {"slug": cpts.slug, "results": results}


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    url = database_factory("maps_mobile")
    settings = make_settings(url)
    db = Database(url, 30_000)
    with db.session_scope() as session:
        data = _seed(session, settings, tmp_path_factory.mktemp("mobile"))
    db.engine.dispose()
    app = create_app(settings)

    @app.get("/_results_map")  # pagemaps.results_map in a real request, as /recherche uses it
    def _results():
        from mapper.http.security import csp_nonce
        page_map = results_map(data["results"], searched=SEARCHED)
        return render_template_string(RESULTS_PAGE, map=page_map, nonce=csp_nonce())

    return {"app": live_server_factory(app), **data}


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    width, height = SIZES[request.param]
    phone = request.param == "phone"
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                  viewport={"width": width, "height": height},
                                  is_mobile=phone, has_touch=phone)
    page = context.new_page()
    guard = PageGuard(page)
    yield page, guard, request.param
    context.close()


def _inside_viewport(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= -0.5 and box["y"] >= -0.5, (selector, box)  # sub-pixel rounding
    assert box["x"] + box["width"] <= size["width"] + 0.5, (selector, box, size)
    assert box["y"] + box["height"] <= size["height"] + 0.5, (selector, box, size)
    return box


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


#: The index of the first element matching the selector that is fully in the viewport and not
#: covered at its centre (by a control, another marker…): what a person would tap.
TAPPABLE = """sel => { const els = [...document.querySelectorAll(sel)];
  return els.findIndex(e => { const r = e.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit && (hit === e || e.contains(hit)); }); }"""


def _tap(page, selector: str, index: int | None = None) -> None:
    if index is None:
        index = page.evaluate(TAPPABLE, selector)
    assert index >= 0, f"no {selector} free to tap"
    page.locator(selector).nth(index).click()


def _check_panel(page) -> None:
    """Collapsed at first; Enter opens it, Escape closes it (focus back), Space too."""
    button = page.locator(".cpts-panel-toggle")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator(".leaflet-control-layers").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator(".leaflet-control-layers").is_visible()
    assert "Médecin" in page.inner_text(".cpts-panel")
    page.keyboard.press("Tab")  # into the panel (its close button)
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('cpts-panel-toggle')")
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert not page.locator(".leaflet-control-layers").is_visible()


def _check_attribution(page) -> None:
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    scale = page.locator(".leaflet-control-scale").bounding_box()
    assert attribution and scale and not _overlap(attribution, scale), (attribution, scale)


def _check_cluster(page) -> None:
    """A cluster names what it holds; a click lands at a useful scale; the twelve at one
    address spread out rather than zooming on."""
    page.wait_for_selector(".cpts-cluster")
    titles = page.locator(".cpts-cluster").evaluate_all("els => els.map(e => e.title)")
    assert all(re.match(r"^\d+ professionnels : \d+ ", t) for t in titles), titles
    assert any("médecins" in t for t in titles), titles
    name = map_name(page)
    page.evaluate(f"() => window['{name}'].setZoom(13, {{animate: false}})")
    wait_until_idle(page)
    for _ in range(4):  # click the biggest cluster until it spreads out
        clusters = page.locator(".cpts-cluster")
        if not clusters.count():
            break
        free = page.evaluate("""() => [...document.querySelectorAll('.cpts-cluster')]
            .map(e => { const r = e.getBoundingClientRect();
              const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
              return hit && (hit === e || e.contains(hit)) && r.top >= 0
                && r.bottom <= innerHeight; })""")
        counts = [int(t.replace("\u202f", "")) if ok else -1 for t, ok in
                  zip(clusters.evaluate_all("els => els.map(e => e.textContent)"), free)]
        _tap(page, ".cpts-cluster", counts.index(max(counts)))
        wait_until_idle(page)
        assert page.evaluate(f"() => window['{name}'].getZoom()") <= CLUSTER_ZOOM_CAP
    assert page.locator(".leaflet-marker-icon.cpts-marker").count() >= 12


def _check_tap(page, kind: str, expect: tuple[str, ...] = ()) -> None:
    """A tapped professional is shown whole inside the viewport, never under the controls."""
    _tap(page, ".cpts-marker")
    if kind == "phone":
        page.wait_for_selector(".cpts-sheet:not([hidden]) .cpts-popup-name")
        text = page.inner_text(".cpts-sheet")
        assert all(e in text for e in expect), (expect, text)
        box = _inside_viewport(page, ".cpts-sheet")
        assert box["y"] + box["height"] >= page.viewport_size["height"] - 1  # at the bottom
        assert page.evaluate("() => document.activeElement.classList.contains("
                             "'cpts-popup-name')")
        link = page.locator(".cpts-sheet a.cpts-popup-link")
        assert re.fullmatch(r"/professionnels/\d+", link.get_attribute("href"))
        page.keyboard.press("Escape")
        assert page.locator(".cpts-sheet").is_hidden()
    else:
        page.wait_for_selector(".leaflet-popup .cpts-popup-name")
        text = page.inner_text(".leaflet-popup")
        assert all(e in text for e in expect), (expect, text)
        page.wait_for_timeout(500)  # autopan, then scroll
        box = _inside_viewport(page, ".leaflet-popup-content-wrapper")
        for control in (".cpts-panel-toggle", ".leaflet-control-zoom",
                        ".leaflet-control-attribution", ".leaflet-control-scale"):
            assert not _overlap(box, page.locator(control).bounding_box()), control
        link = page.locator(".leaflet-popup a.cpts-popup-link")
        assert link.inner_text() == "Voir la fiche"
        assert re.fullmatch(r"/professionnels/\d+", link.get_attribute("href"))


def test_cpts_map(site, sized):
    page, guard, kind = sized
    page.goto(f"{site['app'].url}/map/cpts/{site['slug']}")
    page.wait_for_selector(".cpts-panel-toggle")
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    _check_panel(page)
    _check_attribution(page)
    _check_cluster(page)
    _check_tap(page, kind)
    assert page.locator("img[src='x']").count() == 0
    guard.assert_clean()


def test_widget(site, sized):
    page, guard, kind = sized
    page.goto(f"{site['app'].url}/embed/cpts/{site['slug']}")
    if kind == "phone":  # the widget opens on its list on a phone: switch to the map
        page.click(".w-toggle [data-view=carte]")
    page.wait_for_selector(".cpts-panel-toggle")
    _check_panel(page)
    _check_attribution(page)
    _check_cluster(page)
    _check_tap(page, kind)
    guard.assert_clean()


def test_results_map_marks_the_searched_place(site, sized):
    page, guard, kind = sized
    page.goto(f"{site['app'].url}/_results_map")
    pin = page.wait_for_selector(".cpts-searched")
    assert pin.get_attribute("aria-label") == f"Adresse recherchée : {SEARCHED[2]}"
    _inside_viewport(page, ".cpts-searched")  # in the bounds the map opens on
    # above every marker and cluster: its pane is over the marker pane
    assert page.evaluate("""() => {
        const pane = document.querySelector('.cpts-searched').closest('.leaflet-pane');
        const markers = document.querySelector('.leaflet-marker-pane');
        return Number(getComputedStyle(pane).zIndex) > Number(getComputedStyle(markers).zIndex);
    }""")
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    _check_cluster(page)
    _check_tap(page, kind, expect=("Paris 14e", "À 500 m de l’adresse recherchée",
                                   "Prochaine ouverture : lundi 7 janvier, 14:00\u201320:00",
                                   "Accepte de nouveaux patients", "Voir la fiche"))
    guard.assert_clean()

