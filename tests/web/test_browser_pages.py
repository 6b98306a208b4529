"""The pages in headless Chromium: search (typed address, "près de moi"), territory checker
(autocomplete, keyboard only, upload), and an axe-core accessibility check of the main pages.

The live site reads a committed database of its own (``live_site``); every page must load with
no console error, no dialog and no request leaving 127.0.0.1.
"""
from __future__ import annotations

import json

import pytest

from tests.factories.geo import box
from tests.web.conftest import ADDRESS, ORIGIN, STEP, browser_sign_in
from tests.support import serious_violations

pytestmark = pytest.mark.browser


def result_names(page) -> list[str]:
    return page.locator(".result-list h3").all_inner_texts()


def test_search_fill_submit_read(guarded_page, live_site):
    page, guard = guarded_page
    page.goto(f"{live_site.url}/recherche")
    page.fill("#adresse", ADDRESS)
    page.click("summary:has-text('Plus de critères')")  # competencies: grouped checkboxes
    page.click("summary:has-text('Compétences')")
    page.check("#competence-plaies-cicatrisation")
    page.check("#nouveaux_patients")
    page.click("button[type=submit]:has-text('Rechercher')")
    page.wait_for_selector("#resultats-titre")
    assert result_names(page) == ["Anaïs Martin"]
    card = page.locator(".result-list li").first.inner_text()
    assert "Plaies et cicatrisation" in card and "km" in card and "Ouvert maintenant" in card
    assert "Accepte de nouveaux patients" in card and "médecin traitant" not in card  # a nurse
    assert "01 45 00 00 00" in card
    assert "competence=plaies-cicatrisation" in page.url  # the query string is the state
    page.wait_for_selector(".page-map .leaflet-marker-icon, .page-map .marker-cluster")
    guard.assert_clean()


def test_search_near_me_uses_the_browser_position(browser, live_site):
    from tests.conftest import PageGuard

    context = browser.new_context(locale="fr-FR", geolocation={"latitude": 48.915,
                                                               "longitude": 2.43},
                                  permissions=["geolocation"])
    try:
        page = context.new_page()
        guard = PageGuard(page)
        page.goto(f"{live_site.url}/recherche")
        page.click("#pres-de-moi")
        page.wait_for_selector("#resultats-titre")
        assert result_names(page)[0] == "Chloé Petit"  # the nearest to that position
        assert "lat=48.91500" in page.url
        guard.assert_clean()
    finally:
        context.close()


def test_checker_with_autocomplete(guarded_page, live_site):
    page, guard = guarded_page
    page.goto(f"{live_site.url}/territoires/verifier")
    page.fill("#communes", "75003")
    page.fill("#commune-recherche", "Commune 75-2")
    page.wait_for_selector("#commune-suggestions option", state="attached")
    options = page.eval_on_selector_all("#commune-suggestions option", "os => os.map(o => o.value)")
    assert "Commune 75-2 (75002)" in options
    page.fill("#commune-recherche", "Commune 75-2 (75002)")
    page.click("#commune-ajouter")
    assert page.input_value("#communes") == "75003\nCommune 75-2 (75002)"
    page.click("button:has-text('Vérifier ces communes')")
    page.wait_for_selector("#rapport-titre")
    report = page.locator(".report").inner_text()
    assert "5 000 habitants" in report.replace("\u202f", " ")
    assert "CPTS Sud" in report and "Commune 75-2 (75002)" in report
    page.wait_for_selector(".page-map .leaflet-interactive")
    guard.assert_clean()


def test_checker_keyboard_only(guarded_page, live_site):
    page, guard = guarded_page
    page.goto(f"{live_site.url}/territoires/verifier")

    def tab_to(predicate: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const e = document.activeElement; return {predicate}; }})()"):
                return
        raise AssertionError(f"never focused: {predicate}")

    tab_to("e.id === 'communes'")
    page.keyboard.type("75004\n75008")
    tab_to("e.tagName === 'BUTTON' && e.textContent.includes('Vérifier ces communes')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#rapport-titre")
    text = page.locator(".report").inner_text().replace("\u202f", " ")
    assert "12 000 habitants" in text  # 4000 + 8000
    assert "CPTS Est" in text
    guard.assert_clean()


def test_checker_upload(guarded_page, live_site, tmp_path):
    page, guard = guarded_page
    x0, y0 = ORIGIN
    path = tmp_path / "territoire.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {},
                                "geometry": box(x0, y0, x0 + 2 * STEP, y0 + STEP)}))
    page.goto(f"{live_site.url}/territoires/verifier")
    page.set_input_files("#fichier", str(path))
    page.click("button:has-text('Vérifier ce tracé')")
    page.wait_for_selector("#rapport-titre")
    text = page.locator(".report").inner_text().replace("\u202f", " ")
    assert "3 000 habitants" in text and "CPTS Sud" in text
    with page.expect_download() as info:
        page.click("button:has-text('Rapport CSV')")
    assert info.value.suggested_filename == "rapport-territoire.csv"
    guard.assert_clean()


# -- accessibility ----------------------------------------------------------------------------

@pytest.mark.parametrize("role, path", [
    (None, "/"),
    (None, f"/recherche?adresse={ADDRESS.replace(' ', '+')}"),
    (None, "/territoires/verifier?communes=75002%0A75003"),
    (None, "/territoires/verifier?communes=Atlantide"),
    (None, "/recherche?adresse=ab&domicile=1"),
    (None, "/cpts/cpts-sud"),
    ("coordinator", "/cpts/cpts-sud"),
    ("ars", "/ars"),
    ("professional", "/moi"),
])
def test_accessibility(browser, live_site, role, path):
    # axe-core is injected by the test: the check runs with CSP bypassed, and only the check.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    try:
        page = context.new_page()
        if role:
            browser_sign_in(page, live_site, role)
        page.goto(f"{live_site.url}{path}")
        page.wait_for_load_state("networkidle")
        assert serious_violations(page) == []
    finally:
        context.close()
