"""Reading the commune reference layer. PostgreSQL builds the GeoJSON: no per-row Python."""
from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..errors import NotFound

#: 6 decimals ≈ 0.1 m: more precision than the source data has.
_FEATURE = """
json_build_object(
  'type', 'Feature',
  'id', c.code,
  'geometry', CASE WHEN :with_geometry THEN ST_AsGeoJSON(c.geom, 6)::json END,
  'properties', json_build_object(
     'code', c.code, 'nom', c.name, 'kind', c.kind, 'parent', c.parent_code,
     'population', c.population, 'population_year', c.population_year,
     'departement', c.departement, 'region', c.region,
     'area_km2', round(c.area_km2::numeric, 3)))
"""


def communes_geojson(session: Session, *, departement: str | None = None,
                     region: str | None = None, q: str | None = None,
                     codes: list[str] | None = None, with_geometry: bool = True,
                     limit: int | None = None) -> str:
    """A FeatureCollection as JSON text, filtered; ordered by code (or by name for ``q``)."""
    where, params = ["TRUE"], {"with_geometry": with_geometry}
    if departement:
        where.append("c.departement = :departement")
        params["departement"] = departement
    if region:
        where.append("c.region = :region")
        params["region"] = region
    if codes:
        where.append("c.code = ANY(:codes)")
        params["codes"] = list(codes)
    order = "c.code"
    if q:
        where.append("(unaccent_lower(c.name) LIKE unaccent_lower(:q) || '%' OR c.code LIKE :q || '%')")
        params["q"] = q.strip()
        order = "c.kind, length(c.name), c.name"
    limit_sql = ""
    if limit:
        limit_sql = "LIMIT :limit"
        params["limit"] = limit
    sql = f"""
      SELECT json_build_object('type', 'FeatureCollection',
                               'features', coalesce(json_agg(f ORDER BY rn), '[]'::json))::text
      FROM (SELECT {_FEATURE} AS f, row_number() OVER (ORDER BY {order}) AS rn
            FROM commune c WHERE {' AND '.join(where)} ORDER BY {order} {limit_sql}) s
    """
    return session.execute(text(sql), params).scalar_one()


def commune_feature(session: Session, code: str) -> dict:
    row = session.execute(
        text(f"SELECT {_FEATURE}::text FROM commune c WHERE c.code = :code"),
        {"code": code, "with_geometry": True},
    ).scalar()
    if row is None:
        raise NotFound(f"Commune inconnue : {code}.")
    return json.loads(row)
