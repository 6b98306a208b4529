"""The union of polygons that tile without overlapping (communes), as WKB; which of them touch.

The overlap areas of the territories map are unions of a few communes each, a couple of hundred
of them for a région: PostGIS's ``ST_Union`` (a general overlay) takes about 1 ms per area,
GEOS's coverage union (it drops the edges two polygons share, no overlay) a fifth of that. A
coverage union of polygons that are not a clean tiling (overlapping communes) may be wrong, so
its result is checked (valid, same area as the parts) and the general union used otherwise.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
import shapely.errors

#: Relative difference of areas above which a coverage union is not trusted.
AREA_TOLERANCE = 1e-9


def dissolve(parts: Sequence[bytes | None]) -> bytes | None:
    """WKB of the union of the WKB polygons ``parts`` (None ones ignored); a lone part is
    returned as it is; None when there is none."""
    kept = [bytes(p) for p in parts if p]
    if len(kept) <= 1:
        return kept[0] if kept else None
    geometries = shapely.from_wkb(kept)
    union = _coverage_union(geometries)
    if union is None:
        try:
            union = shapely.union_all(geometries)
        except shapely.errors.GEOSException:  # a part made invalid by the snapping
            union = shapely.union_all(shapely.make_valid(geometries))
    return shapely.to_wkb(union)


def _coverage_union(geometries):
    """The coverage union, or None when the parts are not a clean tiling (GEOS refuses parts
    whose shared borders do not have the same vertices, or the result is not right)."""
    try:
        union = shapely.coverage_union_all(geometries)
    except shapely.errors.GEOSException:
        return None
    total = float(shapely.area(geometries).sum())
    if not union.is_valid or abs(union.area - total) > AREA_TOLERANCE * max(total, 1e-12):
        return None
    return union


def touching_pairs(ids: Sequence[int], parts: Sequence[bytes | None]) -> list[tuple[int, int]]:
    """Pairs ``(a, b)``, ``a < b``, of ids whose WKB geometries touch or overlap (one GEOS
    tree query: a quarter of the time of a PostGIS self-join on ``ST_Intersects``)."""
    kept = [(i, bytes(p)) for i, p in zip(ids, parts) if p]
    if len(kept) < 2:
        return []
    keys = np.array([i for i, _ in kept])
    geometries = shapely.from_wkb([p for _, p in kept])
    left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
    first, second = keys[left], keys[right]
    chosen = first < second
    return sorted(zip(first[chosen].tolist(), second[chosen].tolist()))
