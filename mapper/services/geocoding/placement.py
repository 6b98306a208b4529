"""Placing a practice site on the map when it is written: given coordinates, else the cache,
else the BAN, else the commune's point (``ST_PointOnSurface``, precision ``commune_centroid``).

Never called while rendering a page: writes (API, pages, CSV import) only. An unreachable
service leaves the site ``unavailable`` so that ``mapper geocode --missing`` tries it again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geocoding import BanClient, GeocodingUnavailable
from .cache import geocode_cached

log = logging.getLogger(__name__)


@dataclass
class Placement:
    """Where a site goes and how much to trust it (the practice_site geocoding columns)."""

    lat: float | None
    lon: float | None
    score: float | None
    source: str | None  # given | ban | commune
    status: str  # ok | low_score | not_found | unavailable | pending
    precision: str | None
    commune_code: str | None


def commune_point(session: Session, code: str | None) -> tuple[float, float] | None:
    """A point surely inside the commune (ST_PointOnSurface, not the centroid of a crescent)."""
    if not code:
        return None
    row = session.execute(text(
        "SELECT ST_Y(p), ST_X(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM commune "
        "WHERE code = :code AND geom IS NOT NULL) s"), {"code": code}).first()
    return (row[0], row[1]) if row else None


def commune_at(session: Session, lat: float, lon: float) -> str | None:
    """The commune (arrondissement in Paris/Lyon/Marseille) containing a point."""
    return session.execute(text(
        "SELECT code FROM commune WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) "
        "ORDER BY kind = 'arrondissement' DESC, code LIMIT 1"), {"lat": lat, "lon": lon}).scalar()


def place_site(session: Session, client: BanClient | None, min_score: float, *, address: str,
               postcode: str | None, commune_code: str | None, lat: float | None = None,
               lon: float | None = None) -> Placement:
    """Given coordinates win; otherwise the cache, then the BAN; else the commune's point."""
    if lat is not None and lon is not None:
        return Placement(lat, lon, None, "given", "ok", "address",
                         commune_code or commune_at(session, lat, lon))
    status = "unavailable"
    if client is not None:
        try:
            result = geocode_cached(session, client, address, postcode, commune_code)
        except GeocodingUnavailable as exc:
            log.warning("geocoding unavailable, falling back to the commune: %s", exc)
            result = None
        else:
            if result is None:
                status = "not_found"
            elif result.score < min_score:
                status = "low_score"
            else:
                return Placement(result.lat, result.lon, result.score, "ban", "ok",
                                 result.precision, commune_code or result.citycode)
    point = commune_point(session, commune_code)
    if point is None:
        return Placement(None, None, None, None, status, None, commune_code)
    return Placement(point[0], point[1], None, "commune", status, "commune_centroid", commune_code)
