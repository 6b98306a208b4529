"""The 2SFCA kernel (``mapper.geo.catchment``) against a brute force over every pair with the
haversine formula: random points in France, around the antimeridian and far north, where the
grid's longitude reach matters; sites with nobody in reach; the band edges."""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from mapper.geo import catchment

R = catchment.EARTH_RADIUS_M
BANDS = ((5_000.0, 1.0), (15_000.0, 2 / 3), (30_000.0, 1 / 3))


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * R * math.asin(math.sqrt(h))


def weight(d):
    return next((w for bound, w in BANDS if d <= bound), 0.0)


def brute(demand, population, sites, supply, targets):
    ratio = []
    for (slon, slat), s in zip(sites, supply):
        d = sum(weight(haversine(lon, lat, slon, slat)) * p
                for (lon, lat), p in zip(demand, population))
        ratio.append(s / d if d > 0 else 0.0)
    return [sum(weight(haversine(lon, lat, slon, slat)) * r
                for (slon, slat), r in zip(sites, ratio)) for lon, lat in targets]


def scatter(rng, n, lon, lat, spread):
    return [(((lon + rng.uniform(-spread, spread) + 180) % 360) - 180,
             max(-89.9, min(89.9, lat + rng.uniform(-spread / 2, spread / 2)))) for _ in range(n)]


def compute(demand, population, sites, supply, targets):
    def points(pts):
        return catchment.Points([p[0] for p in pts], [p[1] for p in pts], BANDS[-1][0])

    return catchment.two_step(points(demand), np.array(population, dtype=float), points(sites),
                              np.array(supply, dtype=float), points(targets),
                              catchment.Bands(BANDS))


@pytest.mark.parametrize("lon, lat, spread", [
    (2.35, 48.85, 1.2),     # Île-de-France: dense, several cells
    (5.4, 43.5, 0.6),       # Provence
    (179.8, -14.3, 0.9),    # across the antimeridian (Wallis-et-Futuna's longitude)
    (10.0, 78.0, 3.0),      # far north: a cell's neighbours span many columns
    (-52.3, 4.9, 0.4),      # Guyane, near the equator
])
@pytest.mark.parametrize("seed", [1, 2])
def test_two_step_equals_brute_force(lon, lat, spread, seed):
    rng = random.Random(seed)
    demand = scatter(rng, 60, lon, lat, spread)
    population = [rng.choice([0, rng.randint(50, 20_000)]) for _ in demand]
    sites = scatter(rng, 80, lon, lat, spread * 1.1)
    supply = [rng.choice([1.0, 0.5, 1 / 3]) for _ in sites]
    targets = demand + scatter(rng, 10, lon, lat, spread)
    got = compute(demand, population, sites, supply, targets)
    expected = brute(demand, population, sites, supply, targets)
    assert got.tolist() == pytest.approx(expected, rel=1e-9, abs=1e-15)
    assert any(v > 0 for v in expected) and any(v == 0 for v in population)


def test_band_edges_and_the_radius():
    """A site 4.99 km, 5.01 km, 29.99 km and 30.01 km from the only commune (along a
    meridian, where the distance is R·Δφ exactly)."""
    commune = [(3.0, 45.0)]
    for km, w in [(4.99, 1.0), (5.01, 2 / 3), (14.99, 2 / 3), (15.01, 1 / 3), (29.99, 1 / 3),
                  (30.01, 0.0)]:
        site = [(3.0, 45.0 + math.degrees(km * 1000 / R))]
        got = compute(commune, [1000], site, [1.0], commune)
        # R = S / (W·P), A = W·R: W / (W · 1000) when in reach.
        assert got[0] == pytest.approx(1 / 1000 if w else 0.0), km


def test_nobody_in_reach_weighs_nothing_and_empty_sets_are_fine():
    far = [(3.0, 45.0)]
    assert compute(far, [1000], [(8.0, 45.0)], [1.0], far).tolist() == [0.0]
    assert compute(far, [1000], [], [], far).tolist() == [0.0]
    assert compute([], [], [(3.0, 45.0)], [1.0], far).tolist() == [0.0]
    assert compute(far, [1000], [(3.0, 45.0)], [1.0], []).tolist() == []


def test_bands_must_be_nearest_first():
    with pytest.raises(ValueError):
        catchment.Bands(((30_000.0, 1 / 3), (5_000.0, 1.0)))


def test_dense_cells_cut_in_chunks_give_the_same_values(monkeypatch):
    rng = random.Random(5)
    demand = scatter(rng, 80, 2.35, 48.85, 0.5)
    population = [rng.randint(100, 5_000) for _ in demand]
    sites = scatter(rng, 120, 2.35, 48.85, 0.5)
    supply = [1.0] * len(sites)
    whole = compute(demand, population, sites, supply, demand)
    monkeypatch.setattr(catchment, "BLOCK_ELEMENTS", 40)
    assert compute(demand, population, sites, supply, demand).tolist() == pytest.approx(
        whole.tolist(), rel=1e-12)
    assert whole.max() > 0
