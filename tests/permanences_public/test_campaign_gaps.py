"""The campaign gaps equal a brute-force computation: shapely's point on surface of each
commune, geodesic distances (geographiclib, WGS84) to every permanence, in Python."""
from __future__ import annotations

import random
from datetime import date

import pytest
from geographiclib.geodesic import Geodesic
from shapely.geometry import shape

from mapper.imports.communes import import_communes_file
from mapper.services.directory.campaign_gaps import campaign_gaps
from tests.factories.geo import collection, feature, grid_communes, write_geojson
from tests.factories.world import WorldBuilder
from tests.support import assert_problem, bearer, make_settings

from .builders import campaign, permanence, place

ORIGIN = (4.80, 45.70)
STEP = 0.05
N = 5
#: Two communes whose centroid lies outside them: an L and a U, east of the grid.
X0 = ORIGIN[0] + N * STEP
SHAPES = {
    "69901": {"type": "Polygon", "coordinates": [[
        [X0, ORIGIN[1]], [X0 + 0.12, ORIGIN[1]], [X0 + 0.12, ORIGIN[1] + 0.02],
        [X0 + 0.02, ORIGIN[1] + 0.02], [X0 + 0.02, ORIGIN[1] + 0.12], [X0, ORIGIN[1] + 0.12],
        [X0, ORIGIN[1]]]]},
    "69902": {"type": "Polygon", "coordinates": [[
        [X0, ORIGIN[1] + 0.13], [X0 + 0.10, ORIGIN[1] + 0.13], [X0 + 0.10, ORIGIN[1] + 0.25],
        [X0 + 0.08, ORIGIN[1] + 0.25], [X0 + 0.08, ORIGIN[1] + 0.15],
        [X0 + 0.02, ORIGIN[1] + 0.15], [X0 + 0.02, ORIGIN[1] + 0.25], [X0, ORIGIN[1] + 0.25],
        [X0, ORIGIN[1] + 0.13]]]},
}


@pytest.fixture()
def territory(session, tmp_path):
    grid = grid_communes("69", ORIGIN, N, STEP)
    extra = [feature(code, f"Commune {code}", geometry, departement="69",
                     population=700 + int(code[-1]) * 111)
             for code, geometry in SHAPES.items()]
    fc = collection(*grid["features"], *extra)
    report = import_communes_file(session, write_geojson(tmp_path / "t.geojson", fc),
                                  population_year=2023)
    assert report.ok, report.lines()
    codes = [f["properties"]["code"] for f in fc["features"]]
    w = WorldBuilder(session, make_settings("postgresql://unused"), tmp_path)
    cpts = w.cpts("CPTS des Essais", codes)
    session.flush()
    return cpts, {f["properties"]["code"]: f for f in fc["features"]}


def brute_force(features: dict, locations: list[tuple[float, float]], km: float):
    rows = []
    for code, f in features.items():
        pt = shape(f["geometry"]).point_on_surface()
        dists = [Geodesic.WGS84.Inverse(pt.y, pt.x, lat, lon)["s12"] for lat, lon in locations]
        nearest = min(dists) if dists else None
        if nearest is None or nearest > km * 1000:
            rows.append((code, f["properties"]["population"], nearest))
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gaps_equal_brute_force(session, territory, seed):
    cpts, features = territory
    rng = random.Random(seed)
    c = campaign(session, cpts.id)
    other = campaign(session, cpts.id, slug="autre")  # its permanences do not count
    locations = []
    for i in range(rng.randint(1, 4)):
        lat = ORIGIN[1] + rng.uniform(-0.02, 0.27)
        lon = ORIGIN[0] + rng.uniform(-0.02, 0.40)
        locations.append((lat, lon))
        p = place(session, cpts.id, f"Lieu {i}", lat, lon)
        permanence(session, c, p, date(2026, 10, 5 + i))
        permanence(session, c, p, date(2026, 11, 5 + i))  # one location, two permanences
    permanence(session, other, place(session, cpts.id, "Ailleurs", ORIGIN[1] + 0.1,
                                     ORIGIN[0] + 0.1), date(2026, 10, 9))
    total = sum(f["properties"]["population"] for f in features.values())
    for km in (1, 2.5, 5, 10):
        expected = brute_force(features, locations, km)
        got = campaign_gaps(session, c, km)
        assert [(g.code, g.population) for g in got.communes] == sorted(
            [(code, pop) for code, pop, _ in expected], key=lambda r: (-r[1], r[0]))
        for g, (_, _, nearest) in zip(got.communes, sorted(expected, key=lambda r: (-r[1], r[0]))):
            assert g.nearest_km == pytest.approx(nearest / 1000, abs=1e-6)
        assert got.population_total == total
        assert got.population_uncovered == sum(p for _, p, _ in expected)
        assert got.communes_total == len(features)
        assert got.locations == len(locations)


def test_point_on_surface_not_centroid(session, territory):
    """The L's centroid is outside it: its population point is inside (a permanence at the
    centroid is 1.3 km away from it)."""
    cpts, features = territory
    c = campaign(session, cpts.id)
    centroid = shape(SHAPES["69901"]).centroid
    permanence(session, c, place(session, cpts.id, "Au centroïde", centroid.y, centroid.x),
               date(2026, 10, 5))
    got = campaign_gaps(session, c, 0.5)
    gap = {g.code: g for g in got.communes}["69901"]
    inside = shape(SHAPES["69901"]).point_on_surface()
    assert (gap.lat, gap.lon) == pytest.approx((inside.y, inside.x), abs=1e-9)


def test_no_permanence_all_uncovered(session, territory):
    cpts, features = territory
    got = campaign_gaps(session, campaign(session, cpts.id), 5)
    assert len(got.communes) == len(features)
    assert got.share_uncovered == 1.0
    assert got.communes[0].nearest_km is None
    assert [g.population for g in got.communes] == sorted(
        (g.population for g in got.communes), reverse=True)


def test_api_gaps(client, session, territory, accounts):
    cpts, features = territory
    c = campaign(session, cpts.id)
    permanence(session, c, place(session, cpts.id, "Centre", ORIGIN[1] + 0.125,
                                 ORIGIN[0] + 0.125), date(2026, 10, 5))
    private = campaign(session, cpts.id, slug="privee", public=False)
    session.commit()
    resp = client.get(f"/api/v1/campaigns/{c.id}/gaps?distance_km=3")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["population_point"] == "ST_PointOnSurface"
    assert body["distance_km"] == 3
    assert body["communes_uncovered"] == len(body["communes"]) < len(features)
    assert 0 < body["share_uncovered"] < 1
    assert client.get(f"/api/v1/campaigns/{c.id}/gaps").get_json()["distance_km"] == 5
    for bad in ("abc", "0", "51", "nan", "-2"):
        problem = assert_problem(client.get(f"/api/v1/campaigns/{c.id}/gaps?distance_km={bad}"),
                                 422)
        assert "distance_km" in problem["errors"]
    assert_problem(client.get("/api/v1/campaigns/999999/gaps"), 404)
    # a private campaign: its coordinator, an ARS officer of its région, admins only
    assert_problem(client.get(f"/api/v1/campaigns/{private.id}/gaps"), 401)
    elsewhere = WorldBuilder(session, make_settings("postgresql://unused"), None).cpts(
        "CPTS Ailleurs", ["69001"])
    session.commit()
    _, other = accounts("coordinator", cpts_id=elsewhere.id)
    assert_problem(client.get(f"/api/v1/campaigns/{private.id}/gaps",
                              headers=bearer(other)), 403)
    _, coordinator = accounts("coordinator", cpts_id=cpts.id)
    assert client.get(f"/api/v1/campaigns/{private.id}/gaps",
                      headers=bearer(coordinator)).status_code == 200
