"""Conversions between shapely geometries and what the rest of the service speaks.

PostGIS columns are ``MultiPolygon, SRID 4326`` (so every areal geometry is stored as Multi), the
API speaks RFC 7946 GeoJSON (lon/lat WGS84, no ``crs`` member, exterior rings counter-clockwise),
and GeoAlchemy2 hands back WKB/EWKB. Keeping these in one place avoids each caller growing its own
slightly different variant.
"""

from __future__ import annotations

import json

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    """Every non-empty Polygon inside ``geom``, dropping points and lines.

    Used after ``make_valid``, which may return a GeometryCollection mixing polygons with the
    lines and points a collapsed ring degenerates into.
    """
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out: list[Polygon] = []
        for part in shapely.get_parts(geom):
            out.extend(polygons_of(part))
        return out
    return []


def areal_part(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal part of any geometry as a MultiPolygon (possibly empty)."""
    return MultiPolygon(polygons_of(geom))


def to_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Polygon or MultiPolygon (or any empty geometry) as a MultiPolygon.

    Raises TypeError for anything else: silently dropping lines from a mixed geometry must be an
    explicit choice (:func:`areal_part`), not a side effect of a type conversion.
    """
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom]) if not geom.is_empty else MultiPolygon()
    if geom is not None and geom.is_empty:
        return MultiPolygon()
    kind = geom.geom_type if geom is not None else "None"
    raise TypeError(f"expected an areal geometry, got {kind}")


def to_geojson(geom: BaseGeometry, *, precision: int | None = None) -> dict:
    """RFC 7946 GeoJSON geometry dict: lists (not tuples), no ``crs``, right-hand rule rings.

    ``precision`` rounds coordinates to that many decimals (6 ≈ 10 cm, what RFC 7946 suggests)
    to keep map payloads small; rounding may make a geometry technically invalid, so use it only
    for output.
    """
    if isinstance(geom, (Polygon, MultiPolygon)) and not geom.is_empty:
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    if precision is not None:
        geom = shapely.transform(geom, lambda c: np.round(c, precision))
    return json.loads(shapely.to_geojson(geom))


def from_wkb(data) -> BaseGeometry:
    """Geometry from WKB/EWKB as bytes, memoryview, hex str, or a GeoAlchemy2 ``WKBElement``.

    The SRID embedded in EWKB is kept on the result (``shapely.get_srid``). GeoAlchemy2 objects
    are recognised by duck typing (``.data``) so this package does not import it.
    """
    data = getattr(data, "data", data)
    if isinstance(data, memoryview):
        data = data.tobytes()
    return shapely.from_wkb(data)


def to_ewkb_hex(geom: BaseGeometry, srid: int = 4326) -> str:
    """Hex EWKB with the SRID embedded, which PostGIS accepts directly as a geometry literal."""
    return shapely.to_wkb(shapely.set_srid(geom, srid), hex=True, include_srid=True)
