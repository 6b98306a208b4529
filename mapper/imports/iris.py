"""Import IGN's CONTOURS-IRIS: the sub-commune units' outlines.

The product is distributed as GeoPackage (or, in older editions, shapefile) in Lambert-93
(EPSG:2154, or the local projection overseas) with the fields CODE_IRIS, NOM_IRIS, INSEE_COM,
NOM_COM, IRIS, TYP_IRIS; GeoJSON exports of it carry the same properties. GDAL reads all of
them (through pyogrio), in batches so a whole-country file never sits in memory; the layer's
CRS is reprojected to WGS84 lon/lat with ``geo.crs`` (pyproj). Rows are COPYed into a staging
table and upserted in one statement.

All or nothing: a bad feature (code, type, commune, geometry) refuses the whole file, naming the
feature and the field; IRIS of communes not loaded are counted and skipped, as the commune
layer may hold one région only.
"""
from __future__ import annotations

import re
from pathlib import Path

import pyogrio
from pyogrio.raw import read as read_raw
import shapely

from ..geo.crs import CrsProblem, declared_crs, to_wgs84
from ..schemas.fields import text_problem
from .communes import FeatureRejected, _areal
from .report import FileRefused, ImportReport
from .staging import copy_rows, create_staging

IRIS_CODE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})\d{4}$")
FIELDS = ("CODE_IRIS", "NOM_IRIS", "INSEE_COM", "TYP_IRIS")
BATCH = 2_000
#: Rejections named in the refusal message (the report holds them all).
SHOWN = 20

_UPSERT = """
    INSERT INTO iris (code, name, commune_code, kind, area_km2, geom)
    SELECT s.code, s.name, s.commune_code, s.kind, ST_Area(s.geom::geography) / 1e6,
           ST_Multi(s.geom)
    FROM stage_iris s JOIN commune c ON c.code = s.commune_code
    ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name, commune_code = EXCLUDED.commune_code, kind = EXCLUDED.kind,
        area_km2 = EXCLUDED.area_km2, geom = EXCLUDED.geom
    RETURNING commune_code
"""


class IrisFormatError(FileRefused):
    """Not a readable CONTOURS-IRIS layer, or a bad feature: nothing is imported."""


def _field_names(path: Path) -> dict[str, str]:
    """Upper-cased field name → the file's spelling; refuses a file without the IRIS fields."""
    try:
        info = pyogrio.read_info(path)
    except Exception as exc:  # GDAL raises its own DataSourceError/DataLayerError
        raise IrisFormatError(f"{path}: not a readable GeoPackage/shapefile/GeoJSON: "
                              f"{exc}") from None
    names = {str(n).upper(): str(n) for n in info["fields"]}
    missing = [f for f in FIELDS if f not in names]
    if missing:
        raise IrisFormatError(f"{path}: fields {', '.join(missing)} are missing "
                              f"(CONTOURS-IRIS has CODE_IRIS, NOM_IRIS, INSEE_COM, TYP_IRIS); "
                              f"found {list(info['fields'])}")
    if info.get("geometry_type") in (None, "None") or not info.get("crs"):
        raise IrisFormatError(f"{path}: the layer has no geometry or no coordinate system")
    names["_crs"] = info["crs"]
    names["_count"] = int(info.get("features") or 0)
    return names


def _row(values: dict, wkb, read) -> tuple:
    """One staged row from a feature's fields and WKB geometry; FeatureRejected names the field."""
    code = str(values["CODE_IRIS"] or "").strip().upper()
    if not IRIS_CODE_RE.match(code):
        raise FeatureRejected(f"CODE_IRIS: 9 characters expected (commune code + 4 digits), "
                              f"got {code[:20]!r}")
    commune = str(values["INSEE_COM"] or "").strip().upper()
    if commune != code[:5]:
        raise FeatureRejected(f"INSEE_COM: {commune[:20]!r} is not the commune of {code}")
    kind = str(values["TYP_IRIS"] or "").strip().upper()
    if kind not in ("H", "A", "D", "Z"):
        raise FeatureRejected(f"TYP_IRIS: H, A, D or Z expected, got {kind[:20]!r}")
    name = str(values["NOM_IRIS"] or "").strip()
    if not name or text_problem(name):
        raise FeatureRejected(f"NOM_IRIS: {text_problem(name) or 'empty'}")
    if wkb is None:
        raise FeatureRejected("geometry: none")
    geom = shapely.from_wkb(wkb)
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise FeatureRejected(f"geometry: {geom.geom_type} is not an areal geometry")
    if read.reprojected:
        try:
            geom = shapely.transform(geom, lambda xy: to_wgs84(xy, read))
        except CrsProblem as exc:
            raise FeatureRejected(f"geometry: {exc}") from None
    if not shapely.is_valid(geom):
        geom = _areal(shapely.make_valid(geom))
        if geom.is_empty:
            raise FeatureRejected("geometry: invalid and cannot be repaired")
    ewkb = shapely.to_wkb(shapely.set_srid(_areal(geom), 4326), hex=True, include_srid=True)
    return (code, name[:200], commune, kind, ewkb)


def _features(path: Path, names: dict, report: ImportReport):
    try:
        read = declared_crs({"type": "name", "properties": {"name": names["_crs"]}})
    except CrsProblem as exc:
        raise IrisFormatError(f"{path}: {exc}") from None
    columns = [names[f] for f in FIELDS]
    seen: set[str] = set()
    number = 0
    for skip in range(0, max(names["_count"], 1), BATCH):
        meta, _, geometries, data = read_raw(path, columns=columns, skip_features=skip,
                                             max_features=BATCH)
        read_fields = [str(n).upper() for n in meta["fields"]]
        for i, wkb in enumerate(geometries):
            number += 1
            values = {f: data[k][i] for k, f in enumerate(read_fields)}
            try:
                row = _row(values, wkb, read)
            except FeatureRejected as exc:
                report.reject(f"feature {number}", str(exc), str(values["CODE_IRIS"])[:9])
                continue
            if row[0] in seen:
                report.reject(f"feature {number}", "CODE_IRIS: duplicate code", row[0])
                continue
            seen.add(row[0])
            yield row


def refuse_if_rejected(path: Path, report: ImportReport) -> None:
    """All or nothing: any rejection refuses the file, naming the first ones."""
    if report.ok:
        return
    shown = "; ".join(f"{r.where}: {r.reason}" for r in report.rejected[:SHOWN])
    more = f" (and {len(report.rejected) - SHOWN} more)" if len(report.rejected) > SHOWN else ""
    raise IrisFormatError(f"{path}: {len(report.rejected)} bad row(s): {shown}{more}")


def import_iris_contours(session, path: Path | str) -> ImportReport:
    """Upsert IRIS outlines from a CONTOURS-IRIS file; ``report.changed``: the communes."""
    path = Path(path)
    report = ImportReport(source=str(path))
    names = _field_names(path)
    create_staging(session, "stage_iris", "code text primary key, name text, commune_code text, "
                   "kind text, geom geometry")
    read = copy_rows(session, "stage_iris", ("code", "name", "commune_code", "kind", "geom"),
                     _features(path, names, report))
    refuse_if_rejected(path, report)
    run = session.connection().exec_driver_sql
    communes = run(_UPSERT).scalars().all()
    report.changed = sorted(set(communes))
    run("DROP TABLE stage_iris")
    report.counts.update(read=read, imported=len(communes), no_commune=read - len(communes))
    return report
