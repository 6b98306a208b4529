"""French words for what GEOS and the GeoJSON ``crs`` member say, and short renderings of
coordinates for error messages."""
from __future__ import annotations

import json
import re

# Names that mean "WGS84 longitude/latitude" in the old GeoJSON 2008 ``crs`` member. EPSG:4326 is
# formally lat/lon, but in GeoJSON it was always written lon/lat; a truly swapped file is caught
# by the swapped-coordinates check anyway.
WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "http://www.opengis.net/def/crs/ogc/1.3/crs84",
        "crs84",
        "epsg:4326",
        "urn:ogc:def:crs:epsg::4326",
        "http://www.opengis.net/def/crs/epsg/0/4326",
    }
)

_GEOS_REASONS = {
    "Self-intersection": "la géométrie se recoupe elle-même",
    "Ring Self-intersection": "un contour se recoupe lui-même",
    "Hole lies outside shell": "un trou est en dehors de son contour",
    "Nested holes": "des trous sont imbriqués",
    "Nested shells": "des polygones sont imbriqués l'un dans l'autre",
    "Interior is disconnected": "l'intérieur du polygone est coupé en morceaux",
    "Duplicate Rings": "un contour est répété",
    "Too few points": "un contour a trop peu de points distincts",
}
_LOCATION_RE = re.compile(r"\[\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\]")



def geos_problem(reason: str) -> tuple[str, tuple[float, float] | None]:
    """GEOS's ``is_valid_reason`` in French, and the (lon, lat) it names, if any."""
    match = _LOCATION_RE.search(reason)
    location = (float(match[1]), float(match[2])) if match else None
    return _GEOS_REASONS.get(reason.split("[", 1)[0].strip(), reason), location


def num(v: float) -> str:
    return f"{float(v):.6g}"


def short(v) -> str:
    text = json.dumps(v, default=repr) if not isinstance(v, float) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."
