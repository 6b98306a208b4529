"""The coverage map: communes of a département or région with the CPTS claiming them, the zones
blanches and the communes several CPTS claim, with totals."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...maps.data import CoverageCommune, CoverageTotals
from ...vocab import french_key
from ..territories.coverage import coverage, coverage_geojson
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
    #: What the figures cannot count (``coverage``'s ``missing``).
    missing: dict
    #: Communes split between CPTS by IRIS, counted at IRIS level (``iris_level_communes``).
    iris_level: list = field(default_factory=list)

    @property
    def population_covered(self) -> int:
        return (self.totals.population_total or 0) - (self.totals.population_uncovered or 0)


def coverage_map(session: Session, departement: str | None = None, region: str | None = None,
                 status: str | None = None) -> CoverageMap:
    """Communes of a département / région with the CPTS claiming them, and the figures of the
    coverage report (the same as the API's and the ARS review's: same order, same gaps)."""
    check_area(region, departement)
    report = coverage(session, departement=departement, region=region, status=status)
    fc = coverage_geojson(session, departement=departement, region=region, status=status)
    ids = sorted({i for f in fc["features"] for i in f["properties"]["covered_by"]})
    names = {r[0]: r[1] for r in session.execute(
        text("SELECT id, name FROM cpts WHERE id = ANY(:ids)"), {"ids": ids})} if ids else {}
    communes = [CoverageCommune(f["properties"]["code"], f["properties"]["nom"],
                                f["properties"].get("population") or 0, f["geometry"],
                                list(f["properties"]["covered_by"])) for f in fc["features"]]

    def rows(items) -> list[CoverageRow]:
        return [CoverageRow(c["code"], c["nom"], c["population"],
                            sorted((names.get(i, str(i)) for i in c.get("cpts", ())),
                                   key=french_key)) for c in items]

    uncovered = rows(report["uncovered_communes"])
    multiple = rows(report["multi_covered_communes"])
    totals = CoverageTotals(report["communes_total"], len(uncovered), len(multiple),
                            report["population_total"], report["population_uncovered"],
                            sum(c.population or 0 for c in multiple))
    return CoverageMap(communes, totals, names, uncovered, multiple, region, departement,
                       report["missing"], report.get("iris_level_communes", []))
