"""Orientation map: layers per profession, marker data, escaping, bounds, size."""
from __future__ import annotations

import random
import time

import folium

from mapper.maps import build_orientation_map, render_html
from mapper.maps.elements import DataControl, DataLayer


def _layers(m: folium.Map, factory: str) -> list[DataLayer]:
    return [c for c in m._children.values() if isinstance(c, DataLayer) and c.factory == factory]


def _profession_blocks(page) -> list[dict]:
    return [b for b in page.json_blocks().values() if isinstance(b, dict) and "markers" in b]


def test_one_layer_per_profession_in_layer_control(make_marker, parse_page, nonce, tiles):
    markers = [
        make_marker(profession_code="10"),
        make_marker(profession_code="10"),
        make_marker(profession_code="60", profession_label="Infirmier"),
        make_marker(profession_code="psychologue", profession_label="Psychologue"),
        make_marker(profession_code="ergotherapeute", profession_label="Ergothérapeute"),
    ]
    m = build_orientation_map(markers, tiles=tiles, asset_prefix="/assets")
    layers = _layers(m, "professionLayer")
    assert len(layers) == 4
    html = render_html(m, nonce)
    page = parse_page(html)
    blocks = _profession_blocks(page)
    assert sorted(b["code"] for b in blocks) == ["10", "60", "ergotherapeute", "psychologue"]
    assert {b["code"]: len(b["markers"]) for b in blocks}["10"] == 2
    # RPPS order first, unknown roles last; each layer is an overlay of the layer control.
    assert [b["code"] for b in blocks] == ["10", "60", "psychologue", "ergotherapeute"]
    control = html[html.index("L.control.layers") - 2000 :]
    for layer in layers:
        assert f": {layer.get_name()}," in control
    assert "Ergoth\\u00e9rapeute (1)" in control
    assert html.count("CartoCPTS.professionCluster(") == 1


def test_duplicate_labels_stay_separate_layers(make_marker):
    markers = [
        make_marker(profession_code="x1", profession_label="Autre"),
        make_marker(profession_code="x2", profession_label="Autre"),
    ]
    m = build_orientation_map(markers)
    names = [layer.layer_name for layer in _layers(m, "professionLayer")]
    assert len(set(names)) == 2


def test_marker_data_carries_popup_fields(make_marker, parse_page, nonce):
    stale = make_marker(
        id=7,
        accepts_new_patients=False,
        stale=True,
        zone_url="/api/v1/professionals/7/zone",
        next_slot="mardi 14 h",
    )
    unknown = make_marker(
        id=8, accepts_new_patients=None, phone=None, competencies=[], next_slot=None
    )
    page = parse_page(render_html(build_orientation_map([stale, unknown]), nonce))
    (block,) = _profession_blocks(page)
    assert block["label"] == "Médecin"
    assert block["icon"] == "fa-user-doctor"
    first, second = block["markers"]
    assert first == {
        "i": 7,
        "n": "Camille Martin",
        "l": "Médecin généraliste",
        "la": 43.2965,
        "lo": 5.3698,
        "c": ["Suivi de grossesse", "Petite chirurgie"],
        "a": "12 rue de la Paix, 13001 Marseille",
        "p": "04 91 00 00 00",
        "np": False,
        "s": "mardi 14 h",
        "st": 1,
        "z": "/api/v1/professionals/7/zone",
    }
    assert "np" not in second and "p" not in second and "c" not in second and "s" not in second


def test_user_strings_travel_only_as_escaped_json(make_marker, parse_page, xss_name, tiles, nonce):
    name = xss_name
    marker = make_marker(
        first_name=name,
        last_name=name,
        profession_code="zz",
        profession_label=name,
        competencies=[name],
        address=name,
        phone=name,
        next_slot=name,
    )
    html = render_html(build_orientation_map([marker], tiles=tiles), nonce)
    for raw in ("<img src=x", "</script><script>", "alert(1)</script>"):
        assert raw not in html
    page = parse_page(html)
    (block,) = _profession_blocks(page)
    (data,) = block["markers"]
    assert data["n"] == f"{name} {name}"
    assert data["c"] == [name] and data["a"] == name and data["p"] == name
    assert block["label"] == name
    # Outside the JSON blocks the name appears only HTML-escaped (layer-control label), and no
    # inline script uses JS template literals, so "${...}" is inert text everywhere.
    outside = "".join(page.inline_scripts())
    assert "`" not in outside
    if "$" not in name:
        assert name not in outside


def test_invalid_coordinates_are_skipped(make_marker, parse_page, nonce):
    markers = [
        make_marker(lat=float("nan"), lon=5.0),
        make_marker(lat=91.0, lon=5.0),
        make_marker(lat=43.0, lon=5.0),
    ]
    page = parse_page(render_html(build_orientation_map(markers), nonce))
    (block,) = _profession_blocks(page)
    assert len(block["markers"]) == 1


def test_fits_markers_and_boundary(make_marker, square):
    boundary = {"type": "Feature", "properties": {}, "geometry": square(5.0, 43.0, 1.0)}
    m = build_orientation_map([make_marker(lat=43.5, lon=6.5)], boundary=boundary)
    (fit,) = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    assert fit.bounds == [[43.0, 5.0], [44.0, 6.5]]
    assert len(_layers(m, "outlineLayer")) == 1


def test_empty_map_has_notice_and_no_layer_control(parse_page, nonce, tiles):
    m = build_orientation_map([], boundary=None, tiles=None)
    html = render_html(m, nonce)
    assert "L.control.layers" not in html
    assert "fitBounds" not in html
    assert "L.tileLayer" not in html
    assert any(isinstance(c, DataControl) for c in m._children.values())
    assert "Aucun professionnel" in html


def test_zones_embedded_or_from_template(make_marker, square, parse_page, nonce):
    zone = square(5.3, 43.2)
    m = build_orientation_map(
        [make_marker(id=3)], zones={3: zone}, zone_url_template="/api/v1/professionals/{id}/zone"
    )
    page = parse_page(render_html(m, nonce))
    (cluster,) = [b for b in page.json_blocks().values() if "zones" in b]
    assert cluster["zoneUrlTemplate"] == "/api/v1/professionals/{id}/zone"
    assert cluster["zones"]["3"]["type"] == "Polygon"


def test_5000_markers_stay_small(make_marker, nonce, tiles):
    rng = random.Random(5000)
    codes = ["10", "21", "40", "50", "60", "70", "80", "91", "92", "psychologue", "dieteticien"]
    markers = [
        make_marker(
            profession_code=rng.choice(codes),
            last_name=f"Nom{i}",
            lat=43.0 + rng.random(),
            lon=5.0 + rng.random(),
            stale=rng.random() < 0.1,
        )
        for i in range(5000)
    ]
    start = time.perf_counter()
    html = render_html(build_orientation_map(markers, tiles=tiles), nonce)
    elapsed = time.perf_counter() - start
    size = len(html.encode())
    print(f"\n5000 markers: built and rendered in {elapsed:.3f} s, {size / 1e6:.2f} MB")
    assert size < 2_000_000


def test_searched_place_is_marked_escaped_and_in_bounds(make_marker, parse_page, nonce,
                                                        xss_name):
    m = build_orientation_map([make_marker(lat=43.30, lon=5.37)],
                              searched=(43.70, 7.26, xss_name))
    html = render_html(m, nonce)
    page = parse_page(html)
    searched = [b for b in page.json_blocks().values()
                if isinstance(b, dict) and "lo" in b and "markers" not in b]
    assert searched == [{"la": 43.7, "lo": 7.26, "label": xss_name, "name": "Adresse recherchée"}]
    # Only inside the JSON block, with < > & escaped: no markup, no template evaluated.
    assert "<img src=x" not in html and "<script>alert" not in html
    assert not any(xss_name in script for script in page.inline_scripts())
    assert html.count("CartoCPTS.searchedPlace(") == 1
    (south, west), (north, east) = _fit_bounds(m)
    assert south <= 43.30 and north >= 43.70 and west <= 5.37 and east >= 7.26


def test_no_searched_place_by_default_or_when_invalid(make_marker, nonce):
    assert "searchedPlace" not in render_html(build_orientation_map([make_marker()]), nonce)
    bad = build_orientation_map([make_marker()], searched=(float("nan"), 2.0, "x"))
    assert "searchedPlace" not in render_html(bad, nonce)


def _fit_bounds(m: folium.Map):
    from folium.map import FitBounds

    (fit,) = [c for c in m._children.values() if isinstance(c, FitBounds)]
    return fit.bounds
