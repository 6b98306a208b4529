"""Overlaps below the commune: IRIS held by CPTS that split a commune between them.

A commune-based territory holds whole communes (``cpts_commune``) and, for a commune split
between CPTS, some of its IRIS (``cpts_iris``). Two territories then overlap on:

- the IRIS both hold;
- the IRIS one holds in a commune the other holds whole (the whole commune claims all its IRIS).

Two CPTS holding *different* IRIS of one commune do not overlap. The population affected is the
sum of the IRIS populations (INSEE), not the commune's; the result says ``level: "iris"`` (and
keeps ``population_method: "communes"``, an exact sum over units, not an area estimate).
Whole-commune against whole-commune stays in ``overlaps``/``pairs`` (``level: "commune"``).
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

# A candidate (whole communes :codes, IRIS :iris) against every CPTS's IRIS-level claims.
_CANDIDATE = text("""
    WITH x AS (
      SELECT ci.cpts_id, ci.iris_code AS code FROM cpts_iris ci
      WHERE ci.iris_code = ANY(:iris) OR ci.commune_code = ANY(:codes)
      UNION
      SELECT cc.cpts_id, i.code FROM iris i JOIN cpts_commune cc ON cc.commune_code = i.commune_code
      WHERE i.code = ANY(:iris)
    )
    SELECT k.id, k.name, k.slug, k.status, k.area_km2,
           array_agg(x.code ORDER BY x.code) AS codes,
           array_agg(DISTINCT i.commune_code) AS communes,
           coalesce(sum(i.population), 0) AS population, coalesce(sum(i.area_km2), 0) AS area
    FROM x JOIN cpts k ON k.id = x.cpts_id AND k.status <> 'rejete'
                      AND k.id IS DISTINCT FROM CAST(:self AS integer)
    JOIN iris i ON i.code = x.code
    GROUP BY k.id
""")

# Every pair of CPTS sharing an IRIS, unless both hold its commune whole (a commune pair).
# The ARS queue embeds this statement as a CTE of its région-wide one (one rule, one statement).
PAIRS_SQL = """
    WITH claims AS (
      SELECT ci.cpts_id, ci.iris_code AS code, false AS whole FROM cpts_iris ci
      UNION
      SELECT cc.cpts_id, i.code, true FROM cpts_commune cc
      JOIN iris i ON i.commune_code = cc.commune_code
      WHERE cc.commune_code IN (SELECT commune_code FROM cpts_iris)
    )
    SELECT a.cpts_id AS a_id, b.cpts_id AS b_id, array_agg(a.code ORDER BY a.code) AS codes,
           array_agg(DISTINCT i.commune_code) AS communes,
           coalesce(sum(i.population), 0) AS population, coalesce(sum(i.area_km2), 0) AS area
    FROM claims a JOIN claims b ON b.code = a.code AND b.cpts_id > a.cpts_id
                               AND NOT (a.whole AND b.whole)
    JOIN iris i ON i.code = a.code
    GROUP BY a.cpts_id, b.cpts_id
"""
_PAIRS = text(PAIRS_SQL)


def candidate_iris_overlaps(session: Session, codes: list[str], iris: list[str],
                            self_id: int | None) -> list:
    """Rows (id, name, slug, status, area_km2, codes, communes, population, area) of the CPTS
    sharing IRIS with a candidate holding whole ``codes`` and ``iris``."""
    return session.execute(_CANDIDATE, {"codes": list(codes), "iris": list(iris),
                                        "self": self_id}).all()


def iris_pairs(session: Session) -> list:
    """Rows (a_id, b_id, codes, communes, population, area) of every IRIS-level pair."""
    return session.execute(_PAIRS).all()


def units_geojson(session: Session, communes, iris) -> dict | None:
    """The union of whole communes and IRIS, as GeoJSON (what a map draws of an overlap)."""
    raw = session.execute(text("""
        SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Union(u.geom), 3)), 6) FROM (
          SELECT geom FROM commune WHERE code = ANY(:communes)
          UNION ALL SELECT geom FROM iris WHERE code = ANY(:iris)) u"""),
                          {"communes": list(communes), "iris": list(iris)}).scalar()
    return json.loads(raw) if raw else None


def add_iris(item: dict, codes, population, area, communes, arbitrated_communes) -> None:
    """Fold an IRIS-level overlap into an overlap item or pair (``level`` becomes "iris")."""
    item["shared_iris"] = list(codes)
    item["population_affected"] += int(round(float(population)))
    item["overlap_area_km2"] = round(item["overlap_area_km2"] + float(area), 4)
    item["level"] = "iris"  # population_method stays "communes": an exact sum over units
    whole = set(item["shared_communes"]) | set(communes)
    item["arbitrated"] = bool(whole) and whole <= set(arbitrated_communes)
    item["arbitrated_communes"] = sorted(set(item["arbitrated_communes"])
                                         | (set(communes) & set(arbitrated_communes)))


# Drawn territories against IRIS, geometric (geography km²), population weighted by the share
# of each IRIS's area inside: a drawn candidate against the IRIS CPTS hold in the communes it
# cuts, or IRIS of a candidate against the drawn CPTS (their subdivided parts).
_DRAWN_VS_HELD = text("""
    WITH t AS (SELECT ST_GeomFromEWKB(decode(:g, 'hex')) AS g),
    o AS (
      SELECT ci.cpts_id, i.code, i.population, i.area_km2,
             ST_CollectionExtract(ST_Intersection(i.geom, t.g), 3) AS g
      FROM t JOIN cpts_iris ci ON ci.commune_code = ANY(:communes)
      JOIN iris i ON i.code = ci.iris_code AND ST_Intersects(i.geom, t.g))
    SELECT k.id, k.name, k.slug, k.status, k.area_km2, {measures}
    FROM o JOIN cpts k ON k.id = o.cpts_id AND k.status <> 'rejete'
                      AND k.id IS DISTINCT FROM CAST(:self AS integer)
    WHERE {sliver}
    GROUP BY k.id
""")
_HELD_VS_DRAWN = text("""
    WITH o AS (
      SELECT p.cpts_id, i.code, i.population, i.area_km2,
             ST_CollectionExtract(ST_Intersection(i.geom, p.geom), 3) AS g
      FROM iris i JOIN cpts_part p ON ST_Intersects(i.geom, p.geom)
      WHERE i.code = ANY(:iris))
    SELECT k.id, k.name, k.slug, k.status, k.area_km2, {measures}
    FROM o JOIN cpts k ON k.id = o.cpts_id AND k.status <> 'rejete'
                      AND k.id IS DISTINCT FROM CAST(:self AS integer)
    WHERE {sliver}
    GROUP BY k.id
""")
#: IRIS a drawing only touches (or cuts by a hair, edges redrawn in another projection) are not
#: listed: the same share as the communes a drawing cuts (territory.MIN_COMMUNE_SHARE).
_SLIVER = "ST_Area(o.g::geography) / 1e6 >= 1e-4 * coalesce(o.area_km2, 0)"
_MEASURES = """
    sum(ST_Area(o.g::geography)) / 1e6 AS area,
    sum(coalesce(o.population, 0) * ST_Area(o.g::geography) / 1e6
        / nullif(o.area_km2, 0)) AS population,
    array_agg(DISTINCT o.code) AS codes,
    CASE WHEN :with_geometry THEN ST_AsGeoJSON(ST_Multi(ST_Union(o.g)), 6) END AS geometry"""
_DRAWN_VS_HELD = text(_DRAWN_VS_HELD.text.format(measures=_MEASURES, sliver=_SLIVER))
_HELD_VS_DRAWN = text(_HELD_VS_DRAWN.text.format(measures=_MEASURES, sliver=_SLIVER))


def drawn_iris_overlaps(session: Session, *, geom_hex: str | None = None, communes=(),
                        iris=(), self_id: int | None, with_geometry: bool) -> list:
    """Rows (id, name, slug, status, area_km2, area, population, codes, geometry): a drawn
    candidate (``geom_hex``, cutting ``communes``) against the IRIS CPTS hold there, or the
    ``iris`` of a candidate against drawn CPTS."""
    params = {"self": self_id, "with_geometry": with_geometry}
    if geom_hex is not None:
        if not communes:
            return []
        return session.execute(_DRAWN_VS_HELD, {**params, "g": geom_hex,
                                                "communes": list(communes)}).all()
    if not iris:
        return []
    return session.execute(_HELD_VS_DRAWN, {**params, "iris": list(iris)}).all()
