"""The checker in Chromium at phone and desktop size: a Lambert-93 upload (as QGIS exports it),
the CRS said, the candidate labelled on the map above its overlaps, a neighbour drawn with its
name, axe-core clean; an ARS officer deposits it as a project. Screenshots in
$MAPPER_SCREENSHOTS (default /tmp/i13-checker-shots)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factories.geo import box
from tests.support import serious_violations
from tests.web.conftest import ORIGIN, STEP, browser_sign_in

from .conftest import qgis_file, reproject

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("MAPPER_SCREENSHOTS", "/tmp/i13-checker-shots"))
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def lambert_file(tmp_path) -> Path:
    x0, y0 = ORIGIN  # commune 75003: column 2, row 0 (overlaps CPTS Projet Nord)
    square = box(x0 + 2 * STEP, y0, x0 + 3 * STEP, y0 + STEP)
    path = tmp_path / "territoire-lambert93.geojson"
    path.write_text(json.dumps(qgis_file(reproject(square))), encoding="utf-8")
    return path


@pytest.mark.parametrize("size", SIZES)
def test_lambert93_upload_map_and_deposit(browser, live_site, tmp_path, size):
    width, height = SIZES[size]
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        browser_sign_in(page, live_site, "ars")
        page.goto(f"{live_site.url}/territoires/verifier")
        page.set_input_files("#fichier", str(lambert_file(tmp_path)))
        page.click("button:has-text('Vérifier ce tracé')")
        page.wait_for_selector("#crs-lu")
        assert "RGF93 v1 / Lambert-93 (EPSG:2154)" in page.inner_text("#crs-lu")
        label = page.locator(".cpts-candidate-label")
        label.wait_for(state="visible")
        assert label.inner_text() == "Territoire vérifié"
        names = page.locator(".cpts-area-label:not(.cpts-candidate-label)").all_inner_texts()
        assert "CPTS Est" in names and "CPTS Projet Nord" in names  # neighbours, by name
        assert page.locator(".cpts-panel").first.is_hidden()  # the legend starts collapsed
        # the candidate's pane is above the overlaps' pane
        z = page.evaluate("""() => [getComputedStyle(document.querySelector(
            '.leaflet-cptsCandidate-pane')).zIndex, getComputedStyle(document.querySelector(
            '.leaflet-cptsOverlaps-pane')).zIndex]""")
        assert int(z[0]) > int(z[1])
        assert serious_violations(page, exclude=(".leaflet-control-attribution",)) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(".page-map").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"checker-lambert93-{size}.png"), full_page=True)
        page.fill("#nom", f"CPTS Lambert {size}")
        page.click("button:has-text('Créer le projet de CPTS')")
        page.wait_for_url("**/cpts/**")
        assert f"CPTS Lambert {size}" in page.inner_text("h1")
        page.screenshot(path=str(SHOTS / f"checker-deposited-{size}.png"))
        assert errors == []
    finally:
        context.close()
