"""The diagnostic in Chromium at phone and desktop size: the checker's « Diagnostic » section
(tables, bars, the choropleth drawn with its legend, the list alternative, another profession
chosen), then the printable report in print media and as an A4 PDF; axe-core clean, no page
error, nothing fetched from another host. Screenshots in $MAPPER_SCREENSHOTS (default
/tmp/i15-diagnostic-shots)."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.conftest import PageGuard
from tests.support import make_settings, serious_violations

from .test_population_age import GROUPS, line, write
from .world import add_professionals, load_communes

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("MAPPER_SCREENSHOTS", "/tmp/i15-diagnostic-shots"))
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
CODES = ["01001", "01002", "01003", "01007", "01008", "01009", "01013", "01014"]


@pytest.fixture(scope="module")
def site(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db
    from mapper.imports.population_age import import_population_age

    app = create_app(make_settings(database_factory("diag")))
    tmp = tmp_path_factory.mktemp("diag")
    with get_db(app).session_scope() as session:
        rng = random.Random(15)
        load_communes(session, tmp, rng)
        add_professionals(session, rng, 300)
        import_population_age(session, write(tmp / "ages.csv", [
            line(c, g) for c, g in GROUPS.items()] + [line("38001", (50, 40, 60, 70, 90, 80, 20))]))
        from mapper.config import get_settings
        from mapper.services.territories import create_cpts
        from tests.factories.world import ADMIN

        create_cpts(session, ADMIN, name="CPTS du Diagnostic", communes=CODES,
                    settings=get_settings(app))
    return live_server_factory(app).url


@pytest.mark.parametrize("size", SIZES)
def test_checker_diagnostic_and_print_view(browser, site, size):
    width, height = SIZES[size]
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    guard = PageGuard(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{site}/territoires/verifier?communes={'%0A'.join(CODES)}")
        section = page.locator("#diagnostic")
        section.wait_for()
        assert section.locator("table").first.locator("tbody tr").count() >= 3
        assert "Médecin" in section.locator("#carte option[selected]").inner_text()
        assert section.locator(".bars").count() == 2  # densities, ages
        diag_map = page.locator(".diag-map")
        diag_map.scroll_into_view_if_needed()
        # drawn on canvas (a département is hundreds of polygons), one legend line per class
        diag_map.locator(".leaflet-overlay-pane canvas").first.wait_for(state="attached")
        items = diag_map.locator(".cpts-legend-item")
        assert 1 <= items.count() <= 6
        assert "commune" in items.first.inner_text()
        rows = diag_map.locator("details table tbody tr")
        assert rows.count() == len(CODES)
        assert serious_violations(page, exclude=(".leaflet-control-attribution",)) == []
        page.screenshot(path=str(SHOTS / f"checker-diagnostic-{size}.png"), full_page=True)
        section.screenshot(path=str(SHOTS / f"checker-diagnostic-section-{size}.png"))

        page.select_option("#carte", "60")
        page.click(".map-choice button")
        page.wait_for_url("**carte=60**")
        assert "Infirmier" in page.locator("#diag-carte-titre").inner_text()

        report = page.locator(".diagnostic .downloads a", has_text="Rapport imprimable")
        page.goto(site + report.get_attribute("href"))
        page.locator(".diag-map .leaflet-overlay-pane canvas").first.wait_for(state="attached")
        assert "Infirmier" in page.locator("#diag-carte-titre").inner_text()
        assert serious_violations(page, exclude=(".leaflet-control-attribution",)) == []
        page.emulate_media(media="print")
        assert page.locator(".diagnostic .downloads").is_hidden()
        assert page.locator(".map-choice").is_hidden()
        assert page.locator(".diag-map .map-frame").is_visible()
        assert page.locator("details.method ul").is_visible()
        page.screenshot(path=str(SHOTS / f"report-print-{size}.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
        (SHOTS / f"report-{size}.pdf").write_bytes(pdf)
        guard.assert_clean()
    finally:
        context.close()


def test_cpts_page_has_both_maps(browser, site):
    """The CPTS page holds its orientation map and the diagnostic's choropleth: both draw."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    try:
        page.goto(f"{site}/cpts/cpts-du-diagnostic")
        page.locator(".diag-map .leaflet-overlay-pane canvas").first.wait_for(state="attached")
        assert page.locator(".folium-map").count() == 2
        assert page.locator(".diag-map .cpts-legend-item").count() >= 1
        assert serious_violations(page, exclude=(".leaflet-control-attribution",)) == []
        page.locator("#diagnostic").screenshot(path=str(SHOTS / "cpts-diagnostic-desktop.png"))
        guard.assert_clean()
    finally:
        context.close()
