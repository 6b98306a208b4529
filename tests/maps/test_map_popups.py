"""What a popup gets from the orientation builder (town, distance, next opening, link to the
professional's page), the clusters' settings, and the map's words (translatable, escaped)."""
from __future__ import annotations

import pytest

from mapper.maps import build_orientation_map, render_html
from mapper.maps.orientation import CLUSTER_ZOOM_CAP
from mapper.maps.texts import TEXTS, map_texts


def _blocks(page) -> dict:
    blocks = page.json_blocks().values()
    return {
        "setup": next(b for b in blocks if isinstance(b, dict) and "texts" in b),
        "cluster": next(b for b in blocks if isinstance(b, dict) and "zoomCap" in b),
        "layers": [b for b in blocks if isinstance(b, dict) and "markers" in b],
    }


def test_popup_fields_town_distance_opening(make_marker, parse_page, nonce):
    slot = {"starts_at": "2030-01-07T14:00:00+01:00", "end": "20:00", "open_now": False,
            "kind": "snp"}
    marker = make_marker(id=5, town="Paris 14e", distance_m=1234.4, next_slot=slot)
    page = parse_page(render_html(build_orientation_map([marker]), nonce))
    (layer,) = _blocks(page)["layers"]
    data = layer["markers"][0]
    assert data["t"] == "Paris 14e" and data["d"] == 1234
    assert data["s"] == {"at": "2030-01-07T14:00:00+01:00", "e": "20:00"}
    assert layer["one"] == "médecin" and layer["many"] == "médecins"
    now = make_marker(next_slot={"starts_at": "2030-01-07T08:00:00+01:00", "end": "12:00",
                                 "open_now": True})
    page = parse_page(render_html(build_orientation_map([now]), nonce))
    assert _blocks(page)["layers"][0]["markers"][0]["s"]["now"] == 1


def test_distance_measured_from_the_searched_place_when_not_given(make_marker, parse_page,
                                                                   nonce):
    # 0.01° of latitude is about 1 112 m
    marker = make_marker(lat=48.84, lon=2.32)
    m = build_orientation_map([marker], searched=(48.83, 2.32, "Place"))
    data = _blocks(parse_page(render_html(m, nonce)))["layers"][0]["markers"][0]
    assert data["d"] == pytest.approx(1112, abs=2)
    plain = build_orientation_map([make_marker()])
    assert "d" not in _blocks(parse_page(render_html(plain, nonce)))["layers"][0]["markers"][0]


def test_profile_link_cluster_cap_and_widget_window(make_marker, parse_page, nonce):
    page = parse_page(render_html(build_orientation_map([make_marker()]), nonce))
    cluster = _blocks(page)["cluster"]
    assert cluster["profileUrlTemplate"] == "/professionnels/{id}"
    assert cluster["zoomCap"] == CLUSTER_ZOOM_CAP == 16
    assert cluster["newWindow"] is False
    widget = build_orientation_map([make_marker()], new_window=True, profile_url_template=None)
    cluster = _blocks(parse_page(render_html(widget, nonce)))["cluster"]
    assert cluster["newWindow"] is True and cluster["profileUrlTemplate"] is None


def test_words_come_from_the_builder_and_are_translatable(make_marker, parse_page, nonce):
    default = parse_page(render_html(build_orientation_map([make_marker()]), nonce))
    texts = _blocks(default)["setup"]["texts"]
    assert texts["details"] == "Voir la fiche" and set(texts) == set(TEXTS)
    catalogue = {"Voir la fiche": "See the page", "Médecin": "Physician",
                 "médecins": "physicians", "Adresse recherchée": "Searched address"}
    english = map_texts(lambda msgid: catalogue.get(msgid, msgid))
    m = build_orientation_map([make_marker()], texts=english, searched=(43.3, 5.4, "Ici"))
    html = render_html(m, nonce)
    blocks = _blocks(parse_page(html))
    assert blocks["setup"]["texts"]["details"] == "See the page"
    assert blocks["layers"][0]["label"] == "Physician"
    assert blocks["layers"][0]["many"] == "physicians"
    assert "Physician (1)" in html  # the layer control's entry
    assert "Searched address" in html


def test_hostile_words_and_fields_stay_data(make_marker, parse_page, nonce, xss_name):
    marker = make_marker(town=xss_name, address=xss_name, phone=xss_name,
                         next_slot=xss_name, competencies=[xss_name])
    texts = map_texts(overrides={"details": xss_name})
    html = render_html(build_orientation_map([marker], texts=texts,
                                             searched=(43.3, 5.4, xss_name)), nonce)
    page = parse_page(html)
    blocks = _blocks(page)
    data = blocks["layers"][0]["markers"][0]
    assert data["t"] == data["a"] == data["p"] == data["s"] == xss_name
    assert blocks["setup"]["texts"]["details"] == xss_name
    assert "<img src=x" not in html and "<script>alert" not in html
    assert not any(xss_name in script for script in page.inline_scripts())
