"""The overlapping pairs of CPTS as a map layer (OGC API – Features ``overlaps``).

The pairs come from ``pairs.overlap_pairs`` (the one definition of an overlap); PostgreSQL
turns them into features so that paging, bounding boxes, simplification and reprojection are
the same as for every other layer (``services.features``). A pair's geometry is the overlap
drawn (drawn territories, IRIS), else the union of the shared communes.
"""
from __future__ import annotations

import json

from sqlalchemy.orm import Session

from ...config import Settings
from ..features import Layer
from .pairs import overlap_pairs

_WITH = """WITH o AS MATERIALIZED (
  SELECT x.id, x.a_id, x.a_name, x.a_status, x.b_id, x.b_name, x.b_status, x.region,
         x.shared_communes, x.overlap_area_km2, x.population_affected, x.both_validated,
         x.level,
         coalesce(ST_SetSRID(ST_GeomFromGeoJSON(x.geometry), 4326),
                  (SELECT ST_Multi(ST_Union(c.geom)) FROM commune c
                   WHERE c.code = ANY(x.shared_communes))) AS geom
  FROM json_to_recordset(CAST(:overlap_pairs AS json)) AS x(
    id text, a_id int, a_name text, a_status text, b_id int, b_name text, b_status text,
    region text, shared_communes text[], overlap_area_km2 float8, population_affected int,
    both_validated boolean, level text, geometry text))"""

OVERLAPS = Layer(
    source="o", id="o.id", geometry="o.geom", order="o.id", with_sql=_WITH,
    properties=tuple((name, f"o.{name}") for name in (
        "a_id", "a_name", "a_status", "b_id", "b_name", "b_status", "shared_communes",
        "overlap_area_km2", "population_affected", "both_validated", "level")))


def overlaps_layer(session: Session, settings: Settings,
                   region: str | None = None) -> tuple[Layer, dict]:
    """The layer of the overlapping pairs (of ``region``: either side in it) and its
    parameters; a pair's id is ``<a>-<b>`` (the two CPTS ids, smaller first)."""
    rows = [{
        "id": f"{p['a']['id']}-{p['b']['id']}", "a_id": p["a"]["id"], "a_name": p["a"]["name"],
        "a_status": p["a"]["status"], "b_id": p["b"]["id"], "b_name": p["b"]["name"],
        "b_status": p["b"]["status"], "region": p["a"]["region"],
        "shared_communes": p["shared_communes"], "overlap_area_km2": p["overlap_area_km2"],
        "population_affected": p["population_affected"],
        "both_validated": p["both_validated"], "level": p["level"],
        "geometry": None if p["geometry"] is None else json.dumps(p["geometry"]),
    } for p in overlap_pairs(session, settings, region=region)]
    return OVERLAPS, {"overlap_pairs": json.dumps(rows)}
