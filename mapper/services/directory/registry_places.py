"""Where care happens, for the standard APIs: practice sites and places as one paged list of
locations (nearest first around a point, distances on ``geography``), and the organisations
(CPTS, places with a FINESS number). Public fields only: no notes, no geocoding details.

A location's key is ``("site", id)`` or ``("place", id)``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound

_LOCATIONS = """
    SELECT 'site' AS kind, s.id, s.name, s.address, s.postcode, s.commune_code,
           coalesce(s.commune_name, (SELECT cm.name FROM commune cm
                                     WHERE cm.code = s.commune_code)) AS commune_name,
           s.phone, NULL::text AS website, NULL::text AS place_kind, NULL::text AS finess,
           s.professional_id, NULL::int AS cpts_id, s.geom
    FROM practice_site s
    UNION ALL
    SELECT 'place', pl.id, pl.name, pl.address, pl.postcode, pl.commune_code,
           coalesce(pl.commune_name, (SELECT cm.name FROM commune cm
                                      WHERE cm.code = pl.commune_code)),
           pl.phone, pl.website, pl.kind, pl.finess, NULL::int, pl.cpts_id, pl.geom
    FROM place pl
"""


@dataclass
class LocationQuery:
    keys: list[tuple[str, int]] | None = None
    name: str | None = None
    postcode: str | None = None
    city: str | None = None
    near: tuple[float, float] | None = None  # (lat, lon)
    radius_km: float | None = None
    offset: int = 0
    limit: int = 20


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _location_filters(q: LocationQuery) -> tuple[list[str], dict]:
    conds, params = [], {}
    if q.keys is not None:
        conds.append("(l.kind, l.id) IN (SELECT * FROM unnest(CAST(:kinds AS text[]), "
                     "CAST(:kids AS int[])))")
        params.update(kinds=[k for k, _ in q.keys], kids=[i for _, i in q.keys])
    if q.name:
        conds.append("unaccent_lower(coalesce(l.name, '')) LIKE unaccent_lower(:name)")
        params["name"] = "%" + _like(q.name) + "%"
    if q.postcode:
        conds.append("l.postcode = :postcode")
        params["postcode"] = q.postcode
    if q.city:
        conds.append("unaccent_lower(coalesce(l.commune_name, '')) LIKE unaccent_lower(:city)")
        params["city"] = _like(q.city) + "%"
    if q.near is not None:
        conds.append("l.geom IS NOT NULL AND ST_DWithin(l.geom::geography, "
                     "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :radius_m, false)")
        params.update(lat=q.near[0], lon=q.near[1], radius_m=(q.radius_km or 5.0) * 1000.0)
    return conds, params


def find_locations(session: Session, q: LocationQuery) -> tuple[int, list[dict]]:
    """(total, one page of locations): nearest first with ``near``, else by kind and id."""
    conds, params = _location_filters(q)
    where = " AND ".join(conds) or "TRUE"
    base = f"FROM ({_LOCATIONS}) l WHERE {where}"
    total = session.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
    if total == 0 or q.offset >= total:
        return total, []
    order = ("l.geom::geography <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, "
             if q.near is not None else "") + "l.kind DESC, l.id"
    distance = ("ST_Distance(l.geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), "
                "4326)::geography, false)" if q.near is not None else "NULL::float8")
    rows = session.execute(text(
        f"SELECT l.kind, l.id, l.name, l.address, l.postcode, l.commune_code, l.commune_name, "
        f"l.phone, l.website, l.place_kind, l.finess, l.professional_id, l.cpts_id, "
        f"round(ST_Y(l.geom)::numeric, 6)::float8 AS lat, "
        f"round(ST_X(l.geom)::numeric, 6)::float8 AS lon, {distance} AS distance_m "
        f"{base} ORDER BY {order} LIMIT :limit OFFSET :offset"),
        {**params, "limit": q.limit, "offset": q.offset}).mappings()
    return total, [dict(r) for r in rows]


def location(session: Session, kind: str, location_id: int) -> dict:
    _, rows = find_locations(session, LocationQuery(keys=[(kind, location_id)], limit=1))
    if not rows:
        raise NotFound(f"Lieu introuvable : {kind}-{location_id}.")
    return rows[0]


_ORGANISATIONS = """
    SELECT 'cpts' AS kind, c.id, c.name, c.slug, c.status, c.region, c.website,
           NULL::text AS finess, NULL::text AS address, NULL::text AS postcode,
           NULL::text AS commune_name, NULL::text AS phone, NULL::text AS place_kind
    FROM cpts c
    UNION ALL
    SELECT 'place', pl.id, pl.name, NULL, NULL, NULL, pl.website, pl.finess, pl.address,
           pl.postcode, coalesce(pl.commune_name, (SELECT cm.name FROM commune cm
                                                   WHERE cm.code = pl.commune_code)),
           pl.phone, pl.kind
    FROM place pl WHERE pl.finess IS NOT NULL
"""


def find_organisations(session: Session, *, keys: list[tuple[str, int]] | None = None,
                       name: str | None = None, finess: list[str] | None = None,
                       offset: int = 0, limit: int = 20) -> tuple[int, list[dict]]:
    """(total, one page of organisations): the CPTS, and the places with a FINESS number."""
    conds, params = [], {}
    if keys is not None:
        conds.append("(o.kind, o.id) IN (SELECT * FROM unnest(CAST(:kinds AS text[]), "
                     "CAST(:kids AS int[])))")
        params.update(kinds=[k for k, _ in keys], kids=[i for _, i in keys])
    if name:
        conds.append("unaccent_lower(o.name) LIKE unaccent_lower(:name)")
        params["name"] = "%" + _like(name) + "%"
    if finess:
        conds.append("o.finess = ANY(:finess)")
        params["finess"] = list(finess)
    base = f"FROM ({_ORGANISATIONS}) o WHERE {' AND '.join(conds) or 'TRUE'}"
    total = session.execute(text(f"SELECT count(*) {base}"), params).scalar_one()
    if total == 0 or offset >= total:
        return total, []
    rows = session.execute(text(f"SELECT o.* {base} ORDER BY o.kind, o.id "
                                f"LIMIT :limit OFFSET :offset"),
                           {**params, "limit": limit, "offset": offset}).mappings()
    return total, [dict(r) for r in rows]


def organisation(session: Session, kind: str, organisation_id: int) -> dict:
    _, rows = find_organisations(session, keys=[(kind, organisation_id)], limit=1)
    if not rows:
        raise NotFound(f"Organisation introuvable : {kind}-{organisation_id}.")
    return rows[0]
