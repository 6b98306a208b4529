"""The geocoding cache in the database, in front of the BAN.

Why a cache: the BAN allows 50 requests/s and a CPTS re-imports the same addresses every month;
a normalised address (``normalise_address``) is asked once, ever. "Not found" is cached as well;
an unreachable service is not (the caller falls back and tries again later).
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geocoding import (BanClient, GeocodeResult, GeocodingQueryError, normalise_address)


def client_for(settings) -> BanClient:
    return BanClient(settings.ban_base_url, timeout=5.0)


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
