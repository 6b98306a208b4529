"""What a place offers, for the standard APIs (FHIR ``HealthcareService/place-<id>``): its
kind, whether its premises are accessible, the public campaigns that hold permanences there
from now on (vaccination, dépistage…), and whether on-call shifts are held there.

Public fields only: never the place's notes, its geocoding details, the campaigns that are
not public, nor a shift's note. Places store no opening hours (a place is open when a
permanence or a shift is held there), so none are published.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound


@dataclass
class OfferQuery:
    """Filters of a lookup of places' offers; every given filter must hold (AND)."""

    ids: list[int] | None = None
    finess: list[str] = field(default_factory=list)
    name: str | None = None
    postcode: str | None = None
    city: str | None = None
    kinds: list[str] = field(default_factory=list)
    offset: int = 0
    limit: int = 20


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_COMMUNE = ("coalesce(pl.commune_name, (SELECT cm.name FROM commune cm "
            "WHERE cm.code = pl.commune_code))")

_PAGE = f"""
    SELECT pl.id, pl.name, pl.kind, pl.finess, pl.cpts_id, pl.address, pl.postcode,
           {_COMMUNE} AS commune_name, pl.phone, pl.website, pl.accessible,
           (SELECT json_agg(json_build_object('id', x.id, 'name', x.name, 'kind', x.kind)
                            ORDER BY x.first_start, x.id)
            FROM (SELECT c.id, c.name, c.kind, min(pm.starts_at) AS first_start
                  FROM permanence pm JOIN campaign c ON c.id = pm.campaign_id
                  WHERE pm.place_id = pl.id AND c.public AND pm.ends_at > now()
                  GROUP BY c.id, c.name, c.kind) x) AS campaigns,
           EXISTS (SELECT 1 FROM shift sh WHERE sh.place_id = pl.id
                   AND sh.ends_at > now()) AS on_call
    FROM place pl WHERE {{where}}
    ORDER BY pl.id LIMIT :limit OFFSET :offset
"""


def _conditions(q: OfferQuery) -> tuple[list[str], dict]:
    conds, params = [], {}
    if q.ids is not None:
        conds.append("pl.id = ANY(:ids)")
        params["ids"] = list(q.ids)
    if q.finess:
        conds.append("pl.finess = ANY(:finess)")
        params["finess"] = list(q.finess)
    if q.name:
        conds.append("unaccent_lower(pl.name) LIKE unaccent_lower(:name)")
        params["name"] = "%" + _like(q.name) + "%"
    if q.postcode:
        conds.append("pl.postcode = :postcode")
        params["postcode"] = q.postcode
    if q.city:
        conds.append(f"unaccent_lower(coalesce({_COMMUNE}, '')) LIKE unaccent_lower(:city)")
        params["city"] = _like(q.city) + "%"
    if q.kinds:
        conds.append("pl.kind = ANY(:kinds)")
        params["kinds"] = list(q.kinds)
    return conds, params


def find_offers(session: Session, q: OfferQuery) -> tuple[int, list[dict]]:
    """(total, one page of places' offers) matching ``q``, by place id. A ``limit`` of 0
    only counts."""
    conds, params = _conditions(q)
    where = " AND ".join(conds) or "TRUE"
    total = session.execute(text(f"SELECT count(*) FROM place pl WHERE {where}"),
                            params).scalar_one()
    if total == 0 or q.limit == 0 or q.offset >= total:
        return total, []
    rows = session.execute(text(_PAGE.format(where=where)),
                           {**params, "limit": q.limit, "offset": q.offset}).mappings()
    return total, [{**r, "campaigns": list(r["campaigns"] or [])} for r in rows]


def offer(session: Session, place_id: int) -> dict:
    """One place's offer, or NotFound."""
    _, rows = find_offers(session, OfferQuery(ids=[place_id], limit=1))
    if not rows:
        raise NotFound(f"Lieu introuvable : {place_id}.")
    return rows[0]
