"""Territory map for ARS review: layers by status, overlaps on top, legend."""
from __future__ import annotations

import folium

from mapper.maps import OverlapFeature, TerritoryFeature, build_territory_map, render_html
from mapper.maps.elements import DataLayer


def _territory(i, status, geometry, name=None):
    return TerritoryFeature(
        id=i, name=name or f"CPTS {i}", slug=f"cpts-{i}", status=status, geometry=geometry,
        population=40_000 + i,
    )


def _area_blocks(page, kind):
    return [b for b in page.json_blocks().values() if b.get("kind") == kind]


def test_layers_by_status_and_overlaps(square, parse_page, nonce, tiles):
    territories = [
        _territory(1, "valide", square(5.0, 43.0)),
        _territory(2, "projet", square(5.04, 43.0)),
        _territory(3, "projet", square(5.2, 43.0)),
        _territory(4, "Intention", square(5.3, 43.0)),
    ]
    overlaps = [
        OverlapFeature(
            geometry=square(5.04, 43.0, 0.01),
            cpts_a_name="CPTS 1",
            cpts_b_name="CPTS 2",
            population_affected=1234,
            area_km2=0.9,
            population_estimated=True,
        )
    ]
    m = build_territory_map(territories, overlaps, tiles=tiles)
    layers = [c for c in m._children.values() if isinstance(c, DataLayer)]
    assert len(layers) == 4  # intention, projet, valide, overlaps (no empty "rejete" layer)
    page = parse_page(render_html(m, nonce))
    statuses = {
        b["features"]["features"][0]["properties"]["status"]: len(b["features"]["features"])
        for b in _area_blocks(page, "territory")
    }
    assert statuses == {"Lettre d'intention": 1, "Projet": 2, "Validée par l'ARS": 1}
    (overlap,) = _area_blocks(page, "overlap")
    assert overlap["pane"] == {"name": "cptsOverlaps", "zIndex": 450}
    assert overlap["features"]["features"][0]["properties"] == {
        "a": "CPTS 1", "b": "CPTS 2", "population": 1234, "areaKm2": 0.9, "estimated": True,
    }
    (legend,) = [b for b in page.json_blocks().values() if "items" in b]
    assert [i["label"] for i in legend["items"]] == [
        "Lettre d'intention", "Projet", "Validée par l'ARS", "Contrat ACI signé", "Rejetée",
        "Chevauchements entre CPTS",
    ]
    assert legend["items"][-1]["detail"] == "1"
    (fit,) = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    assert fit.bounds == [[43.0, 5.0], [43.05, 5.35]]


def test_names_are_data_not_markup(square, parse_page, nonce, xss_name):
    m = build_territory_map(
        [_territory(1, "projet", square(5.0, 43.0), name=xss_name)],
        [OverlapFeature(square(5.0, 43.0, 0.01), xss_name, xss_name, None)],
    )
    html = render_html(m, nonce)
    assert "<img src=x" not in html and "</script><script>" not in html
    page = parse_page(html)
    (territory,) = _area_blocks(page, "territory")
    assert territory["features"]["features"][0]["properties"]["name"] == xss_name


def test_unknown_status_and_empty_input(parse_page, square, nonce):
    m = build_territory_map([_territory(1, "archivee", square(5.0, 43.0))])
    page = parse_page(render_html(m, nonce))
    (block,) = _area_blocks(page, "territory")
    assert block["features"]["features"][0]["properties"]["status"] == "Statut inconnu"

    empty = render_html(build_territory_map([], []), nonce)
    assert "L.control.layers" not in empty and "fitBounds" not in empty
    assert "Aucun territoire" in empty
