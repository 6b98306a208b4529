"""Import commune polygons from GeoJSON FeatureCollections.

Accepts the open-data files (properties ``code``, ``nom``, ``type``, ``departement``,
``commune``) and API Géo's ``format=geojson&geometry=contour`` output (``code``, ``nom``,
``codeDepartement``, ``codeRegion``, ``population``). Streams features with ijson so that a
whole-country file never becomes one object graph; validates each geometry with shapely (invalid
rings are repaired with ``make_valid``, keeping the areal part); COPYs the good rows into a
staging table; upserts by code in one statement. One transaction per file: a file either lands
with its report or not at all.
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Iterator

import ijson
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from ..models import CITY_ARRONDISSEMENTS
from ..reference import departement_of, region_of_departement
from ..schemas.fields import INT4_MAX, text_problem
from .report import FileRefused, ImportReport
from .staging import copy_rows, create_staging


_PARENT_OF = {arr: city for city, arrs in CITY_ARRONDISSEMENTS.items() for arr in arrs}
_COLUMNS = ("code", "name", "kind", "parent_code", "departement", "region", "population", "geom")


class FeatureRejected(ValueError):
    pass


class CommunesFormatError(FileRefused):
    """Not a GeoJSON FeatureCollection, or not readable to its end: nothing is imported."""


def _areal(geom) -> MultiPolygon:
    """Keep only the polygonal part of a (repaired) geometry, as a MultiPolygon."""
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polys = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polys)


def parse_geometry(raw: dict | None) -> tuple[MultiPolygon, bool]:
    """Return (multipolygon, repaired). Raises FeatureRejected with a user-readable reason."""
    if not raw:
        raise FeatureRejected("no geometry")
    kind = raw.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise FeatureRejected(f"non-areal geometry: {kind}")
    try:
        geom = shape(raw)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise FeatureRejected(f"unparsable geometry: {exc}") from None
    if geom.is_empty:
        raise FeatureRejected("empty geometry")
    if not shapely.is_valid(geom):
        fixed = _areal(shapely.make_valid(geom))
        if fixed.is_empty or fixed.area == 0:
            raise FeatureRejected(f"invalid geometry that cannot be repaired: "
                                  f"{shapely.is_valid_reason(geom)}")
        return fixed, True
    return _areal(geom), False


def _text(props: dict, *names: str) -> str:
    """The first property of ``names`` as stripped text; FeatureRejected when unstorable."""
    value = next((props.get(n) for n in names if props.get(n)), None)
    text = str(value or "").strip()
    problem = text_problem(text)
    if problem:
        raise FeatureRejected(f"{names[0]}: {problem}")
    return text


def _population(props: dict) -> int | None:
    population = props.get("population")
    if population is None:
        return None
    try:
        population = int(population)
    except (TypeError, ValueError, OverflowError):
        raise FeatureRejected(f"population is not an integer: {str(population)[:40]!r}") from None
    if not 0 <= population <= INT4_MAX:
        raise FeatureRejected(f"population out of range: {population}")
    return population


def _row(props: dict, geom: MultiPolygon) -> tuple:
    code = _text(props, "code")
    if not code:
        raise FeatureRejected("no code")
    if len(code) != 5 or not code.isascii() or not code.isalnum():
        raise FeatureRejected(f"malformed INSEE code {code[:20]!r}")
    name = _text(props, "nom", "name")
    if not name:
        raise FeatureRejected("no name (nom)")
    is_arr = props.get("type") == "arrondissement-municipal" or code in _PARENT_OF
    parent = _text(props, "commune", "codeParent")[:5] or _PARENT_OF.get(code)
    dep = _text(props, "departement", "codeDepartement")[:3] or departement_of(code)
    region = _text(props, "codeRegion", "region")[:3] or region_of_departement(dep)
    ewkb = shapely.to_wkb(shapely.set_srid(geom, 4326), hex=True, include_srid=True)
    return (code, name[:200], "arrondissement" if is_arr else "commune",
            parent if is_arr else None, str(dep), region, _population(props), ewkb)


def iter_features(fh: IO[bytes]) -> Iterator[dict]:
    return ijson.items(fh, "features.item", use_float=True)


def check_collection(path: Path) -> None:
    """The file is a GeoJSON object ``{"type": "FeatureCollection", "features": [...]}``
    (streamed: it stops as soon as both are seen, usually at the first bytes)."""
    kind, has_features = None, False
    with open(path, "rb") as fh:
        try:
            for prefix, event, value in ijson.parse(fh):
                if prefix == "" and event in ("start_array", "string", "number", "boolean"):
                    break  # not an object at all
                if prefix == "type" and event == "string":
                    kind = value
                elif prefix == "features" and event == "start_array":
                    has_features = True
                if kind is not None and has_features:
                    return
        except ijson.JSONError as exc:
            raise CommunesFormatError(f"{path}: unreadable JSON: {exc}") from None
    raise CommunesFormatError(
        f"{path}: not a GeoJSON FeatureCollection (type {kind!r}, features "
        f"{'present' if has_features else 'missing'}): export the layer as a FeatureCollection")


_SKIP_WHOLE_CITIES = """
    DELETE FROM stage_commune s
    WHERE s.code = ANY(%(cities)s)
      AND (EXISTS (SELECT 1 FROM stage_commune a WHERE a.parent_code = s.code)
           OR EXISTS (SELECT 1 FROM commune a WHERE a.parent_code = s.code))
    RETURNING s.code
"""

_UPSERT = """
    WITH up AS (
      INSERT INTO commune AS c (code, name, kind, parent_code, departement, region,
                               population, population_year, area_km2, geom)
      SELECT code, name, kind, parent_code, departement, region, population,
             CASE WHEN population IS NOT NULL THEN %(year)s::int END,
             ST_Area(geom::geography) / 1e6, ST_Multi(geom)
      FROM stage_commune
      ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name, kind = EXCLUDED.kind, parent_code = EXCLUDED.parent_code,
        departement = EXCLUDED.departement,
        region = coalesce(EXCLUDED.region, c.region),
        population = coalesce(EXCLUDED.population, c.population),
        population_year = coalesce(EXCLUDED.population_year, c.population_year),
        area_km2 = EXCLUDED.area_km2, geom = EXCLUDED.geom
      WHERE (c.name, c.kind, c.parent_code, c.departement, c.region)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.parent_code,
                                EXCLUDED.departement, coalesce(EXCLUDED.region, c.region))
         OR (EXCLUDED.population IS NOT NULL AND c.population IS DISTINCT FROM EXCLUDED.population)
         OR c.geom IS DISTINCT FROM EXCLUDED.geom  -- PostGIS 3 '=': same coordinates
      RETURNING c.code, (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
           (SELECT count(*) FROM stage_commune),
           coalesce(array_agg(code) FILTER (WHERE NOT inserted), '{}') FROM up
"""


def _features(path: Path, report: ImportReport) -> Iterator[tuple]:
    """The staging rows of the file's good features; bad ones go to the report."""
    seen: set[str] = set()
    with open(path, "rb") as fh:
        try:
            for i, feature in enumerate(iter_features(fh), start=1):
                props = (feature or {}).get("properties") or {}
                try:
                    geom, repaired = parse_geometry((feature or {}).get("geometry"))
                    row = _row(props, geom)
                except FeatureRejected as exc:
                    report.reject(f"feature {i}", str(exc), str(props.get("code") or "") or None)
                    continue
                if row[0] in seen:
                    report.reject(f"feature {i}", "duplicate code in the file", row[0])
                    continue
                seen.add(row[0])
                if repaired:
                    report.add("repaired")
                yield row
        except ijson.JSONError as exc:  # truncated or corrupt: nothing of the file lands
            raise CommunesFormatError(f"{path}: unreadable JSON after feature "
                                      f"{len(seen) + len(report.rejected)}: {exc}") from None


def import_communes_file(session, path: Path | str, *,
                         population_year: int | None = None) -> ImportReport:
    """Upsert every feature of one file inside the caller's transaction.

    A whole-city feature (75056, 69123, 13055) is skipped when its arrondissements are in the
    file or already stored: CPTS are defined by arrondissement, and keeping both would double
    the city's area and population.
    """
    path = Path(path)
    check_collection(path)
    report = ImportReport(source=str(path))
    for name in ("inserted", "updated", "unchanged", "repaired"):
        report.counts[name] = 0
    create_staging(session, "stage_commune",
                   "code text, name text, kind text, parent_code text, departement text, "
                   "region text, population int, geom geometry")
    copy_rows(session, "stage_commune", _COLUMNS, _features(path, report))
    run = session.connection().exec_driver_sql
    skipped = run(_SKIP_WHOLE_CITIES, {"cities": sorted(CITY_ARRONDISSEMENTS)}).scalars().all()
    if skipped:
        report.counts["skipped_whole_city"] = len(skipped)
        report.notes.append("whole-city codes skipped (arrondissements present): "
                            + ", ".join(skipped))
    inserted, updated, staged, report.changed = run(_UPSERT, {"year": population_year}).one()
    report.counts.update(inserted=inserted, updated=updated, unchanged=staged - inserted - updated)
    run("DROP TABLE stage_commune")
    return report
