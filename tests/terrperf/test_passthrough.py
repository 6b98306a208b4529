"""Big geometries go from PostGIS's text to the page without being parsed (issue 13: the
territories map of a région served fast): ``RawJSON`` splicing and ``GeoJSONText`` bounds."""
from __future__ import annotations

import json

import pytest

from mapper.maps import build_territory_map, render_html
from mapper.maps.data import Claimant, GeoJSONText, OverlapArea, TerritoryFeature
from mapper.maps.elements import RawJSON, to_html_json

SQUARE = '{"type":"Polygon","coordinates":[[[2,48],[3,48],[3,49],[2,49],[2,48]]]}'


def test_raw_fragments_are_spliced_as_they_are_and_the_whole_stays_valid_json():
    data = {"a": [RawJSON(SQUARE), {"n": "</script><b>&"}], "b": RawJSON("[1,2]")}
    out = to_html_json(data)
    assert json.loads(out) == {"a": [json.loads(SQUARE), {"n": "</script><b>&"}], "b": [1, 2]}
    assert "</script" not in out and "<b>" not in out


def test_a_user_string_cannot_pass_for_a_raw_fragment():
    sneaky = '\ue000deadbeefdeadbeef:0'
    out = to_html_json({"n": sneaky, "g": RawJSON("[1]")})
    assert json.loads(out) == {"n": sneaky, "g": [1]}
    with pytest.raises(TypeError):
        to_html_json({"x": object()})


def test_text_geometries_are_embedded_untouched_and_fitted_by_their_box():
    geometry = GeoJSONText(SQUARE, (2.0, 48.0, 3.0, 49.0))
    overlap = GeoJSONText(SQUARE.replace("[3,", "[2.5,"), (2.0, 48.0, 2.5, 49.0))
    page = render_html(build_territory_map(
        [TerritoryFeature(1, "A <b>", "a", "projet", geometry, 10, 0, (2.5, 48.5))],
        [OverlapArea(overlap, (Claimant("A <b>", "a", "projet"), Claimant("B", "b")), 5)]),
        "n0nce-n0nce")
    assert SQUARE in page and SQUARE.replace("[3,", "[2.5,") in page
    assert "A <b>" not in page and "A \\u003cb\\u003e" in page
    assert "[[48.0, 2.0], [49.0, 3.0]]" in page  # fitBounds from the boxes


def test_a_text_geometry_without_a_box_is_left_out():
    empty = GeoJSONText('{"type":"Polygon","coordinates":[]}', (None, None, None, None))
    page = render_html(build_territory_map(
        [TerritoryFeature(1, "A", "a", "projet", empty)]), "n0nce-n0nce")
    assert '"coordinates":[]' not in page
