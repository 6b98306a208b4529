"""The public directory as a registry: paged, counted lookups of entries by identifier, name,
address and profession — what the standard APIs (FHIR) read. Public fields only, exactly as the
public view of an entry (``access.public_view``): the public phone, the e-mail only when the
entry made it public; never the private phone, notes or audit fields.

A page is ``offset``/``limit`` over a stable order (the entry's id: the primary key, so a page
never sorts the whole match) and comes with the total of the same filters, counted by a second
statement over the same conditions. A postcode drives the plan from the index on
``practice_site (postcode, professional_id)`` (migration 0015f): the candidates come ordered
by id from an index-only scan, so a page of the densest postcode of a national directory reads
a few index pages, and its count is an index-only count.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound


@dataclass
class RegistryQuery:
    """Filters of a registry lookup; every given filter must hold (AND). ``name`` matches
    every word in the first or last name, accents and case ignored; ``city`` a commune name
    of one of the entry's sites (prefix, accents and case ignored)."""

    ids: list[int] | None = None
    rpps: list[str] = field(default_factory=list)
    name: str | None = None
    postcode: str | None = None
    city: str | None = None
    professions: list[str] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    offset: int = 0
    limit: int = 20


def _like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _conditions(q: RegistryQuery) -> tuple[list[str], dict]:
    conds, params = [], {}
    if q.ids is not None:
        conds.append("p.id = ANY(:ids)")
        params["ids"] = list(q.ids)
    if q.rpps:
        conds.append("p.rpps = ANY(:rpps)")
        params["rpps"] = list(q.rpps)
    for i, word in enumerate((q.name or "").split()):
        conds.append(f"unaccent_lower(p.first_name || ' ' || p.last_name) "
                     f"LIKE unaccent_lower(:name_{i})")
        params[f"name_{i}"] = "%" + _like(word) + "%"
    if q.city:
        conds.append("EXISTS (SELECT 1 FROM practice_site s LEFT JOIN commune cm "
                     "ON cm.code = s.commune_code WHERE s.professional_id = p.id AND "
                     "unaccent_lower(coalesce(s.commune_name, cm.name, '')) "
                     "LIKE unaccent_lower(:city))")
        params["city"] = _like(q.city) + "%"
    if q.professions:
        conds.append("p.profession_code = ANY(:professions)")
        params["professions"] = list(q.professions)
    if q.specialties:
        conds.append("p.specialty_code = ANY(:specialties)")
        params["specialties"] = list(q.specialties)
    return conds, params


_PAGE = """
    SELECT p.id, p.rpps, p.civility, p.first_name, p.last_name, p.profession_code,
           pr.label AS profession_label, pr.kind AS profession_kind, p.specialty_code,
           p.specialty, p.accepts_new_patients, p.home_visits, p.teleconsultation,
           p.languages, p.accessible, p.phone, CASE WHEN p.public_email THEN p.email END AS email,
           p.website, p.last_verified_at,
           (SELECT json_agg(json_build_array(c.slug, c.label) ORDER BY c.slug)
            FROM professional_competency pc JOIN competency c ON c.id = pc.competency_id
            WHERE pc.professional_id = p.id) AS competencies,
           (SELECT array_agg(m.cpts_id ORDER BY m.cpts_id) FROM cpts_member m
            WHERE m.professional_id = p.id) AS cpts_ids,
           (SELECT json_agg(json_build_object(
                'id', s.id, 'name', s.name, 'address', s.address, 'postcode', s.postcode,
                'commune', s.commune_code, 'phone', s.phone,
                'commune_name', coalesce(s.commune_name, (SELECT cm.name FROM commune cm
                                                          WHERE cm.code = s.commune_code)),
                'lat', round(ST_Y(s.geom)::numeric, 6), 'lon', round(ST_X(s.geom)::numeric, 6))
                ORDER BY s.id)
            FROM practice_site s WHERE s.professional_id = p.id) AS sites
    FROM {source} JOIN profession pr ON pr.code = p.profession_code
    WHERE {where}
    ORDER BY p.id
    LIMIT :limit OFFSET :offset
"""


def _entry(row) -> dict:
    out = dict(row)
    out["languages"] = list(out["languages"] or [])
    out["competencies"] = [tuple(c) for c in out["competencies"] or []]
    out["cpts_ids"] = list(out["cpts_ids"] or [])
    out["sites"] = list(out["sites"] or [])
    return out


#: The entries with a site in one postcode, ordered by id (an index-only scan).
_BY_POSTCODE = ("(SELECT DISTINCT s.professional_id AS id FROM practice_site s "
                "WHERE s.postcode = :postcode ORDER BY 1) cand "
                "JOIN professional p ON p.id = cand.id")


def _count(session: Session, q: RegistryQuery, conds: list[str], params: dict) -> int:
    if q.postcode and not conds:
        sql = ("SELECT count(DISTINCT s.professional_id) FROM practice_site s "
               "WHERE s.postcode = :postcode")
    else:
        source = _BY_POSTCODE if q.postcode else "professional p"
        sql = f"SELECT count(*) FROM {source} WHERE {' AND '.join(conds) or 'TRUE'}"
    return session.execute(text(sql), params).scalar_one()


def find_entries(session: Session, q: RegistryQuery) -> tuple[int, list[dict]]:
    """(total, one page of public entries) matching ``q``, by id."""
    conds, params = _conditions(q)
    if q.postcode:
        params["postcode"] = q.postcode
    total = _count(session, q, conds, params)
    if total == 0 or q.offset >= total:
        return total, []
    where = " AND ".join(conds) or "TRUE"
    source = _BY_POSTCODE if q.postcode else "professional p"
    rows = session.execute(text(_PAGE.format(where=where, source=source)),
                           {**params, "limit": q.limit, "offset": q.offset}).mappings()
    return total, [_entry(r) for r in rows]


def entry(session: Session, professional_id: int) -> dict:
    """One public entry, or NotFound."""
    _, rows = find_entries(session, RegistryQuery(ids=[professional_id], limit=1))
    if not rows:
        raise NotFound(f"Professionnel introuvable : {professional_id}.")
    return rows[0]
