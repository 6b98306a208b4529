"""Fixtures of the territory checker's tests: the page tests' world (tests/web/conftest.py) and
real Lambert-93 files made with pyproj from a commune polygon as the database holds it."""
from __future__ import annotations

import json

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from mapper.services.communes import communes_union_geojson

from tests.web.conftest import live_site, world  # noqa: F401  (fixtures shared with tests/web)

QGIS_CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}


def commune_geojson(session, *codes: str) -> dict:
    """The union of these communes' outlines, as the database holds them (WGS84)."""
    return communes_union_geojson(session, list(codes), precision=9)


def reproject(geometry: dict, target: str = "EPSG:2154") -> dict:
    """A WGS84 GeoJSON geometry in ``target`` (x, y = easting, northing), as QGIS writes it."""
    t = Transformer.from_crs("EPSG:4326", target, always_xy=True)
    geom = shapely.transform(shape(geometry),
                             lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    return json.loads(json.dumps(mapping(geom)))  # tuples -> lists


def qgis_file(geometry: dict, crs: dict | None = QGIS_CRS, name: str = "territoire") -> dict:
    """A FeatureCollection as QGIS exports one (``name``, ``crs`` at the top)."""
    fc = {"type": "FeatureCollection", "name": name,
          "features": [{"type": "Feature", "properties": {"nom": name}, "geometry": geometry}]}
    if crs is not None:
        fc["crs"] = crs
    return fc
