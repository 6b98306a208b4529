"""Every overlapping pair of CPTS (``mapper check-overlaps``, the ARS maps and review).

Commune pairs are one set-based query over ``cpts_commune``; drawn territories are compared
geometrically, one at a time, with the same ``find_overlaps`` as a candidate territory.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ...config import Settings
from .iris_overlaps import add_iris, iris_pairs, units_geojson
from .overlaps import ratio, arbitrations_for, drawn_cut, find_overlaps
from .territory import Territory
from ...vocab import VALIDATED_STATUSES

_PAIRS_SQL = """
    SELECT a.cpts_id AS a_id, b.cpts_id AS b_id,
           array_agg(a.commune_code ORDER BY a.commune_code) AS codes,
           coalesce(sum(c.population), 0) AS population, coalesce(sum(c.area_km2), 0) AS area
    FROM cpts_commune a
    JOIN cpts_commune b ON b.commune_code = a.commune_code AND b.cpts_id > a.cpts_id
    JOIN commune c ON c.code = a.commune_code
    {where}
    GROUP BY a.cpts_id, b.cpts_id
"""
_PAIRS = text(_PAIRS_SQL.format(where=""))
#: Only the communes a CPTS of the région holds can be shared by a pair with a side in it.
_REGION_PAIRS = text(_PAIRS_SQL.format(where="""
    WHERE a.commune_code IN (SELECT x.commune_code FROM cpts_commune x
                             JOIN cpts k ON k.id = x.cpts_id WHERE k.region = :region)"""))

_CPTS_INFO = text("""
    SELECT id, name, slug, status, region, area_km2, territory_kind FROM cpts
    WHERE status <> 'rejete'
""")


def overlap_pairs(session: Session, settings: Settings, region: str | None = None) -> list[dict]:
    """Every overlapping pair of non-rejected CPTS (in ``region``: either side in it).

    Each item: ``a`` and ``b`` ({id, name, slug, status, region}), ``shared_communes``,
    ``overlap_area_km2``, ``share_of_a``, ``share_of_b``, ``population_affected``,
    ``population_method``, ``arbitrated``, ``arbitrated_communes``, ``both_validated``,
    ``level`` ("iris" when computed on the IRIS of a split commune, else "commune"),
    ``shared_iris`` and ``geometry`` (GeoJSON of the overlap when a drawn polygon or IRIS are
    involved, else null: draw the shared communes). Commune pairs are one set-based query;
    drawn territories are compared geometrically, one at a time.
    """
    info = {r.id: r for r in session.execute(_CPTS_INFO)}

    def ref(cid: int) -> dict:
        r = info[cid]
        return {"id": r.id, "name": r.name, "slug": r.slug, "status": r.status,
                "region": r.region}

    def wanted(a: int, b: int) -> bool:
        return a in info and b in info and (
            region is None or info[a].region == region or info[b].region == region)

    pairs: dict[tuple[int, int], dict] = {}
    found = session.execute(_PAIRS) if region is None else session.execute(
        _REGION_PAIRS, {"region": region})
    rows = [r for r in found if wanted(r.a_id, r.b_id)]
    arb = arbitrations_for(session, [c for r in rows for c in r.codes])
    for r in rows:
        arbitrated = [c for c in r.codes if {r.a_id, r.b_id} <= arb.get(c, set())]
        area = float(r.area)
        pairs[(r.a_id, r.b_id)] = _pair(ref(r.a_id), ref(r.b_id), list(r.codes), area,
                                        int(r.population), "communes", info, arbitrated, None)
    _fold_iris(session, pairs, info, ref, wanted)
    for cid, r in info.items():
        if r.territory_kind != "drawn":
            continue
        for o in drawn_overlaps(session, settings, cid, r.area_km2, with_geometry=True):
            other = o["cpts"]["id"]
            key = (min(cid, other), max(cid, other))
            if key in pairs or not wanted(*key):
                continue
            pairs[key] = _pair(ref(key[0]), ref(key[1]), [], o["overlap_area_km2"],
                               o["population_affected"], "area_weighted", info, [],
                               o.get("geometry"))
            pairs[key].update(level=o["level"], shared_iris=o["shared_iris"])
    return [pairs[k] for k in sorted(pairs)]


def drawn_overlaps(session: Session, settings: Settings, cpts_id: int, area_km2: float | None,
                   with_geometry: bool = False) -> list[dict]:
    """``find_overlaps`` of a stored drawn CPTS against every other (empty without geometry)."""
    geom_hex = session.execute(
        text("SELECT encode(ST_AsEWKB(geom), 'hex') FROM cpts WHERE id = :id"),
        {"id": cpts_id}).scalar()
    if geom_hex is None:
        return []
    territory = Territory("drawn", geom_hex=geom_hex, area_km2=area_km2 or 0.0)
    territory.cut = drawn_cut(session, cpts_id)
    return find_overlaps(session, territory, settings, self_id=cpts_id,
                         with_geometry=with_geometry)


def _fold_iris(session: Session, pairs: dict, info, ref, wanted) -> None:
    """IRIS-level pairs (``iris_overlaps``) added to, or merged into, the commune pairs."""
    rows = [r for r in iris_pairs(session) if wanted(r.a_id, r.b_id)]
    arb = arbitrations_for(session, [c for r in rows for c in r.communes])
    for r in rows:
        key = (r.a_id, r.b_id)
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = _pair(ref(r.a_id), ref(r.b_id), [], 0.0, 0, "communes", info,
                                      [], None)
        both = [c for c in set(r.communes) | set(pair["shared_communes"])
                if {r.a_id, r.b_id} <= arb.get(c, set())]
        add_iris(pair, r.codes, r.population, r.area, r.communes, both)
        pair["share_of_a"] = ratio(pair["overlap_area_km2"], info[r.a_id].area_km2)
        pair["share_of_b"] = ratio(pair["overlap_area_km2"], info[r.b_id].area_km2)
        pair["geometry"] = units_geojson(session, pair["shared_communes"], r.codes)


def _pair(a: dict, b: dict, shared, area, population, method, info, arbitrated,
          geometry) -> dict:
    return {
        "a": a, "b": b,
        "shared_communes": shared,
        "overlap_area_km2": round(float(area), 4),
        "share_of_a": ratio(float(area), info[a["id"]].area_km2),
        "share_of_b": ratio(float(area), info[b["id"]].area_km2),
        "population_affected": int(round(float(population))),
        "population_method": method,
        "arbitrated": bool(shared) and len(arbitrated) == len(shared),
        "arbitrated_communes": arbitrated,
        "both_validated": {a["status"], b["status"]} <= set(VALIDATED_STATUSES),
        "level": "commune",
        "shared_iris": [],
        "geometry": geometry,
    }
