"""Overlap areas for the territories map: one piece per set of claimants, and who touches whom.

Commune territories: every commune claimed by two or more (non-rejected) CPTS is grouped with
the other communes claimed by exactly the same CPTS, and each group is drawn as the union of
its communes (a lone commune as it is; several snapped first to the grid of the decimals
written, which keeps shared borders shared and makes the union half as long; dissolved by
``geo.dissolve``, a coverage union five times faster than ``ST_Union``): Nice claimed by three
CPTS is one piece naming the three. Drawn territories are
compared geometrically by ``overlap_pairs`` (one piece per pair: the intersection).

``adjacency`` gives the pairs of CPTS whose outlines touch or overlap, for the map
to colour neighbours differently.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...geo.dissolve import dissolve, touching_pairs
from ...maps.data import GeoJSONText

#: Simplification of the outlines drawn on a région map (degrees, ≈ 80 m: under a pixel up to
#: zoom 10; ST_Simplify keeping collapsed parts: ST_SimplifyPreserveTopology is 20 times slower
#: for no visible gain here), written with 4 decimals (≈ 10 m).
SIMPLIFY_DEGREES = 0.0008
DECIMALS = 4


@dataclass
class OverlapPiece:
    """CPTS ids claiming the piece, its communes ("Nom (code)"), population, area, geometry
    (PostGIS's GeoJSON text for the commune pieces, a GeoJSON dict for the drawn ones)."""

    claimant_ids: list[int]
    communes: list[str] = field(default_factory=list)
    population: int | None = None
    area_km2: float | None = None
    estimated: bool = False
    geometry: GeoJSONText | dict | None = None


_COMMUNE_PIECES = text("""
    WITH claims AS (
        SELECT cc.commune_code, array_agg(cc.cpts_id ORDER BY cc.cpts_id) AS ids
        FROM cpts_commune cc JOIN cpts k ON k.id = cc.cpts_id AND k.status <> 'rejete'
        WHERE cc.commune_code IN (SELECT commune_code FROM cpts_commune
                                  WHERE cpts_id = ANY(CAST(:ids AS int[])))
        GROUP BY cc.commune_code HAVING count(*) > 1),
    pieces AS (
        SELECT cl.ids, array_agg(c.code) AS codes,
               array_agg(c.name || ' (' || c.code || ')' ORDER BY c.population DESC NULLS LAST,
                         c.code) AS communes,
               sum(c.population) AS population, sum(c.area_km2) AS area
        FROM claims cl JOIN commune c ON c.code = cl.commune_code
        WHERE cl.ids && CAST(:ids AS int[])
        GROUP BY cl.ids)
    SELECT p.ids, p.communes, p.population, p.area,
           CASE WHEN cardinality(p.codes) = 1
               THEN ARRAY(SELECT ST_AsBinary(geom) FROM commune WHERE code = p.codes[1])
               ELSE ARRAY(SELECT ST_AsBinary(ST_SnapToGrid(geom, :grid)) FROM commune
                          WHERE code = ANY(p.codes)) END AS parts
    FROM pieces p
    ORDER BY p.population DESC NULLS LAST, p.ids
""")

#: The dissolved pieces (WKB, in order) simplified and written as GeoJSON, with their boxes.
#: Driver SQL, for psycopg's ``%b``: the WKB go in binary (hex-escaped text costs twice the time).
_OUTLINES = """
    SELECT ST_AsGeoJSON(s.geom, %(decimals)s) AS geometry,
           ST_XMin(s.geom) AS west, ST_YMin(s.geom) AS south,
           ST_XMax(s.geom) AS east, ST_YMax(s.geom) AS north
    FROM unnest(%(shapes)b::bytea[]) WITH ORDINALITY AS u(wkb, n)
    CROSS JOIN LATERAL (SELECT ST_Simplify(ST_GeomFromWKB(u.wkb, 4326), %(tol)s, true) AS geom) s
    ORDER BY u.n
"""
_OUTLINES_OF = text("SELECT id, ST_AsBinary(geom) AS wkb FROM cpts WHERE id = ANY(:ids)")

def commune_pieces(session: Session, ids: list[int]) -> list[OverlapPiece]:
    """Shared communes grouped by their set of claimants (any of ``ids`` among them)."""
    if not ids:
        return []
    rows = session.execute(_COMMUNE_PIECES, {"ids": list(ids), "grid": 10.0 ** -DECIMALS}).all()
    shapes = [dissolve(r.parts) for r in rows]
    outlines = session.connection().exec_driver_sql(_OUTLINES, {
        "shapes": shapes, "tol": SIMPLIFY_DEGREES, "decimals": DECIMALS}).all() if rows else []
    return [OverlapPiece(list(r.ids), list(r.communes),
                         None if r.population is None else int(r.population),
                         None if r.area is None else round(float(r.area), 4), False,
                         GeoJSONText(o.geometry, (o.west, o.south, o.east, o.north))
                         if o.geometry else None) for r, o in zip(rows, outlines)]


def drawn_pieces(pairs: list[dict], ids: set[int]) -> list[OverlapPiece]:
    """The geometric overlaps (a drawn territory involved) of ``overlap_pairs``, one per pair."""
    out = []
    for pair in pairs:
        claimants = [pair["a"]["id"], pair["b"]["id"]]
        if pair["shared_communes"] or not ids.intersection(claimants):
            continue
        out.append(OverlapPiece(claimants, [], pair["population_affected"],
                                pair["overlap_area_km2"],
                                pair["population_method"] != "communes", pair.get("geometry")))
    return out


def adjacency(session: Session, ids: list[int]) -> list[tuple[int, int]]:
    """Pairs of CPTS (among ``ids``) whose outlines touch or overlap (commune territories
    share their communes' borders exactly, so touching is exact)."""
    if len(ids) < 2:
        return []
    rows = session.execute(_OUTLINES_OF, {"ids": list(ids)}).all()
    return touching_pairs([r.id for r in rows], [r.wkb for r in rows])


def claimant_info(session: Session, ids: set[int]) -> dict[int, tuple[str, str, str]]:
    """id -> (name, slug, status) of these CPTS (claimants may lie outside the area)."""
    if not ids:
        return {}
    rows = session.execute(text("SELECT id, name, slug, status FROM cpts WHERE id = ANY(:ids)"),
                           {"ids": sorted(ids)})
    return {r.id: (r.name, r.slug, r.status) for r in rows}
