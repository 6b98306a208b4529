"""The small map of a professional's public page: sites as markers, the zone as an outline."""
from __future__ import annotations

from mapper.maps import render_html
from mapper.maps.professional import SitePoint, build_professional_map


def test_sites_and_zone_fit_without_layer_control(square, parse_page, nonce, tiles):
    zone = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": "communes"}, "geometry": square(2.3, 48.8)}]}
    m = build_professional_map([SitePoint(48.83, 2.32, "Cabinet"), SitePoint(999, 2, "bad")],
                               zone, "60", tiles=tiles)
    html = render_html(m, nonce)
    blocks = list(parse_page(html).json_blocks().values())
    (outline,) = [b for b in blocks if "geometry" in b]
    assert outline["style"]["interactive"] is False and outline["style"]["color"] == "#c9302c"
    (sites,) = [b for b in blocks if "markers" in b]
    assert [s["n"] for s in sites["markers"]] == ["Cabinet"]  # invalid coordinates skipped
    assert "L.control.layers" not in html and "fitBounds" in html


def test_site_labels_are_data_not_markup(xss_name, parse_page, nonce):
    m = build_professional_map([SitePoint(48.83, 2.32, xss_name)], None, "10")
    html = render_html(m, nonce)
    (sites,) = [b for b in parse_page(html).json_blocks().values() if "markers" in b]
    assert sites["markers"][0]["n"] == xss_name
    assert xss_name not in html or "<" not in xss_name


def test_nothing_to_show_is_an_empty_map_of_france(nonce):
    html = render_html(build_professional_map([], None, "unknown-role"), nonce)
    # only the map's own words travel as data: no layer, no bounds to fit
    assert "fitBounds" not in html
    assert "professionLayer" not in html and "outlineLayer" not in html
