"""GeoJSON made compact for embedding, and the bounds the maps fit to.

Coordinates are rounded to ``COORD_DECIMALS`` (1e-5 degree is about 1 m: plenty for display,
and it roughly halves the size of unsimplified geometries). Bounds are accumulated in the same
pass so the builders walk each geometry once. Pure Python: no shapely, no database.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from mapper.maps.data import GeoJSONText
from mapper.maps.elements import RawJSON

COORD_DECIMALS = 5

#: Metropolitan France, used when a map has nothing to fit to.
FRANCE_CENTER = (46.6, 2.4)
FRANCE_ZOOM = 6


class Bounds:
    """A growing lat/lon bounding box."""

    __slots__ = ("south", "west", "north", "east")

    def __init__(self) -> None:
        self.south = self.west = math.inf
        self.north = self.east = -math.inf

    def extend(self, lon: float, lat: float) -> None:
        if lat < self.south:
            self.south = lat
        if lat > self.north:
            self.north = lat
        if lon < self.west:
            self.west = lon
        if lon > self.east:
            self.east = lon

    @property
    def empty(self) -> bool:
        return self.south > self.north

    def to_leaflet(self) -> list[list[float]] | None:
        """``[[south, west], [north, east]]`` or None when nothing was added."""
        if self.empty:
            return None
        return [[self.south, self.west], [self.north, self.east]]


def valid_lonlat(lon: Any, lat: Any) -> bool:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def _positions(coords: Any, bounds: Bounds) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        lon = round(float(coords[0]), COORD_DECIMALS)
        lat = round(float(coords[1]), COORD_DECIMALS)
        bounds.extend(lon, lat)
        return [lon, lat]
    return [_positions(c, bounds) for c in coords]


def compact_geometry(obj: Mapping[str, Any] | None, bounds: Bounds) -> dict | None:
    """A rounded copy of a GeoJSON geometry, Feature or FeatureCollection (properties of
    Features are dropped: the maps attach their own). None/empty input gives None."""
    if not obj:
        return None
    kind = obj.get("type")
    if kind == "Feature":
        return compact_geometry(obj.get("geometry"), bounds)
    if kind == "FeatureCollection":
        geometries = [compact_geometry(f, bounds) for f in obj.get("features") or ()]
        geometries = [g for g in geometries if g]
        return {"type": "GeometryCollection", "geometries": geometries} if geometries else None
    if kind == "GeometryCollection":
        geometries = [compact_geometry(g, bounds) for g in obj.get("geometries") or ()]
        geometries = [g for g in geometries if g]
        return {"type": kind, "geometries": geometries} if geometries else None
    coords = obj.get("coordinates")
    if not kind or not coords:
        return None
    return {"type": kind, "coordinates": _positions(coords, bounds)}


def bounded_geometry(obj: Mapping[str, Any] | None, bounds: Bounds) -> dict | None:
    """A geometry that carries its ``bbox`` (PostGIS ``ST_AsGeoJSON(…, 1)``, coordinates already
    rounded there) extends the bounds by its box and is kept as it is, without a walk over its
    coordinates; any other goes through ``compact_geometry``."""
    box = obj.get("bbox") if obj else None
    if obj and obj.get("type") != "Feature" and isinstance(box, list) and len(box) == 4 \
            and all(isinstance(v, (int, float)) for v in box) \
            and valid_lonlat(box[0], box[1]) and valid_lonlat(box[2], box[3]):
        bounds.extend(box[0], box[1])
        bounds.extend(box[2], box[3])
        return {k: v for k, v in obj.items() if k != "bbox"}
    return compact_geometry(obj, bounds)


def text_geometry(obj: Any, bounds: Bounds):
    """A ``GeoJSONText`` (PostGIS's text and box) extends the bounds by its box and goes into
    the page as it is (``RawJSON``); any other geometry through ``bounded_geometry``."""
    if not isinstance(obj, GeoJSONText):
        return bounded_geometry(obj, bounds)
    west, south, east, north = obj.bbox
    if not (obj.text and valid_lonlat(west, south) and valid_lonlat(east, north)):
        return None
    bounds.extend(west, south)
    bounds.extend(east, north)
    return RawJSON(obj.text)


def feature(geometry: dict | RawJSON, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


#: Mean Earth radius (m), as PostGIS's spheroid-free ST_Distance on geography(use_spheroid=false).
EARTH_RADIUS_M = 6_371_008.8


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres between two WGS84 points on the sphere (haversine): for display
    ("à 1,2 km"), when the search did not measure it."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
