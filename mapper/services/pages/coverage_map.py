"""The coverage map: communes of a département or région with the CPTS claiming them, the zones
blanches and the communes several CPTS claim, with totals."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...maps.data import CoverageCommune, CoverageTotals
from ..territories.coverage import coverage_geojson
from .territory_map import check_area


@dataclass
class CoverageRow:
    code: str
    nom: str
    population: int | None
    cpts: list[str]


@dataclass
class CoverageMap:
    communes: list[CoverageCommune]
    totals: CoverageTotals
    cpts_names: dict[int, str]
    uncovered: list[CoverageRow]
    multiple: list[CoverageRow]
    region: str | None
    departement: str | None

    @property
    def population_covered(self) -> int:
        return (self.totals.population_total or 0) - (self.totals.population_uncovered or 0)


def coverage_map(session: Session, departement: str | None = None, region: str | None = None,
                 status: str | None = None) -> CoverageMap:
    """Communes of a département / région with the CPTS claiming them, and the totals."""
    check_area(region, departement)
    fc = coverage_geojson(session, departement=departement, region=region, status=status)
    ids = sorted({i for f in fc["features"] for i in f["properties"]["covered_by"]})
    names = {r[0]: r[1] for r in session.execute(
        text("SELECT id, name FROM cpts WHERE id = ANY(:ids)"), {"ids": ids})} if ids else {}
    communes, uncovered, multiple = [], [], []
    pop_total = pop_uncovered = pop_multiple = 0
    for f in fc["features"]:
        p = f["properties"]
        by = list(p["covered_by"])
        population = p.get("population") or 0
        communes.append(CoverageCommune(p["code"], p["nom"], population, f["geometry"], by))
        pop_total += population
        row = CoverageRow(p["code"], p["nom"], population, [names.get(i, str(i)) for i in by])
        if not by:
            uncovered.append(row)
            pop_uncovered += population
        elif len(by) > 1:
            multiple.append(row)
            pop_multiple += population
    totals = CoverageTotals(len(communes), len(uncovered), len(multiple), pop_total,
                            pop_uncovered, pop_multiple)
    return CoverageMap(communes, totals, names, uncovered, multiple,
                       region, departement)
