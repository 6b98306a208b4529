"""Placing practice sites on the map: the geocoding cache, geocoding on write, and in batch.

Why a cache in the database: the BAN allows 50 requests/s and a CPTS re-imports the same
addresses every month; a normalised address (``normalise_address``) is asked once, ever. "Not
found" is cached as well. An unreachable service is not cached: the site keeps its address,
falls back to its commune's point (``ST_PointOnSurface``, precision ``commune_centroid``) and
stays ``unavailable`` so that ``mapper geocode --missing`` tries it again.

Never called while rendering a page: writes (API, CSV import) and the batch command only. A
search by ``address=`` geocodes the query text (not a stored record) through the same cache.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..geocoding import (AddressRow, BanClient, GeocodeResult, GeocodingQueryError,
                         GeocodingUnavailable, normalise_address)

log = logging.getLogger(__name__)

#: Sites that ``geocode --missing`` takes up again.
TO_GEOCODE = ("pending", "unavailable")


def client_for(settings) -> BanClient:
    return BanClient(settings.ban_base_url, timeout=5.0)


# -- cache ----------------------------------------------------------------------------------

def cache_lookup(session: Session, key: str) -> tuple[bool, GeocodeResult | None]:
    """(hit, result): a hit with None result is a cached "not found"."""
    row = session.execute(
        text("SELECT status, lat, lon, score, label, citycode, postcode, result_type "
             "FROM geocode_cache WHERE key = :key"), {"key": key}).first()
    if row is None:
        return False, None
    if row.status != "ok":
        return True, None
    return True, GeocodeResult(lat=row.lat, lon=row.lon, score=row.score or 0.0,
                               label=row.label or "", citycode=row.citycode,
                               postcode=row.postcode, type=row.result_type or "")


def cache_store(session: Session, items: Iterable[tuple[str, GeocodeResult | None]]) -> int:
    rows = [
        {"key": key, "status": "ok" if r else "not_found", "lat": r and r.lat,
         "lon": r and r.lon, "score": r and r.score, "label": r and (r.label or "")[:400],
         "citycode": r and (r.citycode or "")[:5] or None,
         "postcode": r and (r.postcode or "")[:10] or None, "type": r and (r.type or "")[:32]}
        for key, r in items
    ]
    if rows:
        session.execute(text("""
            INSERT INTO geocode_cache (key, status, lat, lon, score, label, citycode, postcode,
                                       result_type, fetched_at)
            VALUES (:key, :status, :lat, :lon, :score, :label, :citycode, :postcode, :type, now())
            ON CONFLICT (key) DO UPDATE SET status = EXCLUDED.status, lat = EXCLUDED.lat,
              lon = EXCLUDED.lon, score = EXCLUDED.score, label = EXCLUDED.label,
              citycode = EXCLUDED.citycode, postcode = EXCLUDED.postcode,
              result_type = EXCLUDED.result_type, fetched_at = now()
        """), rows)
    return len(rows)


def geocode_cached(session: Session, client: BanClient, address: str, postcode: str | None = None,
                   citycode: str | None = None) -> GeocodeResult | None:
    """One address through the cache, then the BAN (the answer is cached).

    Raises GeocodingUnavailable when the service cannot answer (nothing is cached then).
    """
    key = normalise_address(address, postcode, citycode)
    hit, result = cache_lookup(session, key)
    if hit:
        return result
    try:
        result = client.geocode(address, postcode=postcode, citycode=citycode)
    except GeocodingQueryError:
        result = None
    cache_store(session, [(key, result)])
    return result


# -- on write -------------------------------------------------------------------------------

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


# -- batch ----------------------------------------------------------------------------------

def apply_cache_to_sites(session: Session, min_score: float, *, only_pending: bool = True) -> dict:
    """Set-based: sites waiting for geocoding take their cached answer, if any.

    Good answers place the site; cached "not found" and low scores fall back to the commune
    point. Returns counts.
    """
    statuses = list(TO_GEOCODE) if only_pending else list(TO_GEOCODE) + ["low_score", "not_found"]
    placed = session.execute(text("""
        UPDATE practice_site s SET geom = ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326),
               geocode_score = c.score, geocode_source = 'ban', geocode_status = 'ok',
               precision = CASE c.result_type WHEN 'housenumber' THEN 'address'
                                 WHEN 'street' THEN 'street' WHEN 'locality' THEN 'street'
                                 ELSE 'commune_centroid' END,
               commune_code = coalesce(s.commune_code, c.citycode),
               geocoded_at = now(), updated_at = now()
        FROM geocode_cache c
        WHERE c.key = s.address_key AND s.geocode_status = ANY(:statuses)
          AND c.status = 'ok' AND c.score >= :min_score
    """), {"statuses": statuses, "min_score": min_score}).rowcount
    fallback = session.execute(text("""
        WITH t AS (
          SELECT s.id, c.status, c.score,
                 (SELECT ST_PointOnSurface(co.geom) FROM commune co
                  WHERE co.code = s.commune_code AND co.geom IS NOT NULL) AS p
          FROM practice_site s JOIN geocode_cache c ON c.key = s.address_key
          WHERE s.geocode_status = ANY(:statuses)
            AND (c.status = 'not_found' OR c.score < :min_score))
        UPDATE practice_site s
        SET geocode_status = CASE WHEN t.status = 'ok' THEN 'low_score' ELSE 'not_found' END,
            geocode_score = t.score, geom = coalesce(t.p, s.geom),
            geocode_source = CASE WHEN t.p IS NOT NULL THEN 'commune' ELSE s.geocode_source END,
            precision = CASE WHEN t.p IS NOT NULL THEN 'commune_centroid' ELSE s.precision END,
            geocoded_at = now(), updated_at = now()
        FROM t WHERE t.id = s.id
    """), {"statuses": statuses, "min_score": min_score}).rowcount
    return {"placed_from_cache": placed, "fallback_from_cache": fallback}


def commune_points_for_unlocated(session: Session, status: str | None = None) -> int:
    """Sites without a point take their commune's point (precision commune_centroid) so that
    they show up, while keeping their geocoding status (pending stays pending)."""
    return session.execute(text("""
        WITH pts AS (
          SELECT co.code, ST_PointOnSurface(co.geom) AS p FROM commune co
          WHERE co.geom IS NOT NULL
            AND co.code IN (SELECT DISTINCT commune_code FROM practice_site WHERE geom IS NULL))
        UPDATE practice_site s SET geom = pts.p, geocode_source = 'commune',
               precision = 'commune_centroid',
               geocode_status = coalesce(:status, s.geocode_status), updated_at = now()
        FROM pts WHERE s.geom IS NULL AND pts.code = s.commune_code
    """), {"status": status}).rowcount


def geocode_missing(session: Session, client: BanClient, min_score: float, *,
                    chunk_size: int = 10_000, limit: int | None = None,
                    on_chunk: Callable[[dict], None] | None = None) -> dict:
    """Geocode every site still ``pending`` or ``unavailable``: distinct addresses only, the
    cache first, then the BAN's ``/search/csv`` in files of ``chunk_size`` lines.

    After each chunk the answers are cached and applied, and ``on_chunk(counts)`` is called
    (the CLI commits there, so an interrupted national run resumes where it stopped). If the
    BAN becomes unreachable, the remaining sites get their commune's point, stay
    ``unavailable``, and the counts say so.
    """
    counts = {"addresses": 0, "sent": 0, "found": 0, "not_found": 0}
    counts.update(apply_cache_to_sites(session, min_score))
    todo = session.execute(text(f"""
        SELECT DISTINCT ON (s.address_key) s.address_key, s.address, s.postcode, s.commune_code
        FROM practice_site s
        WHERE s.geocode_status = ANY(:statuses)
          AND NOT EXISTS (SELECT 1 FROM geocode_cache c WHERE c.key = s.address_key)
        ORDER BY s.address_key {'LIMIT :limit' if limit else ''}
    """), {"statuses": list(TO_GEOCODE), "limit": limit}).all()
    counts["addresses"] = len(todo)
    rows = [AddressRow(r.address_key, r.address, r.postcode, r.commune_code) for r in todo]
    try:
        for start in range(0, len(rows), chunk_size):
            chunk = rows[start:start + chunk_size]
            answers = list(client.geocode_batch(chunk, chunk_size=chunk_size))
            cache_store(session, answers)
            counts["sent"] += len(chunk)
            counts["found"] += sum(1 for _, r in answers if r is not None)
            counts["not_found"] += sum(1 for _, r in answers if r is None)
            applied = apply_cache_to_sites(session, min_score)
            counts["placed_from_cache"] += applied["placed_from_cache"]
            counts["fallback_from_cache"] += applied["fallback_from_cache"]
            if on_chunk:
                on_chunk(dict(counts))
    except (GeocodingUnavailable, GeocodingQueryError) as exc:
        log.warning("BAN batch stopped: %s", exc)
        counts["unavailable"] = session.execute(text(
            "UPDATE practice_site SET geocode_status = 'unavailable' "
            "WHERE geocode_status = 'pending'")).rowcount
        counts["error"] = str(exc)
    counts["commune_points"] = commune_points_for_unlocated(session)
    return counts


def resolve_query_address(session: Session, client: BanClient, address: str,
                          min_score: float) -> GeocodeResult | None:
    """The point of a search's ``address=`` (cached); None when the BAN does not know it well
    enough. Raises GeocodingUnavailable."""
    result = geocode_cached(session, client, address)
    if result is None or result.score < min_score:
        return None
    return result
