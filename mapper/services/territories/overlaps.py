"""Overlap between territories ("Overlap semantics" in DESIGN.md).

- Two commune-based territories overlap exactly on the communes they share (set-based through
  ``cpts_commune``: no geometry, no tolerance).
- Otherwise the overlap is the geometric intersection computed by PostGIS, measured on
  ``geography`` (km²), and ignored below the configured tolerance: an overlap counts only when its
  area reaches ``overlap_min_km2`` *and* ``overlap_min_share`` of the smaller territory. Touching
  territories intersect with zero area, so touching is never an overlap.
- Population affected: the sum over shared communes, or, when a drawn polygon is involved, the
  communes' population weighted by the share of their area inside the overlap.

Rejected CPTS (``rejete``) claim nothing and are never reported.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...config import Settings
from ..communes import UNION
from .iris_overlaps import (add_iris, candidate_iris_overlaps, drawn_iris_overlaps,
                            units_geojson)
from .territory import Territory

#: Drawn territories and overlap regions are cut into pieces of at most this many vertices.
SUBDIVIDE_VERTICES = 256

_SHARED = text("""
    SELECT k.id, k.name, k.slug, k.status, k.area_km2,
           array_agg(cc.commune_code ORDER BY cc.commune_code) AS codes,
           coalesce(sum(c.population), 0) AS population, coalesce(sum(c.area_km2), 0) AS area
    FROM cpts_commune cc
    JOIN cpts k ON k.id = cc.cpts_id
    JOIN commune c ON c.code = cc.commune_code
    WHERE cc.commune_code = ANY(:codes) AND k.status <> 'rejete'
      AND k.id IS DISTINCT FROM CAST(:self AS integer)
    GROUP BY k.id
""")

# Candidate communes against drawn CPTS, set-based: the candidate is a union of communes, so
# its intersection with a drawn territory is the sum of what the drawn territory cuts of each of
# those communes (cpts_drawn_commune, measured on geography when the drawing was stored).
_COMMUNES_VS_DRAWN = text("""
    SELECT k.id, k.name, k.slug, k.status, k.area_km2, sum(dc.inside_km2) AS area,
           sum(coalesce(c.population, 0) * dc.share) AS population,
           array_agg(dc.commune_code ORDER BY dc.commune_code) AS codes
    FROM cpts_drawn_commune dc
    JOIN cpts k ON k.id = dc.cpts_id AND k.status <> 'rejete'
               AND k.id IS DISTINCT FROM CAST(:self AS integer)
    JOIN commune c ON c.code = dc.commune_code
    WHERE dc.commune_code = ANY(:codes)
    GROUP BY k.id
""")

_DRAWN_CUT = text("""
    SELECT dc.commune_code, dc.inside_km2, dc.share, c.population
    FROM cpts_drawn_commune dc JOIN commune c ON c.code = dc.commune_code
    WHERE dc.cpts_id = :id
""")


def drawn_cut(session: Session, cpts_id: int) -> dict[str, tuple[float, float, float]]:
    """What a stored drawn territory cuts: code → (km² inside, weighted population, share)."""
    return {r.commune_code: (r.inside_km2, (r.population or 0) * r.share, r.share)
            for r in session.execute(_DRAWN_CUT, {"id": cpts_id})}


def _overlap_geometry(session: Session, cpts_id: int, codes) -> dict | None:
    """GeoJSON of a drawn CPTS's intersection with a set of communes."""
    geometry = session.execute(text(f"""
        SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Intersection(
                 k.geom, (SELECT {UNION} FROM commune c WHERE c.code = ANY(:codes))), 3)), 6)
        FROM cpts k WHERE k.id = :id"""), {"id": cpts_id, "codes": list(codes)}).scalar()
    return json.loads(geometry) if geometry else None


_MEMBERS_OF = text("""
    SELECT k.id, k.name, k.slug, k.status, k.area_km2,
           array_agg(cc.commune_code ORDER BY cc.commune_code) AS codes
    FROM cpts_commune cc JOIN cpts k ON k.id = cc.cpts_id
    WHERE cc.commune_code = ANY(:codes) AND k.status <> 'rejete'
      AND k.id IS DISTINCT FROM CAST(:self AS integer)
    GROUP BY k.id
""")

# Drawn candidate against drawn CPTS: intersect the subdivided pieces (GiST on cpts_part), then
# weight the population of the communes the overlap cuts.
_DRAWN_VS_DRAWN = text("""
    WITH t AS (
      SELECT ST_Subdivide(ST_GeomFromEWKB(decode(:g, 'hex')), :vertices) AS g
    ), o AS (
      SELECT p.cpts_id,
             ST_Multi(ST_CollectionExtract(ST_Union(
               ST_CollectionExtract(ST_Intersection(p.geom, t.g), 3)), 3)) AS g
      FROM t JOIN cpts_part p ON ST_Intersects(p.geom, t.g)
      JOIN cpts k ON k.id = p.cpts_id AND k.status <> 'rejete'
                 AND k.id IS DISTINCT FROM CAST(:self AS integer)
      GROUP BY p.cpts_id
    )
    SELECT k.id, k.name, k.slug, k.status, k.area_km2,
           ST_Area(o.g::geography) / 1e6 AS area,
           (SELECT coalesce(sum(coalesce(c.population, 0)
                                * ST_Area(ST_Intersection(c.geom, o.g)::geography) / 1e6
                                / nullif(c.area_km2, 0)), 0)
            FROM commune c WHERE ST_Intersects(c.geom, o.g)) AS population,
           CASE WHEN :with_geometry THEN ST_AsGeoJSON(o.g, 6) END AS geometry
    FROM o JOIN cpts k ON k.id = o.cpts_id
    WHERE NOT ST_IsEmpty(o.g)
""")

_ARBITRATIONS = text("""
    SELECT a.commune_code, array_agg(ac.cpts_id) AS cpts
    FROM arbitration a JOIN arbitration_cpts ac ON ac.arbitration_id = a.id
    WHERE a.commune_code = ANY(:codes)
    GROUP BY a.commune_code
""")


def arbitrations_for(session: Session, codes) -> dict[str, set[int]]:
    """commune code → the CPTS ids an arbitration lets share it."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    return {r.commune_code: set(r.cpts) for r in session.execute(_ARBITRATIONS, {"codes": codes})}


def significant(area: float, area_a: float | None, area_b: float | None,
                settings: Settings) -> bool:
    """Geometric overlaps below the tolerance are slivers (shared edges, simplification)."""
    smaller = min(a for a in (area_a, area_b, float("inf")) if a is not None)
    if smaller == float("inf"):
        smaller = area
    return area >= settings.overlap_min_km2 and area >= settings.overlap_min_share * smaller


def ratio(part: float, whole: float | None) -> float:
    return round(min(1.0, part / whole), 4) if whole else 0.0


def _cpts_ref(row) -> dict:
    return {"id": row.id, "name": row.name, "slug": row.slug, "status": row.status}


def find_overlaps(session: Session, territory: Territory, settings: Settings, *,
                  self_id: int | None = None, with_geometry: bool = False) -> list[dict]:
    """Every non-rejected CPTS (other than ``self_id``) the territory overlaps.

    Each item: ``cpts`` {id, name, slug, status}, ``shared_communes`` (empty when either side is
    drawn), ``overlap_area_km2``, ``share_of_candidate``, ``share_of_existing``,
    ``population_affected``, ``population_method``, ``arbitrated`` (every shared commune is
    covered by an arbitration listing both CPTS) and ``arbitrated_communes``, ``level``
    ("iris" when the overlap was computed on IRIS of split communes, else "commune") and
    ``shared_iris``; with
    ``with_geometry`` the overlap geometry (GeoJSON) when a drawn polygon is involved.
    Validated CPTS come first, then by decreasing overlap area.
    """
    params = {"self": self_id, "with_geometry": with_geometry}
    out: list[dict] = []
    cand_area = territory.area_km2
    if territory.kind == "communes":
        rows = session.execute(_SHARED, {**params, "codes": territory.codes}).all()
        arb = arbitrations_for(session, [c for r in rows for c in r.codes]) if self_id else {}
        for r in rows:
            arbitrated = [c for c in r.codes if {self_id, r.id} <= arb.get(c, set())]
            out.append(_item(r, list(r.codes), float(r.area), int(r.population), "communes",
                             cand_area, arbitrated))
        for r in session.execute(_COMMUNES_VS_DRAWN, {**params, "codes": territory.codes}):
            if significant(r.area or 0.0, cand_area, r.area_km2, settings):
                geometry = (_overlap_geometry(session, r.id, r.codes) if with_geometry
                            else None)
                out.append(_item(r, [], r.area, r.population, "area_weighted", cand_area, [],
                                 geometry))
        _iris_overlaps(session, territory, out, self_id, with_geometry)
        _drawn_iris(session, out, settings, drawn_iris_overlaps(
            session, iris=territory.iris, self_id=self_id, with_geometry=with_geometry),
            cand_area)
    else:
        cut = territory.cut
        if cut:
            for r in session.execute(_MEMBERS_OF, {**params, "codes": sorted(cut)}):
                area = sum(cut[c][0] for c in r.codes)
                population = sum(cut[c][1] for c in r.codes)
                if significant(area, cand_area, r.area_km2, settings):
                    geometry = (_drawn_on_communes(session, territory, r.codes)
                                if with_geometry else None)
                    out.append(_item(r, [], area, population, "area_weighted", cand_area, [],
                                     geometry))
        for r in session.execute(_DRAWN_VS_DRAWN, {**params, "g": territory.geom_hex,
                                                   "vertices": SUBDIVIDE_VERTICES}):
            if significant(r.area or 0.0, cand_area, r.area_km2, settings):
                out.append(_item(r, [], r.area, r.population, "area_weighted", cand_area, [],
                                 r.geometry))
        if cut:
            _drawn_iris(session, out, settings, drawn_iris_overlaps(
                session, geom_hex=territory.geom_hex, communes=sorted(cut), self_id=self_id,
                with_geometry=with_geometry), cand_area)
    out.sort(key=lambda o: (o["cpts"]["status"] not in ("valide", "aci_signe"), -o["overlap_area_km2"],
                            o["cpts"]["id"]))
    return out


def _iris_overlaps(session: Session, territory: Territory, out: list[dict],
                   self_id: int | None, with_geometry: bool) -> None:
    """Fold the IRIS-level overlaps (``iris_overlaps``) into ``out``, per CPTS."""
    rows = candidate_iris_overlaps(session, territory.codes, territory.iris, self_id)
    if not rows:
        return
    by_id = {o["cpts"]["id"]: o for o in out}
    arb = arbitrations_for(session, [c for r in rows for c in r.communes]
                           + [c for o in out for c in o["shared_communes"]]) if self_id else {}
    for r in rows:
        item = by_id.get(r.id)
        if item is None:
            item = _item(r, [], 0.0, 0.0, "communes", territory.area_km2, [])
            out.append(item)
        both = [c for c in set(r.communes) | set(item["shared_communes"])
                if {self_id, r.id} <= arb.get(c, set())]
        add_iris(item, r.codes, r.population, r.area, r.communes, both)
        item["share_of_candidate"] = ratio(item["overlap_area_km2"], territory.area_km2)
        item["share_of_existing"] = ratio(item["overlap_area_km2"], r.area_km2)
        if with_geometry:
            item["geometry"] = units_geojson(session, item["shared_communes"], r.codes)


def _drawn_iris(session: Session, out: list[dict], settings: Settings, rows,
                cand_area: float) -> None:
    """Geometric overlaps between a drawing and IRIS (area-weighted population), added to the
    CPTS's item when there is one; below the tolerance they are slivers."""
    by_id = {o["cpts"]["id"]: o for o in out}
    for r in rows:
        item = by_id.get(r.id)
        area = float(r.area or 0.0) + (item["overlap_area_km2"] if item else 0.0)
        if not significant(area, cand_area, r.area_km2, settings):
            continue
        if item is None:
            item = _item(r, [], 0.0, 0.0, "area_weighted", cand_area, [])
            out.append(item)
        item["overlap_area_km2"] = round(area, 4)
        item["population_affected"] += int(round(float(r.population or 0)))
        item["share_of_candidate"] = ratio(area, cand_area)
        item["share_of_existing"] = ratio(area, r.area_km2)
        item.update(level="iris", population_method="area_weighted",
                    shared_iris=sorted(set(item["shared_iris"]) | set(r.codes)))
        if r.geometry and "geometry" not in item:
            item["geometry"] = json.loads(r.geometry)


def _drawn_on_communes(session: Session, territory: Territory, codes) -> dict | None:
    geometry = session.execute(text(f"""
        SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Intersection(
                 ST_GeomFromEWKB(decode(:g, 'hex')), {UNION}), 3)), 6)
        FROM commune c WHERE c.code = ANY(:codes)
    """), {"g": territory.geom_hex, "codes": list(codes)}).scalar()
    return geometry


def _item(row, shared: list[str], area: float, population: float, method: str,
          cand_area: float, arbitrated: list[str], geometry: str | None = None) -> dict:
    item = {
        "cpts": _cpts_ref(row),
        "shared_communes": shared,
        "overlap_area_km2": round(float(area), 4),
        "share_of_candidate": ratio(float(area), cand_area),
        "share_of_existing": ratio(float(area), row.area_km2),
        "population_affected": int(round(float(population or 0))),
        "population_method": method,
        "arbitrated": bool(shared) and len(arbitrated) == len(shared),
        "arbitrated_communes": arbitrated,
        "level": "commune",
        "shared_iris": [],
    }
    if geometry is not None:
        item["geometry"] = json.loads(geometry) if isinstance(geometry, str) else geometry
    return item
