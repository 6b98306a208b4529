"""The territory value object: parsed, validated and measured (population, area, région).

A territory is a list of communes (INSEE codes; Paris, Lyon and Marseille by arrondissement, the
whole-city codes expand) or a drawn MultiPolygon. The check (``check.py``) and the CPTS
lifecycle (``lifecycle.py``) build it with the same function, so what the check says is what a
create/validate will enforce.

Measurements: areas are computed on the ellipsoid (``geography``), in km². For commune-based
territories the area is the sum of the communes' own geography areas (communes tile the country,
so this equals the area of their union without computing the union).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import ValidationFailed
from ...geo import GeometryError, parse_areal, to_ewkb_hex
from ...models import CITY_ARRONDISSEMENTS
from ...schemas.territories import MAX_COMMUNES
from ...vocab import size_category

CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
IRIS_RE = re.compile(r"^(\d{5}|2[AB]\d{3})\d{4}$")
#: Communes a drawn polygon touches by less than this share of their area are not listed.
MIN_COMMUNE_SHARE = 1e-4


@dataclass
class Territory:
    """A checked territory, ready to be measured, compared or stored."""

    kind: str  # "communes" | "drawn"
    codes: list[str] = field(default_factory=list)  # communes kind: the member codes, sorted
    #: communes kind: IRIS codes held in communes split between CPTS (the commune is then not
    #: in ``codes``), sorted
    iris: list[str] = field(default_factory=list)
    geom_hex: str | None = None  # drawn kind: EWKB hex of the MultiPolygon (SRID 4326)
    expanded: dict[str, list[str]] = field(default_factory=dict)
    repaired: bool = False
    #: drawn kind: the coordinate system the upload was read in (``geo.CrsRead.as_dict``)
    crs: dict | None = None
    # Filled by measure():
    population: int = 0
    population_year: int | None = None
    area_km2: float = 0.0
    region: str | None = None
    communes: list[dict] = field(default_factory=list)
    #: drawn kind: commune code → (km² of the commune inside, population weighted by the share,
    #: share of the commune's area inside)
    cut: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    #: communes kind: the IRIS held, {code, nom, commune, population} (measure())
    iris_units: list[dict] = field(default_factory=list)

    @property
    def size_category(self) -> int:
        return size_category(self.population)

    def summary(self) -> dict:
        return {"population": self.population, "population_year": self.population_year,
                "area_km2": round(self.area_km2, 4), "size_category": self.size_category}


# -- parsing ---------------------------------------------------------------------------------

def parse_communes(raw, field_name: str = "communes") -> tuple[list[str], dict[str, list[str]]]:
    """Codes as given → (sorted unique codes with whole cities expanded, expansions)."""
    if not isinstance(raw, (list, tuple)):
        raise ValidationFailed("La liste de communes est invalide.",
                               errors={field_name: ["une liste de codes INSEE est attendue"]})
    if not raw:
        raise ValidationFailed("Le territoire est vide.",
                               errors={field_name: ["au moins une commune est requise"]})
    if len(raw) > MAX_COMMUNES:
        raise ValidationFailed("Trop de communes.",
                               errors={field_name: [f"au plus {MAX_COMMUNES} communes"]})
    bad = [c for c in raw if not isinstance(c, str) or not CODE_RE.match(c.strip())]
    if bad:
        shown = ", ".join(repr(c) for c in bad[:20])
        raise ValidationFailed(f"Codes INSEE mal formés : {shown}.",
                               errors={field_name: [f"codes INSEE mal formés : {shown}"]},
                               extra={"unknown_communes": [str(c) for c in bad]})
    codes: set[str] = set()
    expanded: dict[str, list[str]] = {}
    for code in (c.strip().upper() for c in raw):
        if code in CITY_ARRONDISSEMENTS:
            expanded[code] = list(CITY_ARRONDISSEMENTS[code])
            codes.update(CITY_ARRONDISSEMENTS[code])
        else:
            codes.add(code)
    return sorted(codes), expanded


def parse_iris(raw) -> list[str]:
    """IRIS codes as given → sorted unique codes (9 characters: commune code + 4 digits)."""
    if not isinstance(raw, (list, tuple)):
        raise ValidationFailed("La liste d'IRIS est invalide.",
                               errors={"iris": ["une liste de codes IRIS est attendue"]})
    if len(raw) > MAX_COMMUNES:
        raise ValidationFailed("Trop d'IRIS.", errors={"iris": [f"au plus {MAX_COMMUNES} IRIS"]})
    bad = [c for c in raw if not isinstance(c, str) or not IRIS_RE.match(c.strip().upper())]
    if bad:
        shown = ", ".join(repr(c) for c in bad[:20])
        raise ValidationFailed(f"Codes IRIS mal formés : {shown}.", errors={"iris": [
            f"codes IRIS mal formés (9 caractères : code commune + 4 chiffres) : {shown}"]})
    return sorted({c.strip().upper() for c in raw})


def build_territory(session: Session, *, communes=None, geometry=None, repair: bool = False,
                    settings: Settings, iris=None) -> Territory:
    """Validate the request's territory and measure it. Raises ValidationFailed (422).

    ``iris``: IRIS codes for communes split between CPTS, next to (or instead of) ``communes``.
    """
    if iris:
        if geometry is not None:
            raise ValidationFailed("Les IRIS complètent une liste de communes, pas un tracé.",
                                   errors={"iris": ["exclusif de « geometry »"]})
        codes, expanded = parse_communes(communes) if communes else ([], {})
        territory = Territory("communes", codes=codes, expanded=expanded, iris=parse_iris(iris))
        measure(session, territory)
        return territory
    if communes is not None and geometry is not None:
        raise ValidationFailed("Donnez soit des communes, soit une géométrie, pas les deux.",
                               errors={"geometry": ["exclusif de « communes »"]})
    if communes is None and geometry is None:
        raise ValidationFailed("Le territoire est requis : « communes » ou « geometry ».",
                               errors={"communes": ["« communes » ou « geometry » est requis"]})
    if communes is not None:
        codes, expanded = parse_communes(communes)
        territory = Territory("communes", codes=codes, expanded=expanded)
    else:
        try:
            parsed = parse_areal(geometry, field="geometry", repair=repair,
                                 max_vertices=settings.max_vertices)
        except GeometryError as exc:
            raise ValidationFailed(exc.reason, errors={exc.field: [exc.reason]},
                                   extra={"geometry_error": exc.as_dict()}) from None
        territory = Territory("drawn", geom_hex=to_ewkb_hex(parsed.geom),
                              repaired=parsed.repaired, crs=parsed.crs.as_dict())
    measure(session, territory)
    return territory


# -- measuring -------------------------------------------------------------------------------

_COMMUNE_ROWS = text("""
    SELECT code, name, population, population_year, area_km2, region
    FROM commune WHERE code = ANY(:codes) ORDER BY code
""")

# Communes cut by a drawn polygon, with the area of each inside it (geography, km²). A commune
# entirely inside skips the intersection; the constant polygon is prepared once by PostGIS.
_DRAWN_ROWS = text("""
    WITH t AS (SELECT ST_GeomFromEWKB(decode(:g, 'hex')) AS g)
    SELECT c.code, c.name, c.population, c.population_year, c.area_km2, c.region,
           CASE WHEN ST_CoveredBy(c.geom, t.g) THEN c.area_km2
                ELSE ST_Area(ST_Intersection(c.geom, t.g)::geography) / 1e6 END AS inside_km2,
           ST_Area(t.g::geography) / 1e6 AS total_km2
    FROM t JOIN commune c ON ST_Intersects(c.geom, t.g)
    ORDER BY c.code
""")


def measure(session: Session, territory: Territory) -> None:
    """Population (with vintage), area (geography), région and the commune list with shares."""
    if territory.kind == "communes":
        rows = session.execute(_COMMUNE_ROWS, {"codes": territory.codes}).all()
        known = {r.code for r in rows}
        unknown = [c for c in territory.codes if c not in known]
        if unknown:
            shown = ", ".join(unknown[:50]) + (" …" if len(unknown) > 50 else "")
            raise ValidationFailed(f"Codes de communes inconnus : {shown}.",
                                   errors={"communes": [f"codes inconnus : {shown}"]},
                                   extra={"unknown_communes": unknown})
        territory.communes = [{"code": r.code, "nom": r.name, "population": r.population,
                               "share": 1.0} for r in rows]
        territory.population = sum(r.population or 0 for r in rows)
        territory.area_km2 = sum(r.area_km2 or 0.0 for r in rows)
        weights = [(r.region, r.population or 0, r.population_year) for r in rows]
        if territory.iris:
            weights += measure_iris(session, territory)
    else:
        rows = session.execute(_DRAWN_ROWS, {"g": territory.geom_hex}).all()
        if rows:
            territory.area_km2 = rows[0].total_km2
        else:
            territory.area_km2 = session.execute(
                text("SELECT ST_Area(ST_GeomFromEWKB(decode(:g, 'hex'))::geography) / 1e6"),
                {"g": territory.geom_hex}).scalar_one()
        communes, population, weights = [], 0.0, []
        for r in rows:
            share = min(1.0, (r.inside_km2 or 0.0) / r.area_km2) if r.area_km2 else 0.0
            if share < MIN_COMMUNE_SHARE:
                continue
            pop = (r.population or 0) * share
            population += pop
            territory.cut[r.code] = (float(r.inside_km2), pop, share)
            communes.append({"code": r.code, "nom": r.name, "population": r.population,
                             "share": round(share, 4)})
            weights.append((r.region, pop, r.population_year))
        territory.communes = communes
        territory.population = int(round(population))
    years = [y for _, _, y in weights if y]
    territory.population_year = max(years) if years else None
    by_region: dict[str, float] = {}
    for region, pop, _ in weights:
        if region:
            by_region[region] = by_region.get(region, 0.0) + pop + 1e-9  # ties: most communes
    territory.region = max(by_region, key=by_region.get) if by_region else None


_IRIS_ROWS = text("""
    SELECT i.code, i.name, i.commune_code, c.name AS commune_name, i.population,
           i.population_year, i.area_km2, c.region
    FROM iris i JOIN commune c ON c.code = i.commune_code
    WHERE i.code = ANY(:codes) ORDER BY i.code
""")


def measure_iris(session: Session, territory: Territory) -> list[tuple]:
    """Add the IRIS held to the measures (population: the IRIS populations, not the
    commune's); returns their (région, population, vintage) weights."""
    rows = session.execute(_IRIS_ROWS, {"codes": territory.iris}).all()
    known = {r.code for r in rows}
    unknown = [c for c in territory.iris if c not in known]
    if unknown:
        shown = ", ".join(unknown[:50])
        raise ValidationFailed(f"Codes IRIS inconnus : {shown}.",
                               errors={"iris": [f"codes IRIS inconnus : {shown}"]},
                               extra={"unknown_iris": unknown})
    whole = sorted({r.commune_code for r in rows} & set(territory.codes))
    if whole:
        shown = ", ".join(whole)
        raise ValidationFailed(f"Commune donnée entière et par IRIS : {shown}.", errors={"iris": [
            f"la commune {shown} est déjà entière dans « communes » : retirez ses IRIS ou la "
            "commune"]})
    territory.iris_units = [{"code": r.code, "nom": r.name, "commune": r.commune_code,
                             "commune_nom": r.commune_name,
                             "population": round(r.population or 0.0)} for r in rows]
    territory.population += int(round(sum(r.population or 0.0 for r in rows)))
    territory.area_km2 += sum(r.area_km2 or 0.0 for r in rows)
    return [(r.region, r.population or 0.0, r.population_year) for r in rows]
