"""The map of a project under ARS review (``maps.project``): it opens on the project and its
overlaps, with its neighbours drawn around it; a project without an outline opens on them."""
from __future__ import annotations

import folium
from folium.map import FitBounds

from mapper.maps.data import OverlapFeature, TerritoryFeature
from mapper.maps.project import build_project_map

LABELS = {"subject": "Ce projet", "neighbours": "Voisins", "overlaps": "Chevauchements",
          "title": "Projet"}


def _square(west: float, south: float, side: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [west + side, south],
                                                [west + side, south + side],
                                                [west, south + side], [west, south]]]}


def _territory(ident: int, geometry: dict | None) -> TerritoryFeature:
    return TerritoryFeature(id=ident, name=f"CPTS {ident}", slug=f"cpts-{ident}",
                            status="projet", geometry=geometry)


def _fit(m: folium.Map):
    (fit,) = [c for c in m._children.values() if isinstance(c, FitBounds)]
    return fit.bounds


def test_the_map_opens_on_the_project_and_its_overlaps_not_its_far_neighbours():
    subject = _territory(1, _square(7.20, 43.68, 0.10))  # Nice
    huge = _territory(2, _square(5.00, 43.00, 2.50))  # a neighbour across the région
    overlap = OverlapFeature(geometry=_square(7.25, 43.70, 0.10), cpts_a_name="CPTS 1",
                             cpts_b_name="CPTS 3")
    m = build_project_map(subject, [huge, _territory(3, _square(7.25, 43.70, 0.2))],
                          [overlap], labels=LABELS, title="Projet")
    (south, west), (north, east) = _fit(m)
    assert (south, west) == (43.68, 7.20)
    assert (round(north, 6), round(east, 6)) == (43.80, 7.35)  # the overlap reaches past it
    html = m.get_root().render()
    assert "CPTS 2" in html and "CPTS 3" in html  # the neighbours are drawn all the same


def test_a_project_without_an_outline_opens_on_its_neighbours():
    m = build_project_map(_territory(1, None), [_territory(2, _square(5.0, 43.0, 1.0))], [],
                          labels=LABELS, title="Projet")
    assert _fit(m) == [[43.0, 5.0], [44.0, 6.0]]
