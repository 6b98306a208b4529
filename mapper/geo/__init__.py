"""Pure geometry for Carto CPTS: parse and check user GeoJSON, convert for PostGIS and the API.

No database, no Flask: callers hand in decoded JSON or shapely geometries and get shapely
geometries or a :class:`GeometryError` back, so this package is testable on its own.
"""

from .bounds import FRANCE_AREA, FRANCE_BOUNDS, in_france, points_in_france, region_of
from .convert import areal_part, from_wkb, polygons_of, to_ewkb_hex, to_geojson, to_multipolygon
from .errors import CODES, GeometryError
from .parse import ParsedGeometry, parse_areal

__all__ = [
    "CODES",
    "FRANCE_AREA",
    "FRANCE_BOUNDS",
    "GeometryError",
    "ParsedGeometry",
    "areal_part",
    "from_wkb",
    "in_france",
    "parse_areal",
    "points_in_france",
    "polygons_of",
    "region_of",
    "to_ewkb_hex",
    "to_geojson",
    "to_multipolygon",
]
