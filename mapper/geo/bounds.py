"""Where a CPTS geometry may lie: France (metropole, Corse and the five DROM).

These are deliberately generous bounding boxes, not borders: they catch the mistakes that actually
happen (swapped lat/lon, projected coordinates such as Lambert-93 pasted as degrees, a polygon
drawn on the wrong continent) without rejecting a coastal zone that runs a little into the sea.
A polygon just across the Rhine or in Belgium near the border passes; that is accepted.
Boxes were checked against the COG 2026 commune polygons, with roughly 0.3° to spare.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import box

# name -> (minx, miny, maxx, maxy) in WGS84 degrees (lon, lat)
FRANCE_BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "metropole": (-5.5, 42.0, 8.5, 51.4),
    "corse": (8.3, 41.1, 9.8, 43.3),
    "guadeloupe": (-62.0, 15.6, -60.8, 16.7),
    "martinique": (-61.4, 14.2, -60.6, 15.0),
    "guyane": (-54.9, 1.9, -51.3, 6.0),
    "reunion": (55.0, -21.6, 56.0, -20.6),
    "mayotte": (44.8, -13.3, 45.5, -12.4),
}

_BOXES = np.array(list(FRANCE_BOUNDS.values()), dtype=float)  # shape (n_boxes, 4)

# The union of the boxes, for checking edges as well as vertices (an edge from Nice to Corse
# has both ends inside yet crosses the sea outside every box).
FRANCE_AREA = shapely.union_all([box(*b) for b in FRANCE_BOUNDS.values()])
shapely.prepare(FRANCE_AREA)


def region_of(lon: float, lat: float) -> str | None:
    """Name of the first box containing (lon, lat), or None outside France."""
    for name, (minx, miny, maxx, maxy) in FRANCE_BOUNDS.items():
        if minx <= lon <= maxx and miny <= lat <= maxy:
            return name
    return None


def in_france(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies in one of the France boxes (edges included)."""
    return region_of(lon, lat) is not None


def points_in_france(xy: np.ndarray) -> np.ndarray:
    """Vectorised :func:`in_france` over an (n, 2) array of lon, lat; returns an (n,) bool array.

    Exists because a territory can have 100 000 vertices: a Python loop per vertex is too slow.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    x = xy[:, 0:1]
    y = xy[:, 1:2]
    inside = (
        (x >= _BOXES[:, 0]) & (y >= _BOXES[:, 1]) & (x <= _BOXES[:, 2]) & (y <= _BOXES[:, 3])
    )
    return inside.any(axis=1)
