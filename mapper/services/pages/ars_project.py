"""The ARS page of one CPTS: its measures, its territory and neighbours for the map, each
overlap with its claimant and the shared communes (name, code, every CPTS claiming it, whether an
arbitration lets them share it), and its history from the audit trail, newest first."""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...config import Settings
from ...errors import Forbidden, NotFound
from ...reference import REGIONS
from ...vocab import FRENCH_COLLATION
from ..communes import communes_union_geojson
from ..territories import get_cpts, list_arbitrations
from ..territories.check import conflicts_with_validated, name_shared_communes
from ..territories.conciliation import states_for
from ..territories.overlaps import arbitrations_for, find_overlaps
from ..territories.storage import stored_territory

#: Neighbours drawn around the CPTS: at most this many, within this distance (degrees, only a
#: search window; nothing is measured with it).
NEIGHBOURS = 40
WINDOW_DEG = 0.02
#: Simplification of the outlines sent to the map (degrees, about 20 m): a map, not a measure.
SIMPLIFY_DEG = 0.0002

_SHAPE = text("""
    SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tol), 5) FROM cpts WHERE id = :id
""")

_NEIGHBOURS = text(f"""
    SELECT n.id, n.name, n.slug, n.status, n.population,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(n.geom, :tol), 5) AS geometry
    FROM cpts k JOIN cpts n ON n.id <> k.id AND n.status <> 'rejete'
      AND ST_DWithin(n.geom, k.geom, :window)
    WHERE k.id = :id
    ORDER BY n.name COLLATE {FRENCH_COLLATION}, n.id LIMIT :limit
""")

_CLAIMS = text(f"""
    SELECT cc.commune_code AS code, k.id, k.name, k.slug, k.status
    FROM cpts_commune cc JOIN cpts k ON k.id = cc.cpts_id AND k.status <> 'rejete'
    WHERE cc.commune_code = ANY(:codes)
    ORDER BY k.name COLLATE {FRENCH_COLLATION}, k.id
""")

_HISTORY = text("""
    SELECT e.at, e.actor, e.action, e.reason, e.entity_type, e.entity_id,
           e.before ->> 'status' AS before_status, e.after ->> 'status' AS after_status,
           e.after ->> 'state' AS after_state
    FROM audit_event e
    WHERE (e.entity_type = 'cpts' AND e.entity_id = :id)
       OR (e.action = 'arbitration.record' AND e.entity_id = ANY(:codes))
       OR (e.entity_type = 'conciliation'
           AND (e.entity_id LIKE :id || '-%' OR e.entity_id LIKE '%-' || :id))
    ORDER BY e.at DESC, e.id DESC LIMIT :limit
""")


def _measures(session: Session, cpts) -> dict:
    communes = session.execute(text("""
        SELECT count(*), coalesce(array_agg(DISTINCT c.departement ORDER BY c.departement), '{}')
        FROM cpts_commune cc JOIN commune c ON c.code = cc.commune_code
        WHERE cc.cpts_id = :id"""), {"id": cpts.id}).one()
    return {"id": cpts.id, "name": cpts.name, "slug": cpts.slug, "status": cpts.status,
            "region": cpts.region, "region_name": REGIONS.get(cpts.region or "", cpts.region),
            "population": cpts.population, "population_year": cpts.population_year,
            "area_km2": cpts.area_km2, "size_category": cpts.size_category,
            "territory_kind": cpts.territory_kind, "communes": communes[0],
            "departements": [d for d in communes[1] if d]}


def project_overlaps(session: Session, cpts, settings: Settings) -> list[dict]:
    """The CPTS's overlaps with their geometry and, per shared commune, every CPTS claiming it
    and whether an arbitration lets them all share it."""
    territory = stored_territory(session, cpts)
    if territory.kind == "drawn" and not territory.geom_hex:
        return []
    overlaps = find_overlaps(session, territory, settings, self_id=cpts.id, with_geometry=True)
    name_shared_communes(session, overlaps)
    codes = sorted({c for o in overlaps for c in o["shared_communes"]})
    claims: dict[str, list[dict]] = {}
    for r in session.execute(_CLAIMS, {"codes": codes}):
        claims.setdefault(r.code, []).append({"id": r.id, "name": r.name, "slug": r.slug,
                                              "status": r.status})
    arbitrated = arbitrations_for(session, codes)
    for o in overlaps:
        if o.get("geometry") is None and o["shared_communes"]:
            o["geometry"] = communes_union_geojson(session, o["shared_communes"], precision=5)
        for commune in o["shared"]:
            commune["claimants"] = claims.get(commune["code"], [])
            commune["arbitrated"] = ({k["id"] for k in commune["claimants"]}
                                     <= arbitrated.get(commune["code"], set()))
    states_for(session, cpts.id, overlaps)
    return overlaps


def project_history(session: Session, cpts_id: int, codes, limit: int = 50) -> list[dict]:
    """Audit events of the CPTS, arbitrations of its shared communes and the conciliation of
    its overlaps, newest first."""
    rows = session.execute(_HISTORY, {"id": str(cpts_id), "codes": sorted(codes),
                                      "limit": limit})
    return [dict(r._mapping) for r in rows]


def ars_project(session: Session, principal, slug: str, settings: Settings) -> dict:
    """Everything the ARS page of a CPTS shows; Forbidden outside the reviewer's régions."""
    cpts = get_cpts(session, slug)
    if not principal.can_act_in_region(cpts.region):
        raise Forbidden("Cette CPTS est hors des régions de votre compte.")
    overlaps = project_overlaps(session, cpts, settings)
    shape = session.execute(_SHAPE, {"id": cpts.id, "tol": SIMPLIFY_DEG}).scalar()
    neighbours = [dict(r._mapping) for r in session.execute(
        _NEIGHBOURS, {"id": cpts.id, "tol": SIMPLIFY_DEG, "window": WINDOW_DEG,
                      "limit": NEIGHBOURS})]
    for n in neighbours:
        n["geometry"] = json.loads(n["geometry"]) if n["geometry"] else None
    codes = {c for o in overlaps for c in o["shared_communes"]}
    return {"cpts": _measures(session, cpts), "overlaps": overlaps,
            "conflicts_with_validated": conflicts_with_validated(overlaps),
            "geometry": json.loads(shape) if shape else None, "neighbours": neighbours,
            "history": project_history(session, cpts.id, codes)}


def shared_commune(session: Session, principal, code: str) -> dict:
    """The arbitration screen of a commune: the commune, every CPTS claiming it and the
    current arbitration (its CPTS and reason), if any."""
    row = session.execute(text("SELECT code, name, region, population FROM commune "
                               "WHERE code = :c"), {"c": code.strip().upper()}).one_or_none()
    if row is None:
        raise NotFound(f"Commune inconnue : {code}.")
    if not principal.can_act_in_region(row.region):
        raise Forbidden("Cette commune est hors des régions de votre compte ARS.")
    claimants = [{"id": r.id, "name": r.name, "slug": r.slug, "status": r.status}
                 for r in session.execute(_CLAIMS, {"codes": [row.code]})]
    current = next((a for a in list_arbitrations(session, principal, row.region)
                    if a["commune"] == row.code), None)
    return {"commune": {"code": row.code, "nom": row.name, "region": row.region,
                        "population": row.population},
            "claimants": claimants, "arbitration": current}
