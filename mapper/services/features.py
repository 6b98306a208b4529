"""The one GeoJSON path: a layer (its rows, id, geometry and properties) and composable filters,
turned into an RFC 7946 FeatureCollection by PostgreSQL itself, as text.

Why PostgreSQL builds the JSON: a département of communes is megabytes of coordinates; building
it with ``json_build_object``/``json_agg`` and passing the text through avoids a Python object
per coordinate. Filters are small functions returning a ``Filter`` (an SQL condition on the
layer's alias and its parameters, pygeoapi's SQL-provider style); a ``None`` filter is no filter,
so callers write ``[equals("c.region", region), ...]`` without ifs. ``collection`` serves the
communes, CPTS, coverage and zones endpoints (and is what an OGC API Features collection needs:
bbox, limit, offset); ``collection_from`` wraps features built in Python (search results).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

#: 6 decimals ≈ 0.1 m: more precision than the source data has.
PRECISION = 6


@dataclass(frozen=True)
class Filter:
    """An SQL condition over a layer's alias, with its bound parameters."""

    sql: str
    params: dict = field(default_factory=dict)


#: Below this tolerance (degrees) simplifying changes nothing the output's 6 decimals show.
MIN_TOLERANCE = 10.0 ** -PRECISION


def simplified(sql: str, tolerance: float) -> str:
    """``sql`` simplified by Douglas-Peucker (``ST_Simplify``, PostGIS's own code: an order of
    magnitude faster than GEOS's ``ST_SimplifyPreserveTopology`` on territories), and by the
    topology-preserving GEOS one only where Douglas-Peucker made the geometry invalid (a ring
    crossing itself or a neighbour): outlines stay valid, and cheap in the common case."""
    return (f"(SELECT CASE WHEN ST_IsValid(_s) THEN _s ELSE "
            f"ST_SimplifyPreserveTopology({sql}, {tolerance!r}) END "
            f"FROM (SELECT ST_Simplify({sql}, {tolerance!r}, true) AS _s) _simplified)")


@dataclass(frozen=True)
class Output:
    """How geometries are written: simplified (``tolerance`` in degrees, before reprojection),
    reprojected by PostGIS to ``srid``, axes swapped (``flip``: EPSG:4326 is latitude first)
    and rounded to ``precision`` decimals. The default is RFC 7946 (CRS84, lon/lat)."""

    srid: int = 4326
    flip: bool = False
    tolerance: float | None = None
    precision: int = PRECISION
    #: Polygons always as MultiPolygons (one geometry type per layer, as GIS clients expect).
    multi: bool = False

    def geometry(self, sql: str) -> str:
        if self.tolerance and self.tolerance >= MIN_TOLERANCE:
            sql = simplified(sql, float(self.tolerance))
        if self.multi:
            sql = f"ST_Multi({sql})"
        if self.srid != 4326:
            sql = f"ST_Transform({sql}, {int(self.srid)})"
        return f"ST_FlipCoordinates({sql})" if self.flip else sql


@dataclass(frozen=True)
class Layer:
    """Rows that become features: ``source`` (a table or join with its alias), the SQL of the
    feature ``id`` and ``geometry`` (SRID 4326), ``properties`` as (name, SQL) pairs, the default
    ``order``, and an optional ``with_sql`` (a ``WITH …`` clause the source relies on)."""

    source: str
    id: str
    geometry: str
    properties: tuple[tuple[str, str], ...]
    order: str
    with_sql: str = ""
    #: ``ST_AsGeoJSON`` options when not its default (1: each geometry carries its ``bbox``).
    geojson_options: int | None = None

    def adding(self, *properties: tuple[str, str]) -> "Layer":
        return replace(self, properties=self.properties + tuple(properties))


def _param(prefix: str, column: str) -> str:
    """A stable parameter name for a filter on ``column`` (same SQL text on every call, so
    statements are cached and prepared)."""
    return f"{prefix}_{re.sub(r'[^a-z0-9]+', '_', column.lower()).strip('_')}"


# -- filters ---------------------------------------------------------------------------------

def equals(column: str, value) -> Filter | None:
    """``column = value``; no filter when ``value`` is None or empty."""
    if value in (None, ""):
        return None
    name = _param("eq", column)
    return Filter(f"{column} = :{name}", {name: value})


def any_of(column: str, values: Sequence | None) -> Filter | None:
    if not values:
        return None
    name = _param("any", column)
    return Filter(f"{column} = ANY(:{name})", {name: list(values)})


def name_or_code_prefix(name_column: str, code_column: str, q: str | None) -> Filter | None:
    """Accent- and case-insensitive start of a name, or start of a code (autocomplete)."""
    if not q:
        return None
    name = _param("q", name_column)
    return Filter(f"(unaccent_lower({name_column}) LIKE unaccent_lower(:{name}) || '%' "
                  f"OR {code_column} LIKE :{name} || '%')", {name: q.strip()})


def bbox(geometry: str, box: tuple[float, float, float, float] | None,
         srid: int = 4326) -> Filter | None:
    """Features whose geometry meets ``(minx, miny, maxx, maxy)`` (WGS84 lon/lat, or ``srid``'s
    easting/northing: the box is reprojected by PostGIS)."""
    if box is None:
        return None
    n = _param("bbox", geometry)
    envelope = f"ST_MakeEnvelope(:{n}_0, :{n}_1, :{n}_2, :{n}_3, {int(srid)})"
    if srid != 4326:
        envelope = f"ST_Transform({envelope}, 4326)"
    return Filter(f"{geometry} && {envelope}",
                  {f"{n}_{i}": float(v) for i, v in enumerate(box)})


def where(filters: Iterable[Filter | None]) -> tuple[str, dict]:
    """The AND of the filters given (``TRUE`` when none) and their parameters."""
    chosen = [f for f in filters if f is not None]
    params: dict = {}
    for f in chosen:
        for key, value in f.params.items():
            if key in params and params[key] != value:
                raise ValueError(f"two filters bind :{key} to different values")
            params[key] = value
    return " AND ".join(f"({f.sql})" for f in chosen) or "TRUE", params


# -- rendering -------------------------------------------------------------------------------

def feature_sql(layer: Layer, *, geometry: bool = True, precision: int = PRECISION,
                output: Output | None = None) -> str:
    """``json_build_object`` of one feature of the layer (geometry written as ``output``)."""
    output = output or Output(precision=precision)
    props = ", ".join(f"'{name}', {sql}" for name, sql in layer.properties)
    options = layer.geojson_options
    if options is None and output.srid != 4326:
        options = 0  # no ``crs`` member: the CRS is the request's (OGC Content-Crs)
    options = "" if options is None else f", {int(options)}"
    geom = (f"ST_AsGeoJSON({output.geometry(layer.geometry)}, {int(output.precision)}"
            f"{options})::json" if geometry else "NULL::json")
    return (f"json_build_object('type', 'Feature', 'id', {layer.id}, 'geometry', {geom}, "
            f"'properties', json_build_object({props}))")


def collection(session: Session, layer: Layer, filters: Iterable[Filter | None] = (), *,
               geometry: bool = True, order: str | None = None, limit: int | None = None,
               offset: int | None = None, params: dict | None = None,
               precision: int = PRECISION) -> str:
    """The FeatureCollection of the layer's rows matching every filter, as JSON text."""
    condition, bound = where(filters)
    bound.update(params or {})
    order = order or layer.order
    page = ""
    if limit is not None:
        page += " LIMIT :_limit"
        bound["_limit"] = int(limit)
    if offset:
        page += " OFFSET :_offset"
        bound["_offset"] = int(offset)
    sql = f"""{layer.with_sql}
      SELECT json_build_object('type', 'FeatureCollection',
                               'features', coalesce(json_agg(f ORDER BY rn), '[]'::json))::text
      FROM (SELECT {feature_sql(layer, geometry=geometry, precision=precision)} AS f,
                   row_number() OVER (ORDER BY {order}) AS rn
            FROM {layer.source} WHERE {condition} ORDER BY {order}{page}) s"""
    return session.execute(text(sql), bound).scalar_one()


def page(session: Session, layer: Layer, filters: Iterable[Filter | None], *, limit: int,
         offset: int = 0, output: Output | None = None, params: dict | None = None,
         members: dict | None = None) -> tuple[str, int]:
    """A page of the FeatureCollection (``members`` added at its top level, then
    ``numberReturned``) as JSON text, and the number of features in it (OGC API items).

    The page's ids are chosen first (``_page``), then only their features are written: the
    rows an ``offset`` skips never have their geometry turned into GeoJSON, so paging through
    a national layer costs each feature once. (The layer's ``id`` must identify its rows.)"""
    condition, bound = where(filters)
    bound.update(params or {}, _limit=int(limit), _offset=int(offset))
    prefix = f"{layer.with_sql}," if layer.with_sql.strip() else "WITH"
    sql = f"""{prefix} _page AS MATERIALIZED (
        SELECT {layer.id} AS _key, row_number() OVER (ORDER BY {layer.order}) AS _rn
        FROM {layer.source} WHERE {condition} ORDER BY {layer.order}
        LIMIT :_limit OFFSET :_offset)
      SELECT count(*), coalesce(json_agg({feature_sql(layer, output=output)}
                                         ORDER BY _page._rn), '[]'::json)::text
      FROM {layer.source} JOIN _page ON {layer.id} = _page._key"""
    returned, body = session.execute(text(sql), bound).one()
    head = dict(members or {}, numberReturned=returned)
    return ('{"type": "FeatureCollection", ' + json.dumps(head, ensure_ascii=False)[1:-1]
            + ', "features": ' + body + "}"), returned


def count(session: Session, layer: Layer, filters: Iterable[Filter | None], *,
          params: dict | None = None) -> int:
    """How many rows of the layer match the filters."""
    condition, bound = where(filters)
    bound.update(params or {})
    return session.execute(text(f"{layer.with_sql} SELECT count(*) FROM {layer.source} "
                                f"WHERE {condition}"), bound).scalar_one()


def feature(session: Session, layer: Layer, filters: Iterable[Filter | None], *,
            geometry: bool = True, params: dict | None = None,
            precision: int = PRECISION, output: Output | None = None) -> str | None:
    """The first feature matching the filters, as JSON text; None when there is none."""
    condition, bound = where(filters)
    bound.update(params or {})
    output = output or Output(precision=precision)
    sql = (f"{layer.with_sql} SELECT {feature_sql(layer, geometry=geometry, output=output)}"
           f"::text FROM {layer.source} WHERE {condition} LIMIT 1")
    return session.execute(text(sql), bound).scalar()


def collection_from(features: Iterable[dict]) -> dict:
    """A FeatureCollection of features built in Python (RFC 7946, no ``crs``)."""
    return {"type": "FeatureCollection", "features": list(features)}


def point_feature(id_, lon: float | None, lat: float | None, properties: dict) -> dict:
    """A Point feature (lon, lat), or a null geometry when the point is unknown."""
    geometry = None if lat is None or lon is None else {"type": "Point",
                                                         "coordinates": [lon, lat]}
    return {"type": "Feature", "id": id_, "geometry": geometry, "properties": properties}


def with_members(body: str, members: dict) -> str:
    """A JSON object's text (a feature PostgreSQL wrote) with ``members`` added at its end,
    without parsing it again (the OGC item's ``links``)."""
    if not members:
        return body
    head = body.rstrip()
    if not head.endswith("}"):
        raise ValueError("not a JSON object")
    inner = head[:-1].rstrip()
    sep = "" if inner.endswith("{") else ", "
    return inner + sep + json.dumps(members, ensure_ascii=False)[1:-1] + "}"


def loads(body: str | None):
    return None if body is None else json.loads(body)
