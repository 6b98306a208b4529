"""The two-step floating catchment area (2SFCA) on the sphere, weighed in blocks with numpy.

Every pair (population point, site) within the catchment radius must be weighed, twice: about
66 million pairs for the médecins of France with a million professionals. Row by row in SQL that
is minutes; here each pair costs a few nanoseconds.

* Points are unit vectors; the great-circle distance d between two of them is R·acos(a·b), so
  "d ≤ bound" is exactly "a·b ≥ cos(bound / R)": a band is a comparison of a dot product, no
  trigonometry per pair. (At the 5 km bound, a float64 dot product resolves about 1e-6 m.)
* Points are binned in cells of the catchment radius's latitude span; a block is the points of
  one cell of the first set against the points of the cells around it in the second set that may
  lie within the radius (longitude reach widened with the latitude, wrapping at ±180°). Every
  pair within the radius is in exactly one block; blocks are a few megabytes.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

#: PostGIS's sphere for geography with use_spheroid => false: (2a + b) / 3 of WGS84.
EARTH_RADIUS_M = 6_371_008.7714


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """(n, 3) unit vectors of points given in degrees."""
    lam, phi = np.radians(lon), np.radians(lat)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


class Points:
    """Points (degrees) with their unit vectors and their grid cells for a catchment radius."""

    def __init__(self, lon: Sequence[float], lat: Sequence[float], radius_m: float):
        self.lon = np.asarray(lon, dtype=np.float64).reshape(-1)
        self.lat = np.asarray(lat, dtype=np.float64).reshape(-1)
        self.xyz = unit_vectors(self.lon, self.lat)
        self.step = math.degrees(radius_m / EARTH_RADIUS_M)
        self.columns = math.ceil(360 / self.step)
        self.row = np.floor((self.lat + 90) / self.step).astype(np.int64)
        self.col = np.floor((self.lon + 180) / self.step).astype(np.int64) % self.columns
        self.key = self.row * self.columns + self.col
        self.order = np.argsort(self.key, kind="stable")
        self.sorted_keys = self.key[self.order]

    def __len__(self) -> int:
        return len(self.lon)

    def in_cells(self, keys: np.ndarray) -> np.ndarray:
        """Indices of the points lying in the cells ``keys`` (distinct)."""
        start = np.searchsorted(self.sorted_keys, keys, side="left")
        end = np.searchsorted(self.sorted_keys, keys, side="right")
        keep = end > start
        if not keep.any():
            return np.empty(0, dtype=np.int64)
        return np.concatenate([self.order[s:e] for s, e in zip(start[keep], end[keep])])


def _reach(points: Points, row: int) -> int:
    """Columns on each side of a cell of ``row`` that a circle of the radius centred in it may
    reach: its longitude half-span is asin(sin θ / cos φ) at its centre's latitude φ, widest at
    the cell's edge nearer a pole; a centre anywhere in its column then stays within
    ceil(half-span / step) columns each side."""
    theta = math.radians(points.step)
    edge = max(abs(-90 + row * points.step), abs(-90 + (row + 1) * points.step))
    phi = math.radians(min(90.0, edge))
    if math.cos(phi) <= math.sin(theta):
        return points.columns
    span = math.degrees(math.asin(math.sin(theta) / math.cos(phi)))
    return math.ceil(span / points.step)


def _neighbour_keys(points: Points, row: int, col: int) -> np.ndarray:
    reach = _reach(points, row)
    cols = (np.arange(points.columns) if 2 * reach + 1 >= points.columns
            else (col + np.arange(-reach, reach + 1)) % points.columns)
    rows = np.arange(max(row - 1, 0), row + 2)
    return np.unique((rows[:, None] * points.columns + cols[None, :]).reshape(-1))


#: Most dot products in one block (16 MB of float64): a dense cell is cut in row chunks.
BLOCK_ELEMENTS = 2_000_000


def blocks(first: Points, second: Points) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(indices in first, indices in second, dot products) per cell of ``first`` (in chunks of
    rows when the cell is dense); every pair within the radius (``second``'s cells share
    ``first``'s step) is in exactly one block."""
    if not len(first) or not len(second):
        return
    keys, starts = np.unique(first.sorted_keys, return_index=True)
    ends = np.append(starts[1:], len(first))
    for key, s, e in zip(keys, starts, ends):
        a = first.order[s:e]
        b = second.in_cells(_neighbour_keys(second, int(key // first.columns),
                                            int(key % first.columns)))
        if not len(b):
            continue
        rows = max(1, BLOCK_ELEMENTS // len(b))
        for i in range(0, len(a), rows):
            yield a[i:i + rows], b, first.xyz[a[i:i + rows]] @ second.xyz[b].T


class Bands:
    """Weights by distance band: ((upper bound in metres, weight), …), bounds increasing; the
    last bound is the catchment radius."""

    def __init__(self, bands: Sequence[tuple[float, float]]):
        bounds = [b for b, _ in bands]
        if bounds != sorted(bounds):
            raise ValueError("bands must be given nearest first")
        self.radius_m = bounds[-1]
        # Dot products increase as distances decrease: a pair's band is the number of
        # thresholds (ascending cosines) its dot product reaches.
        self.cosines = np.cos(np.array(bounds[::-1]) / EARTH_RADIUS_M)
        self.table = np.array([0.0, *[w for _, w in bands[::-1]]])

    def weigh(self, dots: np.ndarray) -> np.ndarray:
        """W(d) for each dot product (d ≤ bound ⇔ dot ≥ cos(bound / R))."""
        band = np.zeros(dots.shape, dtype=np.int8)
        for cosine in self.cosines:
            band += dots >= cosine
        return self.table.take(band)


def two_step(demand: Points, population: np.ndarray, sites: Points, supply: np.ndarray,
             targets: Points, bands: Bands) -> np.ndarray:
    """A_i for each point of ``targets``: Σ_j W(d_ij) R_j with R_j = S_j / Σ_k W(d_kj) P_k over
    the ``demand`` points k (population P) and the ``sites`` j (supply S); sites nobody is
    within reach of weigh nothing. Every point set must be binned for ``bands.radius_m``."""
    weighted = np.zeros(len(sites))
    population = np.asarray(population, dtype=np.float64)
    for a, b, dots in blocks(sites, demand):
        weighted[a] += bands.weigh(dots) @ population[b]
    ratio = np.divide(np.asarray(supply, dtype=np.float64), weighted,
                      out=np.zeros(len(sites)), where=weighted > 0)
    out = np.zeros(len(targets))
    for a, b, dots in blocks(targets, sites):
        out[a] = bands.weigh(dots) @ ratio[b]
    return out
