"""The territories map (ARS): CPTS of a région or département coloured by status, and their
overlaps (shared communes drawn as their union, drawn polygons as the intersection)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...errors import ValidationFailed
from ...maps.data import OverlapFeature, TerritoryFeature
from ...reference import DEPARTEMENT_REGION, REGIONS
from ..communes import communes_union_geojson
from ..territories.cpts import list_cpts_features
from ..territories.pairs import overlap_pairs


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
class OverlapRow:
    a: str
    b: str
    a_slug: str
    b_slug: str
    shared_communes: list[str]
    population: int | None
    estimated: bool
    area_km2: float | None
    both_validated: bool
    arbitrated: bool


@dataclass
class TerritoryMap:
    territories: list[TerritoryFeature]
    overlaps: list[OverlapFeature]
    rows: list[TerritoryRow]
    overlap_rows: list[OverlapRow]
    region: str | None
    departement: str | None


def territory_map(session: Session, settings, region: str | None = None,
                  departement: str | None = None, status: str | None = None) -> TerritoryMap:
    """CPTS of a région / département coloured by status, and their overlaps (shared
    communes drawn as their union, drawn polygons as the intersection)."""
    check_area(region, departement)
    fc = list_cpts_features(session, region=region, departement=departement, status=status)
    territories, rows, ids = [], [], set()
    for f in fc["features"]:
        p = f["properties"]
        ids.add(p["id"])
        rows.append(TerritoryRow(p["id"], p["name"], p["slug"], p["status"],
                                 p.get("population"), p.get("area_km2")))
        if f.get("geometry"):
            territories.append(TerritoryFeature(p["id"], p["name"], p["slug"], p["status"],
                                                f["geometry"], p.get("population")))
    overlaps, overlap_rows = [], []
    pairs = overlap_pairs(session, settings, region=region) if ids else []
    for pair in pairs:
        if pair["a"]["id"] not in ids and pair["b"]["id"] not in ids:
            continue
        estimated = pair["population_method"] != "communes"
        geometry = pair.get("geometry")
        if geometry is None and pair["shared_communes"]:
            geometry = communes_union_geojson(session, pair["shared_communes"], precision=5)
        overlap_rows.append(OverlapRow(
            pair["a"]["name"], pair["b"]["name"], pair["a"]["slug"], pair["b"]["slug"],
            list(pair["shared_communes"]), pair["population_affected"], estimated,
            pair["overlap_area_km2"], pair["both_validated"], pair["arbitrated"]))
        if geometry:
            overlaps.append(OverlapFeature(geometry, pair["a"]["name"], pair["b"]["name"],
                                           pair["population_affected"],
                                           pair["overlap_area_km2"], estimated))
    return TerritoryMap(territories, overlaps, rows, overlap_rows, region, departement)
