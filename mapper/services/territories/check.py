"""Checking a candidate territory without writing anything: the API's answer and the page's
report (the same measures and overlaps, plus the geometries a map needs)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...config import Settings
from ...reference import REGIONS
from ...vocab import VALIDATED_STATUSES
from ..communes import commune_names, communes_union_geojson, geometry_geojson
from .neighbours import neighbours
from .overlaps import find_overlaps
from .iris_overlaps import units_geojson
from .territory import Territory, build_territory


def conflicts_with_validated(overlaps: list[dict]) -> bool:
    """An overlap with a validated CPTS blocks unless every shared commune is arbitrated."""
    return any(o["cpts"]["status"] in VALIDATED_STATUSES and not o["arbitrated"]
               for o in overlaps)


def check_territory(session: Session, *, communes=None, geometry=None, exclude_cpts=None,
                    repair: bool = False, settings: Settings, iris=None) -> dict:
    """The response of ``POST /territories/check``: measures and every overlap. Writes nothing.

    ``exclude_cpts`` is the CPTS being edited: it is left out of the overlaps, and arbitrations
    that list it apply.
    """
    territory = build_territory(session, communes=communes, geometry=geometry, repair=repair,
                                settings=settings, iris=iris)
    return check_response(session, territory, settings, self_id=exclude_cpts)


def check_response(session: Session, territory: Territory, settings: Settings,
                   self_id: int | None = None) -> dict:
    overlaps = find_overlaps(session, territory, settings, self_id=self_id)
    out = territory.summary()
    out["region"] = territory.region
    out["communes"] = territory.communes
    if territory.iris:
        out["iris"] = territory.iris_units
        out["population_level"] = "iris"
    if territory.expanded:
        out["expanded"] = territory.expanded
    if territory.repaired:
        out["repaired"] = True
    if territory.crs:
        out["crs"] = territory.crs
    out["overlaps"] = overlaps
    out["conflicts_with_validated"] = conflicts_with_validated(overlaps)
    return out


def name_shared_communes(session: Session, overlaps: list[dict]) -> None:
    """Add ``shared`` ([{code, nom}]) to each overlap, for the pages."""
    names = commune_names(session, [c for o in overlaps for c in o["shared_communes"]])
    for o in overlaps:
        o["shared"] = [{"code": c, "nom": names.get(c, c)} for c in o["shared_communes"]]


def territory_report(session: Session, *, communes=None, geometry=None, repair: bool = False,
                     settings: Settings, iris=None) -> dict:
    """``check_territory``'s answer plus what a page needs: the candidate's geometry, each
    overlap's geometry (shared communes, or the intersection when a drawing is involved) and the
    names of the shared communes. Writes nothing."""
    territory = build_territory(session, communes=communes, geometry=geometry, repair=repair,
                                settings=settings, iris=iris)
    overlaps = find_overlaps(session, territory, settings, with_geometry=True)
    if territory.kind == "communes" and territory.iris:
        shape = units_geojson(session, territory.codes, territory.iris)
    elif territory.kind == "communes":
        shape = communes_union_geojson(session, territory.codes)
    else:
        shape = geometry_geojson(session, territory.geom_hex)
    name_shared_communes(session, overlaps)
    for o in overlaps:
        if not o.get("geometry") and o["shared_communes"]:
            o["geometry"] = communes_union_geojson(session, o["shared_communes"])
    out = territory.summary()
    out.update(kind=territory.kind, region=territory.region,
               region_name=REGIONS.get(territory.region or "", territory.region),
               communes=territory.communes, codes=territory.codes,
               iris=territory.iris_units,
               expanded=territory.expanded, repaired=territory.repaired, crs=territory.crs,
               geometry=shape, neighbours=neighbours(session, shape), overlaps=overlaps,
               conflicts_with_validated=conflicts_with_validated(overlaps))
    return out
