"""Geocoding in batch (``mapper geocode --missing``): distinct addresses, the cache first, then
the BAN's ``/search/csv`` in chunks, answers applied set-based."""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geocoding import AddressRow, BanClient, GeocodingQueryError, GeocodingUnavailable
from .cache import cache_store

log = logging.getLogger(__name__)

#: Sites that ``geocode --missing`` takes up again.
TO_GEOCODE = ("pending", "unavailable")


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
