"""The ARS review queue of a région: every CPTS of the région, the projects that need a decision
first and, among them, those that overlap another CPTS at the very top with their claimants;
filters (status, département, overlap, size category) and pagination.

Overlaps are computed set-based in one statement for the whole région, with the semantics of
``territories.overlaps`` (DESIGN.md, "Overlap semantics"): two commune lists overlap on the
communes they share, and, in a commune split by IRIS, on the IRIS they share (the statement of
``iris_overlaps``: different IRIS of one commune are no overlap); a drawn territory against a
commune list on what the stored cut (``cpts_drawn_commune``) puts inside those communes, against
IRIS held as ``find_overlaps`` measures it (only drawings cutting a commune split by IRIS), and
two drawings on their intersection measured on ``geography``; geometric overlaps under the
tolerance (``overlap_min_km2`` and ``overlap_min_share`` of the smaller territory) are slivers. Rejected CPTS claim nothing.
Names are sorted with the French ICU collation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...config import Settings
from ...reference import DEPARTEMENT_REGION
from ...vocab import FRENCH_COLLATION
from ..communes import commune_names
from ..territories.conciliation import pair_key, pair_state, rows_of
from ..territories.iris_overlaps import PAIRS_SQL
from ..territories.overlaps import arbitrations_for
from ..territories.pairs import drawn_overlaps

PER_PAGE = 20
#: The statuses in the queue's order after the projects that need a decision.
STATUS_ORDER = {"projet": 0, "intention": 1, "valide": 2, "aci_signe": 3, "rejete": 4}

_ROWS = text("""
    SELECT k.id, k.name, k.slug, k.status, k.population, k.area_km2, k.size_category,
           k.territory_kind, coalesce(d.departements, '{}') AS departements
    FROM cpts k LEFT JOIN LATERAL (
      SELECT array_agg(DISTINCT c.departement) AS departements
      FROM (SELECT commune_code FROM cpts_commune WHERE cpts_id = k.id
            UNION SELECT commune_code FROM cpts_drawn_commune WHERE cpts_id = k.id
            UNION SELECT commune_code FROM cpts_iris WHERE cpts_id = k.id) m
      JOIN commune c ON c.code = m.commune_code) d ON true
    WHERE k.region = :region
    ORDER BY k.name COLLATE {collation}, k.id
""".replace("{collation}", FRENCH_COLLATION))

# Every overlapping pair with a side in the région: (id, other id, other's name/slug/status,
# shared commune codes, communes shared at IRIS level). The IRIS pairs are the statement of
# ``iris_overlaps`` (same rule as the API), embedded as a CTE; a pair may come in two rows (its
# whole communes, its IRIS), merged by ``_claimants``.
_PAIRS = text("""
    WITH mine AS (SELECT id FROM cpts WHERE region = :region AND status <> 'rejete'),
    live AS (SELECT id, area_km2 FROM cpts WHERE status <> 'rejete'),
    communes AS (
      SELECT a.cpts_id AS id, b.cpts_id AS other,
             array_agg(a.commune_code ORDER BY a.commune_code) AS codes
      FROM cpts_commune a JOIN mine ON mine.id = a.cpts_id
      JOIN cpts_commune b ON b.commune_code = a.commune_code AND b.cpts_id <> a.cpts_id
      JOIN live ON live.id = b.cpts_id
      GROUP BY a.cpts_id, b.cpts_id),
    cut AS (  -- a drawn territory and a commune list, either way round
      SELECT cc.cpts_id AS list_id, dc.cpts_id AS drawn_id, sum(dc.inside_km2) AS area
      FROM cpts_drawn_commune dc JOIN cpts_commune cc ON cc.commune_code = dc.commune_code
      WHERE cc.cpts_id <> dc.cpts_id
        AND (cc.cpts_id IN (SELECT id FROM mine) OR dc.cpts_id IN (SELECT id FROM mine))
      GROUP BY cc.cpts_id, dc.cpts_id),
    drawn AS (
      SELECT a.id AS list_id, b.id AS drawn_id,
             ST_Area(ST_Intersection(a.geom, b.geom)::geography) / 1e6 AS area
      FROM cpts a JOIN cpts b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
      WHERE a.territory_kind = 'drawn' AND b.territory_kind = 'drawn'
        AND a.status <> 'rejete' AND b.status <> 'rejete'
        AND (a.id IN (SELECT id FROM mine) OR b.id IN (SELECT id FROM mine))),
    geometric AS (
      SELECT g.list_id, g.drawn_id FROM (SELECT * FROM cut UNION ALL SELECT * FROM drawn) g
      JOIN live x ON x.id = g.list_id JOIN live y ON y.id = g.drawn_id
      WHERE g.area >= :min_km2
        AND g.area >= :min_share * least(coalesce(x.area_km2, g.area), coalesce(y.area_km2, g.area))),
    iris AS ({iris}),
    drawn_iris AS (SELECT * FROM unnest(CAST(:x_id AS integer[]), CAST(:x_other AS integer[]),
                                        CAST(:x_commune AS text[])) AS x(id, other, commune)),
    pairs AS (
      SELECT id, other, codes, '{}'::text[] AS iris_communes FROM communes
      UNION ALL SELECT list_id, drawn_id, '{}'::text[], '{}'::text[] FROM geometric
      UNION ALL SELECT drawn_id, list_id, '{}'::text[], '{}'::text[] FROM geometric
      UNION ALL SELECT a_id, b_id, '{}'::text[], communes FROM iris
      UNION ALL SELECT b_id, a_id, '{}'::text[], communes FROM iris
      UNION ALL SELECT id, other, '{}'::text[], ARRAY[commune] FROM drawn_iris)
    SELECT p.id, p.other, o.name, o.slug, o.status, p.codes, p.iris_communes
    FROM pairs p JOIN cpts o ON o.id = p.other AND o.status <> 'rejete'
    WHERE p.id IN (SELECT id FROM mine)
    ORDER BY o.name COLLATE {collation}, o.id
""".replace("{iris}", PAIRS_SQL).replace("{collation}", FRENCH_COLLATION))

# Drawn CPTS cutting a commune where another CPTS holds IRIS, either side in the région: their
# overlap on those IRIS is geometric, measured by ``find_overlaps`` as for the overlaps API.
_DRAWN_ON_IRIS = text("""
    SELECT DISTINCT k.id, k.area_km2 FROM cpts_drawn_commune dc
    JOIN cpts k ON k.id = dc.cpts_id AND k.status <> 'rejete'
    JOIN cpts_iris ci ON ci.commune_code = dc.commune_code AND ci.cpts_id <> dc.cpts_id
    JOIN cpts o ON o.id = ci.cpts_id AND o.status <> 'rejete'
    WHERE k.region = :region OR o.region = :region
""")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue's form asks: a status, a département, overlapping only, a size category,
    the page (1-based)."""

    status: str = ""
    departement: str = ""
    overlap: bool = False
    size: int | None = None
    page: int = 1

    def matches(self, row: dict) -> bool:
        return ((not self.status or row["status"] == self.status)
                and (not self.departement or self.departement in row["departements"])
                and (not self.overlap or bool(row["claimants"]))
                and (self.size is None or row["size_category"] == self.size))


def _drawn_on_iris(session: Session, region: str, settings: Settings) -> dict[str, list]:
    """The overlaps between drawn CPTS and IRIS held, both ways, as the columns (id, other,
    commune of the IRIS) of the statement's ``drawn_iris``."""
    found = []
    for d in session.execute(_DRAWN_ON_IRIS, {"region": region}).all():
        for o in drawn_overlaps(session, settings, d.id, d.area_km2):
            for commune in sorted({code[:5] for code in o["shared_iris"]}):
                found += [(d.id, o["cpts"]["id"], commune), (o["cpts"]["id"], d.id, commune)]
    return {"x_id": [f[0] for f in found], "x_other": [f[1] for f in found],
            "x_commune": [f[2] for f in found]}


def _claimants(session: Session, region: str, settings: Settings) -> dict[int, list[dict]]:
    """CPTS id → its claimants, in French order of their names: ``shared`` the whole communes
    both hold, ``shared_iris`` the communes where they share IRIS (« Nom (code) »)."""
    rows = session.execute(_PAIRS, {"region": region, "min_km2": settings.overlap_min_km2,
                                    "min_share": settings.overlap_min_share,
                                    **_drawn_on_iris(session, region, settings)}).all()
    merged: dict[tuple[int, int], tuple] = {}
    for r in rows:  # a pair sharing whole communes and IRIS comes in two rows
        codes, iris = merged.get((r.id, r.other), (r, (), ()))[1:]
        merged[(r.id, r.other)] = (r, (*codes, *r.codes), (*iris, *r.iris_communes))
    every = [c for _, codes, iris in merged.values() for c in (*codes, *iris)]
    # names in one statement: a name per pair row would make the plan costly enough for JIT
    names = commune_names(session, every)
    arbitrated = arbitrations_for(session, every)
    states = rows_of(session, {r.id for r in rows}) if rows else {}
    out: dict[int, list[dict]] = {}
    for r, codes, iris in merged.values():
        iris = sorted(set(iris) - set(codes))
        agreed = bool(codes or iris) and all({r.id, r.other} <= arbitrated.get(c, set())
                                             for c in (*codes, *iris))
        out.setdefault(r.id, []).append({
            "id": r.other, "name": r.name, "slug": r.slug, "status": r.status,
            "shared": [f"{names.get(c, c)} ({c})" for c in codes],
            "shared_iris": [f"{names.get(c, c)} ({c})" for c in iris],
            "conciliation": pair_state(states.get(pair_key(r.id, r.other)), agreed)})
    return out


#: Statuses whose overlaps come first: a competing lettre d'intention is best settled before
#: its projet de santé is written.
_EARLY = ("projet", "intention")


def _priority(row: dict) -> tuple[int, int]:
    """Projects and letters of intent with an overlap, then the other projects, then the other
    statuses."""
    if row["status"] in _EARLY and row["claimants"]:
        return (0, STATUS_ORDER[row["status"]])
    if row["status"] == "projet":
        return (1, 0)
    return (2, STATUS_ORDER.get(row["status"], 9))


def review_queue(session: Session, region: str, filters: QueueFilters, settings: Settings,
                 per_page: int = PER_PAGE) -> dict:
    """The page of the queue ``filters`` asks for, with the counts of the région and of the
    filtered list, and the choices of the filters (the région's départements)."""
    claimants = _claimants(session, region, settings)
    rows = []
    for r in session.execute(_ROWS, {"region": region}):
        row = dict(r._mapping)
        row["departements"] = sorted(d for d in row["departements"] if d)
        row["claimants"] = claimants.get(row["id"], []) if row["status"] != "rejete" else []
        rows.append(row)
    rows.sort(key=_priority)  # stable: French order of names inside each group
    selected = [r for r in rows if filters.matches(r)]
    pages = max(1, math.ceil(len(selected) / per_page))
    page = min(max(1, filters.page), pages)
    departements = sorted({d for r in rows for d in r["departements"]
                           if DEPARTEMENT_REGION.get(d) == region})
    return {
        "rows": selected[(page - 1) * per_page: page * per_page],
        "page": page, "pages": pages, "per_page": per_page, "matching": len(selected),
        "counts": {"total": len(rows),
                   "to_decide": sum(r["status"] == "projet" for r in rows),
                   "overlapping": sum(r["status"] == "projet" and bool(r["claimants"])
                                      for r in rows)},
        "departements": departements,
    }
