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

Filters are small functions returning an SQL fragment and its parameters (pygeoapi's SQL provider
style), combined with AND.

Opening hours are wall-clock times in Europe/Paris: an instant is converted to Paris local time
(which takes DST into account) and matched against the weekly slots, a slot whose end is at or
before its start running past midnight into the next day.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from .professionals import is_stale, resolve_competencies, resolve_cpts

PARIS = ZoneInfo("Europe/Paris")
MAX_LIMIT = 200
_POINT = "ST_SetSRID(ST_MakePoint(:{p}_lon, :{p}_lat), 4326)"


@dataclass
class SearchQuery:
    """What a search asks. ``near``/``covers`` are (lat, lon); ``open_at`` an aware datetime
    (naive means Paris local time); ``cpts`` an id or a slug; ``limit`` None means no limit
    (maps of a CPTS's members)."""

    near: tuple[float, float] | None = None
    radius_km: float | None = None
    professions: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    covers: tuple[float, float] | None = None
    accepting_new_patients: bool | None = None
    open_at: datetime | None = None
    language: str | None = None
    accessible: bool | None = None
    cpts: int | str | None = None
    limit: int | None = 20
    slot_kind: str | None = None
    home_visits: bool | None = None


# -- time -----------------------------------------------------------------------------------

def paris_local(at: datetime) -> datetime:
    """``at`` as a naive Paris wall-clock datetime (naive input already is one)."""
    if at.tzinfo is None:
        return at
    return at.astimezone(PARIS).replace(tzinfo=None)


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=PARIS) if at.tzinfo is None else at


# -- filters: (sql, params) on aliases p (professional) and s (practice_site) ----------------

def _competency_filter(ids: list[int]):
    clauses = [f"EXISTS (SELECT 1 FROM professional_competency pc WHERE pc.professional_id = p.id "
               f"AND pc.competency_id = :comp_{i})" for i in range(len(ids))]
    return " AND ".join(clauses), {f"comp_{i}": c for i, c in enumerate(ids)}


def _bool_filter(column: str, value: bool | None):
    if value is None:
        return None
    return f"p.{column} IS {'TRUE' if value else 'NOT TRUE'}", {}


def _language_filter(language: str | None):
    if not language:
        return None
    return ":language = ANY(p.languages)", {"language": language.lower()}


def _cpts_filter(cpts_id: int | None):
    if cpts_id is None:
        return None
    return ("EXISTS (SELECT 1 FROM cpts_member m WHERE m.professional_id = p.id "
            "AND m.cpts_id = :cpts_id)", {"cpts_id": cpts_id})


def _open_filter(at: datetime | None, kind: str | None):
    """Open at a wall-clock instant: a slot of that weekday containing the time, or the tail
    after midnight of the previous day's slot that runs past midnight."""
    if at is None:
        return None
    local = paris_local(at)
    day, tm = local.date(), local.time()
    prev = day - timedelta(days=1)
    kind_sql = "AND sl.kind = :slot_kind " if kind else ""
    sql = f"""EXISTS (SELECT 1 FROM slot sl WHERE sl.professional_id = p.id {kind_sql}AND (
        (sl.weekday = :open_wd AND sl.start_time <= :open_tm
         AND (sl.end_time > :open_tm OR sl.end_time <= sl.start_time)
         AND (sl.valid_from IS NULL OR sl.valid_from <= :open_day)
         AND (sl.valid_to IS NULL OR sl.valid_to >= :open_day))
     OR (sl.weekday = :open_prev_wd AND sl.end_time <= sl.start_time AND sl.end_time > :open_tm
         AND (sl.valid_from IS NULL OR sl.valid_from <= :open_prev)
         AND (sl.valid_to IS NULL OR sl.valid_to >= :open_prev))))"""
    return sql, {"open_wd": day.isoweekday(), "open_tm": tm, "open_day": day,
                 "open_prev_wd": prev.isoweekday(), "open_prev": prev, "slot_kind": kind}


def _slot_kind_only_filter(at: datetime | None, kind: str | None):
    """``slot_kind`` without a time: professionals offering that kind of slot at all."""
    if at is not None or not kind:
        return None
    return ("EXISTS (SELECT 1 FROM slot sl WHERE sl.professional_id = p.id "
            "AND sl.kind = :slot_kind)", {"slot_kind": kind})


def professional_filters(query: SearchQuery, competency_ids: list[int], cpts_id: int | None):
    """The WHERE clauses (and their parameters) of every non-spatial filter of a search; the
    map service reuses them so that a map and a search filter alike."""
    parts = [
        _competency_filter(competency_ids) if competency_ids else None,
        _bool_filter("accepts_new_patients", query.accepting_new_patients),
        _bool_filter("accessible", query.accessible),
        _bool_filter("home_visits", query.home_visits),
        _language_filter(query.language),
        _cpts_filter(cpts_id),
        _open_filter(query.open_at, query.slot_kind),
        _slot_kind_only_filter(query.open_at, query.slot_kind),
    ]
    sql, params = [], {}
    for part in parts:
        if part:
            sql.append(part[0])
            params.update(part[1])
    return sql, params


def _point_params(prefix: str, latlon: tuple[float, float]) -> dict:
    return {f"{prefix}_lat": float(latlon[0]), f"{prefix}_lon": float(latlon[1])}


# -- plans ----------------------------------------------------------------------------------

def _knn_results(session: Session, query: SearchQuery, where: list[str], params: dict,
                 want: int | None) -> list[dict]:
    """Nearest first, one result per professional (its nearest site), in one statement: the
    KNN walk over sites (a few more than ``want``), keep each professional's first site, then
    the result fields. When professionals with several sites leave fewer than ``want`` and the
    walk was cut short, walk further."""
    ref = _POINT.format(p="near") + "::geography"
    params = {**params, **_point_params("near", query.near)}
    conds = ["s.geom IS NOT NULL", *where]
    if query.radius_km is not None:
        # use_spheroid = false: the same sphere as the <-> ordering, so both agree at the edge.
        conds.append(f"ST_DWithin(s.geom::geography, {ref}, :radius_m, false)")
        params["radius_m"] = query.radius_km * 1000.0
    base = ("SELECT s.professional_id, s.id AS site_id, s.geom::geography <-> {ref} AS d "
            "FROM practice_site s JOIN professional p ON p.id = s.professional_id "
            "WHERE {conds} ORDER BY s.geom::geography <-> {ref} {limit}")
    professions = list(dict.fromkeys(query.professions))
    params.update({f"prof_{i}": p for i, p in enumerate(professions)})
    n = None if want is None else max(want * 2, want + 16)
    while True:
        limit = "" if n is None else "LIMIT :n"
        if len(professions) <= 1:
            c = conds + (["s.profession_code = :prof_0"] if professions else [])
            knn = base.format(ref=ref, conds=" AND ".join(c), limit=limit)
        else:  # one index walk per profession, merged
            subs = ["(" + base.format(ref=ref, limit=limit, conds=" AND ".join(
                conds + [f"s.profession_code = :prof_{i}"])) + ")" for i in range(len(professions))]
            knn = f"SELECT * FROM ({' UNION ALL '.join(subs)}) u ORDER BY d {limit}"
        sql = f"""
            WITH knn AS MATERIALIZED ({knn}),
            best AS (SELECT DISTINCT ON (professional_id) professional_id AS pid,
                            site_id AS sid, d FROM knn ORDER BY professional_id, d),
            h AS (SELECT pid, sid, d, row_number() OVER (ORDER BY d, pid) AS ord FROM best
                  ORDER BY d, pid {'' if want is None else 'LIMIT :want'}),
            walked AS (SELECT count(*) AS walked FROM knn)
            SELECT walked.walked, details.* FROM walked
            LEFT JOIN LATERAL ({_DETAILS}) details ON TRUE
            ORDER BY details.ord
        """
        rows = session.execute(text(sql), {**params, "n": n, "want": want}).mappings().all()
        walked = rows[0]["walked"] if rows else 0
        rows = [r for r in rows if r["id"] is not None]
        if n is None or walked < n or len(rows) >= want:
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
      ORDER BY d NULLS LAST, last_name, first_name, pid
      {'' if want is None else 'LIMIT :want'}
    """
    return [tuple(r) for r in session.execute(text(sql), {**params, "want": want}).all()]


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
      ORDER BY p.last_name, p.first_name, p.id {'' if want is None else 'LIMIT :want'}
    """
    return [tuple(r) for r in session.execute(text(sql), {**params, "want": want}).all()]


# -- results --------------------------------------------------------------------------------

#: Result fields for hits ``h(pid, sid, d, ord)``: one statement builds the whole page.
_DETAILS = """
        SELECT h.ord, h.d, p.id, p.civility, p.first_name, p.last_name, p.profession_code,
               pr.label AS profession_label, p.specialty, p.accepts_new_patients, p.home_visits,
               p.teleconsultation, p.languages, p.accessible, p.phone, p.website,
               CASE WHEN p.public_email THEN p.email END AS email, p.last_verified_at,
               (SELECT array_agg(c.slug ORDER BY c.slug) FROM professional_competency pc
                JOIN competency c ON c.id = pc.competency_id
                WHERE pc.professional_id = p.id) AS competencies,
               (SELECT json_agg(json_build_array(sl.weekday, sl.start_time, sl.end_time,
                                                 sl.kind, sl.valid_from, sl.valid_to))
                FROM slot sl WHERE sl.professional_id = p.id) AS slots,
               s.id AS site_id, s.name AS site_name, s.address, s.postcode, s.commune_code,
               s.commune_name, ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon, s.precision
        FROM h
        JOIN professional p ON p.id = h.pid
        JOIN profession pr ON pr.code = p.profession_code
        LEFT JOIN practice_site s ON s.id = h.sid
        ORDER BY h.ord
"""


def _build(session: Session, hits: list[tuple], at: datetime | None) -> list[dict]:
    if not hits:
        return []
    rows = session.execute(text(
        "WITH h AS (SELECT * FROM unnest(CAST(:pids AS int[]), CAST(:sids AS int[]), "
        "CAST(:ds AS float8[])) WITH ORDINALITY AS h(pid, sid, d, ord))" + _DETAILS),
        {"pids": [h[0] for h in hits], "sids": [h[1] for h in hits],
         "ds": [h[2] for h in hits]}).mappings().all()
    return _results(rows, at)


def _results(rows, at: datetime | None) -> list[dict]:
    now = datetime.now(timezone.utc)
    ref = _aware(at) if at is not None else datetime.now(PARIS)
    local_day = paris_local(ref).date()
    out = []
    for row in rows:
        distance = row["d"]
        out.append({
            "id": row["id"], "civility": row["civility"], "first_name": row["first_name"],
            "last_name": row["last_name"], "profession": row["profession_code"],
            "profession_label": row["profession_label"], "specialty": row["specialty"],
            "competencies": list(row["competencies"] or []),
            "distance_km": None if distance is None else round(distance / 1000.0, 3),
            "site": None if row["site_id"] is None else {
                "name": row["site_name"], "address": row["address"], "postcode": row["postcode"],
                "commune": row["commune_code"], "commune_name": row["commune_name"],
                "lat": None if row["lat"] is None else round(row["lat"], 6),
                "lon": None if row["lon"] is None else round(row["lon"], 6),
                "precision": row["precision"]},
            "next_slot": _next_slot(_slots_from_json(row["slots"]), ref, local_day)
            if row["slots"] else None,
            "phone": row["phone"], "email": row["email"], "website": row["website"],
            "accepts_new_patients": row["accepts_new_patients"],
            "home_visits": row["home_visits"], "teleconsultation": row["teleconsultation"],
            "languages": list(row["languages"] or []), "accessible": row["accessible"],
            "last_verified_at": row["last_verified_at"].isoformat()
            if row["last_verified_at"] else None,
            "stale": is_stale(row["last_verified_at"], now),
        })
    return out


def _slot_occurrences(slot, start_day: date, days: int):
    """(start, end) aware datetimes of a weekly slot's occurrences from ``start_day``."""
    weekday, st, en, valid_from, valid_to = slot
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        if day.isoweekday() != weekday:
            continue
        if (valid_from and day < valid_from) or (valid_to and day > valid_to):
            continue
        end_day = day + timedelta(days=1) if en <= st else day
        yield (datetime.combine(day, st, tzinfo=PARIS), datetime.combine(end_day, en, tzinfo=PARIS))


def _next_slot(slots, at: datetime, local_day: date) -> dict | None:
    """The current or next occurrence among ``slots`` = [(weekday, start, end, kind, from, to)]."""
    best = None
    for weekday, st, en, kind, vf, vt in slots:
        for start, end in _slot_occurrences((weekday, st, en, vf, vt),
                                            local_day - timedelta(days=1), 9):
            if end <= at:
                continue
            key = max(start, at)
            if best is None or key < best[0]:
                best = (key, start, end, kind, weekday, st, en)
            break  # occurrences come in time order
    if best is None:
        return None
    _, start, end, kind, weekday, st, en = best
    return {"kind": kind, "weekday": weekday, "start": st.strftime("%H:%M"),
            "end": en.strftime("%H:%M"), "starts_at": start.isoformat(),
            "ends_at": end.isoformat(), "open_now": start <= at}


def _slots_from_json(items) -> list[tuple]:
    return [(wd, time.fromisoformat(st), time.fromisoformat(en), kind,
             date.fromisoformat(vf) if vf else None, date.fromisoformat(vt) if vt else None)
            for wd, st, en, kind, vf, vt in items or ()]


def next_slots(session: Session, professional_ids: Iterable[int],
               at: datetime | None = None) -> dict[int, dict]:
    """The current or next opening of each professional within a week of ``at`` (default now)."""
    ids = list(set(professional_ids))
    if not ids:
        return {}
    at = _aware(at) if at is not None else datetime.now(PARIS)
    local_day = paris_local(at).date()
    rows = session.execute(text("""
        SELECT professional_id, weekday, start_time, end_time, kind, valid_from, valid_to
        FROM slot WHERE professional_id = ANY(CAST(:ids AS int[]))
    """), {"ids": ids}).all()
    by_pid: dict[int, list] = {}
    for pid, *slot in rows:
        by_pid.setdefault(pid, []).append(slot)
    out = {}
    for pid, slots in by_pid.items():
        found = _next_slot(slots, at, local_day)
        if found:
            out[pid] = found
    return out


# -- entry points ---------------------------------------------------------------------------

def _validate(query: SearchQuery) -> None:
    if query.radius_km is not None and query.near is None and query.covers is None:
        raise ValidationFailed("radius_km demande near ou address.",
                               errors={"radius_km": ["near ou address requis"]})
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
    elif query.near is not None:
        return _results(_knn_results(session, query, where, params, query.limit), query.open_at)
    else:
        hits = _plain_hits(session, query, where, params, query.limit)
    return _build(session, hits, query.open_at)


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


def results_geojson(results: list[dict]) -> dict:
    """Search results as a FeatureCollection: one Point per result (lon, lat), the rest as
    properties; results without a located site have a null geometry."""
    features = []
    for r in results:
        site = r.get("site") or {}
        geometry = None
        if site.get("lat") is not None:
            geometry = {"type": "Point", "coordinates": [site["lon"], site["lat"]]}
        features.append({"type": "Feature", "id": r["id"], "geometry": geometry,
                         "properties": r})
    return {"type": "FeatureCollection", "features": features}


__all__ = ["PARIS", "SearchQuery", "cpts_professionals", "next_slots", "paris_local",
           "professional_filters", "results_geojson", "search_professionals"]

