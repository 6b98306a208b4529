"""The territories map (ARS): CPTS of a région or département, each in its own colour (greedy
colouring: neighbours differ) with its name, its status as an outline, and the overlap areas —
one piece per set of claimants, listing every one of them.

Outlines are simplified for a région-wide map (``overlap_areas.SIMPLIFY_DEGREES``) and written
with 4 decimals by PostgreSQL; the label point is ``ST_PointOnSurface`` (always inside). The
GeoJSON text PostgreSQL writes is handed to the map as it is (``GeoJSONText``, with its box for
fitting the map): a région's outlines and overlap areas are a megabyte that Python never parses.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..beside import beside
from ...errors import ValidationFailed
from ...geo.colouring import greedy_colouring
from ...maps.data import Claimant, GeoJSONText, OverlapArea, TerritoryFeature
from ...vocab import FRENCH_COLLATION
from ...maps.territory_style import TERRITORY_PALETTE
from ...reference import DEPARTEMENT_REGION, REGIONS
from .. import features
from ..territories.cpts import in_departement
from ..territories.overlap_areas import (DECIMALS, SIMPLIFY_DEGREES, adjacency, claimant_info,
                                         commune_pieces, drawn_pieces)
from ..territories.pairs import overlap_pairs

#: Every CPTS of the area, its simplified outline written by PostgreSQL (passed through to the
#: page as it is: ``GeoJSONText``) with its box, and its label point.
_TERRITORIES = """
    SELECT k.id, k.name, k.slug, k.status, k.population,
           round(k.area_km2::numeric, 4) AS area_km2, ST_AsGeoJSON(s.geom, :decimals) AS geojson,
           ST_XMin(s.geom) AS west, ST_YMin(s.geom) AS south,
           ST_XMax(s.geom) AS east, ST_YMax(s.geom) AS north,
           round(ST_X(l.point)::numeric, 5)::float8 AS lon,
           round(ST_Y(l.point)::numeric, 5)::float8 AS lat
    FROM cpts k
    CROSS JOIN LATERAL (SELECT ST_Simplify(k.geom, :tolerance, true) AS geom) s
    CROSS JOIN LATERAL (SELECT ST_PointOnSurface(k.geom) AS point) l
    WHERE {condition}
    ORDER BY k.name COLLATE {collation}, k.id"""


def check_area(region: str | None, departement: str | None) -> None:
    errors = {}
    if region and region not in REGIONS:
        errors["region"] = ["code de région inconnu"]
    if departement and departement not in DEPARTEMENT_REGION:
        errors["departement"] = ["code de département inconnu"]
    if errors:
        raise ValidationFailed("Zone géographique inconnue.", errors=errors)


@dataclass
class TerritoryRow:
    id: int
    name: str
    slug: str
    status: str
    population: int | None
    area_km2: float | None


@dataclass
class AreaRow:
    """An overlap area for the page's table: its claimants (name, slug), communes, measures
    and what the ARS has to do about it (``remark``: arbitrated, both_validated, to_conciliate)."""

    claimants: list[tuple[str, str]]
    communes: list[str]
    population: int | None
    estimated: bool
    area_km2: float | None
    remark: str


@dataclass
class TerritoryMap:
    territories: list[TerritoryFeature]
    overlaps: list[OverlapArea]
    rows: list[TerritoryRow]
    overlap_rows: list[AreaRow]
    region: str | None
    departement: str | None


def _area(region, departement, status) -> tuple[str, dict]:
    return features.where([features.equals("k.region", region),
                           features.equals("k.status", status), in_departement(departement)])


def _territories(session: Session, condition: str, params: dict):
    sql = _TERRITORIES.format(condition=condition, collation=FRENCH_COLLATION)
    found = session.execute(text(sql),
                            {**params, "tolerance": SIMPLIFY_DEGREES, "decimals": DECIMALS}).all()
    rows = [TerritoryRow(r.id, r.name, r.slug, r.status, r.population,
                         None if r.area_km2 is None else float(r.area_km2)) for r in found]
    colours = greedy_colouring([r.id for r in rows], adjacency(session, [r.id for r in rows]),
                               len(TERRITORY_PALETTE))
    territories = [
        TerritoryFeature(r.id, r.name, r.slug, r.status,
                         GeoJSONText(r.geojson, (r.west, r.south, r.east, r.north)),
                         r.population, colours.get(r.id),
                         None if r.lon is None else (r.lon, r.lat))
        for r in found if r.geojson]
    return territories, rows


def _remark(claimants: list[int], pairs: dict) -> str:
    among = [pairs[k] for k in combinations(sorted(claimants), 2) if k in pairs]
    if among and all(p["arbitrated"] for p in among):
        return "arbitrated"
    if any(p["both_validated"] for p in among):
        return "both_validated"
    return "to_conciliate"


def territory_map(session: Session, settings, region: str | None = None,
                  departement: str | None = None, status: str | None = None) -> TerritoryMap:
    """CPTS of a région / département with their colours, labels and overlap areas.

    The shared communes' areas (a third of the build) are read beside the outlines and the
    pairs, on a second connection (``services.beside``)."""
    check_area(region, departement)
    condition, params = _area(region, departement, status)
    ids = set(session.execute(text(f"SELECT k.id FROM cpts k WHERE {condition}"),
                              params).scalars())
    shared_communes = beside(session, lambda other: commune_pieces(other, sorted(ids)))
    territories, rows = _territories(session, condition, params)
    pairs = overlap_pairs(session, settings, region=region) if ids else []
    by_key = {(p["a"]["id"], p["b"]["id"]): p for p in pairs}
    pieces = shared_communes() + drawn_pieces(pairs, ids)
    info = claimant_info(session, {i for piece in pieces for i in piece.claimant_ids})
    overlaps, overlap_rows = [], []
    for piece in pieces:
        claimants = tuple(Claimant(*info[i]) for i in piece.claimant_ids if i in info)
        overlap_rows.append(AreaRow([(c.name, c.slug) for c in claimants], piece.communes,
                                    piece.population, piece.estimated, piece.area_km2,
                                    _remark(piece.claimant_ids, by_key)))
        if piece.geometry:
            overlaps.append(OverlapArea(piece.geometry, claimants, piece.population,
                                        piece.area_km2, piece.estimated, tuple(piece.communes)))
    return TerritoryMap(territories, overlaps, rows, overlap_rows, region, departement)
