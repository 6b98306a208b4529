"""The France boxes: right places in, wrong places out, and real communes all inside."""

import json
from pathlib import Path

import numpy as np
import pytest

from mapper.geo import FRANCE_BOUNDS, GeometryError, in_france, parse_areal, points_in_france, region_of

PLACES_IN = {
    "metropole": [(2.35, 48.85), (-5.1, 48.46), (7.75, 48.58), (3.1, 42.45), (2.37, 51.03)],
    "corse": [(8.74, 41.93), (9.45, 42.7)],
    "guadeloupe": [(-61.53, 16.24), (-61.25, 15.87)],
    "martinique": [(-61.07, 14.6)],
    "guyane": [(-52.33, 4.93), (-54.0, 2.2)],
    "reunion": [(55.45, -20.88), (55.7, -21.3)],
    "mayotte": [(45.23, -12.78)],
}
PLACES_OUT = {
    "berlin": (13.4, 52.52),
    "munich": (11.58, 48.14),
    "madrid": (-3.7, 40.42),
    "london": (-0.13, 51.51),
    "null island": (0.0, 0.0),
    "paris swapped": (48.85, 2.35),
    "dominica": (-61.37, 15.4),
}


@pytest.mark.parametrize("region", sorted(PLACES_IN))
def test_places_in_france(region):
    for lon, lat in PLACES_IN[region]:
        assert in_france(lon, lat), (lon, lat)
        assert region_of(lon, lat) == region


@pytest.mark.parametrize("name", sorted(PLACES_OUT))
def test_places_outside_france(name):
    lon, lat = PLACES_OUT[name]
    assert not in_france(lon, lat)
    assert region_of(lon, lat) is None


def test_boxes_are_well_formed_and_the_swapped_reading_never_lands_in_france():
    for minx, miny, maxx, maxy in FRANCE_BOUNDS.values():
        assert -180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90
        # corners read as [lat, lon] must fall outside, or swap detection would be ambiguous
        for x, y in [(minx, miny), (maxx, maxy), (minx, maxy), (maxx, miny)]:
            assert not in_france(y, x)


def test_vectorised_check_agrees_with_scalar():
    xs, ys = np.meshgrid(np.linspace(-65, 60, 126), np.linspace(-25, 55, 81))
    xy = np.column_stack([xs.ravel(), ys.ravel()])
    expected = np.array([in_france(x, y) for x, y in xy])
    assert expected.any() and not expected.all()
    assert (points_in_france(xy) == expected).all()


# Real commune polygons (COG 2026), when the shared data pack is present next to the repo.
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "communes"
EDGE_DEPARTEMENTS = ["971", "972", "973", "974", "976", "2A", "2B", "29", "59", "66", "67", "06"]


@pytest.mark.realdata
@pytest.mark.parametrize("dep", EDGE_DEPARTEMENTS)
def test_real_communes_at_the_edges_of_france_are_accepted(dep):
    path = DATA / f"communes-{dep}.geojson"
    if not path.exists():
        pytest.skip(f"{path} absent (no ../shared/data)")
    collection = json.loads(path.read_text(encoding="utf-8"))
    refused = []
    for feature in collection["features"]:
        try:
            parse_areal(feature)
        except GeometryError as exc:
            refused.append((feature.get("properties"), exc))
    assert collection["features"] and not refused
