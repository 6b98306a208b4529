"""Intervention zones (where a professional makes home visits) for the standard APIs: what
each zone is (its communes with their names, or a radius around a named site, or a drawn
area) and, when one zone is read, its geometry, simplified so that it stays light.

The zones are public: the public map already draws them (``views.ZONES``). Nothing else of
the professional comes here.
"""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...vocab import FRENCH_COLLATION

#: Douglas–Peucker tolerance of a zone's published geometry, in degrees of the stored
#: WGS 84 coordinates (0.0002° ≈ 22 m of latitude, ≈ 15 m of longitude in metropolitan
#: France): invisible at a commune's scale, and a commune outline of thousands of vertices
#: comes down to a few hundred. ``ST_SimplifyPreserveTopology`` keeps every ring valid.
SIMPLIFY_DEGREES = 0.0002
#: Coordinates are published with 6 decimals (≈ 0.1 m).
DECIMALS = 6

_ZONES = """
    SELECT z.id, z.professional_id, z.kind, z.communes, z.radius_km, z.site_id,
           (SELECT json_agg(json_build_array(cm.code, cm.name)
                             ORDER BY cm.name COLLATE {collation}, cm.code)
            FROM commune cm WHERE cm.code = ANY(z.communes)) AS commune_names,
           s.address AS site_address,
           coalesce(s.commune_name, (SELECT cm.name FROM commune cm
                                     WHERE cm.code = s.commune_code)) AS site_commune
           {geometry}
    FROM intervention_zone z LEFT JOIN practice_site s ON s.id = z.site_id
    WHERE {where}
    ORDER BY z.professional_id, z.id
"""
_GEOMETRY = (", ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(z.geom, :tolerance)), "
             ":decimals) AS geometry")


def _zone(row) -> dict:
    out = dict(row)
    out["communes"] = list(out["communes"] or [])
    out["commune_names"] = [tuple(c) for c in out["commune_names"] or []]
    if out.get("geometry") is not None:
        out["geometry"] = json.loads(out["geometry"])
    return out


def zones_of(session: Session, professional_ids: list[int]) -> dict[int, list[dict]]:
    """The zones of each professional (without geometry), by zone id."""
    if not professional_ids:
        return {}
    rows = session.execute(text(_ZONES.format(geometry="", collation=FRENCH_COLLATION,
                                              where="z.professional_id = ANY(:ids)")),
                           {"ids": list(professional_ids)}).mappings()
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row["professional_id"], []).append(_zone(row))
    return out


def zone(session: Session, zone_id: int) -> dict:
    """One zone with its simplified GeoJSON ``geometry`` (a MultiPolygon), or NotFound."""
    row = session.execute(text(_ZONES.format(geometry=_GEOMETRY, collation=FRENCH_COLLATION,
                                             where="z.id = :id")),
                          {"id": zone_id, "tolerance": SIMPLIFY_DEGREES,
                           "decimals": DECIMALS}).mappings().first()
    if row is None:
        raise NotFound(f"Zone d'intervention introuvable : {zone_id}.")
    return _zone(row)
