"""Searching the directory: nearest professionals with filters, and a CPTS's members for maps.

Distances are measured on the sphere (``geography``, metres), never in degrees. Three plans,
each driven by an index:

* a location (``near``): K nearest neighbours with ``<->`` on the GiST index of
  ``practice_site.geom::geography`` (or on ``(profession_code, geom::geography)`` when one
  profession is asked; several professions are merged from one KNN walk each). The walk stops
  after a few more rows than the limit: sites, not professionals, are walked, so a professional
  with two sites nearby is counted once, and the walk is extended when that leaves too few.
* ``covers``: the intervention zones containing the point, from the GiST index on their geometry;
  the professionals found are ordered by the distance of their nearest site.
* no location: filters only, ordered by name along the (last_name, first_name, id) index.
* ``fair_order`` (the place is only a commune or a postcode, so distances to its centre mean
  little): everyone within the radius (``ST_DWithin`` on the same GiST index), ordered by
  ``md5(key || id)``, a shuffle stable for the key (the day), as the national SAS search does:
  the same professionals are not always first.
* ``referrals_in`` (colleagues who take referrals, among the asker's CPTS) with a location: the
  KNN walk over a bounded number of the nearest sites first (the asker searches near their own
  practice, where their CPTS's members are); when that is not enough, the CPTS's members
  themselves, each site measured: either way the cost follows the CPTS, not the directory.

Filters are in ``filters``, opening hours in ``slots``, the result fields in ``results``.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...vocab import FRENCH_COLLATION
from .filters import SearchQuery, professional_filters
from .lookup import resolve_competencies, resolve_cpts
from .results import DETAILS, build_results, closure_params, result_rows
from .slots import moment

MAX_LIMIT = 200
_POINT = "ST_SetSRID(ST_MakePoint(:{p}_lon, :{p}_lat), 4326)"


def _point_params(prefix: str, latlon: tuple[float, float]) -> dict:
    return {f"{prefix}_lat": float(latlon[0]), f"{prefix}_lon": float(latlon[1])}


#: Sites of the nearest walk a referral search looks at before asking the members themselves.
REFERRAL_WALK = 500
#: Where a search's sites come from, and the distance to order them by (``{prof}``: the
#: profession condition, ``{ref}``: the point). The bounded walk carries its distance as a
#: column, so that the rows come out in its order and the walk stops as soon as enough pass.
_ALL_SITES = ("practice_site s", "s.geom::geography <-> {ref}")
_SITE_COLUMNS = "s.id, s.professional_id, s.profession_code, s.geom"
_NEAREST_SITES = (f"(SELECT {_SITE_COLUMNS}, s.geom::geography <-> {{ref}} AS d "
                  "FROM practice_site s WHERE s.geom IS NOT NULL {prof} ORDER BY d LIMIT :walk) s",
                  "s.d")
_MEMBER_SITES = ("(SELECT s.* FROM cpts_member rm0 CROSS JOIN LATERAL "
                 f"(SELECT {_SITE_COLUMNS} FROM practice_site s "
                 "WHERE s.professional_id = rm0.professional_id "
                 "AND s.geom IS NOT NULL {prof} OFFSET 0) s "
                 "WHERE rm0.cpts_id = ANY(:referral_cpts)) s", "s.geom::geography <-> {ref}")


def _knn_results(session: Session, query: SearchQuery, where: list[str], params: dict,
                 want: int | None) -> list[dict]:
    """Nearest first: ``_knn_walk`` over the directory's sites, or for a referral search over
    the nearest sites first and the members' sites when that is not enough."""
    if not query.referrals_in:
        return _knn_walk(session, query, where, params, want, _ALL_SITES)
    if want is not None:
        rows = _knn_walk(session, query, where, {**params, "walk": REFERRAL_WALK}, want,
                         _NEAREST_SITES, once=True)
        if len(rows) >= want:
            return rows
    return _knn_walk(session, query, where, params, want, _MEMBER_SITES)


def _knn_walk(session: Session, query: SearchQuery, where: list[str], params: dict,
              want: int | None, sites: tuple[str, str], once: bool = False) -> list[dict]:
    """Nearest first, one result per professional (its nearest site), in one statement: the
    KNN walk over ``sites`` (a few more than ``want``), keep each professional's first site,
    then the result fields. When professionals with several sites leave fewer than ``want``
    and the walk was cut short, walk further (unless ``once``)."""
    ref = _POINT.format(p="near") + "::geography"
    params = {**params, **_point_params("near", query.near)}
    conds = ["s.geom IS NOT NULL", *where]
    if query.radius_km is not None:
        # use_spheroid = false: the same sphere as the <-> ordering, so both agree at the edge.
        conds.append(f"ST_DWithin(s.geom::geography, {ref}, :radius_m, false)")
        params["radius_m"] = query.radius_km * 1000.0
    source, distance = sites[0], sites[1].format(ref=ref)
    base = (f"SELECT s.professional_id, s.id AS site_id, {distance} AS d "
            "FROM {sites} JOIN professional p ON p.id = s.professional_id "
            f"WHERE {{conds}} ORDER BY {distance} {{limit}}")
    professions = list(dict.fromkeys(query.professions))
    params.update({f"prof_{i}": p for i, p in enumerate(professions)})
    n = None if want is None else max(want * 2, want + 16)

    def walk(prof: str | None, limit: str) -> str:
        # the profession in the walk (its index) and in the conditions (``practice_site s``)
        return base.format(limit=limit, conds=" AND ".join(conds + [prof or "TRUE"]),
                           sites=source.format(prof=f"AND {prof}" if prof else "", ref=ref))

    while True:
        limit = "" if n is None else "LIMIT :n"
        if len(professions) <= 1:
            knn = walk("s.profession_code = :prof_0" if professions else None, limit)
        else:  # one index walk per profession, merged
            subs = ["(" + walk(f"s.profession_code = :prof_{i}", limit) + ")"
                    for i in range(len(professions))]
            knn = f"SELECT * FROM ({' UNION ALL '.join(subs)}) u ORDER BY d {limit}"
        sql = f"""
            WITH knn AS MATERIALIZED ({knn}),
            best AS (SELECT DISTINCT ON (professional_id) professional_id AS pid,
                            site_id AS sid, d FROM knn ORDER BY professional_id, d),
            h AS (SELECT pid, sid, d, row_number() OVER (ORDER BY d, pid) AS ord FROM best
                  ORDER BY d, pid {'' if want is None else 'LIMIT :want'}),
            walked AS (SELECT count(*) AS walked FROM knn)
            SELECT walked.walked, details.* FROM walked
            LEFT JOIN LATERAL ({DETAILS}) details ON TRUE
            ORDER BY details.ord
        """
        rows = session.execute(text(sql), {**params, "n": n, "want": want}).mappings().all()
        walked = rows[0]["walked"] if rows else 0
        rows = [r for r in rows if r["id"] is not None]
        if once or n is None or walked < n or len(rows) >= want:
            return rows
        n *= 4


def _covers_hits(session: Session, query: SearchQuery, where: list[str], params: dict,
                 want: int | None) -> list[tuple[int, int | None, float | None]]:
    ref_latlon = query.near or query.covers
    ref = _POINT.format(p="ref") + "::geography"
    params = {**params, **_point_params("cov", query.covers), **_point_params("ref", ref_latlon)}
    conds = list(where)
    if query.professions:
        conds.append("p.profession_code = ANY(:professions)")
        params["professions"] = list(query.professions)
    site_cond = ""
    if query.near is not None and query.radius_km is not None:
        site_cond = f"AND ST_DWithin(s.geom::geography, {ref}, :radius_m, false)"
        params["radius_m"] = query.radius_km * 1000.0
        conds.append("s.id IS NOT NULL")
    sql = f"""
      SELECT pid, site_id, d FROM (
        SELECT DISTINCT ON (p.id) p.id AS pid, s.id AS site_id,
               s.geom::geography <-> {ref} AS d, p.last_name, p.first_name
        FROM (SELECT DISTINCT z.professional_id FROM intervention_zone z
              WHERE ST_Intersects(z.geom, {_POINT.format(p="cov")})) z
        JOIN professional p ON p.id = z.professional_id
        LEFT JOIN practice_site s ON s.professional_id = p.id AND s.geom IS NOT NULL {site_cond}
        WHERE {' AND '.join(conds) or 'TRUE'}
        ORDER BY p.id, d NULLS LAST) x
      ORDER BY d NULLS LAST, last_name COLLATE {FRENCH_COLLATION},
               first_name COLLATE {FRENCH_COLLATION}, pid
      {'' if want is None else 'LIMIT :want'}
    """
    return [tuple(r) for r in session.execute(text(sql), {**params, "want": want}).all()]


def _fair_hits(session: Session, query: SearchQuery, where: list[str], params: dict,
               want: int | None) -> list[tuple[int, int | None, float]]:
    """Everyone within the radius (each at its nearest site), shuffled by ``fair_order``."""
    ref = _POINT.format(p="near") + "::geography"
    conds = ["s.geom IS NOT NULL", f"ST_DWithin(s.geom::geography, {ref}, :radius_m, false)",
             *where]
    params = {**params, **_point_params("near", query.near), "radius_m": query.radius_km * 1000.0,
              "fair": query.fair_order, "want": want}
    if query.professions:
        conds.append("p.profession_code = ANY(:professions)")
        params["professions"] = list(query.professions)
    sql = f"""
      SELECT pid, site_id, d FROM (
        SELECT DISTINCT ON (p.id) p.id AS pid, s.id AS site_id, s.geom::geography <-> {ref} AS d
        FROM practice_site s JOIN professional p ON p.id = s.professional_id
        WHERE {' AND '.join(conds)}
        ORDER BY p.id, d) x
      ORDER BY md5(:fair || ':' || pid::text), pid {'' if want is None else 'LIMIT :want'}
    """
    return [tuple(r) for r in session.execute(text(sql), params).all()]


def _plain_hits(session: Session, query: SearchQuery, where: list[str], params: dict,
                want: int | None) -> list[tuple[int, int | None, None]]:
    conds = list(where)
    if query.professions:
        conds.append("p.profession_code = ANY(:professions)")
        params = {**params, "professions": list(query.professions)}
    sql = f"""
      SELECT p.id, (SELECT s.id FROM practice_site s WHERE s.professional_id = p.id
                    ORDER BY s.geom IS NULL, s.id LIMIT 1), NULL
      FROM professional p WHERE {' AND '.join(conds) or 'TRUE'}
      ORDER BY p.last_name COLLATE {FRENCH_COLLATION}, p.first_name COLLATE {FRENCH_COLLATION},
               p.id {'' if want is None else 'LIMIT :want'}
    """
    return [tuple(r) for r in session.execute(text(sql), {**params, "want": want}).all()]


def _validate(query: SearchQuery) -> None:
    if query.radius_km is not None and query.near is None and query.covers is None:
        raise ValidationFailed("radius_km demande near ou address.",
                               errors={"radius_km": ["near ou address requis"]})
    if query.fair_order is not None and (query.near is None or query.radius_km is None):
        raise ValidationFailed("L'ordre équitable demande un lieu et un rayon.",
                               errors={"radius_km": ["near et radius_km requis"]})
    if query.radius_km is not None and query.radius_km <= 0:
        raise ValidationFailed("Rayon invalide.", errors={"radius_km": ["doit être > 0"]})
    if query.limit is not None and not 1 <= query.limit <= MAX_LIMIT:
        raise ValidationFailed("Limite invalide.",
                               errors={"limit": [f"entre 1 et {MAX_LIMIT}"]})


def _run(session: Session, query: SearchQuery) -> list[dict]:
    _validate(query)
    competency_ids = resolve_competencies(session, query.competencies, field="competency")
    cpts_id = None
    if query.cpts not in (None, ""):
        cpts_id = resolve_cpts(session, [query.cpts])[0]
    where, params = professional_filters(query, competency_ids, cpts_id)
    if query.covers is not None:
        hits = _covers_hits(session, query, where, params, query.limit)
    elif query.fair_order is not None:
        hits = _fair_hits(session, query, where, params, query.limit)
    elif query.near is not None:
        when = moment(query.open_at)
        params = {**params, **closure_params(when[1])}
        return result_rows(session, _knn_results(session, query, where, params, query.limit),
                           when)
    else:
        hits = _plain_hits(session, query, where, params, query.limit)
    return build_results(session, hits, query.open_at)


def search_professionals(session: Session, query: SearchQuery) -> list[dict]:
    """Professionals matching ``query``, nearest first when a location is given."""
    if query.limit is None:
        query = SearchQuery(**{**query.__dict__, "limit": 20})
    return _run(session, query)


def cpts_professionals(session: Session, cpts_id: int, **filters) -> list[dict]:
    """Every member of a CPTS (no limit: the orientation map shows thousands), with the same
    fields as search results; ``filters`` are SearchQuery fields."""
    filters.pop("cpts", None)
    filters.pop("limit", None)
    return _run(session, SearchQuery(cpts=cpts_id, limit=None, **filters))
